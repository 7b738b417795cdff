import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { signedJsonAnswer, type JsonAnswer } from '../support/raw-request.ts';
import { awsCliAsync, awsCliAvailable } from '../support/cli-process.ts';
import { createAccount } from '../../src/iam/accounts.ts';

/**
 * CloudTrail trail tags (src/cloudtrail/tags.ts): AddTags, ListTags, RemoveTags through the
 * aws CLI and the wire; their refusals; their authorization (cloudtrail:<Operation> on each
 * trail ARN, aws:RequestTag/…, aws:TagKeys, aws:ResourceTag/…); their CloudTrail events; and
 * concurrent writers. Also the trail ARN rules every trail operation shares (trail-records.ts).
 */
const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
const BUCKET = 'tags-bucket';

type Answer = JsonAnswer;

describe('CloudTrail trail tags', () => {
  let server: TestServer;
  let base: string;
  let other: Credentials & { accountId: string };
  let account: string;
  const arnOf = (name: string, region = 'us-east-1') => `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;

  const call = (credentials: Credentials, operation: string, input: object, region = 'us-east-1'): Promise<Answer> =>
    signedJsonAnswer(server.url, credentials, TARGET + operation, input, { service: 'cloudtrail', region });

  async function userWith(name: string, policy: object): Promise<Credentials> {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  }

  const tagsOf = async (name: string, region = 'us-east-1') => (await call(server.root, 'ListTags', { ResourceIdList: [arnOf(name, region)] }, region)).body.ResourceTagList[0].TagsList;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'tessera-ct-tags-'));
    await mkdir(join(base, BUCKET));
    server = await startTestServer({ trailDir: base });
    account = server.accountId;
    const created = await createAccount(server.tessera.deps);
    other = { accountId: created.accountId, accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
    for (const name of ['main', 'second']) assert.equal((await call(server.root, 'CreateTrail', { Name: name, S3BucketName: BUCKET })).status, 200);
    assert.equal((await call(server.root, 'CreateTrail', { Name: 'everywhere', S3BucketName: BUCKET, IsMultiRegionTrail: true }, 'eu-west-1')).status, 200);
  });
  after(async () => {
    await server?.stop();
    await rm(base, { recursive: true, force: true });
  });

  test('the aws CLI: add-tags, list-tags, remove-tags', { skip: awsCliAvailable() ? false : 'no aws CLI' }, async () => {
    const arn = arnOf('main');
    const cli = (args: string[]) => awsCliAsync(server.url, server.root, ['cloudtrail', ...args]);
    const added = await cli(['add-tags', '--resource-id', arn, '--tags-list', 'Key=team,Value=audit', 'Key=env,Value=prod', 'Key=flag']);
    assert.equal(added.status, 0, added.stderr);
    const listed = await cli(['list-tags', '--resource-id-list', arn, arnOf('second')]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(listed.json, {
      ResourceTagList: [
        { ResourceId: arn, TagsList: [{ Key: 'team', Value: 'audit' }, { Key: 'env', Value: 'prod' }, { Key: 'flag' }] },
        { ResourceId: arnOf('second'), TagsList: [] },
      ],
    });
    // AddTags overwrites by key; RemoveTags removes by key, whatever value is given with it.
    assert.equal((await cli(['add-tags', '--resource-id', arn, '--tags-list', 'Key=env,Value=dev'])).status, 0);
    const removed = await cli(['remove-tags', '--resource-id', arn, '--tags-list', 'Key=team,Value=not-the-value', 'Key=flag', 'Key=never-there']);
    assert.equal(removed.status, 0, removed.stderr);
    assert.deepEqual((await cli(['list-tags', '--resource-id-list', arn])).json.ResourceTagList[0].TagsList, [{ Key: 'env', Value: 'dev' }]);
    const byName = await cli(['list-tags', '--resource-id-list', 'main']);
    assert.notEqual(byName.status, 0);
    assert.match(byName.stderr, /\(CloudTrailARNInvalidException\)/);
    assert.equal((await cli(['remove-tags', '--resource-id', arn, '--tags-list', 'Key=env'])).status, 0);
  });

  test('CreateTrail keeps its TagsList; GetTrail and DeleteTrail leave no tags behind', async () => {
    const root = server.root;
    assert.equal((await call(root, 'CreateTrail', { Name: 'born-tagged', S3BucketName: BUCKET, TagsList: [{ Key: 'a', Value: '1' }, { Key: 'b' }] })).status, 200);
    assert.deepEqual(await tagsOf('born-tagged'), [{ Key: 'a', Value: '1' }, { Key: 'b' }]);
    assert.equal((await call(root, 'DeleteTrail', { Name: 'born-tagged' })).status, 200);
    assert.equal((await call(root, 'CreateTrail', { Name: 'born-tagged', S3BucketName: BUCKET })).status, 200);
    assert.deepEqual(await tagsOf('born-tagged'), [], 'a new trail of the same name starts untagged');
    await call(root, 'DeleteTrail', { Name: 'born-tagged' });
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    assert.equal((await call(root, 'CreateTrail', { Name: 'too-many', S3BucketName: BUCKET, TagsList: many })).code, 'TagsLimitExceededException');
    assert.equal((await call(root, 'CreateTrail', { Name: 'reserved', S3BucketName: BUCKET, TagsList: [{ Key: 'aws:x', Value: 'v' }] })).code, 'InvalidTagParameterException');
    assert.equal((await call(root, 'GetTrail', { Name: 'too-many' })).code, 'TrailNotFoundException', 'a refused CreateTrail makes no trail');
  });

  test('refusals: names, malformed ARNs, other accounts, other regions, unknown trails, limits, bad tags', async () => {
    const root = server.root;
    const arn = arnOf('main');
    const otherRoot = { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey };
    const table: Array<[string, Credentials, string, object, string, string | RegExp | undefined, string?]> = [
      ['a valid name is not an ARN', root, 'AddTags', { ResourceId: 'main', TagsList: [{ Key: 'a' }] }, 'CloudTrailARNInvalidException', /arn:aws:cloudtrail:us-east-2:123456789012:trail\/MyTrail/],
      ['an invalid name', root, 'ListTags', { ResourceIdList: ['a_-b'] }, 'InvalidTrailNameException', undefined],
      ['not a trail ARN', root, 'ListTags', { ResourceIdList: [`arn:aws:cloudtrail:us-east-1:${account}:eventdatastore/x`] }, 'CloudTrailARNInvalidException', undefined],
      ['an IAM ARN', root, 'RemoveTags', { ResourceId: `arn:aws:iam::${account}:user/main`, TagsList: [{ Key: 'a' }] }, 'CloudTrailARNInvalidException', undefined],
      ["another account's trail", otherRoot, 'ListTags', { ResourceIdList: [arn] }, 'CloudTrailARNInvalidException', `AccountID in ARN is wrong, you can only access resources with AccountID ${other.accountId}.`],
      ["another account's trail (AddTags)", otherRoot, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'a' }] }, 'CloudTrailARNInvalidException', undefined],
      ['an unknown trail', root, 'ListTags', { ResourceIdList: [arn, arnOf('nosuch')] }, 'ResourceNotFoundException', undefined],
      ['the ARN names another region', root, 'AddTags', { ResourceId: arnOf('main', 'ap-south-1'), TagsList: [{ Key: 'a' }] }, 'ResourceNotFoundException', undefined],
      ['a multi-region trail from another region', root, 'ListTags', { ResourceIdList: [arnOf('everywhere', 'eu-west-1')] }, 'ResourceNotFoundException', undefined],
      ['21 ARNs', root, 'ListTags', { ResourceIdList: Array.from({ length: 21 }, () => arn) }, 'ValidationException', undefined],
      ['a reserved key', root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'AWS:owner', Value: 'x' }] }, 'InvalidTagParameterException', undefined],
      ['a key with a character outside the pattern', root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'a*b', Value: 'x' }] }, 'InvalidTagParameterException', undefined],
      ['a value with a character outside the pattern', root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'a', Value: 'x;y' }] }, 'InvalidTagParameterException', undefined],
      ['a key twice', root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] }, 'InvalidTagParameterException', undefined],
    ];
    for (const [label, credentials, operation, input, code, message] of table) {
      const answer = await call(credentials, operation, input);
      assert.equal(answer.code, code, `${label}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.status, 400, label);
      if (typeof message === 'string') assert.equal(answer.message, message, label);
      else if (message) assert.match(answer.message, message, label);
    }
    // An empty value is refused by the model's constraint (TagValue: 1–256); a tag without a value is fine.
    assert.equal((await call(root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'empty', Value: '' }] })).code, 'ValidationException');
    // Unicode letters, digits, spaces and _ . : / = + - @ are allowed; 128 and 256 characters at most.
    const fine = [{ Key: 'Équipe 1_.:/=+-@', Value: 'données été' }, { Key: 'k'.repeat(128), Value: 'v'.repeat(256) }, { Key: 'no-value' }];
    const addedFine = await call(root, 'AddTags', { ResourceId: arn, TagsList: fine });
    assert.equal(addedFine.status, 200, JSON.stringify(addedFine.body));
    assert.deepEqual(await tagsOf('main'), fine);
    assert.equal((await call(root, 'RemoveTags', { ResourceId: arn, TagsList: fine.map(({ Key }) => ({ Key })) })).status, 200);
    // The multi-region trail is tagged from its home region.
    assert.equal((await call(root, 'AddTags', { ResourceId: arnOf('everywhere', 'eu-west-1'), TagsList: [{ Key: 'scope', Value: 'all' }] }, 'eu-west-1')).status, 200);
    assert.deepEqual(await tagsOf('everywhere', 'eu-west-1'), [{ Key: 'scope', Value: 'all' }]);
    // 50 tags at most, counting those the trail has.
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: String(i) }));
    assert.equal((await call(root, 'AddTags', { ResourceId: arn, TagsList: fifty })).status, 200);
    assert.equal((await call(root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'k0', Value: 'replaced' }] })).status, 200, 'replacing a key adds none');
    const over = await call(root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'one-more', Value: 'x' }] });
    assert.equal(over.code, 'TagsLimitExceededException', JSON.stringify(over.body));
    const tags = await tagsOf('main');
    assert.equal(tags.length, 50, 'a refused AddTags changes nothing');
    assert.deepEqual(tags[0], { Key: 'k0', Value: 'replaced' });
    assert.equal((await call(root, 'RemoveTags', { ResourceId: arn, TagsList: fifty.map(({ Key }) => ({ Key })) })).status, 200);
    assert.deepEqual(await tagsOf('main'), []);
  });

  test('concurrent AddTags and RemoveTags on one trail lose no write', async () => {
    const arn = arnOf('second');
    await Promise.all(Array.from({ length: 20 }, (_, i) => call(server.root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: `c${i}`, Value: String(i) }] })));
    const keys = (await tagsOf('second')).map((t: { Key: string }) => t.Key).sort();
    assert.deepEqual(keys, Array.from({ length: 20 }, (_, i) => `c${i}`).sort());
    await Promise.all(Array.from({ length: 20 }, (_, i) => call(server.root, 'RemoveTags', { ResourceId: arn, TagsList: [{ Key: `c${i}` }] })));
    assert.deepEqual(await tagsOf('second'), []);
  });

  test('authorization: a user allowed one trail tags only it; aws:RequestTag, aws:TagKeys and aws:ResourceTag decide', async () => {
    const allowed = arnOf('main');
    const forbidden = arnOf('second');
    const one = await userWith('tags-one-trail', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:*', Resource: allowed }] });
    assert.equal((await call(one, 'AddTags', { ResourceId: allowed, TagsList: [{ Key: 'owner', Value: 'one' }] })).status, 200);
    assert.deepEqual((await call(one, 'ListTags', { ResourceIdList: [allowed] })).body.ResourceTagList[0].TagsList, [{ Key: 'owner', Value: 'one' }]);
    for (const [operation, input] of [
      ['AddTags', { ResourceId: forbidden, TagsList: [{ Key: 'owner', Value: 'one' }] }],
      ['RemoveTags', { ResourceId: forbidden, TagsList: [{ Key: 'owner' }] }],
      ['ListTags', { ResourceIdList: [forbidden] }],
      ['ListTags', { ResourceIdList: [allowed, forbidden] }],
    ] as const) {
      const denied = await call(one, operation, input);
      assert.equal(denied.code, 'AccessDeniedException', `${operation} ${JSON.stringify(input)}`);
      assert.equal(denied.message, `User: arn:aws:iam::${account}:user/tags-one-trail is not authorized to perform: cloudtrail:${operation} on resource: ${forbidden} because no identity-based policy allows the cloudtrail:${operation} action`);
    }
    assert.equal((await call(one, 'RemoveTags', { ResourceId: allowed, TagsList: [{ Key: 'owner' }] })).status, 200);

    // Condition keys: AddTags only with env=dev, RemoveTags only of env, ListTags only of trails tagged team=audit.
    const conditioned = await userWith('tags-conditions', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'cloudtrail:AddTags', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/env': 'dev' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } } },
        { Effect: 'Allow', Action: 'cloudtrail:RemoveTags', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } } },
        { Effect: 'Allow', Action: 'cloudtrail:ListTags', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'audit' } } },
      ],
    });
    assert.equal((await call(conditioned, 'AddTags', { ResourceId: forbidden, TagsList: [{ Key: 'env', Value: 'prod' }] })).code, 'AccessDeniedException', 'env=prod');
    assert.equal((await call(conditioned, 'AddTags', { ResourceId: forbidden, TagsList: [{ Key: 'env', Value: 'dev' }, { Key: 'x', Value: 'dev' }] })).code, 'AccessDeniedException', 'another key');
    assert.equal((await call(conditioned, 'AddTags', { ResourceId: forbidden, TagsList: [{ Key: 'env', Value: 'dev' }] })).status, 200);
    assert.equal((await call(conditioned, 'ListTags', { ResourceIdList: [forbidden] })).code, 'AccessDeniedException', 'not tagged team=audit');
    assert.equal((await call(server.root, 'AddTags', { ResourceId: forbidden, TagsList: [{ Key: 'team', Value: 'audit' }] })).status, 200);
    assert.equal((await call(conditioned, 'ListTags', { ResourceIdList: [forbidden] })).status, 200, 'tagged team=audit');
    assert.equal((await call(conditioned, 'RemoveTags', { ResourceId: forbidden, TagsList: [{ Key: 'team' }] })).code, 'AccessDeniedException', 'team');
    assert.equal((await call(conditioned, 'RemoveTags', { ResourceId: forbidden, TagsList: [{ Key: 'env' }] })).status, 200);
    assert.equal((await call(server.root, 'RemoveTags', { ResourceId: forbidden, TagsList: [{ Key: 'team' }] })).status, 200);
  });

  test('a trail\'s tags decide its other operations (aws:ResourceTag), and CreateTrail\'s TagsList is aws:RequestTag and aws:TagKeys', async () => {
    const second = arnOf('second');
    const abac = await userWith('tags-abac', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus'], Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'audit' } } },
        { Effect: 'Allow', Action: 'cloudtrail:CreateTrail', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'audit' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } },
      ],
    });
    assert.equal((await call(abac, 'GetTrail', { Name: second })).code, 'AccessDeniedException', 'untagged');
    assert.equal((await call(server.root, 'AddTags', { ResourceId: second, TagsList: [{ Key: 'team', Value: 'audit' }] })).status, 200);
    assert.equal((await call(abac, 'GetTrail', { Name: second })).status, 200, 'tagged team=audit');
    assert.equal((await call(abac, 'GetTrailStatus', { Name: second })).status, 200);
    assert.equal((await call(server.root, 'RemoveTags', { ResourceId: second, TagsList: [{ Key: 'team' }] })).status, 200);
    assert.equal((await call(abac, 'GetTrail', { Name: second })).code, 'AccessDeniedException', 'tag removed');

    const create = (name: string, tags: object[]) => call(abac, 'CreateTrail', { Name: name, S3BucketName: BUCKET, TagsList: tags });
    assert.equal((await create('abac-untagged', [])).code, 'AccessDeniedException');
    assert.equal((await create('abac-other', [{ Key: 'team', Value: 'ops' }])).code, 'AccessDeniedException');
    assert.equal((await create('abac-extra', [{ Key: 'team', Value: 'audit' }, { Key: 'x', Value: 'y' }])).code, 'AccessDeniedException');
    assert.equal((await create('abac-ok', [{ Key: 'team', Value: 'audit' }])).status, 200);
    assert.equal((await call(server.root, 'DeleteTrail', { Name: 'abac-ok' })).status, 200);
  });

  test('each is recorded as a CloudTrail event: AddTags and RemoveTags writes, ListTags a read', async () => {
    const arn = arnOf('main');
    await call(server.root, 'AddTags', { ResourceId: arn, TagsList: [{ Key: 'recorded', Value: 'yes' }] });
    await call(server.root, 'ListTags', { ResourceIdList: [arn] });
    await call(server.root, 'RemoveTags', { ResourceId: arn, TagsList: [{ Key: 'recorded' }] });
    await server.tessera.deps.audit.flush();
    const lookup = async (name: string) => {
      const events = (await call(server.root, 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] })).body.Events;
      assert.ok(events.length > 0, `${name} recorded`);
      return { event: events[0], record: JSON.parse(events[0].CloudTrailEvent) };
    };
    const added = await lookup('AddTags');
    assert.equal(added.record.eventSource, 'cloudtrail.amazonaws.com');
    assert.equal(added.record.readOnly, false);
    assert.deepEqual(added.record.requestParameters, { resourceId: arn, tagsList: [{ key: 'recorded', value: 'yes' }] });
    assert.ok(added.event.Resources.some((r: { ResourceName: string }) => r.ResourceName === arn || r.ResourceName === 'main'), JSON.stringify(added.event.Resources));
    assert.equal((await lookup('ListTags')).record.readOnly, true);
    assert.equal((await lookup('RemoveTags')).record.readOnly, false);
  });

  test('trail ARNs in every trail operation: read whole, malformed ones refused', async () => {
    const root = server.root;
    // A multi-region trail is named by its home region's ARN, from any region.
    assert.equal((await call(root, 'GetTrail', { Name: arnOf('everywhere', 'eu-west-1') }, 'ap-south-1')).body.Trail?.Name, 'everywhere');
    assert.equal((await call(root, 'GetTrail', { Name: arnOf('everywhere', 'ap-south-1') }, 'ap-south-1')).code, 'TrailNotFoundException');
    assert.equal((await call(root, 'GetTrail', { Name: `arn:aws-cn:cloudtrail:us-east-1:${account}:trail/main` })).code, 'TrailNotFoundException', 'another partition');
    for (const malformed of [`arn:aws:cloudtrail:us-east-1:${account}:trail/`, `arn:aws:cloudtrail:us-east-1:12345:trail/main`, `arn:aws:cloudtrail::${account}:trail/main`, `arn:aws:s3:us-east-1:${account}:trail/main`, 'arn:nonsense']) {
      const answer = await call(root, 'GetTrail', { Name: malformed });
      assert.equal(answer.code, 'CloudTrailARNInvalidException', malformed);
      assert.match(answer.message, /The format of a trail ARN is arn:aws:cloudtrail:us-east-2:123456789012:trail\/MyTrail\./);
    }
    assert.equal((await call(root, 'DescribeTrails', { trailNameList: ['arn:nonsense'] })).code, 'CloudTrailARNInvalidException');
    assert.equal((await call(root, 'StopLogging', { Name: arnOf('main', 'eu-west-1') })).code, 'TrailNotFoundException');
  });
});
