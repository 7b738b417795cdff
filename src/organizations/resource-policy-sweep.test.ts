import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../protocol/errors.ts';
import { assertValidDelegationPolicy } from './resource-policy.ts';

/** The delegation policy's content rules (PutResourcePolicy), with the model's InvalidInputException reasons. */
const policy = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Resource: '*', ...statement }] });

function reasonOf(content: string): string | undefined {
  try {
    assertValidDelegationPolicy(content);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    assert.equal(err.code, 'InvalidInputException');
    return err.fields['Reason'];
  }
}

test('supported Organizations actions, named or by wildcard, in any case', () => {
  for (const action of ['organizations:ListAccounts', ['organizations:DescribeOrganization', 'organizations:CreatePolicy'], 'organizations:List*', 'Organizations:describepolicy', 'organizations:*']) {
    assert.equal(reasonOf(policy({ Action: action })), undefined, JSON.stringify(action));
  }
  assert.equal(reasonOf(policy({ NotAction: 'organizations:ListAccounts' })), undefined);
});

test('actions a delegation policy cannot grant: another service, a management-only operation, everything', () => {
  for (const action of ['s3:GetObject', 'organizations:CloseAccount', 'organizations:PutResourcePolicy', 'organizations:CreateAccount', '*', ['organizations:ListRoots', 'iam:*']]) {
    assert.equal(reasonOf(policy({ Action: action })), 'UNSUPPORTED_ACTION_IN_RESOURCE_POLICY', JSON.stringify(action));
  }
});

test('not a resource policy: no principal, a bad one, not JSON, not a policy', () => {
  assert.equal(reasonOf(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'organizations:ListRoots', Resource: '*' }] })), 'INVALID_PRINCIPAL');
  assert.equal(reasonOf(policy({ Principal: { AWS: 'not-an-account' }, Action: 'organizations:ListRoots' })), 'INVALID_PRINCIPAL');
  assert.equal(reasonOf('{"Version": "2012-10-17", "Statement": ['), 'INVALID_RESOURCE_POLICY_JSON');
  assert.equal(reasonOf('[]'), 'INVALID_RESOURCE_POLICY_JSON');
});
