import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { awsCli, awsCliAvailable } from '../support/cli-process.ts';
import { startTestServer, type Credentials } from '../support/tessera-server.ts';

/**
 * The real aws CLI against a live server, once per IAM operation group: what matters here is
 * what the CLI itself does with Tessera's answers (decoding policy documents, writing the QR
 * code file, following markers for --max-items, printing AWS's error text). Each CLI call
 * costs about half a second, so the file keeps to a few dozen.
 *
 * `awsCli` waits for the CLI synchronously, which would stall a server on this thread's event
 * loop; so this same file, loaded in a worker thread, runs the server there.
 */

interface ServerInfo {
  url: string;
  accountId: string;
  root: Credentials;
}

/** In the worker: start the server, report where it is, and stop it when asked. */
async function serveForParent(): Promise<void> {
  const server = await startTestServer();
  parentPort!.once('message', async () => {
    await server.stop();
    parentPort!.postMessage('stopped');
  });
  parentPort!.postMessage({ url: server.url, accountId: server.accountId, root: server.root } satisfies ServerInfo);
}

/** In the test: the server in a worker thread, and a function that stops it. */
async function startServerThread(): Promise<{ info: ServerInfo; stop(): Promise<void> }> {
  const worker = new Worker(new URL(import.meta.url));
  const info = await new Promise<ServerInfo>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    info,
    async stop() {
      const stopped = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
}

const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const READ_IAM = { Version: '2012-10-17', Statement: [{ Sid: 'ReadUsers', Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListUsers'], Resource: '*' }] };
const QUEUES = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function describeCliTests(): void {
  const skip = awsCliAvailable() ? false : 'the aws CLI is not installed (`aws --version` failed)';
  describe('IAM through the aws CLI', { skip }, () => {
    let server: ServerInfo;
    let stopServer: (() => Promise<void>) | undefined;
    let dir: string;
    let account: string;

    /** Runs `aws iam …` as the root user (or `credentials`) and returns the parsed JSON, failing on a non-zero exit. */
    function iam(args: string[], credentials: Credentials = server.root): any {
      const result = awsCli(server.url, credentials, ['iam', ...args]);
      assert.equal(result.status, 0, `aws iam ${args.join(' ')}: ${result.stderr}`);
      return result.json;
    }

    /** Writes a JSON document to a temporary file and returns its file:// form for the CLI. */
    async function file(name: string, content: object): Promise<string> {
      const path = join(dir, name);
      await writeFile(path, JSON.stringify(content, null, 2));
      return `file://${path}`;
    }

    before(async () => {
      const thread = await startServerThread();
      server = thread.info;
      stopServer = thread.stop;
      account = server.accountId;
      dir = await mkdtemp(join(tmpdir(), 'tessera-cli-iam-'));
    });
    after(async () => {
      await stopServer?.();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('users and groups: create-group, add-user-to-group, get-group', () => {
      const group = iam(['create-group', '--group-name', 'Admins', '--path', '/ops/']);
      assert.equal(group.Group.Arn, `arn:aws:iam::${account}:group/ops/Admins`);
      assert.match(group.Group.GroupId, /^AGPA[A-Z0-9]{17}$/);
      iam(['create-user', '--user-name', 'alice']);
      assert.equal(iam(['add-user-to-group', '--group-name', 'Admins', '--user-name', 'alice']), undefined, 'no output for an empty result');
      const got = iam(['get-group', '--group-name', 'admins']);
      assert.equal(got.Group.GroupName, 'Admins');
      assert.deepEqual(got.Users.map((u: { UserName: string }) => u.UserName), ['alice']);
    });

    test('roles: create-role from a file, get-role shows the trust policy decoded into JSON', async () => {
      const created = iam(['create-role', '--role-name', 'app-server', '--assume-role-policy-document', await file('trust.json', TRUST), '--description', 'web tier']);
      assert.equal(created.Role.Arn, `arn:aws:iam::${account}:role/app-server`);
      assert.match(created.Role.RoleId, /^AROA[A-Z0-9]{17}$/);
      const role = iam(['get-role', '--role-name', 'app-server']).Role;
      assert.deepEqual(role.AssumeRolePolicyDocument, TRUST);
      assert.equal(role.Description, 'web tier');
      assert.equal(role.MaxSessionDuration, 3600);
    });

    test('managed policies: create-policy, attach-user-policy, list-attached-user-policies, get-policy-version', async () => {
      const policy = iam(['create-policy', '--policy-name', 'ReadIam', '--policy-document', await file('read-iam.json', READ_IAM)]).Policy;
      assert.equal(policy.Arn, `arn:aws:iam::${account}:policy/ReadIam`);
      assert.equal(policy.DefaultVersionId, 'v1');
      iam(['attach-user-policy', '--user-name', 'alice', '--policy-arn', policy.Arn]);
      assert.deepEqual(iam(['list-attached-user-policies', '--user-name', 'alice']).AttachedPolicies, [{ PolicyName: 'ReadIam', PolicyArn: policy.Arn }]);
      const version = iam(['get-policy-version', '--policy-arn', policy.Arn, '--version-id', 'v1']).PolicyVersion;
      assert.deepEqual(version.Document, READ_IAM);
      assert.equal(version.IsDefaultVersion, true);
    });

    test('inline policies: put-user-policy, get-user-policy; and which policies grant which service', async () => {
      iam(['put-user-policy', '--user-name', 'alice', '--policy-name', 'Queues', '--policy-document', await file('queues.json', QUEUES)]);
      const got = iam(['get-user-policy', '--user-name', 'alice', '--policy-name', 'Queues']);
      assert.deepEqual(got, { UserName: 'alice', PolicyName: 'Queues', PolicyDocument: QUEUES });
      const grants = iam(['list-policies-granting-service-access', '--arn', `arn:aws:iam::${account}:user/alice`, '--service-namespaces', 'sqs', 'iam']);
      assert.deepEqual(grants.PoliciesGrantingServiceAccess, [
        { ServiceNamespace: 'sqs', Policies: [{ PolicyName: 'Queues', PolicyType: 'INLINE', EntityType: 'USER', EntityName: 'alice' }] },
        { ServiceNamespace: 'iam', Policies: [{ PolicyName: 'ReadIam', PolicyType: 'MANAGED', PolicyArn: `arn:aws:iam::${account}:policy/ReadIam` }] },
      ]);
    });

    test('instance profiles: create, add-role-to-instance-profile, get', () => {
      const profile = iam(['create-instance-profile', '--instance-profile-name', 'web']).InstanceProfile;
      assert.equal(profile.Arn, `arn:aws:iam::${account}:instance-profile/web`);
      assert.deepEqual(profile.Roles, []);
      iam(['add-role-to-instance-profile', '--instance-profile-name', 'web', '--role-name', 'app-server']);
      const got = iam(['get-instance-profile', '--instance-profile-name', 'web']).InstanceProfile;
      assert.deepEqual(got.Roles.map((r: { RoleName: string }) => r.RoleName), ['app-server']);
      assert.deepEqual(got.Roles[0].AssumeRolePolicyDocument, TRUST);
    });

    test('login profile: create-login-profile, get-login-profile', () => {
      const created = iam(['create-login-profile', '--user-name', 'alice', '--password', 'Correct-Horse-7-Battery', '--password-reset-required']).LoginProfile;
      assert.equal(created.UserName, 'alice');
      assert.equal(created.PasswordResetRequired, true);
      assert.equal(created.Password, undefined, 'the password is never echoed');
      const got = iam(['get-login-profile', '--user-name', 'alice']).LoginProfile;
      assert.equal(got.UserName, 'alice');
      assert.ok(!Number.isNaN(Date.parse(got.CreateDate)));
    });

    test('virtual MFA device: create-virtual-mfa-device writes the QR code as a PNG file', async () => {
      const outfile = join(dir, 'qr.png');
      const device = iam(['create-virtual-mfa-device', '--virtual-mfa-device-name', 'alice-phone', '--outfile', outfile, '--bootstrap-method', 'QRCodePNG']).VirtualMFADevice;
      assert.equal(device.SerialNumber, `arn:aws:iam::${account}:mfa/alice-phone`);
      assert.equal(device.QRCodePNG, undefined, 'the CLI moves the code into the file');
      const png = await readFile(outfile);
      assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
      assert.ok(png.length > 200, `a real image, not a stub (${png.length} bytes)`);
    });

    test('OIDC provider: create-open-id-connect-provider, get-open-id-connect-provider', () => {
      const thumbprint = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';
      const arn = iam(['create-open-id-connect-provider', '--url', 'https://token.example.com/tenant', '--client-id-list', 'sts.amazonaws.com', '--thumbprint-list', thumbprint]).OpenIDConnectProviderArn;
      assert.equal(arn, `arn:aws:iam::${account}:oidc-provider/token.example.com/tenant`);
      const got = iam(['get-open-id-connect-provider', '--open-id-connect-provider-arn', arn]);
      assert.equal(got.Url, 'token.example.com/tenant');
      assert.deepEqual(got.ClientIDList, ['sts.amazonaws.com']);
      assert.deepEqual(got.ThumbprintList, [thumbprint]);
    });

    test('account: create-account-alias, list-account-aliases, get-account-summary counts what exists', () => {
      iam(['create-account-alias', '--account-alias', 'tessera-cli-test']);
      assert.deepEqual(iam(['list-account-aliases']).AccountAliases, ['tessera-cli-test']);
      const summary = iam(['get-account-summary']).SummaryMap;
      assert.equal(summary.Groups, 1);
      assert.equal(summary.Roles, 1);
      assert.equal(summary.Policies, 1);
      assert.equal(summary.InstanceProfiles, 1);
      assert.equal(summary.Providers, 1);
      assert.ok(summary.Users >= 1);
      assert.equal(summary.UsersQuota, 5000);
    });

    test('credential report: generate, then get it as CSV (the CLI shows the blob base64-encoded)', () => {
      const generated = iam(['generate-credential-report']);
      assert.ok(['STARTED', 'COMPLETE'].includes(generated.State), generated.State);
      const report = iam(['get-credential-report']);
      assert.equal(report.ReportFormat, 'text/csv');
      const lines = Buffer.from(report.Content, 'base64').toString('utf8').trim().split('\n');
      assert.match(lines[0]!, /^user,arn,user_creation_time,password_enabled,/);
      assert.ok(lines.some((line) => line.startsWith('<root_account>,')));
      const alice = lines.find((line) => line.startsWith('alice,'));
      assert.ok(alice, 'alice has a row');
      assert.equal(alice.split(',')[3], 'true', 'alice has a password');
    });

    test('simulate-principal-policy: EvalDecision per action from the user\'s real policies', () => {
      const out = iam(['simulate-principal-policy', '--policy-source-arn', `arn:aws:iam::${account}:user/alice`, '--action-names', 'iam:GetUser', 'sqs:SendMessage', 'iam:DeleteUser']);
      const decisions = Object.fromEntries(out.EvaluationResults.map((r: { EvalActionName: string; EvalDecision: string }) => [r.EvalActionName, r.EvalDecision]));
      assert.deepEqual(decisions, { 'iam:GetUser': 'allowed', 'sqs:SendMessage': 'allowed', 'iam:DeleteUser': 'implicitDeny' });
    });

    test('a user without policies is denied, and stderr carries AWS\'s message', () => {
      iam(['create-user', '--user-name', 'nobody']);
      const key = iam(['create-access-key', '--user-name', 'nobody']).AccessKey;
      const denied = awsCli(server.url, { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }, ['iam', 'list-users']);
      assert.notEqual(denied.status, 0);
      assert.match(denied.stderr, /An error occurred \(AccessDenied\) when calling the ListUsers operation/);
      assert.ok(
        denied.stderr.includes(`User: arn:aws:iam::${account}:user/nobody is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${account}:user/ because no identity-based policy allows the iam:ListUsers action`),
        denied.stderr,
      );
    });

    test('list-users --max-items 2 pages with the CLI\'s own NextToken', () => {
      iam(['create-user', '--user-name', 'zed']);
      const first = iam(['list-users', '--max-items', '2']);
      assert.deepEqual(first.Users.map((u: { UserName: string }) => u.UserName), ['alice', 'nobody']);
      assert.ok(first.NextToken, 'the CLI offers a token for the rest');
      const rest = iam(['list-users', '--max-items', '2', '--starting-token', first.NextToken]);
      assert.deepEqual(rest.Users.map((u: { UserName: string }) => u.UserName), ['zed']);
      assert.equal(rest.NextToken, undefined);
    });
  });
}

if (isMainThread) describeCliTests();
else await serveForParent();
