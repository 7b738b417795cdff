import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertValidPolicyContent } from './policy-content.ts';

const rcp = (statement: Record<string, unknown>, extra: Record<string, unknown> = { Version: '2012-10-17' }) =>
  JSON.stringify({ ...extra, Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', ...statement }] });

function refusal(type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY', content: string): string {
  try {
    assertValidPolicyContent(type, content);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}

const SENTENCE = 'The provided policy document does not meet the requirements of the specified policy type.';

test("MalformedPolicyDocumentException opens with AWS's recorded sentence", () => {
  assert.ok(refusal('SERVICE_CONTROL_POLICY', '{"Statement": [').startsWith(SENTENCE));
});

test('RCPs: the elements and services of AWS\'s RCP syntax only', () => {
  assert.equal(refusal('RESOURCE_CONTROL_POLICY', rcp({})), 'accepted');
  assert.equal(refusal('RESOURCE_CONTROL_POLICY', rcp({ Action: ['sqs:*', 'KMS:Decrypt', 'secretsmanager:GetSecretValue', 'sts:AssumeRole', '*'] })), 'accepted');
  assert.equal(refusal('RESOURCE_CONTROL_POLICY', rcp({}, {})), `${SENTENCE} Resource control policies must specify "Version": "2012-10-17".`);
  assert.equal(refusal('RESOURCE_CONTROL_POLICY', rcp({}, { Version: '2008-10-17' })), `${SENTENCE} Resource control policies must specify "Version": "2012-10-17".`);
  assert.equal(refusal('RESOURCE_CONTROL_POLICY', rcp({ Principal: { AWS: '*' } })), `${SENTENCE} Resource control policies must specify "Principal": "*".`);
  assert.match(refusal('RESOURCE_CONTROL_POLICY', rcp({ Action: ['s3:GetObject', 'ec2:RunInstances'] })), /do not support the action ec2:RunInstances/);
  assert.match(refusal('RESOURCE_CONTROL_POLICY', rcp({ Action: 'iam:CreateUser' })), /do not support the action iam:CreateUser/);
  assert.match(refusal('RESOURCE_CONTROL_POLICY', rcp({ Action: 's*:*' })), /do not support the action s\*:\*/);
  const notPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: '*' }, Action: 's3:*', Resource: '*' }] });
  assert.equal(refusal('RESOURCE_CONTROL_POLICY', notPrincipal), `${SENTENCE} Resource control policies do not support NotPrincipal.`);
});

test('SCPs keep the whole IAM grammar: any service, no Version needed', () => {
  assert.equal(refusal('SERVICE_CONTROL_POLICY', JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }] })), 'accepted');
});
