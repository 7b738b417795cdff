// Classic IAM learning exercises (the IAM User Guide's example policies and tutorials that are
// not already walked by tutorial-*.test.ts and examples-*.test.ts), done as a learner does them:
// with the aws CLI against Tessera in front of moto_server. Each exercise checks the allowed
// case and the refused case, with AWS's error code and the important part of AWS's message.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateSync } from 'otplib';
import { runDevCertCommand } from '../../src/cli/dev-cert-command.ts';
import { parseUpstreams } from '../../src/gateway/upstreams.ts';
import { awsCliAvailable } from '../support/cli-process.ts';
import { cliOutput, cliRefusal, runAwsCli, type CliResult as Cli } from '../support/aws-cli-run.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

const cliError = cliRefusal;
const ok = cliOutput;
const noIdentity = (action: string) => `because no identity-based policy allows the ${action} action`;
const explicitIdentity = 'with an explicit deny in an identity-based policy';
/** `An error occurred (Code) when calling the Op operation: User: P is not authorized to perform: A on resource: R WHY`. */
const denied = (code: string, operation: string, principal: string, action: string, resource: string, why: string) =>
  `An error occurred (${code}) when calling the ${operation} operation: User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
const s3Denied = (operation: string, principal: string, action: string, resource: string, why = noIdentity(action)) =>
  denied('AccessDenied', operation, principal, action, `"${resource}"`, why);

const runAws = runAwsCli;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('IAM learning exercises with the aws CLI through the gateway', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let account: string;
  let work: string;
  let body: string;
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    work = await mkdtemp(join(tmpdir(), 'tessera-iam-exercises-'));
    body = join(work, 'body.txt');
    await writeFile(body, 'hello\n');
  });
  after(async () => {
    await env?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });
  const root = () => env.server.root;
  const cli = (args: string[], credentials: Credentials) => env.cli(args, credentials);
  const userArn = (name: string) => `arn:aws:iam::${account}:user/${name}`;
  const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  const callerArn = async (credentials: Credentials) => ok(await cli(['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], credentials));
  const bucket = async (name: string, ...keys: string[]) => {
    ok(await cli(['s3api', 'create-bucket', '--bucket', name], root()));
    for (const key of keys) ok(await cli(['s3api', 'put-object', '--bucket', name, '--key', key, '--body', body], root()));
  };
  /** A role trusting this account (any principal the account's policies let assume it), with inline policies. */
  const role = async (name: string, trustPolicy: Record<string, unknown>, policies: Record<string, unknown>[] = [], extra: string[] = []) => {
    ok(await cli(['iam', 'create-role', '--role-name', name, '--assume-role-policy-document', JSON.stringify(trustPolicy), ...extra], root()));
    for (const [i, p] of policies.entries()) ok(await cli(['iam', 'put-role-policy', '--role-name', name, '--policy-name', `p${i}`, '--policy-document', JSON.stringify(p)], root()));
    return roleArn(name);
  };
  const trustAccount = (condition?: Record<string, unknown>) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
  });
  const assume = async (credentials: Credentials, args: string[]): Promise<Cli> => cli(['sts', 'assume-role', ...args, '--output', 'json'], credentials);
  const session = (result: Cli): Credentials => {
    const parsed = JSON.parse(ok(result)) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
    return { accessKeyId: parsed.Credentials.AccessKeyId, secretAccessKey: parsed.Credentials.SecretAccessKey, sessionToken: parsed.Credentials.SessionToken };
  };

  test('1. S3 home directory per user (${aws:username}, s3:prefix and s3:delimiter): own folder only; `s3 ls` of another user\'s folder refused', async () => {
    await bucket('ex-home', 'home/alice/existing.txt', 'home/bob/secret.txt', 'top.txt');
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AllowGroupToSeeBucketListInTheConsole', Action: ['s3:ListAllMyBuckets', 's3:GetBucketLocation'], Effect: 'Allow', Resource: ['arn:aws:s3:::*'] },
        { Sid: 'AllowRootAndHomeListingOfCompanyBucket', Action: ['s3:ListBucket'], Effect: 'Allow', Resource: ['arn:aws:s3:::ex-home'], Condition: { StringEquals: { 's3:prefix': ['', 'home/'], 's3:delimiter': ['/'] } } },
        { Sid: 'AllowListingOfUserFolder', Action: ['s3:ListBucket'], Effect: 'Allow', Resource: ['arn:aws:s3:::ex-home'], Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } } },
        { Sid: 'AllowAllS3ActionsInUserFolder', Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::ex-home/home/${aws:username}/*'] },
      ],
    };
    const alice = await env.user('alice', [policy]);
    assert.equal(await callerArn(alice), userArn('alice'));
    // Allowed: the bucket's top level, home/, and her own folder.
    assert.match(ok(await cli(['s3', 'ls', 's3://ex-home/'], alice)), /PRE home\//);
    const homes = ok(await cli(['s3', 'ls', 's3://ex-home/home/'], alice));
    assert.match(homes, /PRE alice\//);
    assert.match(homes, /PRE bob\//);
    ok(await cli(['s3', 'cp', body, 's3://ex-home/home/alice/notes.txt'], alice));
    const mine = ok(await cli(['s3', 'ls', 's3://ex-home/home/alice/'], alice));
    assert.match(mine, /existing\.txt/);
    assert.match(mine, /notes\.txt/);
    assert.equal(ok(await cli(['s3', 'cp', 's3://ex-home/home/alice/notes.txt', '-'], alice)), 'hello');
    // Refused: listing, reading and writing another user's folder.
    assert.equal(cliError(await cli(['s3', 'ls', 's3://ex-home/home/bob/'], alice)), s3Denied('ListObjectsV2', userArn('alice'), 's3:ListBucket', 'arn:aws:s3:::ex-home'));
    assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'ex-home', '--key', 'home/bob/secret.txt', join(work, 'out')], alice)), s3Denied('GetObject', userArn('alice'), 's3:GetObject', 'arn:aws:s3:::ex-home/home/bob/secret.txt'));
    assert.match(cliError(await cli(['s3', 'cp', body, 's3://ex-home/home/bob/planted.txt'], alice)), new RegExp(`An error occurred \\(AccessDenied\\) when calling the PutObject operation: User: ${userArn('alice')} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::ex-home/home/bob/planted.txt" because no identity-based policy allows the s3:PutObject action`));
    // `s3 cp` down starts with HeadObject: a HEAD answer has no body, so the CLI shows only the status.
    assert.match(cliError(await cli(['s3', 'cp', 's3://ex-home/home/bob/secret.txt', join(work, 'out')], alice)), /An error occurred \(403\) when calling the HeadObject operation: Forbidden$/);
    // A top-level object is outside home/alice/ too; and a recursive listing (no delimiter) is not allowed.
    assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'ex-home', '--key', 'top.txt', join(work, 'out')], alice)), s3Denied('GetObject', userArn('alice'), 's3:GetObject', 'arn:aws:s3:::ex-home/top.txt'));
    assert.equal(cliError(await cli(['s3api', 'list-objects-v2', '--bucket', 'ex-home', '--prefix', 'home/'], alice)), s3Denied('ListObjectsV2', userArn('alice'), 's3:ListBucket', 'arn:aws:s3:::ex-home'));
    // The same policy gives bob his own folder, not alice's.
    const bob = await env.user('bob', [policy]);
    assert.match(ok(await cli(['s3', 'ls', 's3://ex-home/home/bob/'], bob)), /secret\.txt/);
    assert.equal(cliError(await cli(['s3', 'ls', 's3://ex-home/home/alice/'], bob)), s3Denied('ListObjectsV2', userArn('bob'), 's3:ListBucket', 'arn:aws:s3:::ex-home'));
  });

  test('2. aws:SourceIp allow-list: allowed from 127.0.0.1/32, refused when the only range is another', async () => {
    const url = ok(await cli(['sqs', 'create-queue', '--queue-name', 'ex-ip', '--query', 'QueueUrl', '--output', 'text'], root()));
    const queueArn = `arn:aws:sqs:us-east-1:${account}:ex-ip`;
    const ipPolicy = (range: string) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: queueArn, Condition: { IpAddress: { 'aws:SourceIp': range } } }],
    });
    const inside = await env.user('ip-inside', [ipPolicy('127.0.0.1/32')]);
    const outside = await env.user('ip-outside', [ipPolicy('203.0.113.0/24')]);
    assert.match(ok(await cli(['sqs', 'send-message', '--queue-url', url, '--message-body', 'hi', '--query', 'MessageId', '--output', 'text'], inside)), /^[0-9a-f-]{36}$/);
    assert.equal(ok(await cli(['sqs', 'receive-message', '--queue-url', url, '--query', 'Messages[0].Body', '--output', 'text'], inside)), 'hi');
    assert.equal(cliError(await cli(['sqs', 'send-message', '--queue-url', url, '--message-body', 'hi'], outside)), denied('AccessDenied', 'SendMessage', userArn('ip-outside'), 'sqs:SendMessage', queueArn, noIdentity('sqs:SendMessage')));
    // An IPv6-only list does not match an IPv4 client either.
    const v6 = await env.user('ip-v6', [ipPolicy('2001:db8::/32')]);
    assert.equal(cliError(await cli(['sqs', 'receive-message', '--queue-url', url], v6)), denied('AccessDenied', 'ReceiveMessage', userArn('ip-v6'), 'sqs:ReceiveMessage', queueArn, noIdentity('sqs:ReceiveMessage')));
  });

  test('3. Revoking a role\'s older sessions (aws:TokenIssueTime, "AWSRevokeOlderSessions"): old session denied, new session allowed, get-caller-identity still answers', async () => {
    await bucket('ex-revoke', 'a.txt');
    const arn = await role('ex-revoke-role', trustAccount(), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }]);
    const user = await env.user('revoke-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] }]);
    const old = session(await assume(user, ['--role-arn', arn, '--role-session-name', 'old']));
    ok(await cli(['s3api', 'get-object', '--bucket', 'ex-revoke', '--key', 'a.txt', join(work, 'out')], old));
    await sleep(1100);
    const cutoff = new Date().toISOString();
    ok(await cli(['iam', 'put-role-policy', '--role-name', 'ex-revoke-role', '--policy-name', 'AWSRevokeOlderSessions', '--policy-document', JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } } }],
    })], root()));
    await sleep(1100);
    const fresh = session(await assume(user, ['--role-arn', arn, '--role-session-name', 'fresh']));
    const oldArn = `arn:aws:sts::${account}:assumed-role/ex-revoke-role/old`;
    assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'ex-revoke', '--key', 'a.txt', join(work, 'out')], old)), s3Denied('GetObject', oldArn, 's3:GetObject', 'arn:aws:s3:::ex-revoke/a.txt', explicitIdentity));
    // GetCallerIdentity needs no permission and an explicit deny does not stop it.
    assert.equal(await callerArn(old), oldArn);
    assert.equal(await callerArn(fresh), `arn:aws:sts::${account}:assumed-role/ex-revoke-role/fresh`);
    ok(await cli(['s3api', 'get-object', '--bucket', 'ex-revoke', '--key', 'a.txt', join(work, 'out')], fresh));
  });

  test('4. A role whose trust policy requires MFA (aws:MultiFactorAuthPresent): assume-role with --serial-number/--token-code, then use it on S3', async () => {
    await bucket('ex-mfa', 'a.txt');
    const arn = await role('ex-mfa-role', trustAccount({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::ex-mfa', 'arn:aws:s3:::ex-mfa/*'] }] }]);
    const user = await env.user('mfa-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] }]);
    // Without MFA the trust policy does not match.
    const refused = cliError(await assume(user, ['--role-arn', arn, '--role-session-name', 'no-mfa']));
    assert.match(refused, new RegExp(`^An error occurred \\(AccessDenied\\) when calling the AssumeRole operation: User: ${userArn('mfa-user')} is not authorized to perform: sts:AssumeRole on resource: ${arn}`));
    // The virtual MFA device, made and enabled with the CLI.
    const seedFile = join(work, 'mfa-seed.txt');
    const serial = ok(await cli(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'mfa-user', '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed', '--query', 'VirtualMFADevice.SerialNumber', '--output', 'text'], root()));
    assert.equal(serial, `arn:aws:iam::${account}:mfa/mfa-user`);
    const seed = (await readFile(seedFile, 'utf8')).trim();
    const step = Math.floor(Date.now() / 30_000);
    const code = (at: number) => generateSync({ secret: seed, epoch: at * 30 });
    ok(await cli(['iam', 'enable-mfa-device', '--user-name', 'mfa-user', '--serial-number', serial, '--authentication-code1', code(step - 1), '--authentication-code2', code(step)], root()));
    // A wrong code is refused with AWS's text.
    const wrong = code(step + 1) === '000000' ? '111111' : '000000';
    assert.match(cliError(await assume(user, ['--role-arn', arn, '--role-session-name', 'bad', '--serial-number', serial, '--token-code', wrong])), /^An error occurred \(AccessDenied\) when calling the AssumeRole operation: MultiFactorAuthentication failed with invalid MFA one time pass code\.\s*$/);
    const creds = session(await assume(user, ['--role-arn', arn, '--role-session-name', 'with-mfa', '--serial-number', serial, '--token-code', code(step + 1)]));
    assert.equal(await callerArn(creds), `arn:aws:sts::${account}:assumed-role/ex-mfa-role/with-mfa`);
    ok(await cli(['s3api', 'get-object', '--bucket', 'ex-mfa', '--key', 'a.txt', join(work, 'out')], creds));
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-mfa', '--key', 'b.txt', '--body', body], creds)),
      s3Denied('PutObject', `arn:aws:sts::${account}:assumed-role/ex-mfa-role/with-mfa`, 's3:PutObject', 'arn:aws:s3:::ex-mfa/b.txt'));
  });

  test('5. Role chaining: the chained session is capped at one hour; DurationSeconds above the role\'s maximum is refused', async () => {
    const second = await role('ex-chain-second', trustAccount(), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' }] }], ['--max-session-duration', '43200']);
    const first = await role('ex-chain-first', trustAccount(), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: second }] }], ['--max-session-duration', '7200']);
    const user = await env.user('chain-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: [first, second] }] }]);
    // Straight from the user: up to the role's MaxSessionDuration.
    assert.equal(cliError(await assume(user, ['--role-arn', first, '--role-session-name', 'too-long', '--duration-seconds', '7201'])),
      'An error occurred (ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const hop1 = session(await assume(user, ['--role-arn', first, '--role-session-name', 'hop1', '--duration-seconds', '7200']));
    assert.equal(await callerArn(hop1), `arn:aws:sts::${account}:assumed-role/ex-chain-first/hop1`);
    // From a role session: at most 3600 s, whatever the second role's maximum.
    assert.equal(cliError(await assume(hop1, ['--role-arn', second, '--role-session-name', 'hop2', '--duration-seconds', '7200'])),
      'An error occurred (ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const hop2Out = await assume(hop1, ['--role-arn', second, '--role-session-name', 'hop2', '--duration-seconds', '3600']);
    const hop2 = session(hop2Out);
    const expiry = Date.parse((JSON.parse(hop2Out.stdout) as { Credentials: { Expiration: string } }).Credentials.Expiration);
    assert.ok(expiry - Date.now() <= 3600_000 + 5_000 && expiry - Date.now() > 3500_000, `expiry ${expiry}`);
    assert.equal(await callerArn(hop2), `arn:aws:sts::${account}:assumed-role/ex-chain-second/hop2`);
    ok(await cli(['sqs', 'list-queues'], hop2));
    // The first role's session may not do what only the second role may.
    // ListQueues has no resource type: AWS's text names no resource.
    assert.equal(cliError(await cli(['sqs', 'list-queues'], hop1)), `An error occurred (AccessDenied) when calling the ListQueues operation: User: arn:aws:sts::${account}:assumed-role/ex-chain-first/hop1 is not authorized to perform: sqs:ListQueues ${noIdentity('sqs:ListQueues')}`);
  });

  test('6. A permissions boundary caps an AdministratorAccess user to one bucket', async () => {
    await bucket('ex-boundary-in', 'a.txt');
    await bucket('ex-boundary-out', 'a.txt');
    const boundary = ok(await cli(['iam', 'create-policy', '--policy-name', 'OneBucketBoundary', '--query', 'Policy.Arn', '--output', 'text', '--policy-document', JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::ex-boundary-in', 'arn:aws:s3:::ex-boundary-in/*'] }],
    })], root()));
    ok(await cli(['iam', 'create-user', '--user-name', 'bounded-admin', '--permissions-boundary', boundary], root()));
    ok(await cli(['iam', 'attach-user-policy', '--user-name', 'bounded-admin', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess'], root()));
    const key = JSON.parse(ok(await cli(['iam', 'create-access-key', '--user-name', 'bounded-admin', '--output', 'json'], root()))) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    const admin: Credentials = { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
    assert.equal(await callerArn(admin), userArn('bounded-admin'));
    ok(await cli(['s3', 'cp', body, 's3://ex-boundary-in/b.txt'], admin));
    assert.match(ok(await cli(['s3', 'ls', 's3://ex-boundary-in/'], admin)), /b\.txt/);
    const why = (action: string) => `because no permissions boundary allows the ${action} action`;
    assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'ex-boundary-out', '--key', 'a.txt', join(work, 'out')], admin)), s3Denied('GetObject', userArn('bounded-admin'), 's3:GetObject', 'arn:aws:s3:::ex-boundary-out/a.txt', why('s3:GetObject')));
    assert.equal(cliError(await cli(['s3', 'ls', 's3://ex-boundary-out/'], admin)), s3Denied('ListObjectsV2', userArn('bounded-admin'), 's3:ListBucket', 'arn:aws:s3:::ex-boundary-out', why('s3:ListBucket')));
    // Nor IAM: the admin cannot lift his own boundary or make an unbounded user.
    assert.equal(cliError(await cli(['iam', 'delete-user-permissions-boundary', '--user-name', 'bounded-admin'], admin)),
      denied('AccessDenied', 'DeleteUserPermissionsBoundary', userArn('bounded-admin'), 'iam:DeleteUserPermissionsBoundary', userArn('bounded-admin'), why('iam:DeleteUserPermissionsBoundary')));
    assert.equal(cliError(await cli(['iam', 'create-user', '--user-name', 'escape'], admin)), denied('AccessDenied', 'CreateUser', userArn('bounded-admin'), 'iam:CreateUser', userArn('escape'), why('iam:CreateUser')));
  });

  test('7. A session policy (assume-role --policy) narrows the role to reading one bucket', async () => {
    await bucket('ex-session', 'a.txt');
    await bucket('ex-session-other', 'a.txt');
    const arn = await role('ex-session-role', trustAccount(), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }]);
    const user = await env.user('session-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] }]);
    const narrow = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::ex-session', 'arn:aws:s3:::ex-session/*'] }] });
    const out = await assume(user, ['--role-arn', arn, '--role-session-name', 'narrow', '--policy', narrow]);
    assert.equal(typeof (JSON.parse(out.stdout) as { PackedPolicySize?: number }).PackedPolicySize, 'number');
    const creds = session(out);
    const principal = `arn:aws:sts::${account}:assumed-role/ex-session-role/narrow`;
    assert.equal(await callerArn(creds), principal);
    ok(await cli(['s3api', 'get-object', '--bucket', 'ex-session', '--key', 'a.txt', join(work, 'out')], creds));
    assert.match(ok(await cli(['s3', 'ls', 's3://ex-session/'], creds)), /a\.txt/);
    const why = (action: string) => `because no session policy allows the ${action} action`;
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-session', '--key', 'b.txt', '--body', body], creds)), s3Denied('PutObject', principal, 's3:PutObject', 'arn:aws:s3:::ex-session/b.txt', why('s3:PutObject')));
    assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'ex-session-other', '--key', 'a.txt', join(work, 'out')], creds)), s3Denied('GetObject', principal, 's3:GetObject', 'arn:aws:s3:::ex-session-other/a.txt', why('s3:GetObject')));
    // A session policy grants nothing the role lacks: a policy allowing sqs gives no sqs.
    const wide = session(await assume(user, ['--role-arn', arn, '--role-session-name', 'wide', '--policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }] })]));
    ok(await cli(['s3api', 'put-object', '--bucket', 'ex-session', '--key', 'c.txt', '--body', body], wide));
    assert.equal(cliError(await cli(['sqs', 'list-queues'], wide)), `An error occurred (AccessDenied) when calling the ListQueues operation: User: arn:aws:sts::${account}:assumed-role/ex-session-role/wide is not authorized to perform: sqs:ListQueues ${noIdentity('sqs:ListQueues')}`);
  });

  test('8. ABAC on DynamoDB: aws:ResourceTag/team must equal ${aws:PrincipalTag/team}; retagging the user moves the access', async () => {
    for (const [name, team] of [['ex-red-table', 'red'], ['ex-blue-table', 'blue']] as const) {
      ok(await cli(['dynamodb', 'create-table', '--table-name', name, '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST', '--tags', `Key=team,Value=${team}`], root()));
    }
    const user = await env.user('abac-ddb', [{
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Resource: `arn:aws:dynamodb:*:${account}:table/*`, Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } }],
    }]);
    const item = JSON.stringify({ id: { S: '1' }, v: { S: 'x' } });
    const key = JSON.stringify({ id: { S: '1' } });
    const tableArn = (name: string) => `arn:aws:dynamodb:us-east-1:${account}:table/${name}`;
    // Untagged user: the policy variable has no value, nothing matches.
    assert.equal(cliError(await cli(['dynamodb', 'put-item', '--table-name', 'ex-red-table', '--item', item], user)), denied('AccessDeniedException', 'PutItem', userArn('abac-ddb'), 'dynamodb:PutItem', tableArn('ex-red-table'), noIdentity('dynamodb:PutItem')));
    ok(await cli(['iam', 'tag-user', '--user-name', 'abac-ddb', '--tags', 'Key=team,Value=red'], root()));
    ok(await cli(['dynamodb', 'put-item', '--table-name', 'ex-red-table', '--item', item], user));
    assert.equal(ok(await cli(['dynamodb', 'get-item', '--table-name', 'ex-red-table', '--key', key, '--query', 'Item.v.S', '--output', 'text'], user)), 'x');
    assert.equal(cliError(await cli(['dynamodb', 'put-item', '--table-name', 'ex-blue-table', '--item', item], user)), denied('AccessDeniedException', 'PutItem', userArn('abac-ddb'), 'dynamodb:PutItem', tableArn('ex-blue-table'), noIdentity('dynamodb:PutItem')));
    // Move the user to the blue team.
    ok(await cli(['iam', 'tag-user', '--user-name', 'abac-ddb', '--tags', 'Key=team,Value=blue'], root()));
    ok(await cli(['dynamodb', 'put-item', '--table-name', 'ex-blue-table', '--item', item], user));
    assert.equal(cliError(await cli(['dynamodb', 'get-item', '--table-name', 'ex-red-table', '--key', key], user)), denied('AccessDeniedException', 'GetItem', userArn('abac-ddb'), 'dynamodb:GetItem', tableArn('ex-red-table'), noIdentity('dynamodb:GetItem')));
  });

  test('9. Explicit deny beats allow: a group\'s AdministratorAccess, a user deny, and a bucket policy allow', async () => {
    await bucket('ex-deny', 'keep.txt');
    ok(await cli(['iam', 'create-group', '--group-name', 'ExAdmins'], root()));
    ok(await cli(['iam', 'attach-group-policy', '--group-name', 'ExAdmins', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess'], root()));
    const user = await env.user('deny-user', [{ Version: '2012-10-17', Statement: [{ Sid: 'NoDeletes', Effect: 'Deny', Action: ['s3:DeleteObject', 's3:DeleteBucket'], Resource: ['arn:aws:s3:::ex-deny', 'arn:aws:s3:::ex-deny/*'] }] }]);
    // Before joining the group: nothing allows.
    assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'ex-deny', '--key', 'keep.txt', join(work, 'out')], user)), s3Denied('GetObject', userArn('deny-user'), 's3:GetObject', 'arn:aws:s3:::ex-deny/keep.txt'));
    ok(await cli(['iam', 'add-user-to-group', '--group-name', 'ExAdmins', '--user-name', 'deny-user'], root()));
    ok(await cli(['s3', 'cp', body, 's3://ex-deny/new.txt'], user));
    assert.equal(cliError(await cli(['s3api', 'delete-object', '--bucket', 'ex-deny', '--key', 'keep.txt'], user)), s3Denied('DeleteObject', userArn('deny-user'), 's3:DeleteObject', 'arn:aws:s3:::ex-deny/keep.txt', explicitIdentity));
    assert.equal(cliError(await cli(['s3api', 'delete-bucket', '--bucket', 'ex-deny'], user)), s3Denied('DeleteBucket', userArn('deny-user'), 's3:DeleteBucket', 'arn:aws:s3:::ex-deny', explicitIdentity));
    // A bucket policy naming the user and allowing the delete does not override the user's deny.
    ok(await cli(['s3api', 'put-bucket-policy', '--bucket', 'ex-deny', '--policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('deny-user') }, Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::ex-deny/*' }] })], root()));
    assert.equal(cliError(await cli(['s3api', 'delete-object', '--bucket', 'ex-deny', '--key', 'keep.txt'], user)), s3Denied('DeleteObject', userArn('deny-user'), 's3:DeleteObject', 'arn:aws:s3:::ex-deny/keep.txt', explicitIdentity));
    assert.match(ok(await cli(['s3', 'ls', 's3://ex-deny/'], root())), /keep\.txt/);
  });

  test('10. NotAction: Allow NotAction iam:* (power user); Deny NotAction limits a full admin to S3 and IAM reads', async () => {
    const power = await env.user('power-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }] }]);
    ok(await cli(['sqs', 'list-queues'], power));
    ok(await cli(['s3api', 'list-buckets'], power));
    assert.equal(cliError(await cli(['iam', 'list-users'], power)), denied('AccessDenied', 'ListUsers', userArn('power-user'), 'iam:ListUsers', `arn:aws:iam::${account}:user/`, noIdentity('iam:ListUsers')));
    const limited = await env.user('notaction-deny', [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      { Version: '2012-10-17', Statement: [{ Sid: 'DenyAllExceptS3AndIamReads', Effect: 'Deny', NotAction: ['s3:*', 'iam:Get*', 'iam:List*'], Resource: '*' }] },
    ]);
    ok(await cli(['s3api', 'list-buckets'], limited));
    ok(await cli(['iam', 'get-user'], limited));
    assert.equal(cliError(await cli(['iam', 'create-user', '--user-name', 'never'], limited)), denied('AccessDenied', 'CreateUser', userArn('notaction-deny'), 'iam:CreateUser', userArn('never'), explicitIdentity));
    assert.match(cliError(await cli(['sqs', 'create-queue', '--queue-name', 'never'], limited)), new RegExp(`^An error occurred \\(AccessDenied\\) when calling the CreateQueue operation: User: ${userArn('notaction-deny')} is not authorized to perform: sqs:CreateQueue on resource: arn:aws:sqs:us-east-1:${account}:never ${explicitIdentity}$`));
    // sts:GetCallerIdentity cannot be denied.
    assert.equal(await callerArn(limited), userArn('notaction-deny'));
  });

  test('11. NotResource: Allow s3:* on every bucket but the HR bucket; Deny PutObject outside the drop bucket', async () => {
    await bucket('ex-hr', 'salaries.csv');
    await bucket('ex-public', 'a.txt');
    await bucket('ex-drop');
    const user = await env.user('notresource', [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', NotResource: ['arn:aws:s3:::ex-hr', 'arn:aws:s3:::ex-hr/*'] }] },
      { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:PutObject', NotResource: 'arn:aws:s3:::ex-drop/*' }] },
    ]);
    ok(await cli(['s3api', 'get-object', '--bucket', 'ex-public', '--key', 'a.txt', join(work, 'out')], user));
    ok(await cli(['s3', 'cp', body, 's3://ex-drop/in.txt'], user));
    assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'ex-hr', '--key', 'salaries.csv', join(work, 'out')], user)), s3Denied('GetObject', userArn('notresource'), 's3:GetObject', 'arn:aws:s3:::ex-hr/salaries.csv'));
    assert.equal(cliError(await cli(['s3', 'ls', 's3://ex-hr/'], user)), s3Denied('ListObjectsV2', userArn('notresource'), 's3:ListBucket', 'arn:aws:s3:::ex-hr'));
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-public', '--key', 'b.txt', '--body', body], user)), s3Denied('PutObject', userArn('notresource'), 's3:PutObject', 'arn:aws:s3:::ex-public/b.txt', explicitIdentity));
    // The HR bucket: the allow does not reach it and the deny does: explicit deny is reported.
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-hr', '--key', 'b.txt', '--body', body], user)), s3Denied('PutObject', userArn('notresource'), 's3:PutObject', 'arn:aws:s3:::ex-hr/b.txt', explicitIdentity));
  });

  test('12. SSM parameters per user: /users/${aws:username}/* only', async () => {
    for (const who of ['carol', 'dave']) ok(await cli(['ssm', 'put-parameter', '--name', `/users/${who}/token`, '--value', `${who}-token`, '--type', 'SecureString'], root()));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter'], Resource: `arn:aws:ssm:us-east-1:${account}:parameter/users/\${aws:username}/*` },
        { Effect: 'Allow', Action: 'ssm:GetParametersByPath', Resource: `arn:aws:ssm:us-east-1:${account}:parameter/users/\${aws:username}` },
      ],
    };
    const carol = await env.user('carol', [policy]);
    assert.equal(ok(await cli(['ssm', 'get-parameter', '--name', '/users/carol/token', '--with-decryption', '--query', 'Parameter.Value', '--output', 'text'], carol)), 'carol-token');
    ok(await cli(['ssm', 'put-parameter', '--name', '/users/carol/other', '--value', 'v', '--type', 'String'], carol));
    assert.equal(ok(await cli(['ssm', 'get-parameters-by-path', '--path', '/users/carol', '--query', 'length(Parameters)', '--output', 'text'], carol)), '2');
    const param = (name: string) => `arn:aws:ssm:us-east-1:${account}:parameter${name}`;
    assert.equal(cliError(await cli(['ssm', 'get-parameter', '--name', '/users/dave/token', '--with-decryption'], carol)), denied('AccessDeniedException', 'GetParameter', userArn('carol'), 'ssm:GetParameter', param('/users/dave/token'), noIdentity('ssm:GetParameter')));
    assert.equal(cliError(await cli(['ssm', 'put-parameter', '--name', '/users/dave/token', '--value', 'x', '--type', 'String', '--overwrite'], carol)), denied('AccessDeniedException', 'PutParameter', userArn('carol'), 'ssm:PutParameter', param('/users/dave/token'), noIdentity('ssm:PutParameter')));
    assert.equal(cliError(await cli(['ssm', 'get-parameters-by-path', '--path', '/users/dave'], carol)), denied('AccessDeniedException', 'GetParametersByPath', userArn('carol'), 'ssm:GetParametersByPath', param('/users/dave'), noIdentity('ssm:GetParametersByPath')));
  });

  test('13. KMS: encrypt and decrypt only with the encryption context project=alpha (kms:EncryptionContext:project)', async () => {
    const keyArn = ok(await cli(['kms', 'create-key', '--description', 'exercise', '--query', 'KeyMetadata.Arn', '--output', 'text'], root()));
    const user = await env.user('kms-context', [{
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: keyArn, Condition: { StringEquals: { 'kms:EncryptionContext:project': 'alpha' } } }],
    }]);
    // (fileb:// so that aws CLI v1 and v2 read the same bytes)
    const blob = ok(await cli(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', `fileb://${body}`, '--encryption-context', 'project=alpha', '--query', 'CiphertextBlob', '--output', 'text'], user));
    const blobFile = join(work, 'blob.bin');
    await writeFile(blobFile, Buffer.from(blob, 'base64'));
    assert.equal(ok(await cli(['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'project=alpha', '--query', 'Plaintext', '--output', 'text'], user)), Buffer.from('hello\n').toString('base64'));
    assert.equal(cliError(await cli(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', `fileb://${body}`, '--encryption-context', 'project=beta'], user)), denied('AccessDeniedException', 'Encrypt', userArn('kms-context'), 'kms:Encrypt', keyArn, noIdentity('kms:Encrypt')));
    assert.equal(cliError(await cli(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', `fileb://${body}`], user)), denied('AccessDeniedException', 'Encrypt', userArn('kms-context'), 'kms:Encrypt', keyArn, noIdentity('kms:Encrypt')));
  });

  test('14. sts:RoleSessionName must be the caller\'s user name (${aws:username} in the trust policy)', async () => {
    const arn = await role('ex-named-session', trustAccount({ StringEquals: { 'sts:RoleSessionName': '${aws:username}' } }), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' }] }]);
    const erin = await env.user('erin', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] }]);
    const creds = session(await assume(erin, ['--role-arn', arn, '--role-session-name', 'erin']));
    assert.equal(await callerArn(creds), `arn:aws:sts::${account}:assumed-role/ex-named-session/erin`);
    ok(await cli(['sqs', 'list-queues'], creds));
    assert.match(cliError(await assume(erin, ['--role-arn', arn, '--role-session-name', 'admin'])), new RegExp(`^An error occurred \\(AccessDenied\\) when calling the AssumeRole operation: User: ${userArn('erin')} is not authorized to perform: sts:AssumeRole on resource: ${arn}`));
  });

  test('15. A Secrets Manager resource policy grants one user in the account; a Deny in it refuses another even with secretsmanager:*', async () => {
    ok(await cli(['secretsmanager', 'create-secret', '--name', 'ex-db-password', '--secret-string', 's3cr3t', '--query', 'ARN', '--output', 'text'], root()));
    const reader = await env.user('secret-reader');
    const other = await env.user('secret-other', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }] }]);
    // Without a resource policy the reader has no access.
    assert.equal(cliError(await cli(['secretsmanager', 'get-secret-value', '--secret-id', 'ex-db-password'], reader)), denied('AccessDeniedException', 'GetSecretValue', userArn('secret-reader'), 'secretsmanager:GetSecretValue', 'ex-db-password', noIdentity('secretsmanager:GetSecretValue')));
    ok(await cli(['secretsmanager', 'put-resource-policy', '--secret-id', 'ex-db-password', '--resource-policy', JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: userArn('secret-reader') }, Action: 'secretsmanager:GetSecretValue', Resource: '*' },
        { Effect: 'Deny', Principal: { AWS: userArn('secret-other') }, Action: 'secretsmanager:*', Resource: '*' },
      ],
    })], root()));
    assert.equal(ok(await cli(['secretsmanager', 'get-secret-value', '--secret-id', 'ex-db-password', '--query', 'SecretString', '--output', 'text'], reader)), 's3cr3t');
    assert.equal(cliError(await cli(['secretsmanager', 'describe-secret', '--secret-id', 'ex-db-password'], reader)), denied('AccessDeniedException', 'DescribeSecret', userArn('secret-reader'), 'secretsmanager:DescribeSecret', 'ex-db-password', noIdentity('secretsmanager:DescribeSecret')));
    assert.equal(cliError(await cli(['secretsmanager', 'get-secret-value', '--secret-id', 'ex-db-password'], other)), denied('AccessDeniedException', 'GetSecretValue', userArn('secret-other'), 'secretsmanager:GetSecretValue', 'ex-db-password', 'with an explicit deny in a resource-based policy'));
  });

  test('17. MFA via get-session-token, then assume-role into a role requiring MFA; a role session cannot call GetSessionToken', async () => {
    const arn = await role('ex-mfa-gst-role', trustAccount({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' }] }]);
    const user = await env.user('mfa-gst', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] }]);
    const seedFile = join(work, 'mfa-gst-seed.txt');
    const serial = ok(await cli(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'mfa-gst', '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed', '--query', 'VirtualMFADevice.SerialNumber', '--output', 'text'], root()));
    const seed = (await readFile(seedFile, 'utf8')).trim();
    const step = Math.floor(Date.now() / 30_000);
    const code = (at: number) => generateSync({ secret: seed, epoch: at * 30 });
    ok(await cli(['iam', 'enable-mfa-device', '--user-name', 'mfa-gst', '--serial-number', serial, '--authentication-code1', code(step - 1), '--authentication-code2', code(step)], root()));
    const token = (result: Cli): Credentials => {
      const parsed = JSON.parse(ok(result)) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
      return { accessKeyId: parsed.Credentials.AccessKeyId, secretAccessKey: parsed.Credentials.SecretAccessKey, sessionToken: parsed.Credentials.SessionToken };
    };
    // A session token without MFA: the trust policy's condition fails.
    const plain = token(await cli(['sts', 'get-session-token', '--output', 'json'], user));
    assert.equal(await callerArn(plain), userArn('mfa-gst'));
    assert.match(cliError(await assume(plain, ['--role-arn', arn, '--role-session-name', 'plain'])), new RegExp(`^An error occurred \\(AccessDenied\\) when calling the AssumeRole operation: User: ${userArn('mfa-gst')} is not authorized to perform: sts:AssumeRole on resource: ${arn}`));
    // With MFA: the session carries aws:MultiFactorAuthPresent into AssumeRole.
    const mfa = token(await cli(['sts', 'get-session-token', '--serial-number', serial, '--token-code', code(step + 1), '--output', 'json'], user));
    const creds = session(await assume(mfa, ['--role-arn', arn, '--role-session-name', 'via-gst']));
    assert.equal(await callerArn(creds), `arn:aws:sts::${account}:assumed-role/ex-mfa-gst-role/via-gst`);
    ok(await cli(['sqs', 'list-queues'], creds));
    // GetSessionToken needs long-term credentials.
    assert.equal(cliError(await cli(['sts', 'get-session-token'], creds)), 'An error occurred (AccessDenied) when calling the GetSessionToken operation: Cannot call GetSessionToken with session credentials');
  });

  test('18. ${aws:username} has no value for a role session; the role home folder uses ${aws:userid} (role ID:session name)', async () => {
    await bucket('ex-userid');
    const arn = await role('ex-userid-role', trustAccount(), [{
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: ['arn:aws:s3:::ex-userid/home/${aws:username}/*', 'arn:aws:s3:::ex-userid/home/${aws:userid}/*'] }],
    }]);
    const roleId = ok(await cli(['iam', 'get-role', '--role-name', 'ex-userid-role', '--query', 'Role.RoleId', '--output', 'text'], root()));
    assert.match(roleId, /^AROA[A-Z0-9]{17}$/);
    const user = await env.user('userid-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] }]);
    const creds = session(await assume(user, ['--role-arn', arn, '--role-session-name', 'userid-user']));
    const principal = `arn:aws:sts::${account}:assumed-role/ex-userid-role/userid-user`;
    assert.equal(ok(await cli(['sts', 'get-caller-identity', '--query', 'UserId', '--output', 'text'], creds)), `${roleId}:userid-user`);
    ok(await cli(['s3api', 'put-object', '--bucket', 'ex-userid', '--key', `home/${roleId}:userid-user/a.txt`, '--body', body], creds));
    // The session name is not a user name: home/userid-user/ is not the session's.
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-userid', '--key', 'home/userid-user/a.txt', '--body', body], creds)), s3Denied('PutObject', principal, 's3:PutObject', 'arn:aws:s3:::ex-userid/home/userid-user/a.txt'));
    // Nor does an empty or literal user name match.
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-userid', '--key', 'home//a.txt', '--body', body], creds)), s3Denied('PutObject', principal, 's3:PutObject', 'arn:aws:s3:::ex-userid/home//a.txt'));
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-userid', '--key', 'home/${aws:username}/a.txt', '--body', body], creds)), s3Denied('PutObject', principal, 's3:PutObject', 'arn:aws:s3:::ex-userid/home/${aws:username}/a.txt'));
  });

  test('19. NotPrincipal with Deny in a bucket policy: a role session is exempt only when its assumed-role ARN is listed', async () => {
    await bucket('ex-notprincipal', 'a.txt');
    const arn = await role('ex-np-role', trustAccount(), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }]);
    const user = await env.user('np-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 's3:ListBucket'], Resource: '*' }] }]);
    const creds = session(await assume(user, ['--role-arn', arn, '--role-session-name', 'np']));
    const sessionArn = `arn:aws:sts::${account}:assumed-role/ex-np-role/np`;
    const policy = (exempt: string[]) => JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: exempt }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::ex-notprincipal' }],
    });
    const rootArn = `arn:aws:iam::${account}:root`;
    // The role's ARN alone does not exempt its sessions; the user, not listed, is denied too.
    ok(await cli(['s3api', 'put-bucket-policy', '--bucket', 'ex-notprincipal', '--policy', policy([rootArn, arn])], root()));
    const resourceDeny = 'with an explicit deny in a resource-based policy';
    assert.equal(cliError(await cli(['s3', 'ls', 's3://ex-notprincipal/'], creds)), s3Denied('ListObjectsV2', sessionArn, 's3:ListBucket', 'arn:aws:s3:::ex-notprincipal', resourceDeny));
    assert.equal(cliError(await cli(['s3', 'ls', 's3://ex-notprincipal/'], user)), s3Denied('ListObjectsV2', userArn('np-user'), 's3:ListBucket', 'arn:aws:s3:::ex-notprincipal', resourceDeny));
    // Listing the session ARN (with the role and the account) exempts it.
    ok(await cli(['s3api', 'put-bucket-policy', '--bucket', 'ex-notprincipal', '--policy', policy([rootArn, arn, sessionArn])], root()));
    assert.match(ok(await cli(['s3', 'ls', 's3://ex-notprincipal/'], creds)), /a\.txt/);
    assert.equal(cliError(await cli(['s3', 'ls', 's3://ex-notprincipal/'], user)), s3Denied('ListObjectsV2', userArn('np-user'), 's3:ListBucket', 'arn:aws:s3:::ex-notprincipal', resourceDeny));
    ok(await cli(['s3api', 'delete-bucket-policy', '--bucket', 'ex-notprincipal'], root()));
  });

  test('20. Require server-side encryption on upload (s3:x-amz-server-side-encryption, StringNotEquals and Null)', async () => {
    await bucket('ex-sse');
    const user = await env.user('sse-user', [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::ex-sse/*' }] },
      { Version: '2012-10-17', Statement: [
        { Sid: 'DenyIncorrectEncryptionHeader', Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::ex-sse/*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } } },
        { Sid: 'DenyUnEncryptedObjectUploads', Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::ex-sse/*', Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } },
      ] },
    ]);
    ok(await cli(['s3api', 'put-object', '--bucket', 'ex-sse', '--key', 'enc.txt', '--body', body, '--server-side-encryption', 'AES256'], user));
    ok(await cli(['s3', 'cp', body, 's3://ex-sse/enc2.txt', '--sse', 'AES256'], user));
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-sse', '--key', 'plain.txt', '--body', body], user)), s3Denied('PutObject', userArn('sse-user'), 's3:PutObject', 'arn:aws:s3:::ex-sse/plain.txt', explicitIdentity));
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-sse', '--key', 'kms.txt', '--body', body, '--server-side-encryption', 'aws:kms'], user)), s3Denied('PutObject', userArn('sse-user'), 's3:PutObject', 'arn:aws:s3:::ex-sse/kms.txt', explicitIdentity));
  });

  test('21. Managed session policies (assume-role --policy-arns) narrow the role like an inline session policy', async () => {
    await bucket('ex-policy-arns', 'a.txt');
    const readOnly = ok(await cli(['iam', 'create-policy', '--policy-name', 'ExSessionRead', '--query', 'Policy.Arn', '--output', 'text', '--policy-document', JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::ex-policy-arns/*' }],
    })], root()));
    const arn = await role('ex-policy-arns-role', trustAccount(), [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }]);
    const user = await env.user('policy-arns-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] }]);
    const creds = session(await assume(user, ['--role-arn', arn, '--role-session-name', 'ro', '--policy-arns', `arn=${readOnly}`]));
    const principal = `arn:aws:sts::${account}:assumed-role/ex-policy-arns-role/ro`;
    ok(await cli(['s3api', 'get-object', '--bucket', 'ex-policy-arns', '--key', 'a.txt', join(work, 'out')], creds));
    assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'ex-policy-arns', '--key', 'b.txt', '--body', body], creds)), s3Denied('PutObject', principal, 's3:PutObject', 'arn:aws:s3:::ex-policy-arns/b.txt', 'because no session policy allows the s3:PutObject action'));
    // A session policy ARN that does not exist is refused at assumption.
    const missing = `arn:aws:iam::${account}:policy/NoSuchSessionPolicy`;
    // (AWS's exact code and text for this are not documented: only the refusal is asserted.)
    assert.match(cliError(await assume(user, ['--role-arn', arn, '--role-session-name', 'missing', '--policy-arns', `arn=${missing}`])), /^An error occurred \(\w+\) when calling the AssumeRole operation: /);
  });

  describe('16. Deny unless aws:SecureTransport', () => {
    let tls: TestServer;
    let home: string;
    let ca: string;
    before(async () => {
      home = await mkdtemp(join(tmpdir(), 'tessera-iam-exercises-tls-'));
      const out: string[] = [];
      const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), readFile: (p: string) => readFile(p, 'utf8'), env: {} };
      assert.equal(await runDevCertCommand(['--out', join(home, 'tls')], io), 0, out.join(''));
      ca = join(home, 'tls', 'ca.pem');
      await writeFile(join(home, 'config'), '[default]\nregion = us-east-1\n');
      tls = await startTestServer({
        tlsCert: join(home, 'tls', 'cert.pem'),
        tlsKey: join(home, 'tls', 'key.pem'),
        gateway: { ...parseUpstreams([env.moto.url], '--upstream'), credentials: new Map(), accountHeader: 'x-moto-account-id', mode: 'enforce' },
      });
    });
    after(async () => {
      await tls?.stop();
      if (home) await rm(home, { recursive: true, force: true });
    });

    test('the same user is refused over http and allowed over https', async () => {
      const policy = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Sid: 'DenyInsecure', Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ],
      };
      const tlsRoot = tls.root;
      const https = (args: string[], credentials: Credentials) => runAws(tls.url, home, ['--ca-bundle', ca, ...args], credentials);
      const http = (args: string[], credentials: Credentials) => runAws(env.server.url, home, args, credentials);
      ok(await https(['s3api', 'create-bucket', '--bucket', 'ex-tls'], tlsRoot));
      ok(await https(['s3api', 'put-object', '--bucket', 'ex-tls', '--key', 'a.txt', '--body', body], tlsRoot));
      // The user on the https server, made over https with the CLI.
      ok(await https(['iam', 'create-user', '--user-name', 'tls-user'], tlsRoot));
      ok(await https(['iam', 'put-user-policy', '--user-name', 'tls-user', '--policy-name', 'p', '--policy-document', JSON.stringify(policy)], tlsRoot));
      const made = JSON.parse(ok(await https(['iam', 'create-access-key', '--user-name', 'tls-user', '--output', 'json'], tlsRoot))) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
      const user: Credentials = { accessKeyId: made.AccessKey.AccessKeyId, secretAccessKey: made.AccessKey.SecretAccessKey };
      const arn = `arn:aws:iam::${tls.accountId}:user/tls-user`;
      // A server serves https or http, not both: the http side is the plain gateway, with a user of the same policy.
      const plainUser = await env.user('tls-user', [policy]);
      assert.equal(ok(await https(['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], user)), arn);
      ok(await https(['s3api', 'get-object', '--bucket', 'ex-tls', '--key', 'a.txt', join(work, 'tls-out')], user));
      assert.equal(await readFile(join(work, 'tls-out'), 'utf8'), 'hello\n');
      assert.match(ok(await https(['s3', 'ls', 's3://ex-tls/'], user)), /a\.txt/);
      await bucket('ex-plain', 'a.txt');
      assert.equal(cliError(await http(['s3api', 'get-object', '--bucket', 'ex-plain', '--key', 'a.txt', join(work, 'out')], plainUser)), s3Denied('GetObject', userArn('tls-user'), 's3:GetObject', 'arn:aws:s3:::ex-plain/a.txt', explicitIdentity));
      assert.equal(cliError(await http(['s3', 'ls', 's3://ex-plain/'], plainUser)), s3Denied('ListObjectsV2', userArn('tls-user'), 's3:ListBucket', 'arn:aws:s3:::ex-plain', explicitIdentity));
      // IAM too (the deny's Action is "*"): explicitly denied over http; over https only the missing allow refuses it.
      assert.equal(cliError(await http(['iam', 'get-user'], plainUser)), denied('AccessDenied', 'GetUser', userArn('tls-user'), 'iam:GetUser', userArn('tls-user'), explicitIdentity));
      assert.equal(cliError(await https(['iam', 'get-user'], user)), denied('AccessDenied', 'GetUser', arn, 'iam:GetUser', arn, noIdentity('iam:GetUser')));
    });
  });
});
