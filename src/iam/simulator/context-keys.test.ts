import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, type CompiledPolicy } from '../../policy/index.ts';
import { contextKeysOf } from './context-keys.ts';

function compiled(document: object): CompiledPolicy {
  const result = compilePolicy(JSON.stringify(document), 'identity');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.policy;
}

test("AWS's example: a variable in Resource, then a condition key, as written", () => {
  const policy = compiled({
    Version: '2012-10-17',
    Statement: {
      Effect: 'Allow',
      Action: 'dynamodb:*',
      Resource: 'arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}',
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2015-08-16T12:00:00Z' } },
    },
  });
  assert.deepEqual(contextKeysOf([policy]), ['aws:username', 'aws:CurrentTime']);
});

test('keys from every statement and policy, once each regardless of case, variables in condition values too', () => {
  const a = compiled({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 's3:prefix': '${aws:PrincipalTag/team}' } } },
      { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::${aws:userid}/*', Condition: { Bool: { 'AWS:SecureTransport': 'false' } } },
    ],
  });
  const b = compiled({
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { IpAddress: { 'aws:sourceip': '10.0.0.0/8' }, Bool: { 'aws:securetransport': 'true' } } },
  });
  assert.deepEqual(contextKeysOf([a, b]), ['s3:prefix', 'aws:PrincipalTag/team', 'aws:userid', 'AWS:SecureTransport', 'aws:sourceip']);
});

test('without Version 2012-10-17, ${…} is literal text and names no key', () => {
  const policy = compiled({ Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::${aws:username}' } });
  assert.deepEqual(contextKeysOf([policy]), []);
});
