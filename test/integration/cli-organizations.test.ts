import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { awsCli, awsCliAvailable } from '../support/cli-process.ts';
import { startTestServer, type Credentials } from '../support/tessera-server.ts';
import { createAccount } from '../../src/iam/accounts.ts';

/**
 * Organizations end to end with the real aws CLI: an organization, an OU and a created
 * account; OrganizationAccountAccessRole assumed from the management account; an SCP on the
 * OU refusing the member's administrators and an invited member's root user, lifted by moving
 * the account out; an RCP refusing outsiders; a trust policy keyed on aws:PrincipalOrgID.
 *
 * `awsCli` waits for the CLI synchronously, so the server runs in a worker thread (this same
 * file, loaded there).
 */
interface ServerInfo {
  url: string;
  accountId: string;
  root: Credentials;
  /** Root credentials of two more Tessera accounts: one to invite, one that stays outside. */
  invitee: Credentials & { accountId: string };
  outsider: Credentials & { accountId: string };
}

async function serveForParent(): Promise<void> {
  const server = await startTestServer();
  const deps = server.tessera.deps;
  const invitee = await createAccount(deps);
  const outsider = await createAccount(deps);
  parentPort!.once('message', async () => {
    await server.stop();
    parentPort!.postMessage('stopped');
  });
  parentPort!.postMessage({ url: server.url, accountId: server.accountId, root: server.root, invitee, outsider } satisfies ServerInfo);
}

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

const DENY_CREATE_USER = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }] };
const ALLOW_ASSUME = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };

function describeCliTests(): void {
  const skip = awsCliAvailable() ? false : 'the aws CLI is not installed (`aws --version` failed)';
  describe('Organizations through the aws CLI', { skip }, () => {
    let server: ServerInfo;
    let stopServer: (() => Promise<void>) | undefined;
    let management: string;
    let orgId: string;
    let rootId: string;
    let ouId: string;
    let member: string;
    let admin: Credentials;
    let memberAdmin: Credentials;

    /** Runs `aws <args>` and returns the parsed JSON, failing on a non-zero exit. */
    function aws(args: string[], credentials: Credentials = server.root): any {
      const result = awsCli(server.url, credentials, args);
      assert.equal(result.status, 0, `aws ${args.join(' ')}: ${result.stderr}`);
      return result.json;
    }

    /** Runs `aws <args>` expecting it to fail; returns the CLI's error text. */
    function refused(args: string[], credentials: Credentials): string {
      const result = awsCli(server.url, credentials, args);
      assert.notEqual(result.status, 0, `aws ${args.join(' ')} should have failed`);
      return result.stderr;
    }

    function assumed(roleArn: string, credentials: Credentials): Credentials {
      const c = aws(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'cli'], credentials).Credentials;
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    }

    function adminUser(name: string, credentials: Credentials): Credentials {
      aws(['iam', 'create-user', '--user-name', name], credentials);
      aws(['iam', 'attach-user-policy', '--user-name', name, '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess'], credentials);
      const key = aws(['iam', 'create-access-key', '--user-name', name], credentials).AccessKey;
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    }

    before(async () => {
      const thread = await startServerThread();
      server = thread.info;
      stopServer = thread.stop;
      management = server.accountId;
    });
    after(async () => {
      await stopServer?.();
    });

    test('create-organization, enable both policy types, an OU and an account', () => {
      const missing = refused(['organizations', 'describe-organization'], server.root);
      assert.match(missing, /AWSOrganizationsNotInUseException.*Your account is not a member of an organization\./);
      const org = aws(['organizations', 'create-organization']).Organization;
      orgId = org.Id;
      assert.match(orgId, /^o-[a-z0-9]{10}$/);
      assert.equal(org.MasterAccountId, management);
      assert.equal(org.FeatureSet, 'ALL');
      rootId = aws(['organizations', 'list-roots']).Roots[0].Id;
      for (const type of ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']) {
        aws(['organizations', 'enable-policy-type', '--root-id', rootId, '--policy-type', type]);
      }
      const ou = aws(['organizations', 'create-organizational-unit', '--parent-id', rootId, '--name', 'Workloads']).OrganizationalUnit;
      ouId = ou.Id;
      assert.equal(ou.Arn, `arn:aws:organizations::${management}:ou/${orgId}/${ouId}`);
      const status = aws(['organizations', 'create-account', '--email', 'dev@example.com', '--account-name', 'Dev']).CreateAccountStatus;
      assert.equal(status.State, 'SUCCEEDED');
      member = status.AccountId;
      assert.equal(aws(['organizations', 'describe-create-account-status', '--create-account-request-id', status.Id]).CreateAccountStatus.AccountId, member);
      const accounts = aws(['organizations', 'list-accounts']).Accounts.map((a: { Id: string }) => a.Id).sort();
      assert.deepEqual(accounts, [management, member].sort());
      // FullAWSAccess and RCPFullAWSAccess were attached to the new account by default.
      assert.deepEqual(aws(['organizations', 'list-policies-for-target', '--target-id', member, '--filter', 'SERVICE_CONTROL_POLICY']).Policies.map((p: { Name: string }) => p.Name), ['FullAWSAccess']);
      assert.deepEqual(aws(['organizations', 'list-policies-for-target', '--target-id', member, '--filter', 'RESOURCE_CONTROL_POLICY']).Policies.map((p: { Name: string }) => p.Name), ['RCPFullAWSAccess']);
      aws(['organizations', 'move-account', '--account-id', member, '--source-parent-id', rootId, '--destination-parent-id', ouId]);
      assert.deepEqual(aws(['organizations', 'list-parents', '--child-id', member]).Parents, [{ Id: ouId, Type: 'ORGANIZATIONAL_UNIT' }]);
    });

    test('the management account assumes OrganizationAccountAccessRole into the new account', () => {
      admin = adminUser('org-admin', server.root);
      memberAdmin = assumed(`arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, admin);
      assert.equal(aws(['sts', 'get-caller-identity'], memberAdmin).Arn, `arn:aws:sts::${member}:assumed-role/OrganizationAccountAccessRole/cli`);
      // AdministratorAccess: the member's administrator may do anything IAM allows.
      aws(['iam', 'create-user', '--user-name', 'before-scp'], memberAdmin);
      // A member account is refused what only the management account may do.
      assert.match(refused(['organizations', 'list-accounts'], memberAdmin), /AccessDeniedException.*You don't have permissions to access this resource\./);
    });

    test('an invited account joins with invite-account-to-organization and accept-handshake', () => {
      const invitee = server.invitee;
      const handshake = aws(['organizations', 'invite-account-to-organization', '--target', `Id=${invitee.accountId},Type=ACCOUNT`]).Handshake;
      assert.equal(handshake.State, 'OPEN');
      const listed = aws(['organizations', 'list-handshakes-for-account'], invitee).Handshakes;
      assert.deepEqual(listed.map((h: { Id: string }) => h.Id), [handshake.Id]);
      assert.equal(aws(['organizations', 'accept-handshake', '--handshake-id', handshake.Id], invitee).Handshake.State, 'ACCEPTED');
      aws(['organizations', 'move-account', '--account-id', invitee.accountId, '--source-parent-id', rootId, '--destination-parent-id', ouId]);
      assert.equal(aws(['organizations', 'describe-organization'], invitee).Organization.Id, orgId);
    });

    test("an SCP on the OU denying iam:CreateUser refuses the member's administrators and an invited member's root user", () => {
      const policy = aws(['organizations', 'create-policy', '--name', 'NoNewUsers', '--type', 'SERVICE_CONTROL_POLICY', '--description', 'no users',
        '--content', JSON.stringify(DENY_CREATE_USER)]).Policy.PolicySummary;
      aws(['organizations', 'attach-policy', '--policy-id', policy.Id, '--target-id', ouId]);
      const denied = refused(['iam', 'create-user', '--user-name', 'after-scp'], memberAdmin);
      assert.match(denied, new RegExp(`AccessDenied.*User: arn:aws:sts::${member}:assumed-role/OrganizationAccountAccessRole/cli is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${member}:user/after-scp with an explicit deny in a service control policy`));
      const rootDenied = refused(['iam', 'create-user', '--user-name', 'root-made'], server.invitee);
      assert.match(rootDenied, new RegExp(`User: arn:aws:iam::${server.invitee.accountId}:root is not authorized to perform: iam:CreateUser .* with an explicit deny in a service control policy`));
      // Other actions still pass, and the management account is exempt.
      aws(['iam', 'create-role', '--role-name', 'still-allowed', '--assume-role-policy-document', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] })], memberAdmin);
      aws(['iam', 'create-user', '--user-name', 'management-may'], server.root);
    });

    test('moving the account out of the OU lifts the SCP at the next request', () => {
      aws(['organizations', 'move-account', '--account-id', member, '--source-parent-id', ouId, '--destination-parent-id', rootId]);
      assert.equal(aws(['iam', 'create-user', '--user-name', 'after-move'], memberAdmin).User.UserName, 'after-move');
      // The invited account is still in the OU: still refused.
      assert.match(refused(['iam', 'create-user', '--user-name', 'root-made'], server.invitee), /explicit deny in a service control policy/);
    });

    test("an RCP denies access to the member's resources from outside the organization", () => {
      const outsider = server.outsider;
      const outsiderAdmin = adminUser('outside-admin', outsider);
      const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${outsider.accountId}:root`, `arn:aws:iam::${management}:root`] }, Action: 'sts:AssumeRole' }] };
      aws(['iam', 'create-role', '--role-name', 'shared', '--assume-role-policy-document', JSON.stringify(trust)], memberAdmin);
      const roleArn = `arn:aws:iam::${member}:role/shared`;
      // Before the RCP the trust policy admits the outsider.
      assumed(roleArn, outsiderAdmin);
      const rcp = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': orgId } } }],
      };
      const policy = aws(['organizations', 'create-policy', '--name', 'OrgOnly', '--type', 'RESOURCE_CONTROL_POLICY', '--description', 'org only', '--content', JSON.stringify(rcp)]).Policy.PolicySummary;
      aws(['organizations', 'attach-policy', '--policy-id', policy.Id, '--target-id', rootId]);
      assert.match(refused(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'cli'], outsiderAdmin),
        new RegExp(`AccessDenied.*User: arn:aws:iam::${outsider.accountId}:user/outside-admin is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`));
      // A principal of the organization still gets in.
      assumed(roleArn, admin);
    });

    test('a trust policy with aws:PrincipalOrgID admits members and refuses outsiders', () => {
      const outsider = server.outsider;
      const outsiderAdmin = { ...adminUser('outside-admin-2', outsider) };
      const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId } } }] };
      aws(['iam', 'create-role', '--role-name', 'org-members', '--assume-role-policy-document', JSON.stringify(trust)], outsider);
      const roleArn = `arn:aws:iam::${outsider.accountId}:role/org-members`;
      // The member's administrator and the management account's administrator are in the organization.
      assert.equal(aws(['sts', 'get-caller-identity'], assumed(roleArn, memberAdmin)).Account, outsider.accountId);
      assumed(roleArn, admin);
      // The outsider's own administrator is not (its identity policy allows; the trust policy does not).
      aws(['iam', 'put-user-policy', '--user-name', 'outside-admin-2', '--policy-name', 'assume', '--policy-document', JSON.stringify(ALLOW_ASSUME)], outsider);
      assert.match(refused(['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'cli'], outsiderAdmin), /AccessDenied.*is not authorized to perform: sts:AssumeRole/);
    });
  });
}

if (isMainThread) describeCliTests();
else await serveForParent();
