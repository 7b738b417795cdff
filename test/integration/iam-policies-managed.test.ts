import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreatePolicyCommand, CreatePolicyVersionCommand, DeletePolicyCommand, DeletePolicyVersionCommand, GetPolicyCommand,
  GetPolicyVersionCommand, ListPoliciesCommand, ListPolicyTagsCommand, ListPolicyVersionsCommand, SetDefaultPolicyVersionCommand,
  TagPolicyCommand, UntagPolicyCommand, type Policy,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { defaultQuotas } from '../../src/kernel/quotas.ts';

const doc = (action: string, sid?: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ ...(sid ? { Sid: sid } : {}), Effect: 'Allow', Action: action, Resource: '*' }] });

describe('IAM customer managed policies and versions through the AWS SDK', () => {
  let server: TestServer;
  let arnOf: (name: string, path?: string) => string;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, customerManagedPoliciesPerAccount: 12 } });
    arnOf = (name, path = '/') => `arn:aws:iam::${server.accountId}:policy${path}${name}`;
  });
  after(async () => server.stop());

  test('CreatePolicy returns the policy with AWS shapes; GetPolicy adds tags and description', async () => {
    const iam = server.iam();
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }, null, 2);
    const out = await iam.send(new CreatePolicyCommand({
      PolicyName: 'Reader', Path: '/team/', PolicyDocument: text, Description: 'reads b', Tags: [{ Key: 'team', Value: 'red' }],
    }));
    const policy = out.Policy!;
    assert.equal(policy.PolicyName, 'Reader');
    assert.equal(policy.Path, '/team/');
    assert.equal(policy.Arn, arnOf('Reader', '/team/'));
    assert.match(policy.PolicyId ?? '', /^ANPA[A-Z2-7]{17}$/);
    assert.equal(policy.DefaultVersionId, 'v1');
    assert.equal(policy.AttachmentCount, 0);
    assert.equal(policy.PermissionsBoundaryUsageCount, 0);
    assert.equal(policy.IsAttachable, true);
    assert.ok(policy.CreateDate instanceof Date && policy.UpdateDate instanceof Date);

    const got = (await iam.send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!;
    assert.equal(got.Description, 'reads b');
    assert.deepEqual(got.Tags, [{ Key: 'team', Value: 'red' }]);
    assert.equal(got.PolicyId, policy.PolicyId);

    // The document comes back exactly as written, percent-encoded as AWS sends it (the SDK leaves it encoded).
    const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: 'v1' }))).PolicyVersion!;
    assert.ok(version.Document?.startsWith('%7B%0A%20%20%22Version%22'), version.Document);
    assert.equal(decodeURIComponent(version.Document!), text);
    assert.equal(version.IsDefaultVersion, true);
  });

  test('names are unique in the account regardless of case and path', async () => {
    const err = await awsError(() => server.iam().send(new CreatePolicyCommand({ PolicyName: 'READER', PolicyDocument: doc('s3:*') })));
    assert.equal(err.name, 'EntityAlreadyExistsException');
    assert.equal(err.status, 409);
    assert.equal(err.message, 'A policy called READER already exists. Duplicate names are not allowed.');
  });

  test('documents are validated as identity policies, with AWS messages', async () => {
    const iam = server.iam();
    const malformed = await awsError(() => iam.send(new CreatePolicyCommand({ PolicyName: 'Bad', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}' })));
    assert.equal(malformed.name, 'MalformedPolicyDocumentException');
    assert.equal(malformed.message, 'Policy statement must contain resources.');
    const principal = await awsError(() => iam.send(new CreatePolicyCommand({
      PolicyName: 'Bad', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }),
    })));
    assert.equal(principal.message, 'Policy document should not specify a principal.');
    // 6,144 characters excluding white space: white space does not count.
    const big = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'a'.repeat(n)}` }] });
    const overhead = big(0).length;
    const tooBig = await awsError(() => iam.send(new CreatePolicyCommand({ PolicyName: 'Big', PolicyDocument: big(6145 - overhead) })));
    assert.equal(tooBig.name, 'LimitExceededException');
    assert.equal(tooBig.message, 'Cannot exceed quota for PolicySize: 6144');
    const spaced = big(6144 - overhead).replace(/,/g, ',   \n');
    assert.equal((await iam.send(new CreatePolicyCommand({ PolicyName: 'JustFits', PolicyDocument: spaced }))).Policy?.DefaultVersionId, 'v1');
  });

  test('unknown and malformed ARNs: NoSuchEntity / InvalidInput', async () => {
    const iam = server.iam();
    const missing = await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: arnOf('Nope') })));
    assert.equal(missing.name, 'NoSuchEntityException');
    assert.equal(missing.status, 404);
    assert.equal(missing.message, `Policy ${arnOf('Nope')} was not found.`);
    const wrongPath = await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: arnOf('Reader') })));
    assert.equal(wrongPath.name, 'NoSuchEntityException', 'the path is part of the ARN');
    const otherAccount = await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::111122223333:policy/team/Reader' })));
    assert.equal(otherAccount.name, 'NoSuchEntityException');
    const notAPolicy = `arn:aws:iam::${server.accountId}:role/Reader`;
    const invalid = await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: notAPolicy })));
    assert.equal(invalid.name, 'InvalidInputException');
    assert.equal(invalid.message, `ARN ${notAPolicy} is not valid.`);
  });

  test('versions: create, list newest first, set default, delete; at most five', async () => {
    const iam = server.iam();
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Versioned', PolicyDocument: doc('s3:GetObject', 'One') }))).Policy!.Arn!;
    const v2 = (await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:PutObject', 'Two') }))).PolicyVersion!;
    assert.deepEqual([v2.VersionId, v2.IsDefaultVersion, v2.Document], ['v2', false, undefined]);
    const v3 = (await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:ListBucket', 'Three'), SetAsDefault: true }))).PolicyVersion!;
    assert.deepEqual([v3.VersionId, v3.IsDefaultVersion], ['v3', true]);
    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId, 'v3');

    const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    assert.deepEqual(listed.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion, v.Document]), [['v3', true, undefined], ['v2', false, undefined], ['v1', false, undefined]]);

    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    const v2doc = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }))).PolicyVersion!;
    assert.equal(v2doc.IsDefaultVersion, true);
    assert.equal(decodeURIComponent(v2doc.Document!), doc('s3:PutObject', 'Two'));

    const deleteDefault = await awsError(() => iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })));
    assert.equal(deleteDefault.name, 'DeleteConflictException');
    assert.equal(deleteDefault.message, 'Cannot delete the default version of a policy.');

    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:a') }));
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:b') }));
    const sixth = await awsError(() => iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:c') })));
    assert.equal(sixth.name, 'LimitExceededException');
    assert.equal(sixth.message, 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');

    // Version IDs keep counting up after a deletion: v6, never a reused v1.
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    const v6 = (await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:c') }))).PolicyVersion!;
    assert.equal(v6.VersionId, 'v6');
    const paged: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn, MaxItems: 2, Marker: marker }));
      paged.push(...page.Versions!.map((v) => v.VersionId!));
      marker = page.Marker;
    } while (marker);
    assert.deepEqual(paged, ['v6', 'v5', 'v4', 'v3', 'v2']);

    const unknown = await awsError(() => iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })));
    assert.equal(unknown.name, 'NoSuchEntityException');

    // A policy with non-default versions cannot be deleted; once only the default is left, it can.
    const blocked = await awsError(() => iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    assert.equal(blocked.name, 'DeleteConflictException');
    assert.equal(blocked.message, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
    for (const v of ['v3', 'v4', 'v5', 'v6']) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    assert.equal((await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: arn })))).name, 'NoSuchEntityException');
    // The name is free again, and its versions start over.
    const again = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Versioned', PolicyDocument: doc('s3:*') }))).Policy!;
    assert.equal(again.DefaultVersionId, 'v1');
    assert.deepEqual((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: again.Arn }))).Versions?.map((v) => v.VersionId), ['v1']);
    await iam.send(new DeletePolicyCommand({ PolicyArn: again.Arn }));
  });

  test('policy tags: tag, untag, list; case-insensitive keys', async () => {
    const iam = server.iam();
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Tagged', PolicyDocument: doc('s3:*') }))).Policy!.Arn!;
    await iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: '1' }] }));
    await iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: 'B', Value: 'two' }] }));
    assert.deepEqual((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags, [{ Key: 'a', Value: '1' }, { Key: 'B', Value: 'two' }]);
    await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ['A'] }));
    assert.deepEqual((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.Tags, [{ Key: 'B', Value: 'two' }]);
    const dup = await awsError(() => iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] })));
    assert.equal(dup.name, 'InvalidInputException');
    const missing = await awsError(() => iam.send(new ListPolicyTagsCommand({ PolicyArn: arnOf('Ghost') })));
    assert.equal(missing.name, 'NoSuchEntityException');
  });

  test('ListPolicies --scope Local pages by name and filters by path; listings carry no tags or description', async () => {
    const iam = server.iam();
    for (const name of ['pg-c', 'pg-a', 'PG-b']) await iam.send(new CreatePolicyCommand({ PolicyName: name, Path: '/paged/', PolicyDocument: doc('s3:*'), Description: 'd' }));
    const seen: Policy[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/paged/', MaxItems: 2, Marker: marker }));
      pages++;
      seen.push(...page.Policies!);
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      marker = page.Marker;
    } while (marker);
    assert.equal(pages, 2);
    assert.deepEqual(seen.map((p) => p.PolicyName), ['pg-a', 'PG-b', 'pg-c']);
    assert.equal(seen[0]!.Description, undefined);
    assert.equal(seen[0]!.Tags, undefined);
    const all = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    assert.ok(all.Policies!.some((p) => p.PolicyName === 'Reader'));
    assert.ok(all.Policies!.every((p) => p.Arn!.startsWith(`arn:aws:iam::${server.accountId}:policy/`)));
  });

  test('ListPolicies pages stay stable while policies are created and deleted between pages', async () => {
    const iam = server.iam();
    for (const name of ['st-b', 'st-d', 'st-f']) await iam.send(new CreatePolicyCommand({ PolicyName: name, Path: '/stable/', PolicyDocument: doc('s3:*') }));
    const first = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/stable/', MaxItems: 2 }));
    assert.deepEqual(first.Policies?.map((p) => p.PolicyName), ['st-b', 'st-d']);
    // Before the marker (not listed again), after it (listed), and one listed already removed.
    await iam.send(new CreatePolicyCommand({ PolicyName: 'st-a', Path: '/stable/', PolicyDocument: doc('s3:*') }));
    await iam.send(new CreatePolicyCommand({ PolicyName: 'st-e', Path: '/stable/', PolicyDocument: doc('s3:*') }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arnOf('st-b', '/stable/') }));
    const rest = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/stable/', Marker: first.Marker }));
    assert.deepEqual(rest.Policies?.map((p) => p.PolicyName), ['st-e', 'st-f']);
    for (const name of ['st-a', 'st-d', 'st-e', 'st-f']) await iam.send(new DeletePolicyCommand({ PolicyArn: arnOf(name, '/stable/') }));
  });

  test('1,500 customer managed policies per account (configurable quota), with AWS wording', async () => {
    const iam = server.iam();
    const existing = (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies!.length;
    for (let i = existing; i < 12; i++) await iam.send(new CreatePolicyCommand({ PolicyName: `fill-${i}`, PolicyDocument: doc('s3:*') }));
    const err = await awsError(() => iam.send(new CreatePolicyCommand({ PolicyName: 'one-too-many', PolicyDocument: doc('s3:*') })));
    assert.equal(err.name, 'LimitExceededException');
    assert.equal(err.message, 'Cannot exceed quota for PoliciesPerAccount: 12');
  });
});
