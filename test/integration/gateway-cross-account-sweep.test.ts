// Cross-account through the gateway: a second Tessera account's callers reaching the first
// account's resources with the aws CLI, decided as AWS's cross-account evaluation decides them
// (both the identity policy and the resource policy must allow; an explicit deny on either side
// wins). The Lambda test failed before the fix (a function policy as moto stores it granted
// nothing); the others pin behaviour found correct.

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import type { Credentials } from '../support/tessera-server.ts';

const REGION = 'us-east-1';
const ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

describe('gateway cross-account sweep', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let owner: string;
  let other: Credentials & { accountId: string };
  let allowedUser: Credentials & { arn: string };
  let bareUser: Credentials & { arn: string };

  /** A user of the second account with this inline policy (env.user). */
  const otherUser = (name: string, policy?: Record<string, unknown>) => env.user(name, policy ? [policy] : [], { iam: env.server.iam, root: other });

  before(async () => {
    env = await startGatewayEnv();
    owner = env.server.accountId;
    other = await env.account();
    allowedUser = await otherUser('b-allowed', ALL);
    bareUser = await otherUser('b-bare');
  });
  after(() => env?.stop());

  test('Lambda: a permission added for another account or one of its users serves it (both sides must still allow)', async () => {
    // Lambda checks its execution role in the upstream's IAM: made there directly.
    await createMotoServiceRole(env.moto.url, owner, 'fn-exec');
    const zip = lambdaZip('tessera-xacct-');
    const dir = dirname(zip);
    const root = env.server.root;
    const created = await env.cli(['lambda', 'create-function', '--function-name', 'shared', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${owner}:role/fn-exec`, '--zip-file', `fileb://${zip}`], root);
    assert.equal(created.code, 0, created.stderr);
    const fn = `arn:aws:lambda:${REGION}:${owner}:function:shared`;

    const before = await env.cli(['lambda', 'get-function-configuration', '--function-name', fn], allowedUser);
    assert.match(cliError(before.stderr).message, /because no resource-based policy allows the lambda:GetFunctionConfiguration action$/);

    // The account as a bare ID (what AddPermission takes): its identities whose policies allow.
    const toAccount = await env.cli(['lambda', 'add-permission', '--function-name', 'shared', '--statement-id', 'acct', '--action', 'lambda:GetFunctionConfiguration', '--principal', other.accountId], root);
    assert.equal(toAccount.code, 0, toAccount.stderr);
    const read = await env.cli(['lambda', 'get-function-configuration', '--function-name', fn], allowedUser);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(JSON.parse(read.stdout).FunctionArn, fn);
    const bare = await env.cli(['lambda', 'get-function-configuration', '--function-name', fn], bareUser);
    assert.equal(cliError(bare.stderr).message, `User: ${bareUser.arn} is not authorized to perform: lambda:GetFunctionConfiguration on resource: ${fn} because no identity-based policy allows the lambda:GetFunctionConfiguration action`);

    // One user of the other account: that user only.
    const toUser = await env.cli(['lambda', 'add-permission', '--function-name', 'shared', '--statement-id', 'user', '--action', 'lambda:GetFunction', '--principal', allowedUser.arn], root);
    assert.equal(toUser.code, 0, toUser.stderr);
    assert.equal((await env.cli(['lambda', 'get-function', '--function-name', fn], allowedUser)).code, 0);
    const otherAllowed = await otherUser('b-allowed-2', ALL);
    const notNamed = await env.cli(['lambda', 'get-function', '--function-name', fn], otherAllowed);
    assert.match(cliError(notNamed.stderr).message, /because no resource-based policy allows the lambda:GetFunction action$/);
    // Only what was added: Invoke was not.
    const invoke = await env.cli(['lambda', 'invoke', '--function-name', fn, join(dir, 'out.json')], allowedUser);
    assert.match(cliError(invoke.stderr).message, /lambda:InvokeFunction on resource: .* because no resource-based policy allows the lambda:InvokeFunction action$/);
  });

  // Pinned (found correct): KMS names a key of another account only by its ARN.
  test('KMS: another account\'s key by ARN or alias ARN is decided by its key policy; an alias name is the caller\'s own', async () => {
    const root = env.server.root;
    const key = JSON.parse((await env.cli(['kms', 'create-key'], root)).stdout).KeyMetadata as { KeyId: string; Arn: string };
    assert.equal((await env.cli(['kms', 'create-alias', '--alias-name', 'alias/xacct', '--target-key-id', key.KeyId], root)).code, 0);
    const encrypt = (keyId: string, who: Credentials) => env.cli(['kms', 'encrypt', '--key-id', keyId, '--plaintext', 'aGk='], who);
    // The default key policy delegates to the owner's account only.
    assert.match(cliError((await encrypt(key.Arn, allowedUser)).stderr).message, /because no resource-based policy allows the kms:Encrypt action$/);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${owner}:root` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other.accountId}:root` }, Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' },
      ],
    };
    assert.equal((await env.cli(['kms', 'put-key-policy', '--key-id', key.KeyId, '--policy-name', 'default', '--policy', JSON.stringify(policy)], root)).code, 0);
    assert.equal((await encrypt(key.Arn, allowedUser)).code, 0);
    assert.equal((await encrypt(`arn:aws:kms:${REGION}:${owner}:alias/xacct`, allowedUser)).code, 0);
    assert.equal(cliError((await encrypt(key.Arn, bareUser)).stderr).message, `User: ${bareUser.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Encrypt action`);
    // A bare alias or key ID names the caller's own account's key, never the owner's.
    assert.equal(cliError((await encrypt('alias/xacct', allowedUser)).stderr).code, 'NotFoundException');
    const byId = cliError((await encrypt(key.KeyId, allowedUser)).stderr);
    assert.deepEqual(byId, { code: 'NotFoundException', message: `Key 'arn:aws:kms:${REGION}:${other.accountId}:key/${key.KeyId}' does not exist` });
  });

  // Pinned (found correct): organization keys and an explicit deny in the resource policy.
  test('SQS: aws:PrincipalOrgID in a queue policy serves the organization; a Deny naming one user wins over it', async () => {
    const root = env.server.root;
    const org = JSON.parse((await env.cli(['organizations', 'create-organization', '--feature-set', 'ALL'], root)).stdout).Organization.Id as string;
    const queueUrl = `${env.server.url}/${owner}/org-queue`;
    const queueArn = `arn:aws:sqs:${REGION}:${owner}:org-queue`;
    assert.equal((await env.cli(['sqs', 'create-queue', '--queue-name', 'org-queue'], root)).code, 0);
    const denied = await otherUser('b-denied', ALL);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: queueArn, Condition: { StringEquals: { 'aws:PrincipalOrgID': org } } },
        { Effect: 'Deny', Principal: { AWS: denied.arn }, Action: 'sqs:*', Resource: queueArn },
      ],
    };
    assert.equal((await env.cli(['sqs', 'set-queue-attributes', '--queue-url', queueUrl, '--attributes', JSON.stringify({ Policy: JSON.stringify(policy) })], root)).code, 0);
    const send = (who: Credentials) => env.cli(['sqs', 'send-message', '--queue-url', queueUrl, '--message-body', 'x'], who);
    // Not yet a member: the condition does not hold.
    assert.match(cliError((await send(allowedUser)).stderr).message, /because no resource-based policy allows the sqs:SendMessage action$/);
    const handshake = JSON.parse((await env.cli(['organizations', 'invite-account-to-organization', '--target', `Type=ACCOUNT,Id=${other.accountId}`], root)).stdout).Handshake.Id as string;
    assert.equal((await env.cli(['organizations', 'accept-handshake', '--handshake-id', handshake], other)).code, 0);
    assert.equal((await send(allowedUser)).code, 0);
    assert.match(cliError((await send(denied)).stderr).message, /with an explicit deny in a resource-based policy$/);
    // An identity policy limited by aws:ResourceAccount to the caller's own account does not reach it.
    const ownOnly = await otherUser('b-own-only', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': other.accountId } } }] });
    assert.match(cliError((await send(ownOnly)).stderr).message, /because no identity-based policy allows the sqs:SendMessage action$/);
  });
});
