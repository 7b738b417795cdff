import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachGroupPolicyCommand, AttachUserPolicyCommand, CreateGroupCommand, CreateUserCommand, ListEntitiesForPolicyCommand, CreatePolicyCommand, CreatePolicyVersionCommand, DeletePolicyCommand,
  GetPolicyCommand, GetPolicyVersionCommand, ListPoliciesCommand, ListPolicyTagsCommand, ListPolicyVersionsCommand, TagPolicyCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { createAccount } from '../../src/iam/accounts.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

describe('AWS managed policies through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('GetPolicyVersion returns the document percent-encoded; older versions too', async () => {
    const iam = server.iam();
    const admin = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: ADMIN, VersionId: 'v1' }))).PolicyVersion!;
    assert.equal(admin.IsDefaultVersion, true);
    assert.ok(admin.Document?.includes('%22Action%22%3A%22%2A%22'), admin.Document);
    assert.deepEqual(JSON.parse(decodeURIComponent(admin.Document!)), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

    const current = (await iam.send(new GetPolicyCommand({ PolicyArn: READ_ONLY }))).Policy!;
    const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: READ_ONLY }))).Versions!;
    assert.ok(versions.length > 1);
    assert.equal(versions[0]!.VersionId, current.DefaultVersionId, 'newest first, and the newest is the default');
    assert.deepEqual(versions.filter((v) => v.IsDefaultVersion).map((v) => v.VersionId), [current.DefaultVersionId]);
    const oldest = versions.at(-1)!;
    const old = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: READ_ONLY, VersionId: oldest.VersionId }))).PolicyVersion!;
    assert.equal(old.IsDefaultVersion, false);
    const oldDoc = JSON.parse(decodeURIComponent(old.Document!));
    assert.equal(oldDoc.Version, '2012-10-17');
    assert.ok(Array.isArray(oldDoc.Statement));
    const missing = await awsError(() => iam.send(new GetPolicyVersionCommand({ PolicyArn: READ_ONLY, VersionId: 'v9999' })));
    assert.equal(missing.name, 'NoSuchEntityException');
  });

  test('names match in any case, paths exactly', async () => {
    const iam = server.iam();
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/administratoraccess' }))).Policy?.Arn, ADMIN);
    const wrongPath = await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/service-role/AdministratorAccess' })));
    assert.equal(wrongPath.name, 'NoSuchEntityException');
    assert.equal(wrongPath.message, 'Policy arn:aws:iam::aws:policy/service-role/AdministratorAccess was not found.');
  });

  test('AWS managed policies cannot be changed; they carry no tags', async () => {
    const iam = server.iam();
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    for (const call of [
      () => iam.send(new DeletePolicyCommand({ PolicyArn: ADMIN })),
      () => iam.send(new CreatePolicyVersionCommand({ PolicyArn: ADMIN, PolicyDocument: document })),
      () => iam.send(new TagPolicyCommand({ PolicyArn: ADMIN, Tags: [{ Key: 'k', Value: 'v' }] })),
    ]) {
      assert.equal((await awsError(call)).name, 'InvalidInputException');
    }
    assert.deepEqual((await iam.send(new ListPolicyTagsCommand({ PolicyArn: ADMIN }))).Tags, []);
  });

  test('ListPolicies filters: OnlyAttached and PolicyUsageFilter=PermissionsPolicy across scopes', async () => {
    const iam = server.iam();
    await iam.send(new CreateGroupCommand({ GroupName: 'auditors' }));
    const local = (await iam.send(new CreatePolicyCommand({
      PolicyName: 'AuditExtra', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' }] }),
    }))).Policy!.Arn!;
    await iam.send(new CreatePolicyCommand({
      PolicyName: 'Unused', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:*', Resource: '*' }] }),
    }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'auditors', PolicyArn: READ_ONLY }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'auditors', PolicyArn: local }));
    const attached = await iam.send(new ListPoliciesCommand({ OnlyAttached: true }));
    assert.deepEqual(attached.Policies?.map((p) => p.Arn), [local, READ_ONLY]);
    assert.deepEqual(attached.Policies?.map((p) => p.AttachmentCount), [1, 1]);
    const permissions = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PolicyUsageFilter: 'PermissionsPolicy' }));
    assert.deepEqual(permissions.Policies?.map((p) => p.Arn), [local]);
    const awsOnly = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true, MaxItems: 1 }));
    assert.deepEqual([awsOnly.Policies?.map((p) => p.Arn), awsOnly.IsTruncated], [[READ_ONLY], false]);
  });

  test('accounts are apart: attachments of an AWS managed policy count per account; customer policies stay in theirs', async () => {
    const { store, secrets, clock, random } = server.tessera.deps;
    const otherRoot = await createAccount({ store, secrets, clock, random });
    const other = server.iam({ accessKeyId: otherRoot.accessKeyId, secretAccessKey: otherRoot.secretAccessKey });
    const mine = server.iam();
    await mine.send(new CreateUserCommand({ UserName: 'here' }));
    await mine.send(new AttachUserPolicyCommand({ UserName: 'here', PolicyArn: ADMIN }));
    await other.send(new CreateUserCommand({ UserName: 'there' }));
    await other.send(new CreateUserCommand({ UserName: 'also-there' }));
    await other.send(new AttachUserPolicyCommand({ UserName: 'there', PolicyArn: ADMIN }));
    await other.send(new AttachUserPolicyCommand({ UserName: 'also-there', PolicyArn: ADMIN }));

    assert.equal((await mine.send(new GetPolicyCommand({ PolicyArn: ADMIN }))).Policy?.AttachmentCount, 1);
    assert.equal((await other.send(new GetPolicyCommand({ PolicyArn: ADMIN }))).Policy?.AttachmentCount, 2);
    assert.deepEqual((await mine.send(new ListEntitiesForPolicyCommand({ PolicyArn: ADMIN }))).PolicyUsers?.map((u) => u.UserName), ['here']);
    assert.deepEqual((await other.send(new ListEntitiesForPolicyCommand({ PolicyArn: ADMIN }))).PolicyUsers?.map((u) => u.UserName), ['also-there', 'there']);
    const attachedThere = await other.send(new ListPoliciesCommand({ OnlyAttached: true }));
    assert.deepEqual(attachedThere.Policies?.map((p) => [p.Arn, p.AttachmentCount]), [[ADMIN, 2]]);

    const mineOnly = (await mine.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies![0]!.Arn!;
    assert.equal((await awsError(() => other.send(new GetPolicyCommand({ PolicyArn: mineOnly })))).name, 'NoSuchEntityException');
    assert.equal((await awsError(() => other.send(new AttachUserPolicyCommand({ UserName: 'there', PolicyArn: mineOnly })))).name, 'NoSuchEntityException');
    assert.deepEqual((await other.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies, []);
  });
});
