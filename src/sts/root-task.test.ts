import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AwsManagedCatalog, type AwsManagedPolicy } from '../iam/policies/aws-managed.ts';
import { rootTaskPolicyArn, rootTaskPolicyNames, targetAccountOf } from './root-task.ts';

function policy(name: string, path: string): AwsManagedPolicy {
  return {
    name, path, arn: `arn:aws:iam::aws:policy${path}${name}`, id: `ANPA${name.toUpperCase()}`, createDate: '2024-11-06T21:51:02Z', updateDate: '2024-11-06T21:51:02Z',
    defaultVersionId: 'v1', defaultDocument: '{"Version":"2012-10-17","Statement":[]}', versions: [{ id: 'v1', createDate: '2024-11-06T21:51:02Z' }],
  };
}

const catalog = new AwsManagedCatalog([
  policy('S3UnlockBucketPolicy', '/root-task/'),
  policy('IAMAuditRootUserCredentials', '/root-task/'),
  policy('AdministratorAccess', '/'),
]);

test('TargetPrincipal: an account ID or its root user ARN names the account; nothing else does', () => {
  assert.equal(targetAccountOf('111122223333'), '111122223333');
  assert.equal(targetAccountOf('arn:aws:iam::111122223333:root'), '111122223333');
  for (const other of ['11112222333', '1111222233334', 'arn:aws:iam::111122223333:user/root', 'arn:aws:iam::111122223333:root ', 'arn:aws-cn:iam::111122223333:root', 'arn:aws:sts::111122223333:root', '１１１１２２２２３３３３']) {
    assert.equal(targetAccountOf(other), undefined, other);
  }
});

test('TaskPolicyArn: only AWS managed policies under /root-task/, as the catalog spells them', () => {
  assert.equal(rootTaskPolicyArn(catalog, 'arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy'), 'arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy');
  // Names match in any case (as IAM's do); the catalog's spelling is what the session keeps.
  assert.equal(rootTaskPolicyArn(catalog, 'arn:aws:iam::aws:policy/root-task/s3unlockbucketpolicy'), 'arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy');
  for (const arn of [
    undefined,
    'arn:aws:iam::aws:policy/AdministratorAccess',
    'arn:aws:iam::aws:policy/root-task/AdministratorAccess',
    'arn:aws:iam::aws:policy/S3UnlockBucketPolicy',
    'arn:aws:iam::aws:policy/root-task/Unknown',
    'arn:aws:iam::111122223333:policy/root-task/S3UnlockBucketPolicy',
    'arn:aws:iam::aws:policy/Root-Task/S3UnlockBucketPolicy',
  ]) {
    assert.equal(rootTaskPolicyArn(catalog, arn), undefined, String(arn));
  }
  assert.deepEqual(rootTaskPolicyNames(catalog), ['IAMAuditRootUserCredentials', 'S3UnlockBucketPolicy']);
});
