import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalFromArn } from './principal-arn.ts';

describe('principalFromArn', () => {
  it('derives the caller kind from the ARN', () => {
    assert.deepEqual(principalFromArn('arn:aws:iam::111122223333:root'), {
      kind: 'root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', partition: 'aws',
    });
    assert.equal(principalFromArn('arn:aws:iam::111122223333:user/a/b/alice')?.name, 'alice');
    const session = principalFromArn('arn:aws:sts::111122223333:assumed-role/Admin/s1');
    assert.equal(session?.kind, 'role-session');
    assert.equal(session?.roleArn, 'arn:aws:iam::111122223333:role/Admin');
    assert.equal(session?.sessionName, 's1');
    assert.equal(principalFromArn('arn:aws:sts::111122223333:federated-user/bob')?.kind, 'federated-user');
    assert.equal(principalFromArn('arn:aws:iam::111122223333:saml-provider/Okta')?.kind, 'web-identity');
    assert.equal(principalFromArn('ec2.amazonaws.com')?.kind, 'service');
    assert.equal(principalFromArn('*')?.kind, 'anonymous');
    assert.equal(principalFromArn('anonymous')?.kind, 'anonymous');
    assert.equal(principalFromArn('111122223333')?.kind, 'root');
    assert.equal(principalFromArn('arn:aws-cn:iam::111122223333:user/x')?.partition, 'aws-cn');
  });

  it('rejects what is not a caller', () => {
    for (const bad of ['', 'alice', 'arn:aws:s3:::bucket', 'arn:aws:iam::12:user/x', 'arn:aws:iam::111122223333:group/g']) {
      assert.equal(principalFromArn(bad), null, bad);
    }
  });
});
