import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateInstanceProfileCommand, AddRoleToInstanceProfileCommand, CreateRoleCommand, GetRoleCommand, ListRolesCommand, PutRolePolicyCommand, RemoveRoleFromInstanceProfileCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { startTestServer, awsError, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { callerEnv, OffsetClock, run, sdkChild, tesseraRun, trust, userWithPolicy, workload } from '../support/workloads.ts';
import { workloadEnvironment } from '../../src/workloads/child-environment.ts';
import { getWorkloadCredentials, TesseraApiError } from '../../src/workloads/tessera-client.ts';
import type { RunningWorkload } from '../../src/workloads/start-workload.ts';
import { EVENTUALLY_MS, waitUntil } from '../support/wait.ts';

/**
 * Workload credentials end to end: `tessera run` with the aws CLI and boto3, the AWS SDK v3
 * default chain in a child process (across a credential refresh), launches authorized as
 * iam:PassRole, trust policies deciding for the service principal, and the condition keys a
 * session of an instance carries.
 */
let server: TestServer;
let acct: string;
const clock = new OffsetClock();
const roleArn = (name: string) => `arn:aws:iam::${acct}:role/${name}`;

before(async () => {
  server = await startTestServer({}, { clock });
  acct = server.accountId;
  const iam = server.iam();
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'app' }));
  // ECS's documented confused-deputy guard: the task must be of this account.
  await iam.send(new CreateRoleCommand({
    RoleName: 'task',
    AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com', { ArnLike: { 'aws:SourceArn': `arn:aws:ecs:*:${acct}:task/*` }, StringEquals: { 'aws:SourceAccount': acct } }),
  }));
});

after(async () => {
  await server.stop();
});

describe('tessera run', () => {
  test('the aws CLI under --instance-profile is the role session named after the instance', async () => {
    const r = await tesseraRun(server, server.root, ['--instance-profile', 'web', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const arn = JSON.parse(r.stdout).Arn as string;
    assert.match(arn, new RegExp(`^arn:aws:sts::${acct}:assumed-role/app/i-[0-9a-f]{17}$`));
    // The instance named on stderr is the session's name.
    assert.ok(r.stderr.includes(`instance ${arn.split('/')[2]}`), r.stderr);
  });

  test('boto3 under --task-role is the role session named after the task', async () => {
    const r = await tesseraRun(server, server.root, ['--quiet', '--task-role', roleArn('task'), '--',
      'python3', '-c', 'import boto3; print(boto3.client("sts").get_caller_identity()["Arn"])']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim(), new RegExp(`^arn:aws:sts::${acct}:assumed-role/task/[0-9a-f]{32}$`));
    assert.equal(r.stderr, '');
  });

  test('boto3 under --instance-profile reads the instance metadata service', async () => {
    const r = await tesseraRun(server, server.root, ['--quiet', '--instance-profile', 'web', '--',
      'python3', '-c', 'import boto3; s = boto3.Session(); print(s.get_credentials().method, boto3.client("sts").get_caller_identity()["Arn"])']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim(), new RegExp(`^iam-role arn:aws:sts::${acct}:assumed-role/app/i-`));
  });

  test('a role that trusts only ec2.amazonaws.com is refused as a task role, with the reason', async () => {
    const r = await tesseraRun(server, server.root, ['--task-role', roleArn('app'), '--', 'true']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`ECS was unable to assume the role '${roleArn('app')}'`));
    assert.match(r.stderr, /trust policy does not allow ecs-tasks\.amazonaws\.com to call sts:AssumeRole/);
    assert.ok(r.stderr.includes(`User: ecs-tasks.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: ${roleArn('app')}`), r.stderr);
  });

  test("the program's exit status is tessera run's", async () => {
    const r = await tesseraRun(server, server.root, ['--quiet', '--instance-profile', 'web', '--', 'sh', '-c', 'exit 7']);
    assert.equal(r.status, 7);
  });
});

describe('launching is authorized as iam:PassRole', () => {
  test('a caller without iam:PassRole cannot launch: AWS\'s denial', async () => {
    const nobody = await userWithPolicy(server.iam(), 'nobody', []);
    const r = await tesseraRun(server, nobody, ['--instance-profile', 'web', '--', 'true']);
    assert.equal(r.status, 1);
    assert.ok(r.stderr.includes(`the launch was refused: AccessDeniedException: User: arn:aws:iam::${acct}:user/nobody is not authorized to perform: iam:PassRole on resource: ${roleArn('app')} because no identity-based policy allows the iam:PassRole action`), r.stderr);
  });

  test('iam:PassedToService decides which service a role may be passed to; EC2 also needs iam:GetInstanceProfile', async () => {
    const ecsOnly = await userWithPolicy(server.iam(), 'ecs-deployer', [
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
      { Effect: 'Allow', Action: 'iam:GetInstanceProfile', Resource: '*' },
    ]);
    const asInstance = await tesseraRun(server, ecsOnly, ['--instance-profile', 'web', '--', 'true']);
    assert.equal(asInstance.status, 1);
    assert.match(asInstance.stderr, /not authorized to perform: iam:PassRole on resource: .*role\/app because no identity-based policy allows/);
    const asTask = await tesseraRun(server, ecsOnly, ['--quiet', '--task-role', roleArn('task'), '--', 'aws', 'sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text']);
    assert.equal(asTask.status, 0, asTask.stderr);
    assert.match(asTask.stdout, /assumed-role\/task\//);

    const noProfileRead = await userWithPolicy(server.iam(), 'ec2-deployer', [
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: roleArn('app'), Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
    ]);
    const r = await tesseraRun(server, noProfileRead, ['--instance-profile', 'web', '--', 'true']);
    assert.equal(r.status, 1);
    assert.ok(r.stderr.includes(`is not authorized to perform: iam:GetInstanceProfile on resource: arn:aws:iam::${acct}:instance-profile/web`), r.stderr);
  });
});

describe('the SDK v3 default chain in a child process', () => {
  // Credentials are issued 10.5 minutes in the past, so the SDK (which renews within five
  // minutes of expiry) asks the endpoint again on every call; the endpoint answers with the
  // same credentials until the server's clock, moved on, leaves them less than six minutes —
  // then with new ones, which the SDK keeps.
  for (const kind of ['instance', 'task'] as const) {
    test(`gets credentials from the ${kind === 'instance' ? 'instance metadata service' : 'container credentials endpoint'} and keeps working across a refresh`, async () => {
      clock.offsetMs = -630_000;
      const running = await workload(server, server.root, kind === 'instance'
        ? { kind: 'instance', instanceProfileName: 'web', allowV1: false }
        : { kind: 'task', taskRoleArn: roleArn('task') }, clock, { durationSeconds: 900 });
      const child = sdkChild(workloadEnvironment(callerEnv(server.root), running.endpoint, { region: 'us-east-1', tesseraUrl: server.url }));
      try {
        const first = await child.call();
        assert.equal(first.error, undefined);
        assert.match(first.arn!, new RegExp(`assumed-role/${kind === 'instance' ? 'app' : 'task'}/${running.launched.WorkloadId}$`));
        assert.equal((await child.call()).key, first.key, 'the endpoint serves the same credentials until they near expiry');
        clock.offsetMs += 560_000;
        // The SDK renews credentials near expiry in the background while it signs with the
        // ones it holds: every call succeeds, and within a few the new key is in use.
        let second = await child.call();
        await waitUntil(async () => {
          assert.equal(second.error, undefined);
          if (second.key !== first.key) return true;
          second = await child.call();
          return false;
        }, EVENTUALLY_MS);
        assert.equal(second.error, undefined);
        assert.notEqual(second.key, first.key, 'new credentials after the refresh');
        assert.equal(second.arn, first.arn);
        const third = await child.call();
        assert.equal(third.key, second.key, 'the SDK keeps the new credentials');
        assert.equal(third.error, undefined);
      } finally {
        await child.stop();
        await running.close();
        clock.offsetMs = 0;
      }
    });
  }
});

describe('sessions of an instance', () => {
  let a: RunningWorkload;
  let b: RunningWorkload;
  before(async () => {
    a = await workload(server, server.root, { kind: 'instance', instanceProfileName: 'web', allowV1: true }, clock);
    b = await workload(server, server.root, { kind: 'instance', instanceProfileName: 'web', allowV1: false }, clock);
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  async function credentialsOf(w: RunningWorkload, delivery: '1.0' | '2.0'): Promise<Credentials> {
    const current = await w.credentials.current(delivery);
    assert.ok(current.ok);
    const c = current.held.credentials;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  }

  test('a permission policy conditioned on ec2:SourceInstanceARN allows only that instance', async () => {
    await server.iam().send(new PutRolePolicyCommand({
      RoleName: 'app',
      PolicyName: 'only-instance-a',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'ec2:SourceInstanceARN': a.launched.WorkloadArn } } },
        { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*', Condition: { NumericGreaterThanEquals: { 'ec2:RoleDelivery': '2.0' } } },
      ] }),
    }));
    assert.match(a.launched.WorkloadArn, new RegExp(`^arn:aws:ec2:us-east-1:${acct}:instance/i-[0-9a-f]{17}$`));
    const fromA = await server.iam(await credentialsOf(a, '2.0')).send(new GetRoleCommand({ RoleName: 'app' }));
    assert.equal(fromA.Role?.RoleName, 'app');
    const err = await awsError(async () => server.iam(await credentialsOf(b, '2.0')).send(new GetRoleCommand({ RoleName: 'app' })));
    assert.equal(err.name, 'AccessDenied');
    assert.ok(err.message.startsWith(`User: arn:aws:sts::${acct}:assumed-role/app/${b.launched.WorkloadId} is not authorized to perform: iam:GetRole`), err.message);
    // ec2:RoleDelivery: 2.0 with an IMDSv2 token, 1.0 without.
    await server.iam(await credentialsOf(a, '2.0')).send(new ListRolesCommand({}));
    assert.equal((await awsError(async () => server.iam(await credentialsOf(a, '1.0')).send(new ListRolesCommand({})))).name, 'AccessDenied');
  });

  test('the service is the audited caller of sts:AssumeRole', async () => {
    await getWorkloadCredentials(server.url, b.launched.Grant);
    await server.tessera.deps.audit.flush();
    const events = await server.tessera.deps.store.listAudit({ accountId: acct, limit: 1000 });
    // A CloudTrail record: the service is the invoker, the role the resource.
    const recordOf = (e: { data: Record<string, unknown> }) => e.data['record'] as Record<string, unknown>;
    const event = events.reverse().find((e) => recordOf(e)['eventName'] === 'GetWorkloadCredentials');
    assert.ok(event, 'an event for GetWorkloadCredentials');
    const data = recordOf(event);
    assert.deepEqual(data['userIdentity'], { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' });
    assert.ok(JSON.stringify(data['resources'] ?? []).includes(roleArn('app')), JSON.stringify(data));
    assert.equal(data['errorCode'], undefined);
  });

  test('removing the role from the instance profile, or the service from the trust policy, stops new credentials', async () => {
    const iam = server.iam();
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: trust('ecs-tasks.amazonaws.com') }));
    try {
      const denied = await getWorkloadCredentials(server.url, a.launched.Grant).then(() => undefined, (e: unknown) => e as TesseraApiError);
      assert.equal(denied?.code, 'AccessDeniedException');
    } finally {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: trust('ec2.amazonaws.com') }));
    }
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'app' }));
    try {
      const err = await getWorkloadCredentials(server.url, a.launched.Grant).then(() => undefined, (e: unknown) => e as TesseraApiError);
      assert.equal(err?.code, 'RoleNotInInstanceProfileException');
      assert.equal(err?.status, 409);
      // The metadata service keeps what it holds until it expires, then has nothing to give.
      clock.offsetMs = 3700_000;
      const token = await (await fetch(`${endpointUrl(a)}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } })).text();
      const creds = await fetch(`${endpointUrl(a)}/latest/meta-data/iam/security-credentials/app`, { headers: { 'X-aws-ec2-metadata-token': token } });
      assert.equal(creds.status, 404);
      const info = await (await fetch(`${endpointUrl(a)}/latest/meta-data/iam/info`, { headers: { 'X-aws-ec2-metadata-token': token } })).json() as Record<string, string>;
      assert.equal(info['Code'], 'InstanceProfileNotFound');
    } finally {
      clock.offsetMs = 0;
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'app' }));
    }
    assert.ok((await getWorkloadCredentials(server.url, a.launched.Grant)).AccessKeyId.startsWith('ASIA'), 'back in the profile, the instance gets credentials again');
  });
});

function endpointUrl(w: RunningWorkload): string {
  assert.equal(w.endpoint.kind, 'imds');
  return w.endpoint.kind === 'imds' ? w.endpoint.url : '';
}

test('the aws CLI is present for these tests', async () => {
  const r = await run('aws', ['--version'], callerEnv(server.root));
  assert.equal(r.status, 0);
});
