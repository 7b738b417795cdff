import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddUserToGroupCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand, CreateGroupCommand, CreatePolicyCommand, CreateRoleCommand,
  CreateUserCommand, DeleteUserCommand, GenerateServiceLastAccessedDetailsCommand, GetGroupCommand, GetRoleCommand, GetServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsWithEntitiesCommand, GetUserCommand, ListUsersCommand, PutGroupPolicyCommand, PutRolePolicyCommand, PutUserPolicyCommand,
  type GetServiceLastAccessedDetailsCommandOutput, type IAMClient, type ServiceLastAccessed,
} from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { waitUntil } from '../support/wait.ts';

/**
 * IAM's service last accessed reports ("access advisor") through the AWS SDK, built from
 * Tessera's audit log: what the subject's permissions policies allow, with the latest attempt
 * (allowed or denied) of the users and roles that count for it, up to the job's creation.
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('service last accessed reports', () => {
  let server: TestServer;
  let root: IAMClient;
  let account: string;
  const users: Record<string, { arn: string; credentials: Credentials }> = {};
  let roleArn = '';
  let policyArn = '';

  async function userWith(name: string, statements?: object[]): Promise<void> {
    const user = (await root.send(new CreateUserCommand({ UserName: name }))).User!;
    if (statements) await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(statements) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    users[name] = { arn: user.Arn!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  }

  const iamOf = (name: string) => server.iam(users[name]!.credentials);
  const generate = async (arn: string, granularity?: 'SERVICE_LEVEL' | 'ACTION_LEVEL', client = root) =>
    (await client.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: arn, ...(granularity ? { Granularity: granularity } : {}) }))).JobId!;
  const report = (jobId: string, client = root) => client.send(new GetServiceLastAccessedDetailsCommand({ JobId: jobId }));
  const entities = (jobId: string, namespace: string) => root.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId: jobId, ServiceNamespace: namespace }));
  const service = (out: GetServiceLastAccessedDetailsCommandOutput, namespace: string): ServiceLastAccessed => {
    const found = out.ServicesLastAccessed!.find((s) => s.ServiceNamespace === namespace);
    assert.ok(found, `${namespace} in the report`);
    return found;
  };
  /** Until the clock has moved past `time`, so a request now is recorded after it. */
  const pastTime = async (time: Date) => assert.ok(await waitUntil(() => Date.now() > time.getTime(), 5_000));

  before(async () => {
    server = await startTestServer();
    root = server.iam();
    account = server.accountId;
    await userWith('alice', [{ Effect: 'Allow', Action: ['s3:*', 'iam:Get*', 'sqs:SendMessage'], Resource: '*' }]);
    await userWith('bob', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await userWith('carol');
    await userWith('dave');
    await userWith('erin');
    roleArn = (await root.send(new CreateRoleCommand({
      RoleName: 'worker', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: users['bob']!.arn }, Action: 'sts:AssumeRole' }]),
    }))).Role!.Arn!;
    await root.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'read', PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }]) }));
    await root.send(new CreateGroupCommand({ GroupName: 'team' }));
    await root.send(new PutGroupPolicyCommand({ GroupName: 'team', PolicyName: 'team', PolicyDocument: doc([{ Effect: 'Allow', Action: ['iam:Get*', 'sqs:*'], Resource: '*' }]) }));
    await root.send(new AddUserToGroupCommand({ GroupName: 'team', UserName: 'carol' }));
    await root.send(new AddUserToGroupCommand({ GroupName: 'team', UserName: 'dave' }));
    policyArn = (await root.send(new CreatePolicyCommand({ PolicyName: 'shared', PolicyDocument: doc([{ Effect: 'Allow', Action: ['iam:GetUser', 'iam:GetRole', 'sns:Publish'], Resource: '*' }]) }))).Policy!.Arn!;
    await root.send(new AttachUserPolicyCommand({ UserName: 'erin', PolicyArn: policyArn }));
    await root.send(new AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: policyArn }));
  });
  after(async () => server?.stop());

  let aliceJob = '';
  let firstAttempt = new Date(0);

  test("a user: every service its policies allow; the one it tried (allowed and denied) with its latest attempt", async () => {
    const started = new Date();
    await iamOf('alice').send(new GetUserCommand({}));
    const beforeDenied = new Date();
    assert.equal((await awsError(() => iamOf('alice').send(new ListUsersCommand({})))).name, 'AccessDenied');
    aliceJob = await generate(users['alice']!.arn);
    assert.match(aliceJob, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const out = await report(aliceJob);
    assert.equal(out.JobStatus, 'COMPLETED');
    assert.equal(out.JobType, 'SERVICE_LEVEL');
    assert.ok(out.JobCreationDate! >= beforeDenied && out.JobCreationDate! <= new Date());
    assert.deepEqual(out.JobCompletionDate, out.JobCreationDate);
    assert.equal(out.IsTruncated, false);
    assert.deepEqual(out.ServicesLastAccessed!.map((s) => s.ServiceNamespace), ['iam', 's3', 'sqs']);
    const iam = service(out, 'iam');
    assert.equal(iam.ServiceName, 'AWS Identity and Access Management (IAM)');
    assert.equal(iam.LastAuthenticatedEntity, users['alice']!.arn);
    assert.equal(iam.LastAuthenticatedRegion, 'us-east-1');
    assert.equal(iam.TotalAuthenticatedEntities, 1);
    // The latest attempt is the denied ListUsers.
    assert.ok(iam.LastAuthenticated! >= beforeDenied && iam.LastAuthenticated! <= out.JobCreationDate!, `${iam.LastAuthenticated?.toISOString()}`);
    assert.ok(iam.LastAuthenticated! >= started);
    firstAttempt = iam.LastAuthenticated!;
    for (const namespace of ['s3', 'sqs']) {
      assert.deepEqual(service(out, namespace), { ServiceName: namespace === 's3' ? 'Amazon S3' : 'Amazon SQS', ServiceNamespace: namespace, TotalAuthenticatedEntities: 0 });
    }
    assert.equal(iam.TrackedActionsLastAccessed, undefined, 'a SERVICE_LEVEL job tracks no action');

    const withEntities = await entities(aliceJob, 'iam');
    assert.equal(withEntities.JobStatus, 'COMPLETED');
    assert.deepEqual(withEntities.EntityDetailsList!.map((e) => [e.EntityInfo!.Type, e.EntityInfo!.Arn, e.EntityInfo!.Name, e.EntityInfo!.Path, e.LastAuthenticated]), [['USER', users['alice']!.arn, 'alice', '/', iam.LastAuthenticated]]);
    assert.deepEqual((await entities(aliceJob, 's3')).EntityDetailsList!.map((e) => e.LastAuthenticated), [undefined]);
  });

  test('ACTION_LEVEL: the allowed actions of the services Tessera sees, the called one with its time; a request after the job is not in it', async () => {
    const job = await generate(users['alice']!.arn, 'ACTION_LEVEL');
    const out = await report(job);
    assert.equal(out.JobType, 'ACTION_LEVEL');
    const tracked = service(out, 'iam').TrackedActionsLastAccessed!;
    const getUser = tracked.find((a) => a.ActionName === 'GetUser');
    assert.ok(getUser?.LastAccessedTime, 'GetUser was called');
    assert.equal(getUser.LastAccessedEntity, users['alice']!.arn);
    assert.equal(getUser.LastAccessedRegion, 'us-east-1');
    assert.ok(getUser.LastAccessedTime <= firstAttempt, 'not after the denied ListUsers');
    assert.deepEqual(tracked.find((a) => a.ActionName === 'GetGroup'), { ActionName: 'GetGroup' });
    assert.equal(tracked.find((a) => a.ActionName === 'ListUsers'), undefined, 'not allowed: not listed');
    assert.ok(tracked.every((a) => a.ActionName!.startsWith('Get')));
    assert.deepEqual(service(out, 'sqs').TrackedActionsLastAccessed, [{ ActionName: 'SendMessage' }]);
    assert.ok(service(out, 's3').TrackedActionsLastAccessed!.some((a) => a.ActionName === 'ListAllMyBuckets'));

    await pastTime(out.JobCreationDate!);
    assert.equal((await awsError(() => iamOf('alice').send(new GetGroupCommand({ GroupName: 'no-such-group' })))).name, 'NoSuchEntityException');
    const again = await report(job);
    assert.deepEqual(service(again, 'iam').TrackedActionsLastAccessed!.find((a) => a.ActionName === 'GetGroup'), { ActionName: 'GetGroup' });
    assert.deepEqual(service(again, 'iam').LastAuthenticated, firstAttempt);
    const later = await report(await generate(users['alice']!.arn, 'ACTION_LEVEL'));
    const getGroup = service(later, 'iam').TrackedActionsLastAccessed!.find((a) => a.ActionName === 'GetGroup')!;
    assert.ok(getGroup.LastAccessedTime! > out.JobCreationDate!);
    assert.deepEqual(service(later, 'iam').LastAuthenticated, getGroup.LastAccessedTime);
  });

  test("a role: its sessions' attempts, reported as the role", async () => {
    const sts = server.sts(users['bob']!.credentials);
    for (const session of ['one', 'two']) {
      const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: session }))).Credentials!;
      await server.iam({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }).send(new GetRoleCommand({ RoleName: 'worker' }));
    }
    const job = await generate(roleArn);
    const out = await report(job);
    // Its inline policy (iam) and the attached managed policy (iam, sns).
    assert.deepEqual(out.ServicesLastAccessed!.map((s) => s.ServiceNamespace), ['iam', 'sns']);
    const iam = service(out, 'iam');
    assert.equal(iam.LastAuthenticatedEntity, roleArn);
    assert.equal(iam.TotalAuthenticatedEntities, 1);
    assert.equal(service(out, 'sns').LastAuthenticated, undefined);
    const listed = (await entities(job, 'iam')).EntityDetailsList!;
    assert.deepEqual(listed.map((e) => [e.EntityInfo!.Type, e.EntityInfo!.Name, e.LastAuthenticated]), [['ROLE', 'worker', iam.LastAuthenticated]]);
    // bob's AssumeRole calls are his, not the role's: no sts for the role (nor allowed by its policies).
    assert.ok(!out.ServicesLastAccessed!.some((s) => s.ServiceNamespace === 'sts'));
    const bob = await report(await generate(users['bob']!.arn));
    assert.equal(service(bob, 'sts').LastAuthenticatedEntity, users['bob']!.arn);
  });

  test("a group: its members' attempts; WithEntities lists every member, the active one first", async () => {
    await iamOf('carol').send(new GetUserCommand({}));
    const job = await generate(`arn:aws:iam::${account}:group/team`);
    const out = await report(job);
    assert.deepEqual(out.ServicesLastAccessed!.map((s) => s.ServiceNamespace), ['iam', 'sqs']);
    assert.equal(service(out, 'iam').LastAuthenticatedEntity, users['carol']!.arn);
    assert.equal(service(out, 'iam').TotalAuthenticatedEntities, 1);
    const listed = (await entities(job, 'iam')).EntityDetailsList!;
    assert.deepEqual(listed.map((e) => [e.EntityInfo!.Type, e.EntityInfo!.Name, e.LastAuthenticated !== undefined]), [['USER', 'carol', true], ['USER', 'dave', false]]);
    assert.equal(listed[0]!.LastAuthenticated?.getTime(), service(out, 'iam').LastAuthenticated?.getTime());
  });

  test('a managed policy: the users and roles it is attached to', async () => {
    await iamOf('erin').send(new GetUserCommand({}));
    const job = await generate(policyArn);
    const out = await report(job);
    assert.deepEqual(out.ServicesLastAccessed!.map((s) => s.ServiceNamespace), ['iam', 'sns']);
    const iam = service(out, 'iam');
    assert.equal(iam.TotalAuthenticatedEntities, 2, 'erin and the worker role');
    assert.equal(iam.LastAuthenticatedEntity, users['erin']!.arn, 'the latest of the two');
    const listed = (await entities(job, 'iam')).EntityDetailsList!;
    assert.deepEqual(listed.map((e) => [e.EntityInfo!.Type, e.EntityInfo!.Name]), [['USER', 'erin'], ['ROLE', 'worker']]);
    assert.ok(listed.every((e) => e.LastAuthenticated !== undefined));
    assert.ok(listed[0]!.LastAuthenticated! > listed[1]!.LastAuthenticated!);
  });

  test('an AWS managed policy is reported by its ARN', async () => {
    const out = await report(await generate('arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess'));
    assert.equal(out.JobStatus, 'COMPLETED');
    assert.ok(out.ServicesLastAccessed!.some((s) => s.ServiceNamespace === 'sqs' && s.TotalAuthenticatedEntities === 0));
  });

  test('paging with MaxItems and Marker', async () => {
    const pages: string[][] = [];
    let marker: string | undefined;
    do {
      const page = await root.send(new GetServiceLastAccessedDetailsCommand({ JobId: aliceJob, MaxItems: 1, ...(marker ? { Marker: marker } : {}) }));
      pages.push(page.ServicesLastAccessed!.map((s) => s.ServiceNamespace!));
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      marker = page.Marker;
    } while (marker !== undefined);
    assert.deepEqual(pages, [['iam'], ['s3'], ['sqs']]);
    const group = await generate(`arn:aws:iam::${account}:group/team`);
    const first = await root.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId: group, ServiceNamespace: 'iam', MaxItems: 1 }));
    assert.deepEqual([first.EntityDetailsList!.map((e) => e.EntityInfo!.Name), first.IsTruncated], [['carol'], true]);
    const second = await root.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId: group, ServiceNamespace: 'iam', MaxItems: 1, Marker: first.Marker! }));
    assert.deepEqual([second.EntityDetailsList!.map((e) => e.EntityInfo!.Name), second.IsTruncated, second.Marker], [['dave'], false, undefined]);
    const bad = await awsError(() => root.send(new GetServiceLastAccessedDetailsCommand({ JobId: aliceJob, Marker: 'not-a-marker!' })));
    assert.deepEqual([bad.name, bad.message], ['InvalidInputException', 'Invalid Marker.']);
  });

  test('errors: unknown entities and jobs, ARNs of another kind, another caller', async () => {
    const user = await awsError(() => generate(`arn:aws:iam::${account}:user/nobody`));
    assert.deepEqual([user.name, user.status, user.message], ['NoSuchEntityException', 404, 'The user with name nobody cannot be found.']);
    const role = await awsError(() => generate(`arn:aws:iam::${account}:role/nobody`));
    assert.deepEqual([role.name, role.message], ['NoSuchEntityException', 'The role with name nobody cannot be found.']);
    const policy = await awsError(() => generate(`arn:aws:iam::${account}:policy/nobody`));
    assert.deepEqual([policy.name, policy.message], ['NoSuchEntityException', `Policy arn:aws:iam::${account}:policy/nobody was not found.`]);
    const bucket = await awsError(() => generate('arn:aws:s3:::some-bucket-name'));
    assert.deepEqual([bucket.name, bucket.status], ['InvalidInputException', 400]);
    const unknown = '01234567-89ab-cdef-0123-456789abcdef';
    for (const call of [() => report(unknown), () => entities(unknown, 'iam')]) {
      const err = await awsError(call);
      assert.deepEqual([err.name, err.status, err.message], ['NoSuchEntityException', 404, `The job with ID ${unknown} cannot be found.`]);
    }
    // AWS: a job is read by the user or role session that generated it.
    const other = await awsError(() => report(aliceJob, iamOf('alice')));
    assert.deepEqual([other.name, other.message], ['NoSuchEntityException', `The job with ID ${aliceJob} cannot be found.`]);
    await userWith('auditor', [{ Effect: 'Allow', Action: ['iam:GenerateServiceLastAccessedDetails', 'iam:GetServiceLastAccessedDetails'], Resource: '*' }]);
    const own = await generate(users['alice']!.arn, undefined, iamOf('auditor'));
    assert.equal((await report(own, iamOf('auditor'))).JobStatus, 'COMPLETED');
    assert.equal((await awsError(() => report(own))).name, 'NoSuchEntityException', "not even the account's root user reads another's job");
    // Authorized first, on the entity: iam:Get* does not allow generating.
    const denied = await awsError(() => generate(users['bob']!.arn, undefined, iamOf('alice')));
    assert.equal(denied.name, 'AccessDenied');
    assert.match(denied.message, new RegExp(`iam:GenerateServiceLastAccessedDetails on resource: ${users['bob']!.arn} `));
  });

  test('a subject deleted after its job: the job FAILED with its NoSuchEntity', async () => {
    await root.send(new CreateUserCommand({ UserName: 'temp' }));
    const job = await generate(`arn:aws:iam::${account}:user/temp`);
    await root.send(new DeleteUserCommand({ UserName: 'temp' }));
    const out = await report(job);
    assert.equal(out.JobStatus, 'FAILED');
    assert.deepEqual(out.Error, { Code: 'NoSuchEntity', Message: 'The user with name temp cannot be found.' });
    assert.deepEqual(out.ServicesLastAccessed, []);
  });
});

describe('service last accessed reports count requests the gateway forwarded', () => {
  let env: GatewayEnv;
  before(async () => {
    env = await startGatewayEnv();
  });
  after(async () => env?.stop());

  test('an S3 ListBuckets shows under s3, action by action', async () => {
    const user = await env.user('reader', [allow('s3:*')]);
    await env.s3(user).send(new ListBucketsCommand({}));
    const root = env.server.iam();
    const jobId = (await root.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: user.arn, Granularity: 'ACTION_LEVEL' }))).JobId!;
    const out = await root.send(new GetServiceLastAccessedDetailsCommand({ JobId: jobId }));
    const s3 = out.ServicesLastAccessed!.find((s) => s.ServiceNamespace === 's3')!;
    assert.equal(s3.LastAuthenticatedEntity, user.arn);
    assert.equal(s3.LastAuthenticatedRegion, 'us-east-1');
    const listed = s3.TrackedActionsLastAccessed!.find((a) => a.ActionName === 'ListAllMyBuckets')!;
    assert.equal(listed.LastAccessedEntity, user.arn);
    assert.deepEqual(listed.LastAccessedTime, s3.LastAuthenticated);
  });
});
