import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCli, awsCliAvailable, startServeProcess, type ServeProcess } from '../support/cli-process.ts';

const ROOT = { accessKeyId: 'AKIACLISTSROOTKEY001', secretAccessKey: 'cli-sts-root-secret-00000000000000000000' };
const ACCOUNT = '343434343434';

/** The classic flow with the real aws CLI against a server in another process. */
describe('STS through the aws CLI', { skip: !awsCliAvailable() && 'the aws CLI is not installed (`aws --version` failed)' }, () => {
  let dir: string;
  let serve: ServeProcess;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-cli-sts-'));
    serve = await startServeProcess(['--data-dir', dir, '--port', '0', '--log-level', 'error', '--account-id', ACCOUNT,
      '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey],
      // The encoded authorization message is off by default; this server turns it on through the environment twin.
      { TESSERA_ENCODED_AUTHORIZATION_MESSAGES: '1' });
  });
  after(async () => {
    await serve?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a user with no IAM permissions assumes a role, acts with it, and is refused beyond it', async () => {
    const cli = (creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, ...args: string[]) => awsCli(serve.url, creds, args);
    assert.equal(cli(ROOT, 'iam', 'create-user', '--user-name', 'dev').status, 0);
    const assume = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] });
    assert.equal(cli(ROOT, 'iam', 'put-user-policy', '--user-name', 'dev', '--policy-name', 'assume', '--policy-document', assume).status, 0);
    const key = cli(ROOT, 'iam', 'create-access-key', '--user-name', 'dev').json.AccessKey;
    const dev = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    const trustFile = join(dir, 'trust.json');
    await writeFile(trustFile, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/dev` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ticket-42' } } }] }));
    assert.equal(cli(ROOT, 'iam', 'create-role', '--role-name', 'Reader', '--assume-role-policy-document', `file://${trustFile}`).status, 0);
    assert.equal(cli(ROOT, 'iam', 'put-role-policy', '--role-name', 'Reader', '--policy-name', 'read', '--policy-document',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] })).status, 0);

    const noExternalId = cli(dev, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/Reader`, '--role-session-name', 'cli');
    assert.notEqual(noExternalId.status, 0);
    assert.match(noExternalId.stderr, /AccessDenied/);
    assert.match(noExternalId.stderr, new RegExp(`User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/Reader`));

    const assumed = cli(dev, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/Reader`, '--role-session-name', 'cli', '--external-id', 'ticket-42', '--duration-seconds', '900');
    assert.equal(assumed.status, 0, assumed.stderr);
    assert.equal(assumed.json.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Reader/cli`);
    assert.match(assumed.json.Credentials.AccessKeyId, /^ASIA/);
    const session = { accessKeyId: assumed.json.Credentials.AccessKeyId, secretAccessKey: assumed.json.Credentials.SecretAccessKey, sessionToken: assumed.json.Credentials.SessionToken };

    const who = cli(session, 'sts', 'get-caller-identity');
    assert.equal(who.status, 0, who.stderr);
    assert.equal(who.json.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Reader/cli`);
    const users = cli(session, 'iam', 'list-users');
    assert.equal(users.status, 0, users.stderr);
    assert.deepEqual(users.json.Users.map((u: { UserName: string }) => u.UserName), ['dev']);
    const beyond = cli(session, 'iam', 'create-user', '--user-name', 'nope');
    assert.notEqual(beyond.status, 0);
    assert.match(beyond.stderr, /Encoded authorization failure message: /);
  });
});
