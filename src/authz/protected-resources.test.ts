import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protectionFor } from './protected-resources.ts';
import { PROTECTED_RESOURCES } from './service-rules.ts';
import { errorRegistry } from '../protocol/errors.ts';
import type { ServiceName } from '../protocol/model.ts';

const slr = 'arn:aws:iam::111122223333:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch';

test("a service-linked role can't be changed, whatever the action's policies say", () => {
  for (const action of ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary']) {
    const found = protectionFor(action, slr);
    assert.equal(found?.rule.error.code, 'UnmodifiableEntity', action);
    assert.equal(found?.message, "Cannot perform the operation on the protected role 'AWSServiceRoleForBatch' - this role is only modifiable by AWS");
  }
  // Reading it, tagging it, or editing its description is allowed.
  for (const action of ['iam:GetRole', 'iam:TagRole', 'iam:UpdateRoleDescription', 'iam:ListRolePolicies']) assert.equal(protectionFor(action, slr), undefined, action);
  // A customer role of the same name elsewhere is not protected.
  assert.equal(protectionFor('iam:DeleteRole', 'arn:aws:iam::111122223333:role/AWSServiceRoleForBatch'), undefined);
  assert.equal(protectionFor('iam:DeleteRole', 'arn:aws:iam::111122223333:role/team/aws-service-role/x'), undefined);
});

test('AWS managed policies cannot be changed; customer policies can', () => {
  const managed = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  assert.equal(protectionFor('iam:CreatePolicyVersion', managed)?.message, `Policy ${managed} is an AWS managed policy and cannot be modified.`);
  assert.equal(protectionFor('iam:DeletePolicy', 'arn:aws:iam::aws:policy/aws-service-role/BatchServiceRolePolicy')?.rule.error.code, 'InvalidInput');
  assert.equal(protectionFor('iam:CreatePolicyVersion', 'arn:aws:iam::111122223333:policy/ReadOnlyAccess'), undefined);
  assert.equal(protectionFor('iam:GetPolicy', managed), undefined);
});

test('hostile resource strings find no rule and cost nothing', () => {
  for (const resource of ['', '*', 'arn:', 'arn:aws', 'arn:aws:iam', 'arn:aws:iam::', `arn:${':'.repeat(100_000)}`, 'x'.repeat(100_000)]) {
    assert.equal(protectionFor('iam:DeleteRole', resource), undefined);
  }
});

test("every rule's error is one its service declares", () => {
  for (const rule of PROTECTED_RESOURCES) {
    assert.ok(errorRegistry(rule.service as ServiceName).has(rule.error.code), `${rule.service} ${rule.error.code}`);
  }
});
