import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsOwnership, isAwsManagedPolicyArn, parsePolicyArn, policyArn } from './records.ts';
import { encodePolicyDocument, policyCharacterCount } from './document.ts';

test('managed policy ARNs: customer and AWS managed, with paths; anything else is not one', () => {
  assert.deepEqual(parsePolicyArn('arn:aws:iam::123456789012:policy/Reader'), { owner: '123456789012', path: '/', name: 'Reader' });
  assert.deepEqual(parsePolicyArn('arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM'), { owner: 'aws', path: '/service-role/', name: 'AmazonEC2RoleforSSM' });
  assert.deepEqual(parsePolicyArn('arn:aws:iam::123456789012:policy/a/b/c'), { owner: '123456789012', path: '/a/b/', name: 'c' });
  for (const bad of ['arn:aws:iam::123456789012:role/Reader', 'arn:aws:iam::12345:policy/x', 'arn:aws:iam::aws:policy/', 'arn:aws:iam::aws:policy/a//b', 'Reader']) {
    assert.equal(parsePolicyArn(bad), undefined, bad);
  }
  assert.equal(policyArn('123456789012', '/team/', 'Reader'), 'arn:aws:iam::123456789012:policy/team/Reader');
});

test('AWS managed policy ARNs are AWS-owned authorization targets; customer policies and other ARNs are not', () => {
  for (const arn of ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM', 'arn:aws:iam::aws:policy/NoSuchAwsPolicy']) {
    assert.equal(isAwsManagedPolicyArn(arn), true, arn);
    assert.deepEqual(awsOwnership(arn), { awsOwned: true }, arn);
  }
  for (const arn of ['arn:aws:iam::123456789012:policy/ReadOnlyAccess', 'arn:aws:iam::aws:role/x', 'arn:aws:iam::aws:contextProvider/IdentityCenter', 'arn:aws-cn:iam::aws:policy/ReadOnlyAccess', '*', '']) {
    assert.equal(isAwsManagedPolicyArn(arn), false, arn);
    assert.deepEqual(awsOwnership(arn), {}, arn);
  }
});

test('documents are percent-encoded as IAM sends them, and sized without white space', () => {
  assert.equal(encodePolicyDocument('{"Action": "s3:*"}'), '%7B%22Action%22%3A%20%22s3%3A%2A%22%7D');
  assert.equal(encodePolicyDocument("a!'()~-_.b"), 'a%21%27%28%29~-_.b');
  assert.equal(decodeURIComponent(encodePolicyDocument('{"k":"é ☃"}')), '{"k":"é ☃"}');
  assert.equal(policyCharacterCount('{ "a" :\n\t"b c" }\r\n'), 10, 'the space inside the string does not count either');
});
