import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertValidTrustPolicy, encodePolicyDocument } from './trust-policy.ts';
import { ServiceError } from '../../protocol/errors.ts';

const trust = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

function refusal(text: string): { code: string; message: string } {
  try {
    assertValidTrustPolicy(text);
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return { code: err.code, message: err.message };
  }
  throw new Error('expected the trust policy to be refused');
}

test('a service trust policy is accepted', () => {
  assert.doesNotThrow(() => assertValidTrustPolicy(trust({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' })));
});

test('refusals carry AWS codes and texts', () => {
  assert.deepEqual(refusal('{not json'), { code: 'MalformedPolicyDocument', message: 'This policy contains invalid Json' });
  assert.deepEqual(refusal('[]'), { code: 'MalformedPolicyDocument', message: 'Syntax errors in policy.' });
  assert.deepEqual(refusal(trust({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 's3:GetObject' })), {
    code: 'MalformedPolicyDocument',
    message: 'AssumeRole policy may only specify STS AssumeRole actions.',
  });
  assert.deepEqual(refusal(trust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Resource: '*' })), {
    code: 'MalformedPolicyDocument',
    message: 'Has prohibited field Resource',
  });
  const big = trust({ Effect: 'Allow', Principal: { AWS: Array.from({ length: 80 }, (_, i) => `arn:aws:iam::1234567890${String(i).padStart(2, '0')}:root`) }, Action: 'sts:AssumeRole' });
  assert.deepEqual(refusal(big), { code: 'LimitExceeded', message: 'Cannot exceed quota for ACLSizePerRole: 2048' });
});

test('NotPrincipal is refused in a trust policy, with Allow or Deny', () => {
  for (const Effect of ['Allow', 'Deny']) {
    assert.deepEqual(refusal(trust({ Effect, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' })), {
      code: 'MalformedPolicyDocument',
      message: 'Has prohibited field NotPrincipal',
    }, Effect);
  }
});

test('documents are percent-encoded as IAM encodes them, and decode back unchanged', () => {
  const text = '{"Version": "2012-10-17",\n "Statement": [{"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Sid": "a(b)!\'~é"}]}';
  const encoded = encodePolicyDocument(text);
  assert.match(encoded, /^[A-Za-z0-9\-_.~%]+$/);
  assert.ok(encoded.includes('%22AWS%22%3A%20%22%2A%22'), encoded);
  assert.ok(encoded.startsWith('%7B%22Version%22%3A%20%222012-10-17%22%2C%0A'));
  assert.equal(decodeURIComponent(encoded), text);
});
