import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreatePolicyCommand, CreateRoleCommand, CreateServiceLinkedRoleCommand, DeleteRoleCommand, DeleteServiceLinkedRoleCommand, GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand, ListRoleTagsCommand, ListRolesCommand, TagRoleCommand, UntagRoleCommand,
  UpdateAssumeRolePolicyCommand, UpdateRoleCommand, UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { defaultQuotas } from '../../src/kernel/quotas.ts';
import { recordRoleUse } from '../../src/iam/roles/last-used.ts';

const trustFor = (principal: object, action: string | string[] = 'sts:AssumeRole') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: action }] });
const EC2_TRUST = trustFor({ Service: 'ec2.amazonaws.com' });

describe('IAM roles through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('CreateRole returns the role with AWS shapes; the trust policy comes back percent-encoded', async () => {
    const iam = server.iam();
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }, null, 2);
    const out = await iam.send(new CreateRoleCommand({
      RoleName: 'Deployer', Path: '/ci/', AssumeRolePolicyDocument: trust, Description: 'deploys things',
      Tags: [{ Key: 'team', Value: 'red' }],
    }));
    const role = out.Role!;
    assert.equal(role.RoleName, 'Deployer');
    assert.equal(role.Path, '/ci/');
    assert.match(role.RoleId ?? '', /^AROA[A-Z2-7]{17}$/);
    assert.equal(role.Arn, `arn:aws:iam::${server.accountId}:role/ci/Deployer`);
    assert.ok(role.CreateDate instanceof Date);
    assert.equal(role.Description, 'deploys things');
    assert.deepEqual(role.Tags, [{ Key: 'team', Value: 'red' }]);
    assert.equal(role.RoleLastUsed, undefined, 'CreateRole does not report last use');
    // AWS sends the document URL-encoded (`*` as %2A, spaces as %20) and the SDK hands it over as is.
    assert.ok(role.AssumeRolePolicyDocument?.startsWith('%7B%0A%20%20%22Version%22'), role.AssumeRolePolicyDocument);
    assert.ok(role.AssumeRolePolicyDocument?.includes('%22%2A%22'));
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument!), trust, 'stored exactly as sent');
  });

  test('GetRole returns everything: default session duration, tags, description, empty RoleLastUsed', async () => {
    const iam = server.iam();
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'deployer' }))).Role!;
    assert.equal(role.RoleName, 'Deployer');
    assert.equal(role.MaxSessionDuration, 3600);
    assert.deepEqual(role.Tags, [{ Key: 'team', Value: 'red' }]);
    assert.equal(role.Description, 'deploys things');
    assert.deepEqual(role.RoleLastUsed, {});
    assert.equal(role.PermissionsBoundary, undefined);
  });

  test('RoleLastUsed reports the use STS records', async () => {
    const iam = server.iam();
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'Deployer' }))).Role!;
    const store = server.tessera.deps.store;
    assert.equal(await recordRoleUse(store, role.RoleId!, new Date('2024-05-01T12:00:00Z'), 'eu-central-1'), true);
    const used = (await iam.send(new GetRoleCommand({ RoleName: 'Deployer' }))).Role!;
    assert.deepEqual(used.RoleLastUsed, { LastUsedDate: new Date('2024-05-01T12:00:00Z'), Region: 'eu-central-1' });
  });

  test('CreateRole with MaxSessionDuration and a permissions boundary; GetRole shows both', async () => {
    const iam = server.iam();
    const boundary = 'arn:aws:iam::aws:policy/PowerUserAccess';
    const created = await iam.send(new CreateRoleCommand({
      RoleName: 'LongSessions', AssumeRolePolicyDocument: EC2_TRUST, MaxSessionDuration: 43200, PermissionsBoundary: boundary,
    }));
    assert.deepEqual(created.Role?.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundary });
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'LongSessions' }))).Role!;
    assert.equal(role.MaxSessionDuration, 43200);
    assert.equal(role.PermissionsBoundary?.PermissionsBoundaryArn, boundary);
    assert.equal(role.Description, undefined);
    assert.equal(role.Tags, undefined);
  });

  test('the permissions boundary must name an existing managed policy, stored in its own spelling', async () => {
    const iam = server.iam();
    const policy = await iam.send(new CreatePolicyCommand({
      PolicyName: 'Bounds', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    }));
    const arn = policy.Policy!.Arn!;
    await iam.send(new CreateRoleCommand({ RoleName: 'Bounded', AssumeRolePolicyDocument: EC2_TRUST, PermissionsBoundary: arn.replace('Bounds', 'BOUNDS') }));
    assert.equal((await iam.send(new GetRoleCommand({ RoleName: 'Bounded' }))).Role?.PermissionsBoundary?.PermissionsBoundaryArn, arn);
    const missing = `arn:aws:iam::${server.accountId}:policy/NoSuchPolicy`;
    const err = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'Unbounded', AssumeRolePolicyDocument: EC2_TRUST, PermissionsBoundary: missing })));
    assert.equal(err.name, 'NoSuchEntityException');
    assert.equal(err.message, `Policy ${missing} does not exist or is not attachable.`);
    assert.equal((await awsError(() => iam.send(new GetRoleCommand({ RoleName: 'Unbounded' })))).name, 'NoSuchEntityException');
  });

  test('bad input: MaxSessionDuration out of range, malformed and oversized trust policies', async () => {
    const iam = server.iam();
    const range = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: EC2_TRUST, MaxSessionDuration: 60 })));
    assert.equal(range.name, 'ValidationError');
    assert.equal(range.status, 400);
    const action = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: trustFor({ Service: 'ec2.amazonaws.com' }, 's3:GetObject') })));
    assert.equal(action.name, 'MalformedPolicyDocumentException');
    assert.equal(action.status, 400);
    assert.equal(action.message, 'AssumeRole policy may only specify STS AssumeRole actions.');
    const syntax = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: '{"Version":' })));
    assert.equal(syntax.name, 'MalformedPolicyDocumentException');
    assert.equal(syntax.message, 'This policy contains invalid Json');
    const principals = Array.from({ length: 80 }, (_, i) => `arn:aws:iam::1234567890${String(i).padStart(2, '0')}:root`);
    const big = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'r1', AssumeRolePolicyDocument: trustFor({ AWS: principals }) })));
    assert.equal(big.name, 'LimitExceededException');
    assert.equal(big.message, 'Cannot exceed quota for ACLSizePerRole: 2048');
    assert.equal((await awsError(() => iam.send(new GetRoleCommand({ RoleName: 'r1' })))).name, 'NoSuchEntityException', 'nothing half-written');
  });

  test('names are unique regardless of case; unknown roles are NoSuchEntity 404', async () => {
    const iam = server.iam();
    const clash = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'DEPLOYER', AssumeRolePolicyDocument: EC2_TRUST })));
    assert.equal(clash.name, 'EntityAlreadyExistsException');
    assert.equal(clash.status, 409);
    assert.equal(clash.message, 'Role with name DEPLOYER already exists.');
    const missing = await awsError(() => iam.send(new GetRoleCommand({ RoleName: 'nobody' })));
    assert.equal(missing.name, 'NoSuchEntityException');
    assert.equal(missing.status, 404);
    assert.equal(missing.message, 'The role with name nobody cannot be found.');
  });

  test('ListRoles pages, filters by PathPrefix, and leaves out tags, boundary and last use', async () => {
    const iam = server.iam();
    for (let i = 0; i < 5; i++) await iam.send(new CreateRoleCommand({ RoleName: `lister-${i}`, Path: '/list/', AssumeRolePolicyDocument: EC2_TRUST, Tags: [{ Key: 'n', Value: String(i) }] }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new ListRolesCommand({ PathPrefix: '/list/', MaxItems: 2, Marker: marker }));
      pages++;
      for (const role of page.Roles ?? []) {
        seen.push(role.RoleName!);
        assert.equal(role.Tags, undefined);
        assert.equal(role.RoleLastUsed, undefined);
        assert.equal(role.MaxSessionDuration, 3600);
        assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument!), EC2_TRUST);
      }
      marker = page.Marker;
    } while (marker);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['lister-0', 'lister-1', 'lister-2', 'lister-3', 'lister-4']);
    const all = await iam.send(new ListRolesCommand({}));
    const boundary = all.Roles?.find((r) => r.RoleName === 'LongSessions');
    assert.ok(boundary);
    assert.equal(boundary.PermissionsBoundary, undefined);
  });

  test('UpdateRole and UpdateRoleDescription change description and session duration', async () => {
    const iam = server.iam();
    await iam.send(new UpdateRoleCommand({ RoleName: 'Deployer', MaxSessionDuration: 7200 }));
    let role = (await iam.send(new GetRoleCommand({ RoleName: 'Deployer' }))).Role!;
    assert.equal(role.MaxSessionDuration, 7200);
    assert.equal(role.Description, 'deploys things', 'untouched when not given');
    await iam.send(new UpdateRoleCommand({ RoleName: 'Deployer', Description: 'ships releases' }));
    role = (await iam.send(new GetRoleCommand({ RoleName: 'Deployer' }))).Role!;
    assert.equal(role.Description, 'ships releases');
    assert.equal(role.MaxSessionDuration, 7200);
    const described = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'deployer', Description: 'new words' }));
    assert.equal(described.Role?.Description, 'new words');
    assert.equal(described.Role?.RoleName, 'Deployer');
    await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'Deployer', Description: '' }));
    assert.equal((await iam.send(new GetRoleCommand({ RoleName: 'Deployer' }))).Role?.Description, undefined, 'an empty description clears it');
    const range = await awsError(() => iam.send(new UpdateRoleCommand({ RoleName: 'Deployer', MaxSessionDuration: 50000 })));
    assert.equal(range.name, 'ValidationError');
    assert.equal((await awsError(() => iam.send(new UpdateRoleCommand({ RoleName: 'nobody', Description: 'x' })))).name, 'NoSuchEntityException');
  });

  test('UpdateAssumeRolePolicy replaces a valid trust policy and refuses a malformed one', async () => {
    const iam = server.iam();
    const lambda = trustFor({ Service: 'lambda.amazonaws.com' });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Deployer', PolicyDocument: lambda }));
    assert.equal(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: 'Deployer' }))).Role!.AssumeRolePolicyDocument!), lambda);
    const bad = await awsError(() => iam.send(new UpdateAssumeRolePolicyCommand({
      RoleName: 'Deployer',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'x.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }] }),
    })));
    assert.equal(bad.name, 'MalformedPolicyDocumentException');
    assert.equal(bad.message, 'Has prohibited field Resource');
    assert.equal(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: 'Deployer' }))).Role!.AssumeRolePolicyDocument!), lambda, 'unchanged');
  });

  test('tags: merge case-insensitively, list, untag; duplicates and the quota refused', async () => {
    const iam = server.iam();
    await iam.send(new TagRoleCommand({ RoleName: 'Deployer', Tags: [{ Key: 'TEAM', Value: 'blue' }, { Key: 'cost', Value: '7' }] }));
    let tags = await iam.send(new ListRoleTagsCommand({ RoleName: 'Deployer' }));
    assert.deepEqual(tags.Tags, [{ Key: 'cost', Value: '7' }, { Key: 'TEAM', Value: 'blue' }]);
    const dup = await awsError(() => iam.send(new TagRoleCommand({ RoleName: 'Deployer', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] })));
    assert.equal(dup.name, 'InvalidInputException');
    assert.equal(dup.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const quota = await awsError(() => iam.send(new TagRoleCommand({ RoleName: 'Deployer', Tags: many })));
    assert.equal(quota.name, 'LimitExceededException');
    assert.equal(quota.message, 'Cannot exceed quota for TagsPerRole: 50');
    await iam.send(new UntagRoleCommand({ RoleName: 'Deployer', TagKeys: ['team'] }));
    tags = await iam.send(new ListRoleTagsCommand({ RoleName: 'Deployer', MaxItems: 1 }));
    assert.deepEqual(tags.Tags, [{ Key: 'cost', Value: '7' }]);
    assert.equal(tags.IsTruncated, false);
    assert.equal((await awsError(() => iam.send(new ListRoleTagsCommand({ RoleName: 'nobody' })))).name, 'NoSuchEntityException');
  });

  test('DeleteRole deletes; a second delete is NoSuchEntity', async () => {
    const iam = server.iam();
    await iam.send(new CreateRoleCommand({ RoleName: 'short-lived', AssumeRolePolicyDocument: EC2_TRUST }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'Short-Lived' }));
    assert.equal((await awsError(() => iam.send(new GetRoleCommand({ RoleName: 'short-lived' })))).name, 'NoSuchEntityException');
    assert.equal((await awsError(() => iam.send(new DeleteRoleCommand({ RoleName: 'short-lived' })))).name, 'NoSuchEntityException');
  });

  test('CreateRole refuses every path under /aws-service-role/ (only CreateServiceLinkedRole uses it); other spellings are ordinary paths', async () => {
    const iam = server.iam();
    for (const Path of ['/aws-service-role/', '/aws-service-role/ecs.amazonaws.com/']) {
      const err = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'not-linked', Path, AssumeRolePolicyDocument: EC2_TRUST })));
      assert.equal(err.name, 'InvalidInputException', Path);
      assert.equal(err.status, 400, Path);
      assert.equal(err.message, "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles", Path);
    }
    // An invalid path is answered as such first.
    assert.equal((await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'not-linked', Path: '/aws-service-role//', AssumeRolePolicyDocument: EC2_TRUST })))).name, 'ValidationError');
    // IAM paths are case sensitive: this one names no service-linked role, and is accepted.
    const upper = (await iam.send(new CreateRoleCommand({ RoleName: 'upper-path', Path: '/AWS-Service-Role/', AssumeRolePolicyDocument: EC2_TRUST }))).Role!;
    assert.equal(upper.Path, '/AWS-Service-Role/');
    await iam.send(new DeleteRoleCommand({ RoleName: 'upper-path' }));
  });

  test('service-linked roles: AWS name, path and trust; protected; deleted through a task that succeeds', async () => {
    const iam = server.iam();
    const created = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com', Description: 'for ECS' }))).Role!;
    assert.equal(created.RoleName, 'AWSServiceRoleForECS');
    assert.equal(created.Path, '/aws-service-role/ecs.amazonaws.com/');
    assert.equal(created.Arn, `arn:aws:iam::${server.accountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`);
    assert.equal(created.Description, 'for ECS');
    const trust = JSON.parse(decodeURIComponent(created.AssumeRolePolicyDocument!));
    assert.deepEqual(trust.Statement, [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }]);

    const taken = await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' })));
    assert.equal(taken.name, 'InvalidInputException');
    assert.equal(taken.message, 'Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.');
    const suffix = await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'es.amazonaws.com', CustomSuffix: 'two' })));
    assert.equal(suffix.name, 'InvalidInputException');
    assert.equal(suffix.message, 'Custom suffix is not allowed for es.amazonaws.com');
    assert.equal((await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'not-a-service' })))).name, 'InvalidInputException');
    const scaling = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'fleet' }))).Role!;
    assert.equal(scaling.RoleName, 'AWSServiceRoleForAutoScaling_fleet');

    const protectedMessage = "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS";
    const del = await awsError(() => iam.send(new DeleteRoleCommand({ RoleName: 'AWSServiceRoleForECS' })));
    assert.equal(del.name, 'UnmodifiableEntityException');
    assert.equal(del.message, protectedMessage);
    const trustChange = await awsError(() => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyDocument: EC2_TRUST })));
    assert.equal(trustChange.name, 'UnmodifiableEntityException');
    const duration = await awsError(() => iam.send(new UpdateRoleCommand({ RoleName: 'AWSServiceRoleForECS', MaxSessionDuration: 7200 })));
    assert.equal(duration.name, 'UnmodifiableEntityException');
    await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'AWSServiceRoleForECS', Description: 'edited' }));
    assert.equal((await iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForECS' }))).Role?.Description, 'edited');

    const notLinked = await awsError(() => iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'Deployer' })));
    assert.equal(notLinked.name, 'NoSuchEntityException');
    const { DeletionTaskId } = await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForECS' }));
    assert.match(DeletionTaskId ?? '', /^task\/aws-service-role\/ecs\.amazonaws\.com\/AWSServiceRoleForECS\/[0-9a-f-]{36}$/);
    const status = await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }));
    assert.equal(status.Status, 'SUCCEEDED');
    assert.equal((await awsError(() => iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForECS' })))).name, 'NoSuchEntityException');
    const malformed = await awsError(() => iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: 'task/nope' })));
    assert.equal(malformed.name, 'InvalidInputException');
    const pending = await awsError(() => iam.send(new GetServiceLinkedRoleDeletionStatusCommand({
      DeletionTaskId: 'task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_fleet/0b6a2b3c-1d2e-4f50-a617-28394a5b6c7d',
    })));
    assert.equal(pending.name, 'NoSuchEntityException', 'no task deleted a role that still exists');
  });

  test('100 parallel CreateRole of one name: exactly one succeeds', async () => {
    const iam = server.iam();
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => iam.send(new CreateRoleCommand({ RoleName: 'racer', AssumeRolePolicyDocument: EC2_TRUST }))));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(results.length - failed.length, 1);
    assert.ok(failed.every((r) => (r.reason as Error).name === 'EntityAlreadyExistsException'));
  });
});

describe('IAM roles quota per account', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, rolesPerAccount: 2 } });
  });
  after(async () => server.stop());

  test('CreateRole and CreateServiceLinkedRole beyond RolesPerAccount: LimitExceeded', async () => {
    const iam = server.iam();
    await iam.send(new CreateRoleCommand({ RoleName: 'one', AssumeRolePolicyDocument: EC2_TRUST }));
    await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' }));
    const role = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'three', AssumeRolePolicyDocument: EC2_TRUST })));
    assert.equal(role.name, 'LimitExceededException');
    assert.equal(role.message, 'Cannot exceed quota for RolesPerAccount: 2');
    const linked = await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'rds.amazonaws.com' })));
    assert.equal(linked.message, 'Cannot exceed quota for RolesPerAccount: 2');
    assert.equal((await iam.send(new ListRolesCommand({}))).Roles?.length, 2);
  });
});
