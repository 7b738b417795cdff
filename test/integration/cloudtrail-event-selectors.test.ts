import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { motoS3As } from '../support/moto-s3.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * CloudTrail event selectors with the aws CLI, in front of moto_server: PutEventSelectors and
 * GetEventSelectors round trips (basic and advanced, each replacing the other), CloudTrail's
 * refusals, HasCustomEventSelectors — and what the trails deliver to their S3 bucket: a trail
 * with an S3 data selector gets the data events of its bucket prefix beside its management
 * events, one without selectors gets none, IncludeManagementEvents=false drops the management
 * events, and an advanced selector on eventCategory=Data and resources.type=AWS::S3::Object gets
 * the object operations of its ARN prefix only.
 */
const BUCKET = 'event-selector-trails';
const SELECTED = 'selected-data';
const OTHER = 'other-data';

type Json = Record<string, any>;

describe('CloudTrail event selectors', () => {
  let env: GatewayEnv;
  let account: string;
  let moto: S3Client;

  const cli = (args: string[], credentials: Credentials = env.server.root) => env.cli(args, credentials);
  const ok = async (...args: string[]): Promise<Json> => {
    const result = await cli(args);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim() === '' ? {} : JSON.parse(result.stdout);
  };
  const refusedWith = async (code: string, message: string | RegExp, args: string[], credentials?: Credentials) => {
    const result = await cli(args, credentials);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stderr, new RegExp(`\\(${code}\\)`), result.stderr);
    if (typeof message === 'string') assert.ok(result.stderr.includes(message), result.stderr);
    else assert.match(result.stderr, message);
  };
  const put = (trail: string, kind: 'event' | 'advanced-event', selectors: unknown, region?: string) =>
    ['cloudtrail', 'put-event-selectors', '--trail-name', trail, `--${kind}-selectors`, JSON.stringify(selectors), ...(region ? ['--region', region] : [])];
  const createTrail = (name: string, ...more: string[]) => ok('cloudtrail', 'create-trail', '--name', name, '--s3-bucket-name', BUCKET, '--s3-key-prefix', name, ...more);

  /** Every record a trail delivered, from its log files in the bucket (read from moto, as the bucket's account). */
  const deliveredTo = async (trail: string): Promise<Json[]> => {
    const listed = await moto.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${trail}/AWSLogs/${account}/CloudTrail/` }));
    const records: Json[] = [];
    for (const { Key } of listed.Contents ?? []) {
      const body = await (await moto.send(new GetObjectCommand({ Bucket: BUCKET, Key: Key! }))).Body!.transformToByteArray();
      records.push(...(JSON.parse(gunzipSync(Buffer.from(body)).toString('utf8')) as { Records: Json[] }).Records);
    }
    return records;
  };
  /** A record's short name: a data event's with its bucket and key. */
  const nameOf = (r: Json) => (r['eventCategory'] === 'Data' ? `${r['eventName']} ${r['requestParameters']?.bucketName}/${r['requestParameters']?.key}` : r['eventName']);

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    moto = motoS3As(env.moto.url, account);
    const s3 = env.s3(env.server.root);
    for (const bucket of [BUCKET, SELECTED, OTHER]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}` },
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
    ] }) }));
  });
  after(async () => {
    moto?.destroy();
    await env?.stop();
  });

  test('PutEventSelectors and GetEventSelectors: the default, basic and advanced selectors each replacing the other, HasCustomEventSelectors', async () => {
    const trail = await createTrail('data-trail');
    const arn = `arn:aws:cloudtrail:us-east-1:${account}:trail/data-trail`;
    assert.equal(trail['TrailARN'], arn);
    const defaults = { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] };
    assert.deepEqual(await ok('cloudtrail', 'get-event-selectors', '--trail-name', 'data-trail'), { TrailARN: arn, EventSelectors: [defaults] });
    assert.equal((await ok('cloudtrail', 'get-trail', '--name', 'data-trail'))['Trail']['HasCustomEventSelectors'], false);

    const advanced = [{ Name: 'objects of one bucket', FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'resources.ARN', StartsWith: [`arn:aws:s3:::${SELECTED}/`] },
    ] }];
    assert.deepEqual(await ok(...put('data-trail', 'advanced-event', advanced)), { TrailARN: arn, AdvancedEventSelectors: advanced });
    assert.deepEqual(await ok('cloudtrail', 'get-event-selectors', '--trail-name', arn), { TrailARN: arn, AdvancedEventSelectors: advanced });
    assert.equal((await ok('cloudtrail', 'get-trail', '--name', 'data-trail'))['Trail']['HasCustomEventSelectors'], true);

    // Basic selectors replace the advanced ones; what is not given is CloudTrail's default.
    const basic = [{ DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${SELECTED}/logs/`] }] }];
    const answered = { TrailARN: arn, EventSelectors: [{ ...defaults, DataResources: basic[0]!.DataResources }] };
    assert.deepEqual(await ok(...put(arn, 'event', basic)), answered);
    assert.deepEqual(await ok('cloudtrail', 'get-event-selectors', '--trail-name', 'data-trail'), answered);
    const described = (await ok('cloudtrail', 'describe-trails'))['trailList'] as Json[];
    assert.equal(described.find((t) => t['Name'] === 'data-trail')?.['HasCustomEventSelectors'], true);

    // Recorded as a management write event, with its parameters.
    await env.server.tessera.deps.audit.flush();
    const events = (await ok('cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=PutEventSelectors'))['Events'] as Json[];
    assert.equal(events.length, 2);
    const record = JSON.parse(events[0]!['CloudTrailEvent']);
    assert.equal(record['readOnly'], false);
    assert.equal(record['managementEvent'], true);
    assert.equal(record['requestParameters']['trailName'], arn);
    assert.deepEqual(record['requestParameters']['eventSelectors'], [{ dataResources: [{ type: 'AWS::S3::Object', values: [`arn:aws:s3:::${SELECTED}/logs/`] }] }]);
  });

  test('refusals: one kind of selectors, CloudTrail\'s limits and forms, the trail, its home region, the permission', async () => {
    const E = 'InvalidEventSelectorsException';
    await refusedWith('InvalidParameterCombinationException', 'You can use either EventSelectors or AdvancedEventSelectors, but not both.',
      [...put('data-trail', 'event', [{}]), '--advanced-event-selectors', JSON.stringify([{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }])]);
    await refusedWith(E, 'Specify EventSelectors or AdvancedEventSelectors.', ['cloudtrail', 'put-event-selectors', '--trail-name', 'data-trail']);
    await refusedWith(E, 'A trail can have 1 to 5 event selectors: 6 were given.', put('data-trail', 'event', Array.from({ length: 6 }, () => ({}))));
    await refusedWith(E, 'Value arn:aws:s3:::* for DataResources.Values is invalid.', put('data-trail', 'event', [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::*'] }] }]));
    await refusedWith(E, 'Value arn:aws:lambda:* for DataResources.Values is invalid.', put('data-trail', 'event', [{ DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda:*'] }] }]));
    await refusedWith(E, 'Value AWS::SQS::Queue for DataResources.Type is invalid.', put('data-trail', 'event', [{ DataResources: [{ Type: 'AWS::SQS::Queue', Values: ['arn:aws:sqs'] }] }]));
    await refusedWith(E, 'A trail is limited to 250 data resources across its event selectors: 251 were given.',
      put('data-trail', 'event', [{ DataResources: [{ Type: 'AWS::S3::Object', Values: Array.from({ length: 251 }, (_, i) => `arn:aws:s3:::bucket-${i}/`) }] }]));
    await refusedWith(E, 'The eventCategory field is required in advanced event selector 1.', put('data-trail', 'advanced-event', [{ FieldSelectors: [{ Field: 'readOnly', Equals: ['true'] }] }]));
    await refusedWith(E, 'The resources.type field is required for data events (in advanced event selector 1).', put('data-trail', 'advanced-event', [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }]));
    await refusedWith(E, 'The readOnly field of advanced event selector 1 can use Equals only.',
      put('data-trail', 'advanced-event', [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', StartsWith: ['t'] }] }]));
    // The model's own constraints (the CLI checks the lengths itself; an enum it leaves to the server).
    await refusedWith('ValidationException', /enum/, put('data-trail', 'event', [{ ReadWriteType: 'read-only' }]));
    // The selectors are unchanged by every refusal.
    assert.equal(((await ok('cloudtrail', 'get-event-selectors', '--trail-name', 'data-trail'))['EventSelectors'] as Json[])[0]!['DataResources'][0]['Values'][0], `arn:aws:s3:::${SELECTED}/logs/`);

    await refusedWith('TrailNotFoundException', `Unknown trail: arn:aws:cloudtrail:us-east-1:${account}:trail/no-such-trail for the user: ${account}`, put('no-such-trail', 'event', [{}]));
    await refusedWith('TrailNotFoundException', /Unknown trail/, ['cloudtrail', 'get-event-selectors', '--trail-name', 'no-such-trail']);
    // A multi-region trail is seen from every region and changed from its home region only.
    await createTrail('everywhere', '--is-multi-region-trail');
    await refusedWith('InvalidHomeRegionException', /home region \(us-east-1\)/, put('everywhere', 'event', [{}], 'us-west-2'));
    const seen = await ok('cloudtrail', 'get-event-selectors', '--trail-name', 'everywhere', '--region', 'us-west-2');
    assert.equal(seen['TrailARN'], `arn:aws:cloudtrail:us-east-1:${account}:trail/everywhere`);
    await ok('cloudtrail', 'delete-trail', '--name', 'everywhere');

    // cloudtrail:PutEventSelectors and GetEventSelectors on the trail's ARN.
    const reader = await env.user('selector-reader', [allow('cloudtrail:GetEventSelectors', `arn:aws:cloudtrail:us-east-1:${account}:trail/data-trail`)]);
    assert.equal((await cli(['cloudtrail', 'get-event-selectors', '--trail-name', 'data-trail'], reader)).code, 0);
    await refusedWith('AccessDeniedException', /cloudtrail:PutEventSelectors/, put('data-trail', 'event', [{}]), reader);
  });

  test('delivery: data events of a selected bucket prefix, none without selectors, no management events when excluded, advanced selectors', async () => {
    await createTrail('default-trail');
    await createTrail('no-management');
    await ok(...put('no-management', 'event', [{ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${OTHER}/`] }] }]));
    await createTrail('advanced');
    await ok(...put('advanced', 'advanced-event', [{ Name: 'selected objects', FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'resources.ARN', StartsWith: [`arn:aws:s3:::${SELECTED}/`] },
    ] }]));
    for (const trail of ['data-trail', 'default-trail', 'no-management', 'advanced']) await ok('cloudtrail', 'start-logging', '--name', trail);

    const s3 = env.s3(env.server.root);
    await s3.send(new PutObjectCommand({ Bucket: SELECTED, Key: 'logs/a.txt', Body: 'a' }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: SELECTED, Key: 'logs/a.txt' }))).Body!.transformToString(), 'a');
    await s3.send(new PutObjectCommand({ Bucket: SELECTED, Key: 'other/b.txt', Body: 'b' }));
    await s3.send(new PutObjectCommand({ Bucket: OTHER, Key: 'logs/c.txt', Body: 'c' }));
    await ok('iam', 'create-user', '--user-name', 'selector-user');
    const report = await env.server.tessera.deliverTrails();
    assert.ok(report.logFiles >= 4, JSON.stringify(report));

    const dataTrail = await deliveredTo('data-trail');
    const dataNames = dataTrail.map(nameOf);
    for (const name of ['CreateUser', `PutObject ${SELECTED}/logs/a.txt`, `GetObject ${SELECTED}/logs/a.txt`]) assert.ok(dataNames.includes(name), `${name} in ${dataNames.join(', ')}`);
    for (const name of [`PutObject ${SELECTED}/other/b.txt`, `PutObject ${OTHER}/logs/c.txt`]) assert.ok(!dataNames.includes(name), `${name} in ${dataNames.join(', ')}`);
    // A data event's record carries what CloudTrail's does, and what selectors match on.
    const get = dataTrail.find((r) => r['eventName'] === 'GetObject')!;
    assert.equal(get['eventCategory'], 'Data');
    assert.equal(get['managementEvent'], false);
    assert.equal(get['readOnly'], true);
    assert.equal(get['eventSource'], 's3.amazonaws.com');
    // The bucket names its owner's account, as CloudTrail's S3 records do (an S3 ARN names none).
    assert.deepEqual(get['resources'], [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${SELECTED}/logs/a.txt` }, { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${SELECTED}` }]);
    assert.equal(dataTrail.find((r) => r['eventName'] === 'PutObject')!['readOnly'], false);

    const defaultNames = (await deliveredTo('default-trail')).map(nameOf);
    assert.ok(defaultNames.includes('CreateUser'), defaultNames.join(', '));
    assert.ok(!defaultNames.some((name) => /Object /.test(name)), `no data event without selectors: ${defaultNames.join(', ')}`);

    assert.deepEqual((await deliveredTo('no-management')).map(nameOf), [`PutObject ${OTHER}/logs/c.txt`]);

    const advancedNames = (await deliveredTo('advanced')).map(nameOf).sort();
    assert.deepEqual(advancedNames, [`GetObject ${SELECTED}/logs/a.txt`, `PutObject ${SELECTED}/logs/a.txt`, `PutObject ${SELECTED}/other/b.txt`]);
  });
});
