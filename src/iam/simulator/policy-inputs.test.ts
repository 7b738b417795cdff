import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../protocol/errors.ts';
import { compileInputList, compileResourcePolicy } from './policy-inputs.ts';

function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return { code: err.code, message: err.message };
  }
  assert.fail('expected an error');
}

test('input lists are numbered from 1 and report the source type none', () => {
  const policies = compileInputList(['{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}', '{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}'], 'PolicyInputList');
  assert.deepEqual(policies.map((p) => [p.sourceId, p.sourceType, p.policy.kind]), [['PolicyInputList.1', 'none', 'identity'], ['PolicyInputList.2', 'none', 'identity']]);
});

test('the first validation error is the MalformedPolicyDocument message', () => {
  assert.deepEqual(failure(() => compileInputList(['{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}'], 'PolicyInputList')), {
    code: 'MalformedPolicyDocument',
    message: 'Policy statement must contain actions.',
  });
  assert.equal(failure(() => compileInputList(['{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}'], 'PermissionsBoundaryPolicyInputList')).code, 'InvalidInput');
});

test('size quotas do not apply: nothing is stored', () => {
  const many = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`);
  const text = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: many } });
  assert.ok(text.length > 6144);
  assert.equal(compileInputList([text], 'PolicyInputList')[0]?.policy.statements.length, 1);
});

test('a resource policy, or a role trust policy in its place', () => {
  const bucket = compileResourcePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}');
  assert.deepEqual([bucket.sourceId, bucket.sourceType, bucket.policy.kind], ['ResourcePolicy', 'resource', 'resource']);
  const trust = compileResourcePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}');
  assert.equal(trust.policy.kind, 'trust');
  assert.deepEqual(failure(() => compileResourcePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}')), {
    code: 'MalformedPolicyDocument',
    message: 'Missing required field Principal',
  });
});
