import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  AddRoleToInstanceProfileCommand, CreateAccessKeyCommand, CreateInstanceProfileCommand, CreateRoleCommand, CreateUserCommand, DeleteInstanceProfileCommand,
  DeleteRoleCommand, DeleteUserCommand, DeleteUserPolicyCommand, GetUserCommand, ListUsersCommand, PutUserPolicyCommand, RemoveRoleFromInstanceProfileCommand, TagUserCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { runCli } from '../support/cli-process.ts';

/**
 * `tessera policy generate`: the policy written from a principal's recorded requests allows
 * exactly those requests — replayed under it alone, none is denied — lists the denied one apart,
 * and validates as an identity policy.
 */
describe('tessera policy generate', () => {
  let server: TestServer;
  let app: Credentials;
  let appArn = '';
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

  before(async () => {
    server = await startTestServer();
    const root = server.iam();
    appArn = (await root.send(new CreateUserCommand({ UserName: 'app' }))).User!.Arn!;
    await root.send(new PutUserPolicyCommand({
      UserName: 'app', PolicyName: 'broad',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }] }),
    }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'app' }))).AccessKey!;
    app = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  });
  after(async () => server?.stop());

  /** The principal's activity: the same calls, in the same order, every time. */
  const activity = async (credentials: Credentials) => {
    const iam = server.iam(credentials);
    await iam.send(new CreateUserCommand({ UserName: 'made-by-app', Tags: [{ Key: 'team', Value: 'a' }] }));
    await iam.send(new TagUserCommand({ UserName: 'made-by-app', Tags: [{ Key: 'env', Value: 'dev' }] }));
    await iam.send(new GetUserCommand({ UserName: 'made-by-app' }));
    await iam.send(new ListUsersCommand({}));
    await iam.send(new CreateRoleCommand({ RoleName: 'app-role', AssumeRolePolicyDocument: trust }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'app-profile' }));
    // Also needs iam:PassRole on the role: a further authorization the policy must carry.
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'app-profile', RoleName: 'app-role' }));
    await server.sts(credentials).send(new GetCallerIdentityCommand({}));
  };

  const cleanUp = async () => {
    const root = server.iam();
    await root.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'app-profile', RoleName: 'app-role' }));
    await root.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'app-profile' }));
    await root.send(new DeleteRoleCommand({ RoleName: 'app-role' }));
    await root.send(new DeleteUserCommand({ UserName: 'made-by-app' })).catch(() => undefined);
  };

  test('the generated policy allows every recorded request and nothing was denied on replay', async () => {
    await activity(app);
    const denied = await awsError(() => server.iam(app).send(new DeleteUserCommand({ UserName: 'made-by-app' })));
    assert.equal(denied.name, 'AccessDenied');
    await server.tessera.deps.audit.flush();

    const generated = runCli(['policy', 'generate', '--principal', appArn, '--json', '--store', `sqlite:${join(server.dataDir, 'tessera.db')}`]);
    assert.equal(generated.status, 0, generated.stderr);
    const out = JSON.parse(generated.stdout) as { policy: { Statement: Array<{ Action: string | string[]; Resource: string | string[] }> }; denied: Array<{ action: string; resource: string; errorCode?: string }>; diagnostics: Array<{ severity: string }> };
    assert.deepEqual(out.diagnostics.filter((d) => d.severity === 'error'), []);
    const actions = out.policy.Statement.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual([...new Set(actions)], [
      'iam:AddRoleToInstanceProfile', 'iam:CreateInstanceProfile', 'iam:CreateRole', 'iam:CreateUser', 'iam:GetUser', 'iam:ListUsers', 'iam:PassRole', 'iam:TagUser',
    ]);
    assert.ok(!actions.includes('sts:GetCallerIdentity'), 'a call that needs no permission adds nothing');
    assert.ok(!actions.some((a) => a.includes('*')), 'no wildcard action');
    const resources = out.policy.Statement.flatMap((s) => [s.Resource].flat());
    assert.ok(resources.includes(`arn:aws:iam::${server.accountId}:user/made-by-app`));
    assert.ok(resources.includes(`arn:aws:iam::${server.accountId}:role/app-role`), 'iam:PassRole on the role');
    assert.deepEqual(out.denied.map((d) => [d.action, d.resource, d.errorCode]), [['iam:DeleteUser', `arn:aws:iam::${server.accountId}:user/made-by-app`, 'AccessDenied']]);

    // Replay under the generated policy alone.
    await cleanUp();
    const root = server.iam();
    await root.send(new DeleteUserPolicyCommand({ UserName: 'app', PolicyName: 'broad' }));
    await root.send(new PutUserPolicyCommand({ UserName: 'app', PolicyName: 'generated', PolicyDocument: JSON.stringify(out.policy) }));
    await activity(app);
    // …and nothing beyond it.
    const beyond = await awsError(() => server.iam(app).send(new CreateUserCommand({ UserName: 'not-recorded' })));
    assert.equal(beyond.name, 'AccessDenied');
  });

  test('hostile input: a malformed principal or --since is a usage error', () => {
    assert.equal(runCli(['policy', 'generate', '--principal', 'not-an-arn']).status, 2);
    assert.equal(runCli(['policy', 'generate', '--principal', appArn, '--since', 'yesterday-ish']).status, 2);
    assert.equal(runCli(['policy', 'generate']).status, 2);
  });
});
