import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { grantStatements, keyPolicyWithGrants } from './kms-grants.ts';

describe('KMS grants as key policy statements', () => {
  test('a grant allows its grantee its operations; the retiring principal RetireGrant', () => {
    assert.deepEqual(grantStatements({ GrantId: 'g1', GranteePrincipal: 'arn:aws:iam::111122223333:role/app', RetiringPrincipal: '111122223333', Operations: ['Encrypt', 'DescribeKey'] }), [
      { Sid: 'Grant:g1', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/app' }, Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' },
      { Sid: 'GrantRetiree:g1', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:RetireGrant', Resource: '*' },
    ]);
  });

  test('constraints become conditions on the encryption context, and keep only the operations that take one', () => {
    const [statement] = grantStatements({ GrantId: 'g2', GranteePrincipal: 'logs.us-east-1.amazonaws.com', Operations: ['Decrypt', 'DescribeKey'], Constraints: { EncryptionContextEquals: { a: '1' } } });
    assert.deepEqual(statement, {
      Sid: 'Grant:g2',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:a': '1' }, 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['a'] } },
    });
  });

  test('what is not a grant allows nothing', () => {
    for (const junk of [null, 'x', [], {}, { GranteePrincipal: 'not a principal', Operations: ['Encrypt'] }, { GranteePrincipal: '111122223333', Operations: 'Encrypt' }]) {
      assert.deepEqual(grantStatements(junk), [], JSON.stringify(junk));
    }
  });

  test('statements are appended to the key policy; a policy that is not a JSON object is left as it is', () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' } });
    const merged = JSON.parse(keyPolicyWithGrants(policy, [{ GrantId: 'g', GranteePrincipal: '444455556666', Operations: ['Encrypt'] }])) as { Statement: unknown[] };
    assert.equal(merged.Statement.length, 2);
    assert.equal(keyPolicyWithGrants('not json', [{ GrantId: 'g', GranteePrincipal: '444455556666', Operations: ['Encrypt'] }]), 'not json');
    assert.equal(keyPolicyWithGrants(policy, []), policy);
  });
});
