import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lambdaPolicyAsAws } from './lambda-policy.ts';

const statement = (principal: unknown) => JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: [{ Sid: 's', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:111111111111:function:f', Principal: principal }] });
const principalOf = (text: string) => (JSON.parse(text) as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal;

test('an account ID written by AddPermission is the account root, as Lambda stores it', () => {
  assert.deepEqual(principalOf(lambdaPolicyAsAws(statement('222222222222'))), { AWS: 'arn:aws:iam::222222222222:root' });
});

test('an IAM ARN and a service principal get their object form', () => {
  assert.deepEqual(principalOf(lambdaPolicyAsAws(statement('arn:aws:iam::222222222222:user/u'))), { AWS: 'arn:aws:iam::222222222222:user/u' });
  assert.deepEqual(principalOf(lambdaPolicyAsAws(statement('s3.amazonaws.com'))), { Service: 's3.amazonaws.com' });
});

test('"*", object principals, unknown strings and non-policies are left as they are', () => {
  for (const text of [statement('*'), statement({ AWS: 'arn:aws:iam::222222222222:root' }), statement('someone'), 'not json', '{"Statement":1}']) {
    assert.equal(lambdaPolicyAsAws(text), text);
  }
});
