// AWS's own tutorials, step by step with the aws CLI as AWS writes them, against Tessera in
// front of moto:
//  - "IAM tutorial: Delegate access across AWS accounts using IAM roles" (the UpdateApp role in
//    the Production account, the Developers and Testers groups of the Development account),
//    with its "Require ExternalId", aws:PrincipalOrgID and sts:SourceIdentity variants;
//  - "IAM tutorial: Create and attach your first customer managed policy" (UsersReadOnlyAccess);
//  - the S3 User Guide's "Bucket owner granting cross-account bucket permissions" walkthrough
//    (a bucket policy of account A granting account B's root; B's administrator delegates to
//    Dave), and the same with an explicit deny on either side.
// Every step asserts what AWS's text says happens: exit status, error code and message.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

type Who = Credentials;

function cliError(stderr: string): { code: string; operation: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, operation: match[2]!, message: match[3]!.trim() };
}

const doc = (statement: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('tutorials: cross-account access', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let production: string;
  let prodAdmin: Who;
  let development: Who & { accountId: string };

  /** A CLI step that must succeed: its JSON output (or {} when it prints nothing). */
  async function ok(args: string[], who: Who): Promise<any> {
    const out = await env.cli(args, who);
    assert.equal(out.code, 0, `aws ${args.join(' ')}: ${out.stderr}`);
    return out.stdout.trim().startsWith('{') ? JSON.parse(out.stdout) : out.stdout;
  }
  /** A CLI step that must fail: AWS's error code and message. */
  async function fails(args: string[], who: Who): Promise<{ code: string; operation: string; message: string }> {
    const out = await env.cli(args, who);
    assert.notEqual(out.code, 0, `aws ${args.join(' ')} succeeded: ${out.stdout}`);
    return cliError(out.stderr);
  }
  async function keys(userName: string, who: Who): Promise<Who> {
    const key = (await ok(['iam', 'create-access-key', '--user-name', userName], who)).AccessKey;
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  }
  async function assume(args: string[], who: Who): Promise<Who & { arn: string }> {
    const out = await ok(['sts', 'assume-role', ...args], who);
    return { accessKeyId: out.Credentials.AccessKeyId, secretAccessKey: out.Credentials.SecretAccessKey, sessionToken: out.Credentials.SessionToken, arn: out.AssumedRoleUser.Arn };
  }

  before(async () => {
    env = await startGatewayEnv();
    production = env.server.accountId;
    prodAdmin = env.server.root;
    development = await env.account();
  });
  after(() => env?.stop());

  describe('Delegate access across AWS accounts using IAM roles', () => {
    let roleArn: string;
    let david: Who;
    let theresa: Who;

    before(async () => {
      // Prerequisites: the productionapp bucket in Production; Developers (David) and Testers
      // (Theresa) in Development, both with power-user access to their own account.
      await ok(['s3api', 'create-bucket', '--bucket', 'productionapp'], prodAdmin);
      await ok(['s3api', 'create-bucket', '--bucket', 'productionother'], prodAdmin);
      await ok(['s3api', 'put-object', '--bucket', 'productionapp', '--key', 'app.zip', '--body', '/etc/hostname'], prodAdmin);
      for (const [group, user] of [['Developers', 'David'], ['Testers', 'Theresa']] as const) {
        await ok(['iam', 'create-group', '--group-name', group], development);
        await ok(['iam', 'attach-group-policy', '--group-name', group, '--policy-arn', 'arn:aws:iam::aws:policy/PowerUserAccess'], development);
        await ok(['iam', 'create-user', '--user-name', user], development);
        await ok(['iam', 'add-user-to-group', '--group-name', group, '--user-name', user], development);
      }
      david = await keys('David', development);
      theresa = await keys('Theresa', development);
    });

    test('Step 1: the Production account creates read-write-app-bucket and the UpdateApp role trusting the Development account', async () => {
      const policy = await ok(['iam', 'create-policy', '--policy-name', 'read-write-app-bucket', '--policy-document', doc([
        { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: 'arn:aws:s3:::productionapp' },
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::productionapp/*' },
      ])], prodAdmin);
      assert.equal(policy.Policy.Arn, `arn:aws:iam::${production}:policy/read-write-app-bucket`);
      const role = await ok(['iam', 'create-role', '--role-name', 'UpdateApp', '--assume-role-policy-document', doc([
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${development.accountId}:root` }, Action: 'sts:AssumeRole', Condition: {} },
      ])], prodAdmin);
      roleArn = role.Role.Arn;
      assert.equal(roleArn, `arn:aws:iam::${production}:role/UpdateApp`);
      await ok(['iam', 'attach-role-policy', '--role-name', 'UpdateApp', '--policy-arn', policy.Policy.Arn], prodAdmin);
    });

    test('Step 2: Developers may assume UpdateApp; Testers (power users) are explicitly denied', async () => {
      await ok(['iam', 'put-group-policy', '--group-name', 'Developers', '--policy-name', 'allow-assume-S3-role-in-production', '--policy-document',
        doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${production}:role/UpdateApp` })], development);
      await ok(['iam', 'put-group-policy', '--group-name', 'Testers', '--policy-name', 'deny-assume-S3-role-in-production', '--policy-document',
        doc({ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${production}:role/UpdateApp` })], development);
    });

    test('Step 3: David switches to UpdateApp and reads and writes productionapp, and nothing else', async () => {
      const session = await assume(['--role-arn', roleArn, '--role-session-name', 'David-ProdUpdate'], david);
      assert.equal(session.arn, `arn:aws:sts::${production}:assumed-role/UpdateApp/David-ProdUpdate`);
      const identity = await ok(['sts', 'get-caller-identity'], session);
      assert.equal(identity.Account, production);
      assert.equal(identity.Arn, session.arn);

      // aws s3 ls s3://productionapp
      assert.match(await ok(['s3', 'ls', 's3://productionapp'], session), /app\.zip/);
      assert.match(await ok(['s3', 'ls'], session), /productionapp/);
      await ok(['s3api', 'get-bucket-location', '--bucket', 'productionapp'], session);
      // An s3:PutObject call updates the bucket; the contents can be read and deleted.
      await ok(['s3api', 'put-object', '--bucket', 'productionapp', '--key', 'release.txt', '--body', '/etc/hostname'], session);
      await ok(['s3api', 'head-object', '--bucket', 'productionapp', '--key', 'release.txt'], session);
      await ok(['s3api', 'delete-object', '--bucket', 'productionapp', '--key', 'release.txt'], session);

      // "he cannot make API calls to access any other resources in the Production account"
      const other = await fails(['s3', 'ls', 's3://productionother'], session);
      assert.equal(other.code, 'AccessDenied');
      assert.equal(other.message, `User: ${session.arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::productionother" because no identity-based policy allows the s3:ListBucket action`);
      const acl = await fails(['s3api', 'put-bucket-acl', '--bucket', 'productionapp', '--acl', 'public-read'], session);
      assert.equal(acl.message, `User: ${session.arn} is not authorized to perform: s3:PutBucketAcl on resource: "arn:aws:s3:::productionapp" because no identity-based policy allows the s3:PutBucketAcl action`);
      const iam = await fails(['iam', 'list-users'], session);
      assert.equal(iam.code, 'AccessDenied');
      assert.equal(iam.message, `User: ${session.arn} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${production}:user/ because no identity-based policy allows the iam:ListUsers action`);
      // "only one set of permissions can be in effect at a time": no power-user rights in Production.
      const sqs = await fails(['sqs', 'create-queue', '--queue-name', 'q'], session);
      assert.equal(sqs.code, 'AccessDenied');
    });

    test('Step 3: Theresa, a tester, is refused the role; the Development root user cannot assume roles', async () => {
      const refused = await fails(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'Theresa'], theresa);
      // STS names no policy type in its refusals, whether the trust policy or the caller's own
      // policy refused (AWS's text: "User: … is not authorized to perform: sts:AssumeRole on resource: …").
      assert.equal(refused.code, 'AccessDenied');
      assert.equal(refused.message, `User: arn:aws:iam::${development.accountId}:user/Theresa is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      const root = await fails(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'root'], development);
      assert.deepEqual(root, { code: 'AccessDenied', operation: 'AssumeRole', message: 'Roles may not be assumed by root accounts.' });
      // A user of the Production account is not named by the trust policy.
      const prodUser = await ok(['iam', 'create-user', '--user-name', 'ProdOps'], prodAdmin);
      await ok(['iam', 'put-user-policy', '--user-name', 'ProdOps', '--policy-name', 'assume', '--policy-document', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })], prodAdmin);
      const untrusted = await fails(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'ops'], await keys('ProdOps', prodAdmin));
      assert.equal(untrusted.message, `User: ${prodUser.User.Arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    });

    test('Require ExternalId: the role is assumed only with the agreed external ID', async () => {
      await ok(['iam', 'create-role', '--role-name', 'UpdateAppThirdParty', '--assume-role-policy-document', doc({
        Effect: 'Allow', Principal: { AWS: development.accountId }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'Unique ID Assigned by Example Corp' } },
      })], prodAdmin);
      await ok(['iam', 'attach-role-policy', '--role-name', 'UpdateAppThirdParty', '--policy-arn', `arn:aws:iam::${production}:policy/read-write-app-bucket`], prodAdmin);
      const arn = `arn:aws:iam::${production}:role/UpdateAppThirdParty`;
      const without = await fails(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'xx'], david);
      assert.equal(without.message, `User: arn:aws:iam::${development.accountId}:user/David is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
      const wrong = await fails(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'xx', '--external-id', 'guess'], david);
      assert.equal(wrong.code, 'AccessDenied');
      // The guide's placeholder, spaces and all, is not a valid external ID: AWS's own validation refuses it.
      const placeholder = await fails(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'xx', '--external-id', 'Unique ID Assigned by Example Corp'], david);
      assert.deepEqual(placeholder, { code: 'ValidationError', operation: 'AssumeRole', message: "1 validation error detected: Value 'Unique ID Assigned by Example Corp' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*" });
      await ok(['iam', 'update-assume-role-policy', '--role-name', 'UpdateAppThirdParty', '--policy-document', doc({
        Effect: 'Allow', Principal: { AWS: development.accountId }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': '12345' } },
      })], prodAdmin);
      const session = await assume(['--role-arn', arn, '--role-session-name', 'xx', '--external-id', '12345'], david);
      assert.match(await ok(['s3', 'ls', 's3://productionapp'], session), /app\.zip/);
    });

    test('aws:PrincipalOrgID in the trust policy: only callers of the organization assume the role', async () => {
      await ok(['iam', 'create-role', '--role-name', 'OrgOnly', '--assume-role-policy-document', doc({
        Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-placeholder' } },
      })], prodAdmin);
      const org = (await ok(['organizations', 'create-organization', '--feature-set', 'ALL'], prodAdmin)).Organization.Id as string;
      await ok(['iam', 'update-assume-role-policy', '--role-name', 'OrgOnly', '--policy-document', doc({
        Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': org } },
      })], prodAdmin);
      const arn = `arn:aws:iam::${production}:role/OrgOnly`;
      const outside = await fails(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'xx'], david);
      assert.equal(outside.message, `User: arn:aws:iam::${development.accountId}:user/David is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
      const handshake = (await ok(['organizations', 'invite-account-to-organization', '--target', `Type=ACCOUNT,Id=${development.accountId}`], prodAdmin)).Handshake.Id as string;
      await ok(['organizations', 'accept-handshake', '--handshake-id', handshake], development);
      const session = await assume(['--role-arn', arn, '--role-session-name', 'xx'], david);
      assert.equal(session.arn, `arn:aws:sts::${production}:assumed-role/OrgOnly/xx`);
      // The tester's explicit deny names UpdateApp only, and power-user access allows sts:AssumeRole.
      await assume(['--role-arn', arn, '--role-session-name', 'yy'], theresa);
    });

    test('sts:SourceIdentity: set only when the trust policy allows sts:SetSourceIdentity, and kept through role chaining', async () => {
      await ok(['iam', 'create-role', '--role-name', 'Audited', '--assume-role-policy-document', doc({
        Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${development.accountId}:root` }, Action: 'sts:AssumeRole',
      })], prodAdmin);
      const arn = `arn:aws:iam::${production}:role/Audited`;
      const notAllowed = await fails(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'xx', '--source-identity', 'David'], david);
      assert.equal(notAllowed.code, 'AccessDenied');
      assert.equal(notAllowed.message, `User: arn:aws:iam::${development.accountId}:user/David is not authorized to perform: sts:SetSourceIdentity on resource: ${arn}`);
      await ok(['iam', 'update-assume-role-policy', '--role-name', 'Audited', '--policy-document', doc({
        Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${development.accountId}:root` }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'sts:SourceIdentity': '${aws:username}' } },
      })], prodAdmin);
      const impersonating = await fails(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'xx', '--source-identity', 'Theresa'], david);
      assert.equal(impersonating.code, 'AccessDenied');
      const missing = await fails(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'xx'], david);
      assert.equal(missing.code, 'AccessDenied');
      const out = await ok(['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'xx', '--source-identity', 'David'], david);
      assert.equal(out.SourceIdentity, 'David');

      // Role chaining: the source identity goes along, so the next role's trust policy must allow
      // sts:SetSourceIdentity; it cannot be changed.
      const session = { accessKeyId: out.Credentials.AccessKeyId, secretAccessKey: out.Credentials.SecretAccessKey, sessionToken: out.Credentials.SessionToken };
      await ok(['iam', 'put-role-policy', '--role-name', 'Audited', '--policy-name', 'chain', '--policy-document', doc({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: '*' })], prodAdmin);
      for (const [name, actions] of [['NextPlain', 'sts:AssumeRole'], ['NextAudited', ['sts:AssumeRole', 'sts:SetSourceIdentity']]] as const) {
        await ok(['iam', 'create-role', '--role-name', name, '--assume-role-policy-document', doc({ Effect: 'Allow', Principal: { AWS: production }, Action: actions })], prodAdmin);
      }
      const plain = await fails(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${production}:role/NextPlain`, '--role-session-name', 'chained'], session);
      assert.equal(plain.message, `User: arn:aws:sts::${production}:assumed-role/Audited/xx is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::${production}:role/NextPlain`);
      const chained = await ok(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${production}:role/NextAudited`, '--role-session-name', 'chained'], session);
      assert.equal(chained.SourceIdentity, 'David');
      const changed = await fails(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${production}:role/NextAudited`, '--role-session-name', 'chained', '--source-identity', 'Theresa'], session);
      assert.equal(changed.code, 'AccessDenied');
    });
  });

  describe('Create and attach your first customer managed policy', () => {
    test('UsersReadOnlyAccess lets PolicyUser view IAM and change nothing', async () => {
      const policy = await ok(['iam', 'create-policy', '--policy-name', 'UsersReadOnlyAccess', '--policy-document', doc([
        { Effect: 'Allow', Action: ['iam:GenerateCredentialReport', 'iam:Get*', 'iam:List*'], Resource: '*' },
      ])], prodAdmin);
      const user = await ok(['iam', 'create-user', '--user-name', 'PolicyUser'], prodAdmin);
      await ok(['iam', 'attach-user-policy', '--user-name', 'PolicyUser', '--policy-arn', policy.Policy.Arn], prodAdmin);
      const policyUser = await keys('PolicyUser', prodAdmin);
      const users = await ok(['iam', 'list-users'], policyUser);
      assert.ok(users.Users.some((u: { UserName: string }) => u.UserName === 'PolicyUser'));
      await ok(['iam', 'get-policy', '--policy-arn', policy.Policy.Arn], policyUser);
      await ok(['iam', 'list-attached-user-policies', '--user-name', 'PolicyUser'], policyUser);
      await ok(['iam', 'generate-credential-report'], policyUser);
      const create = await fails(['iam', 'create-user', '--user-name', 'Someone'], policyUser);
      assert.equal(create.code, 'AccessDenied');
      assert.equal(create.message, `User: ${user.User.Arn} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${production}:user/Someone because no identity-based policy allows the iam:CreateUser action`);
      const detach = await fails(['iam', 'detach-user-policy', '--user-name', 'PolicyUser', '--policy-arn', policy.Policy.Arn], policyUser);
      assert.equal(detach.message, `User: ${user.User.Arn} is not authorized to perform: iam:DetachUserPolicy on resource: ${user.User.Arn} because no identity-based policy allows the iam:DetachUserPolicy action`);
    });
  });

  describe('S3: bucket owner granting cross-account bucket permissions', () => {
    const bucket = 'amzn-s3-demo-bucket';
    let accountB: Who & { accountId: string };
    let dave: Who;
    let daveArn: string;
    const bucketPolicy = (extra: unknown[] = []) => doc([
      { Sid: 'Example permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountB.accountId}:root` }, Action: ['s3:GetLifecycleConfiguration', 's3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] },
      ...extra,
    ]);

    before(async () => {
      accountB = await env.account();
      await ok(['s3api', 'create-bucket', '--bucket', bucket], prodAdmin);
      await ok(['s3api', 'put-object', '--bucket', bucket, '--key', 'HappyFace.jpg', '--body', '/etc/hostname'], prodAdmin);
    });

    test('Step 1: account A grants account B; B\'s administrator lists the bucket; B\'s users need B\'s delegation', async () => {
      // Before the bucket policy, account B is refused by the resource side.
      // S3 explains a refusal only within the bucket owner's account or organization: B reads "Access Denied".
      const before = await fails(['s3', 'ls', `s3://${bucket}`], accountB);
      assert.equal(before.code, 'AccessDenied');
      assert.equal(before.message, 'Access Denied');
      await ok(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', bucketPolicy()], prodAdmin);
      // Step 2: "aws s3 ls s3://amzn-s3-demo-bucket --profile AccountBadmin"
      assert.match(await ok(['s3', 'ls', `s3://${bucket}`], accountB), /HappyFace\.jpg/);
      const lifecycle = await fails(['s3api', 'get-bucket-lifecycle-configuration', '--bucket', bucket], accountB);
      assert.equal(lifecycle.code, 'NoSuchLifecycleConfiguration');
      // Not granted: reading the objects.
      const read = await fails(['s3api', 'get-object', '--bucket', bucket, '--key', 'HappyFace.jpg', '/dev/null'], accountB);
      assert.equal(read.message, 'Access Denied');

      // Step 3: B's administrator creates Dave; without an identity policy he is refused.
      daveArn = (await ok(['iam', 'create-user', '--user-name', 'Dave'], accountB)).User.Arn;
      dave = await keys('Dave', accountB);
      const bare = await fails(['s3', 'ls', `s3://${bucket}`], dave);
      assert.equal(bare.message, 'Access Denied');
      await ok(['iam', 'put-user-policy', '--user-name', 'Dave', '--policy-name', 'Example', '--policy-document',
        doc([{ Sid: 'Example', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] }])], accountB);
      assert.match(await ok(['s3', 'ls', `s3://${bucket}`], dave), /HappyFace\.jpg/);
    });

    test('Step 4: an explicit deny in the bucket policy, then in Dave\'s own policy, wins', async () => {
      await ok(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', bucketPolicy([
        { Sid: 'Deny permission', Effect: 'Deny', Principal: { AWS: daveArn }, Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] },
      ])], prodAdmin);
      const denied = await fails(['s3', 'ls', `s3://${bucket}`], dave);
      assert.equal(denied.message, 'Access Denied');
      // B's administrator, not named by the Deny, still lists.
      assert.match(await ok(['s3', 'ls', `s3://${bucket}`], accountB), /HappyFace\.jpg/);

      await ok(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', bucketPolicy()], prodAdmin);
      assert.match(await ok(['s3', 'ls', `s3://${bucket}`], dave), /HappyFace\.jpg/);
      await ok(['iam', 'put-user-policy', '--user-name', 'Dave', '--policy-name', 'DenyList', '--policy-document',
        doc([{ Effect: 'Deny', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` }])], accountB);
      const own = await fails(['s3', 'ls', `s3://${bucket}`], dave);
      assert.equal(own.message, 'Access Denied');
      // Once B is in A's organization, S3 explains its refusals to B's callers too.
      const handshake = (await ok(['organizations', 'invite-account-to-organization', '--target', `Type=ACCOUNT,Id=${accountB.accountId}`], prodAdmin)).Handshake.Id as string;
      await ok(['organizations', 'accept-handshake', '--handshake-id', handshake], accountB);
      const explained = await fails(['s3', 'ls', `s3://${bucket}`], dave);
      assert.equal(explained.message, `User: ${daveArn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${bucket}" with an explicit deny in an identity-based policy`);
    });
  });
});
