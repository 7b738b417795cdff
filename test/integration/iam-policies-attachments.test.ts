import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachGroupPolicyCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, CreateGroupCommand, CreatePolicyCommand, CreateRoleCommand,
  CreateServiceLinkedRoleCommand, CreateUserCommand, DeleteGroupCommand, DeletePolicyCommand, DeleteRoleCommand, DeleteRolePermissionsBoundaryCommand,
  DeleteUserCommand, DeleteUserPermissionsBoundaryCommand, DetachGroupPolicyCommand, DetachRolePolicyCommand, DetachUserPolicyCommand,
  GetPolicyCommand, GetRoleCommand, GetUserCommand, ListAttachedGroupPoliciesCommand, ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand, ListEntitiesForPolicyCommand, ListPoliciesCommand, PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const EC2_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

describe('IAM managed policy attachments and permissions boundaries through the AWS SDK', () => {
  let server: TestServer;
  let policyArn: (name: string) => string;
  before(async () => {
    server = await startTestServer();
    policyArn = (name) => `arn:aws:iam::${server.accountId}:policy/${name}`;
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'devs', Path: '/eng/' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'app', Path: '/svc/', AssumeRolePolicyDocument: EC2_TRUST }));
    await iam.send(new CreatePolicyCommand({ PolicyName: 'Shared', PolicyDocument: doc('s3:*') }));
  });
  after(async () => server.stop());

  test('attach to a user, a group and a role; AttachmentCount and ListEntitiesForPolicy follow', async () => {
    const iam = server.iam();
    const arn = policyArn('Shared');
    await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: arn }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    // Attaching again changes nothing.
    await iam.send(new AttachUserPolicyCommand({ UserName: 'ALICE', PolicyArn: arn }));
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount, 3);

    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    assert.deepEqual(entities.PolicyUsers?.map((u) => u.UserName), ['alice']);
    assert.match(entities.PolicyUsers?.[0]?.UserId ?? '', /^AIDA/);
    assert.deepEqual(entities.PolicyGroups?.map((g) => g.GroupName), ['devs']);
    assert.deepEqual(entities.PolicyRoles?.map((r) => r.RoleName), ['app']);
    assert.equal(entities.IsTruncated, false);

    const roles = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'Role' }));
    assert.deepEqual([roles.PolicyUsers, roles.PolicyGroups, roles.PolicyRoles?.map((r) => r.RoleName)], [[], [], ['app']]);
    const underEng = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, PathPrefix: '/eng/' }));
    assert.deepEqual([underEng.PolicyUsers, underEng.PolicyGroups?.map((g) => g.GroupName), underEng.PolicyRoles], [[], ['devs'], []]);
    const paged: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, MaxItems: 1, Marker: marker }));
      paged.push(...[...page.PolicyGroups!.map((g) => g.GroupName!), ...page.PolicyRoles!.map((r) => r.RoleName!), ...page.PolicyUsers!.map((u) => u.UserName!)]);
      marker = page.Marker;
    } while (marker);
    assert.deepEqual(paged, ['devs', 'app', 'alice']);

    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }));
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'Shared', PolicyArn: arn }]);
    assert.deepEqual((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'devs' }))).AttachedPolicies?.map((p) => p.PolicyName), ['Shared']);
    assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'app', PathPrefix: '/other/' }))).AttachedPolicies, []);
  });

  test('a policy in use cannot be deleted; nor can its holders', async () => {
    const iam = server.iam();
    const policy = await awsError(() => iam.send(new DeletePolicyCommand({ PolicyArn: policyArn('Shared') })));
    assert.equal(policy.name, 'DeleteConflictException');
    assert.equal(policy.status, 409);
    assert.equal(policy.message, 'Cannot delete a policy attached to entities.');
    for (const call of [
      () => iam.send(new DeleteUserCommand({ UserName: 'alice' })),
      () => iam.send(new DeleteGroupCommand({ GroupName: 'devs' })),
      () => iam.send(new DeleteRoleCommand({ RoleName: 'app' })),
    ]) {
      const err = await awsError(call);
      assert.equal(err.name, 'DeleteConflictException');
      assert.equal(err.message, 'Cannot delete entity, must detach all policies first.');
    }
  });

  test('detach; detaching what is not attached is NoSuchEntity', async () => {
    const iam = server.iam();
    const arn = policyArn('Shared');
    await iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: arn }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount, 0);
    const again = await awsError(() => iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn })));
    assert.equal(again.name, 'NoSuchEntityException');
    const noUser = await awsError(() => iam.send(new AttachUserPolicyCommand({ UserName: 'nobody', PolicyArn: arn })));
    assert.equal(noUser.message, 'The user with name nobody cannot be found.');
  });

  test('attaching an unknown policy: NoSuchEntity "does not exist or is not attachable"', async () => {
    const iam = server.iam();
    for (const arn of [policyArn('Ghost'), 'arn:aws:iam::aws:policy/NoSuchAwsPolicy', 'arn:aws:iam::111122223333:policy/Shared']) {
      const err = await awsError(() => iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn })));
      assert.equal(err.name, 'NoSuchEntityException');
      assert.equal(err.message, `Policy ${arn} does not exist or is not attachable.`);
    }
  });

  test('AWS managed policies: real ARNs, GetPolicy, attach, ListPolicies --scope AWS', async () => {
    const iam = server.iam();
    const admin = (await iam.send(new GetPolicyCommand({ PolicyArn: ADMIN }))).Policy!;
    assert.equal(admin.PolicyName, 'AdministratorAccess');
    assert.equal(admin.Path, '/');
    assert.match(admin.PolicyId ?? '', /^ANPA[A-Z2-7]{17}$/);
    assert.equal(admin.DefaultVersionId, 'v1');
    assert.equal(admin.IsAttachable, true);
    const ssm = (await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM' }))).Policy!;
    assert.equal(ssm.Path, '/service-role/');

    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: ADMIN }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: ADMIN }));
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: ADMIN }))).Policy?.AttachmentCount, 2);
    assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'app' }))).AttachedPolicies, [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN }]);

    const attachedAws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }));
    assert.deepEqual(attachedAws.Policies?.map((p) => [p.PolicyName, p.AttachmentCount]), [['AdministratorAccess', 2]]);

    const firstPage = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 50 }));
    assert.equal(firstPage.Policies?.length, 50);
    assert.equal(firstPage.IsTruncated, true);
    assert.ok(firstPage.Policies!.every((p) => p.Arn!.startsWith('arn:aws:iam::aws:policy/')));
    const names = firstPage.Policies!.map((p) => p.PolicyName!.toLowerCase());
    assert.deepEqual(names, [...names].sort(), 'ordered by name');
    const secondPage = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 50, Marker: firstPage.Marker }));
    assert.ok(secondPage.Policies![0]!.PolicyName!.toLowerCase() > names[49]!);

    const jobFunction = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', PathPrefix: '/job-function/' }));
    assert.ok(jobFunction.Policies!.length > 0);
    assert.ok(jobFunction.Policies!.every((p) => p.Path === '/job-function/'));

    await iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: ADMIN }));
    await iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: ADMIN }));
    assert.equal((await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }))).Policies?.length, 0);
  });

  test('ListPolicies --scope All merges AWS and customer policies by name', async () => {
    const iam = server.iam();
    // A customer policy may share an AWS managed policy's name: both are listed, AWS's first.
    await iam.send(new CreatePolicyCommand({ PolicyName: 'AdministratorAccess', PolicyDocument: doc('s3:*') }));
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListPoliciesCommand({ MaxItems: 300, Marker: marker }));
      seen.push(...page.Policies!.map((p) => p.Arn!));
      marker = page.Marker;
    } while (marker);
    assert.equal(new Set(seen).size, seen.length, 'no policy listed twice across pages');
    const adminAt = seen.indexOf(ADMIN);
    assert.equal(seen[adminAt + 1], policyArn('AdministratorAccess'));
    assert.ok(seen.includes(policyArn('Shared')));
    // A page boundary between the two same-named policies still lists both.
    const onlyAws = await iam.send(new ListPoliciesCommand({ PathPrefix: '/', MaxItems: adminAt + 1 }));
    assert.equal(onlyAws.Policies!.at(-1)!.Arn, ADMIN);
    const next = await iam.send(new ListPoliciesCommand({ MaxItems: 1, Marker: onlyAws.Marker }));
    assert.equal(next.Policies![0]!.Arn, policyArn('AdministratorAccess'));
    await iam.send(new DeletePolicyCommand({ PolicyArn: policyArn('AdministratorAccess') }));
  });

  test('service-linked role policies cannot be attached; service-linked roles cannot be changed', async () => {
    const iam = server.iam();
    const err = await awsError(() => iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy' })));
    assert.equal(err.name, 'PolicyNotAttachableException');
    assert.equal(err.message, 'Cannot attach a Service Role Policy to a Customer Role.');
    const slr = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com' }))).Role!;
    const protectedRole = await awsError(() => iam.send(new AttachRolePolicyCommand({ RoleName: slr.RoleName, PolicyArn: policyArn('Shared') })));
    assert.equal(protectedRole.name, 'UnmodifiableEntityException');
  });

  test('10 managed policies per user, group and role, with AWS wording', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'collector' }));
    for (let i = 0; i < 10; i++) {
      const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: `quota-${i}`, PolicyDocument: doc('s3:*') }))).Policy!.Arn!;
      await iam.send(new AttachUserPolicyCommand({ UserName: 'collector', PolicyArn: arn }));
    }
    const err = await awsError(() => iam.send(new AttachUserPolicyCommand({ UserName: 'collector', PolicyArn: ADMIN })));
    assert.equal(err.name, 'LimitExceededException');
    assert.equal(err.message, 'Cannot exceed quota for PoliciesPerUser: 10');
    for (let i = 0; i < 10; i++) {
      await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: policyArn(`quota-${i}`) }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: policyArn(`quota-${i}`) }));
    }
    assert.equal((await awsError(() => iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: ADMIN })))).message, 'Cannot exceed quota for PoliciesPerGroup: 10');
    assert.equal((await awsError(() => iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: ADMIN })))).message, 'Cannot exceed quota for PoliciesPerRole: 10');
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: policyArn('quota-3') }))).Policy?.AttachmentCount, 3);
    // Re-attaching one already attached is not a new attachment.
    await iam.send(new AttachUserPolicyCommand({ UserName: 'collector', PolicyArn: policyArn('quota-0') }));
    const pages = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'collector', MaxItems: 4 }));
    assert.equal(pages.AttachedPolicies?.length, 4);
    assert.equal(pages.IsTruncated, true);
  });

  test('concurrent attach and detach leave AttachmentCount equal to the attachments', async () => {
    const iam = server.iam();
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Busy', PolicyDocument: doc('s3:*') }))).Policy!.Arn!;
    const users = Array.from({ length: 12 }, (_, i) => `busy-${i}`);
    await Promise.all(users.map((u) => iam.send(new CreateUserCommand({ UserName: u }))));
    // Every user attached by several racing requests at once, then half detached while the rest re-attach.
    await Promise.all(users.flatMap((u) => [0, 1, 2].map(() => iam.send(new AttachUserPolicyCommand({ UserName: u, PolicyArn: arn })))));
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount, 12);
    await Promise.all(users.map((u, i) =>
      i % 2 === 0
        ? iam.send(new DetachUserPolicyCommand({ UserName: u, PolicyArn: arn }))
        : iam.send(new AttachUserPolicyCommand({ UserName: u, PolicyArn: arn })),
    ));
    const count = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount;
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    assert.equal(count, 6);
    assert.deepEqual(entities.PolicyUsers?.map((u) => u.UserName).sort(), users.filter((_, i) => i % 2 === 1).sort());
  });

  test('permissions boundaries: put, get, usage count, delete; unknown policy refused', async () => {
    const iam = server.iam();
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: policyArn('Shared') }));
    const user = (await iam.send(new GetUserCommand({ UserName: 'alice' }))).User!;
    assert.deepEqual(user.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policyArn('Shared') });
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'app', PermissionsBoundary: READ_ONLY }));
    assert.equal((await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role?.PermissionsBoundary?.PermissionsBoundaryArn, READ_ONLY);

    const shared = (await iam.send(new GetPolicyCommand({ PolicyArn: policyArn('Shared') }))).Policy!;
    assert.deepEqual([shared.AttachmentCount, shared.PermissionsBoundaryUsageCount], [0, 1]);
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: READ_ONLY }))).Policy?.PermissionsBoundaryUsageCount, 1);
    const bounded = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn('Shared'), PolicyUsageFilter: 'PermissionsBoundary' }));
    assert.deepEqual(bounded.PolicyUsers?.map((u) => u.UserName), ['alice']);
    assert.deepEqual((await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn('Shared'), PolicyUsageFilter: 'PermissionsPolicy' }))).PolicyUsers, []);
    const boundaries = await iam.send(new ListPoliciesCommand({ PolicyUsageFilter: 'PermissionsBoundary' }));
    assert.deepEqual(boundaries.Policies?.map((p) => p.Arn).sort(), [READ_ONLY, policyArn('Shared')].sort());

    // A policy used as a boundary cannot be deleted either.
    const inUse = await awsError(() => iam.send(new DeletePolicyCommand({ PolicyArn: policyArn('Shared') })));
    assert.equal(inUse.message, 'Cannot delete a policy attached to entities.');

    const unknown = await awsError(() => iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: policyArn('Ghost') })));
    assert.equal(unknown.name, 'NoSuchEntityException');
    assert.equal(unknown.message, `Policy ${policyArn('Ghost')} does not exist or is not attachable.`);

    await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'alice' }));
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'app' }));
    assert.equal((await iam.send(new GetUserCommand({ UserName: 'alice' }))).User?.PermissionsBoundary, undefined);
    assert.equal((await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role?.PermissionsBoundary, undefined);
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: policyArn('Shared') }))).Policy?.PermissionsBoundaryUsageCount, 0);
  });

  test('CreateUser accepts an existing managed policy as boundary, and refuses an unknown one', async () => {
    const iam = server.iam();
    const made = await iam.send(new CreateUserCommand({ UserName: 'bounded', PermissionsBoundary: READ_ONLY }));
    assert.equal(made.User?.PermissionsBoundary?.PermissionsBoundaryArn, READ_ONLY);
    assert.equal((await iam.send(new GetUserCommand({ UserName: 'bounded' }))).User?.PermissionsBoundary?.PermissionsBoundaryArn, READ_ONLY);
    const err = await awsError(() => iam.send(new CreateUserCommand({ UserName: 'unbounded', PermissionsBoundary: policyArn('Ghost') })));
    assert.equal(err.name, 'NoSuchEntityException');
    assert.equal(err.message, `Policy ${policyArn('Ghost')} does not exist or is not attachable.`);
    assert.equal((await awsError(() => iam.send(new GetUserCommand({ UserName: 'unbounded' })))).name, 'NoSuchEntityException', 'nothing half-written');
  });
});
