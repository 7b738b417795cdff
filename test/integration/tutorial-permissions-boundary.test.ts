// The IAM User Guide's "Permissions boundaries for IAM entities", step by step with the aws CLI
// against Tessera in front of moto: Shirley's boundary, then "Delegating responsibility to others
// using permissions boundaries" — María (the account's administrator) creates XCompanyBoundaries,
// DelegatedUserBoundary and DelegatedUserPermissions and gives Zhang user creation; Zhang creates
// Nikhil, who works within XCompanyBoundaries. Every statement's effect is checked with AWS's
// error code and text. The guide's S3 bucket "ZhangBucket" is spelled "zhang-bucket" (S3 names are
// lower case), and its NoBoundaryPolicyEdit statement names the account's own ARNs (the guide
// mixes 111122223333 and 123456789012).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

const doc = (statement: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('tutorial: permissions boundaries', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let account: string;
  let maria: Credentials;
  const arn = (kind: string, name: string) => `arn:aws:iam::${account}:${kind}/${name}`;

  async function ok(args: string[], who: Credentials): Promise<any> {
    const out = await env.cli(args, who);
    assert.equal(out.code, 0, `aws ${args.join(' ')}: ${out.stderr}`);
    return out.stdout.trim().startsWith('{') ? JSON.parse(out.stdout) : out.stdout;
  }
  async function fails(args: string[], who: Credentials): Promise<{ code: string; message: string }> {
    const out = await env.cli(args, who);
    assert.notEqual(out.code, 0, `aws ${args.join(' ')} succeeded: ${out.stdout}`);
    return cliError(out.stderr);
  }
  /** AWS's refusal text for an IAM user of this account. */
  const refusal = (user: string, action: string, resource: string, reason: string) =>
    ({ code: 'AccessDenied', message: `User: ${arn('user', user)} is not authorized to perform: ${action} on resource: ${resource} ${reason}` });
  async function keys(userName: string, who: Credentials): Promise<Credentials> {
    const key = (await ok(['iam', 'create-access-key', '--user-name', userName], who)).AccessKey;
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    maria = env.server.root;
    for (const bucket of ['zhang-bucket', 'logs', 'nikhil-bucket']) {
      await ok(['s3api', 'create-bucket', '--bucket', bucket], maria);
      await ok(['s3api', 'put-object', '--bucket', bucket, '--key', 'readme.txt', '--body', '/etc/hostname'], maria);
    }
  });
  after(() => env?.stop());

  test('Shirley: a boundary of S3, CloudWatch and EC2 makes an identity policy allowing iam:CreateUser grant nothing', async () => {
    await ok(['iam', 'create-policy', '--policy-name', 'ShirleyBoundary', '--policy-document', doc([{ Effect: 'Allow', Action: ['s3:*', 'cloudwatch:*', 'ec2:*'], Resource: '*' }])], maria);
    await ok(['iam', 'create-user', '--user-name', 'Shirley', '--permissions-boundary', arn('policy', 'ShirleyBoundary')], maria);
    await ok(['iam', 'put-user-policy', '--user-name', 'Shirley', '--policy-name', 'create-users', '--policy-document', doc({ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' })], maria);
    const shirley = await keys('Shirley', maria);
    assert.deepEqual(await fails(['iam', 'create-user', '--user-name', 'Someone'], shirley),
      refusal('Shirley', 'iam:CreateUser', arn('user', 'Someone'), 'because no permissions boundary allows the iam:CreateUser action'));
    // S3 is inside the boundary, but no identity policy allows it.
    assert.deepEqual(await fails(['s3', 'ls', 's3://zhang-bucket'], shirley),
      { code: 'AccessDenied', message: `User: ${arn('user', 'Shirley')} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::zhang-bucket" because no identity-based policy allows the s3:ListBucket action` });
  });

  describe('Delegating responsibility to others using permissions boundaries', () => {
    let zhang: Credentials;
    let nikhil: Credentials;

    test('Tasks 1–3: María creates XCompanyBoundaries, DelegatedUserBoundary (Zhang\'s boundary) and DelegatedUserPermissions', async () => {
      await ok(['iam', 'create-policy', '--policy-name', 'XCompanyBoundaries', '--policy-document', doc([
        { Sid: 'ServiceBoundaries', Effect: 'Allow', Action: ['s3:*', 'cloudwatch:*', 'ec2:*', 'dynamodb:*'], Resource: '*' },
        { Sid: 'AllowIAMConsoleForCredentials', Effect: 'Allow', Action: ['iam:ListUsers', 'iam:GetAccountPasswordPolicy'], Resource: '*' },
        { Sid: 'AllowManageOwnPasswordAndAccessKeys', Effect: 'Allow', Action: ['iam:*AccessKey*', 'iam:ChangePassword', 'iam:GetUser', 'iam:*ServiceSpecificCredential*', 'iam:*SigningCertificate*'], Resource: ['arn:aws:iam::*:user/${aws:username}'] },
        { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'] },
        { Sid: 'DenyEC2Production', Effect: 'Deny', Action: 'ec2:*', Resource: 'arn:aws:ec2:*:*:instance/i-1234567890abcdef0' },
      ])], maria);
      await ok(['iam', 'create-policy', '--policy-name', 'DelegatedUserBoundary', '--policy-document', doc([
        {
          Sid: 'CreateOrChangeOnlyWithBoundary', Effect: 'Allow',
          Action: ['iam:CreateUser', 'iam:DeleteUserPolicy', 'iam:AttachUserPolicy', 'iam:DetachUserPolicy', 'iam:PutUserPermissionsBoundary', 'iam:PutUserPolicy'],
          Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': arn('policy', 'XCompanyBoundaries') } },
        },
        {
          Sid: 'CloudWatchAndOtherIAMTasks', Effect: 'Allow',
          Action: ['cloudwatch:*', 'iam:GetUser', 'iam:ListUsers', 'iam:DeleteUser', 'iam:UpdateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:GetAccountPasswordPolicy', 'iam:GetLoginProfile', 'iam:*Group*', 'iam:CreatePolicy', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:GetUserPolicy', 'iam:GetRolePolicy', 'iam:ListPolicies', 'iam:ListPolicyVersions', 'iam:ListEntitiesForPolicy', 'iam:ListUserPolicies', 'iam:ListAttachedUserPolicies', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:SetDefaultPolicyVersion', 'iam:SimulatePrincipalPolicy', 'iam:SimulateCustomPolicy'],
          Resource: '*',
        },
        { Sid: 'NoBoundaryPolicyEdit', Effect: 'Deny', Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'], Resource: [arn('policy', 'XCompanyBoundaries'), arn('policy', 'DelegatedUserBoundary')] },
        { Sid: 'NoBoundaryUserDelete', Effect: 'Deny', Action: 'iam:DeleteUserPermissionsBoundary', Resource: '*' },
      ])], maria);
      await ok(['iam', 'create-policy', '--policy-name', 'DelegatedUserPermissions', '--policy-document', doc([
        { Sid: 'IAM', Effect: 'Allow', Action: 'iam:*', Resource: '*' },
        { Sid: 'CloudWatchLimited', Effect: 'Allow', Action: ['cloudwatch:GetDashboard', 'cloudwatch:GetMetricData', 'cloudwatch:ListDashboards', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics'], Resource: '*' },
        { Sid: 'S3BucketContents', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::zhang-bucket' },
      ])], maria);
      await ok(['iam', 'create-user', '--user-name', 'Zhang'], maria);
      await ok(['iam', 'put-user-permissions-boundary', '--user-name', 'Zhang', '--permissions-boundary', arn('policy', 'DelegatedUserBoundary')], maria);
      await ok(['iam', 'attach-user-policy', '--user-name', 'Zhang', '--policy-arn', arn('policy', 'DelegatedUserPermissions')], maria);
      const user = await ok(['iam', 'get-user', '--user-name', 'Zhang'], maria);
      assert.deepEqual(user.User.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn('policy', 'DelegatedUserBoundary') });
      zhang = await keys('Zhang', maria);
    });

    test('Zhang\'s own permissions: IAM within his boundary; S3BucketContents grants nothing because his boundary allows no S3 action', async () => {
      const self = await ok(['iam', 'get-user'], zhang);
      assert.equal(self.User.UserName, 'Zhang');
      await ok(['iam', 'list-users'], zhang);
      await ok(['iam', 'list-policies', '--scope', 'Local'], zhang);
      // Allowed by his identity policy (S3BucketContents), outside his boundary.
      assert.deepEqual(await fails(['s3', 'ls', 's3://zhang-bucket'], zhang),
        { code: 'AccessDenied', message: `User: ${arn('user', 'Zhang')} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::zhang-bucket" because no permissions boundary allows the s3:ListBucket action` });
      // iam:* in his identity policy, but nothing in the boundary allows roles.
      assert.deepEqual(await fails(['iam', 'create-role', '--role-name', 'escape', '--assume-role-policy-document', doc({ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole' })], zhang),
        refusal('Zhang', 'iam:CreateRole', arn('role', 'escape'), 'because no permissions boundary allows the iam:CreateRole action'));
    });

    test('Task 4: creating Nikhil without the boundary is refused; with XCompanyBoundaries it succeeds', async () => {
      assert.deepEqual(await fails(['iam', 'create-user', '--user-name', 'Nikhil'], zhang),
        refusal('Zhang', 'iam:CreateUser', arn('user', 'Nikhil'), 'because no permissions boundary allows the iam:CreateUser action'));
      // Any other boundary is refused the same way.
      assert.deepEqual(await fails(['iam', 'create-user', '--user-name', 'Nikhil', '--permissions-boundary', arn('policy', 'DelegatedUserBoundary')], zhang),
        refusal('Zhang', 'iam:CreateUser', arn('user', 'Nikhil'), 'because no permissions boundary allows the iam:CreateUser action'));
      // The refused attempts created nothing.
      assert.equal((await fails(['iam', 'get-user', '--user-name', 'Nikhil'], zhang)).code, 'NoSuchEntity');

      const created = await ok(['iam', 'create-user', '--user-name', 'Nikhil', '--permissions-boundary', arn('policy', 'XCompanyBoundaries')], zhang);
      assert.deepEqual(created.User.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn('policy', 'XCompanyBoundaries') });
      await ok(['iam', 'attach-user-policy', '--user-name', 'Nikhil', '--policy-arn', 'arn:aws:iam::aws:policy/IAMFullAccess'], zhang);
      await ok(['iam', 'attach-user-policy', '--user-name', 'Nikhil', '--policy-arn', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'], zhang);
      await ok(['iam', 'create-login-profile', '--user-name', 'Nikhil', '--password', 'Nikhil-Passw0rd!'], zhang);
      nikhil = await keys('Nikhil', zhang);
    });

    test('CreateOrChangeOnlyWithBoundary: Zhang manages policies only of users with XCompanyBoundaries, and sets only that boundary', async () => {
      await ok(['iam', 'create-user', '--user-name', 'Legacy'], maria);
      const userPolicy = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
      assert.deepEqual(await fails(['iam', 'attach-user-policy', '--user-name', 'Legacy', '--policy-arn', 'arn:aws:iam::aws:policy/IAMFullAccess'], zhang),
        refusal('Zhang', 'iam:AttachUserPolicy', arn('user', 'Legacy'), 'because no permissions boundary allows the iam:AttachUserPolicy action'));
      assert.deepEqual(await fails(['iam', 'put-user-policy', '--user-name', 'Legacy', '--policy-name', 'p', '--policy-document', userPolicy], zhang),
        refusal('Zhang', 'iam:PutUserPolicy', arn('user', 'Legacy'), 'because no permissions boundary allows the iam:PutUserPolicy action'));
      // Any boundary but XCompanyBoundaries is refused; that one is allowed.
      assert.deepEqual(await fails(['iam', 'put-user-permissions-boundary', '--user-name', 'Legacy', '--permissions-boundary', arn('policy', 'DelegatedUserBoundary')], zhang),
        refusal('Zhang', 'iam:PutUserPermissionsBoundary', arn('user', 'Legacy'), 'because no permissions boundary allows the iam:PutUserPermissionsBoundary action'));
      await ok(['iam', 'put-user-permissions-boundary', '--user-name', 'Legacy', '--permissions-boundary', arn('policy', 'XCompanyBoundaries')], zhang);
      await ok(['iam', 'put-user-policy', '--user-name', 'Legacy', '--policy-name', 'p', '--policy-document', userPolicy], zhang);
      await ok(['iam', 'delete-user-policy', '--user-name', 'Legacy', '--policy-name', 'p'], zhang);
      await ok(['iam', 'attach-user-policy', '--user-name', 'Legacy', '--policy-arn', 'arn:aws:iam::aws:policy/IAMFullAccess'], zhang);
      await ok(['iam', 'detach-user-policy', '--user-name', 'Legacy', '--policy-arn', 'arn:aws:iam::aws:policy/IAMFullAccess'], zhang);
      // Zhang's own boundary is not XCompanyBoundaries: his own policies are out of his reach.
      assert.deepEqual(await fails(['iam', 'detach-user-policy', '--user-name', 'Zhang', '--policy-arn', arn('policy', 'DelegatedUserPermissions')], zhang),
        refusal('Zhang', 'iam:DetachUserPolicy', arn('user', 'Zhang'), 'because no permissions boundary allows the iam:DetachUserPolicy action'));
    });

    test('NoBoundaryUserDelete: Zhang cannot remove a permissions boundary, his own or another user\'s', async () => {
      for (const user of ['Nikhil', 'Zhang']) {
        assert.deepEqual(await fails(['iam', 'delete-user-permissions-boundary', '--user-name', user], zhang),
          refusal('Zhang', 'iam:DeleteUserPermissionsBoundary', arn('user', user), 'with an explicit deny in a permissions boundary'));
      }
      const still = await ok(['iam', 'get-user', '--user-name', 'Nikhil'], maria);
      assert.equal(still.User.PermissionsBoundary.PermissionsBoundaryArn, arn('policy', 'XCompanyBoundaries'));
    });

    test('NoBoundaryPolicyEdit: Zhang cannot change the boundary policies or their versions; other policies he can', async () => {
      const widened = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
      for (const name of ['XCompanyBoundaries', 'DelegatedUserBoundary']) {
        const policy = arn('policy', name);
        assert.deepEqual(await fails(['iam', 'create-policy-version', '--policy-arn', policy, '--policy-document', widened, '--set-as-default'], zhang),
          refusal('Zhang', 'iam:CreatePolicyVersion', policy, 'with an explicit deny in a permissions boundary'));
        assert.deepEqual(await fails(['iam', 'set-default-policy-version', '--policy-arn', policy, '--version-id', 'v1'], zhang),
          refusal('Zhang', 'iam:SetDefaultPolicyVersion', policy, 'with an explicit deny in a permissions boundary'));
        assert.deepEqual(await fails(['iam', 'delete-policy-version', '--policy-arn', policy, '--version-id', 'v1'], zhang),
          refusal('Zhang', 'iam:DeletePolicyVersion', policy, 'with an explicit deny in a permissions boundary'));
        assert.deepEqual(await fails(['iam', 'delete-policy', '--policy-arn', policy], zhang),
          refusal('Zhang', 'iam:DeletePolicy', policy, 'with an explicit deny in a permissions boundary'));
      }
      // The boundary still says what María wrote.
      const versions = await ok(['iam', 'list-policy-versions', '--policy-arn', arn('policy', 'XCompanyBoundaries')], zhang);
      assert.deepEqual(versions.Versions.map((v: { VersionId: string }) => v.VersionId), ['v1']);
      // CreatePolicyVersion is outside his boundary even for a policy of his own.
      const own = (await ok(['iam', 'create-policy', '--policy-name', 'ZhangTeam', '--policy-document', doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' })], zhang)).Policy.Arn as string;
      assert.deepEqual(await fails(['iam', 'create-policy-version', '--policy-arn', own, '--policy-document', widened], zhang),
        refusal('Zhang', 'iam:CreatePolicyVersion', own, 'because no permissions boundary allows the iam:CreatePolicyVersion action'));
      await ok(['iam', 'delete-policy', '--policy-arn', own], zhang);
    });

    test('Nikhil: IAM and S3 read within XCompanyBoundaries — his own password and keys only, no logs bucket', async () => {
      const users = await ok(['iam', 'list-users'], nikhil);
      assert.ok(users.Users.some((u: { UserName: string }) => u.UserName === 'Nikhil'));
      await ok(['iam', 'get-user'], nikhil);
      // "he can change his own password in IAM"
      await ok(['iam', 'change-password', '--old-password', 'Nikhil-Passw0rd!', '--new-password', 'Nikhil-Passw0rd!2'], nikhil);
      const ownKeys = await ok(['iam', 'list-access-keys'], nikhil);
      assert.equal(ownKeys.AccessKeyMetadata.length, 1);
      // "… but can't create another user or edit his policies"
      assert.deepEqual(await fails(['iam', 'create-user', '--user-name', 'Another'], nikhil),
        refusal('Nikhil', 'iam:CreateUser', arn('user', 'Another'), 'because no permissions boundary allows the iam:CreateUser action'));
      assert.deepEqual(await fails(['iam', 'attach-user-policy', '--user-name', 'Nikhil', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess'], nikhil),
        refusal('Nikhil', 'iam:AttachUserPolicy', arn('user', 'Nikhil'), 'because no permissions boundary allows the iam:AttachUserPolicy action'));
      assert.deepEqual(await fails(['iam', 'delete-user-permissions-boundary', '--user-name', 'Nikhil'], nikhil),
        refusal('Nikhil', 'iam:DeleteUserPermissionsBoundary', arn('user', 'Nikhil'), 'because no permissions boundary allows the iam:DeleteUserPermissionsBoundary action'));
      assert.deepEqual(await fails(['iam', 'list-access-keys', '--user-name', 'Zhang'], nikhil),
        refusal('Nikhil', 'iam:ListAccessKeys', arn('user', 'Zhang'), 'because no permissions boundary allows the iam:ListAccessKeys action'));
      // Read-only S3 everywhere but logs.
      assert.match(await ok(['s3', 'ls'], nikhil), /nikhil-bucket/);
      assert.match(await ok(['s3', 'ls', 's3://nikhil-bucket'], nikhil), /readme\.txt/);
      assert.deepEqual(await fails(['s3api', 'put-object', '--bucket', 'nikhil-bucket', '--key', 'new.txt', '--body', '/etc/hostname'], nikhil),
        { code: 'AccessDenied', message: `User: ${arn('user', 'Nikhil')} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::nikhil-bucket/new.txt" because no identity-based policy allows the s3:PutObject action` });
      assert.deepEqual(await fails(['s3', 'ls', 's3://logs'], nikhil),
        { code: 'AccessDenied', message: `User: ${arn('user', 'Nikhil')} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::logs" with an explicit deny in a permissions boundary` });
      // "even if someone grants him … the logs bucket, he cannot view it"
      await ok(['s3api', 'put-bucket-policy', '--bucket', 'logs', '--policy', doc({ Effect: 'Allow', Principal: { AWS: arn('user', 'Nikhil') }, Action: 's3:*', Resource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'] })], maria);
      assert.deepEqual(await fails(['s3api', 'get-object', '--bucket', 'logs', '--key', 'readme.txt', '/dev/null'], nikhil),
        { code: 'AccessDenied', message: `User: ${arn('user', 'Nikhil')} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::logs/readme.txt" with an explicit deny in a permissions boundary` });
    });

    test('iam:*Group*: a group Zhang gives AdministratorAccess still grants Nikhil only what XCompanyBoundaries allows', async () => {
      await ok(['iam', 'create-group', '--group-name', 'Operators'], zhang);
      await ok(['iam', 'attach-group-policy', '--group-name', 'Operators', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess'], zhang);
      await ok(['iam', 'add-user-to-group', '--group-name', 'Operators', '--user-name', 'Nikhil'], zhang);
      assert.deepEqual(await fails(['iam', 'create-user', '--user-name', 'Another'], nikhil),
        refusal('Nikhil', 'iam:CreateUser', arn('user', 'Another'), 'because no permissions boundary allows the iam:CreateUser action'));
      assert.deepEqual(await fails(['sqs', 'list-queues'], nikhil),
        { code: 'AccessDenied', message: `User: ${arn('user', 'Nikhil')} is not authorized to perform: sqs:ListQueues because no permissions boundary allows the sqs:ListQueues action` });
      // Writing S3 is inside the boundary: the group's policy now allows it.
      await ok(['s3api', 'put-object', '--bucket', 'nikhil-bucket', '--key', 'new.txt', '--body', '/etc/hostname'], nikhil);
      // The logs bucket stays denied by the boundary whatever the group allows.
      assert.deepEqual(await fails(['s3api', 'put-object', '--bucket', 'logs', '--key', 'new.txt', '--body', '/etc/hostname'], nikhil),
        { code: 'AccessDenied', message: `User: ${arn('user', 'Nikhil')} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::logs/new.txt" with an explicit deny in a permissions boundary` });

      // Zhang may simulate Nikhil's policies (SimulatePrincipalPolicy): the boundary shows.
      const simulated = await ok(['iam', 'simulate-principal-policy', '--policy-source-arn', arn('user', 'Nikhil'), '--action-names', 'iam:CreateUser', 'iam:ListUsers'], zhang);
      const byAction = Object.fromEntries(simulated.EvaluationResults.map((r: { EvalActionName: string; EvalDecision: string; PermissionsBoundaryDecisionDetail?: { AllowedByPermissionsBoundary: boolean } }) => [r.EvalActionName, [r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary]]));
      assert.deepEqual(byAction, { 'iam:CreateUser': ['implicitDeny', false], 'iam:ListUsers': ['allowed', true] });
      await ok(['iam', 'remove-user-from-group', '--group-name', 'Operators', '--user-name', 'Nikhil'], zhang);
    });

    test('Boundaries do not limit resource-based policies: a secret\'s policy naming Nikhil lets him read it', async () => {
      const secret = await ok(['secretsmanager', 'create-secret', '--name', 'nikhil-secret', '--secret-string', 's3cr3t'], maria);
      assert.deepEqual(await fails(['secretsmanager', 'get-secret-value', '--secret-id', secret.ARN], nikhil),
        { code: 'AccessDeniedException', message: `User: ${arn('user', 'Nikhil')} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secret.ARN} because no identity-based policy allows the secretsmanager:GetSecretValue action` });
      await ok(['secretsmanager', 'put-resource-policy', '--secret-id', 'nikhil-secret', '--resource-policy', doc({ Effect: 'Allow', Principal: { AWS: arn('user', 'Nikhil') }, Action: 'secretsmanager:GetSecretValue', Resource: '*' })], maria);
      const value = await ok(['secretsmanager', 'get-secret-value', '--secret-id', secret.ARN], nikhil);
      assert.equal(value.SecretString, 's3cr3t');
    });

    test('A resource-based policy naming a role is limited by the role\'s boundary; one naming the role session is not', async () => {
      // "Resource-based policies that grant permissions to an IAM role ARN are limited by an
      // implicit deny in a permissions boundary … that grant permissions to the session ARN are not."
      await ok(['iam', 'create-role', '--role-name', 'S3Worker', '--permissions-boundary', arn('policy', 'XCompanyBoundaries'), '--assume-role-policy-document',
        doc({ Effect: 'Allow', Principal: { AWS: arn('user', 'Shirley') }, Action: 'sts:AssumeRole' })], maria);
      await ok(['iam', 'put-user-policy', '--user-name', 'Shirley', '--policy-name', 'assume', '--policy-document', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn('role', 'S3Worker') })], maria);
      await ok(['iam', 'put-user-permissions-boundary', '--user-name', 'Shirley', '--permissions-boundary', 'arn:aws:iam::aws:policy/AdministratorAccess'], maria);
      const shirley = await keys('Shirley', maria);
      const out = await ok(['sts', 'assume-role', '--role-arn', arn('role', 'S3Worker'), '--role-session-name', 'worker'], shirley);
      const session = { accessKeyId: out.Credentials.AccessKeyId, secretAccessKey: out.Credentials.SecretAccessKey, sessionToken: out.Credentials.SessionToken };
      const secret = await ok(['secretsmanager', 'create-secret', '--name', 'worker-secret', '--secret-string', 'w'], maria);
      const grant = (principal: string) => ok(['secretsmanager', 'put-resource-policy', '--secret-id', 'worker-secret', '--resource-policy', doc({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'secretsmanager:GetSecretValue', Resource: '*' })], maria);
      await grant(arn('role', 'S3Worker'));
      assert.deepEqual(await fails(['secretsmanager', 'get-secret-value', '--secret-id', secret.ARN], session),
        { code: 'AccessDeniedException', message: `User: arn:aws:sts::${account}:assumed-role/S3Worker/worker is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secret.ARN} because no permissions boundary allows the secretsmanager:GetSecretValue action` });
      await grant(`arn:aws:sts::${account}:assumed-role/S3Worker/worker`);
      assert.equal((await ok(['secretsmanager', 'get-secret-value', '--secret-id', secret.ARN], session)).SecretString, 'w');
    });
  });
});
