import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelector } from '../protocol/generated/cloudtrail.ts';
import {
  checkedSelectors, DEFAULT_EVENT_SELECTOR, earlierAfter, hasCustomSelectors, readsDataEvents, selectorsAt, selectorsOutput, selects, withSelectors,
} from './event-selectors.ts';
import type { CloudTrailRecord } from './record.ts';
import type { TrailData, TrailSelectors } from './trail-records.ts';

const ACCOUNT = '111122223333';

function refused(code: string, message: RegExp | string, fn: () => unknown): void {
  assert.throws(fn, (err: { code?: string; message?: string }) => {
    assert.equal(err.code, code, err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message ?? '', message);
    return true;
  });
}

const basic = (...selectors: EventSelector[]) => checkedSelectors({ EventSelectors: selectors }) as { basic: EventSelector[] };
const advanced = (...selectors: AdvancedEventSelector[]) => checkedSelectors({ AdvancedEventSelectors: selectors }) as { advanced: AdvancedEventSelector[] };
const field = (Field: string, operators: Omit<AdvancedFieldSelector, 'Field'>): AdvancedFieldSelector => ({ Field, ...operators });
const s3Data = (...more: AdvancedFieldSelector[]): AdvancedEventSelector => ({
  FieldSelectors: [field('eventCategory', { Equals: ['Data'] }), field('resources.type', { Equals: ['AWS::S3::Object'] }), ...more],
});

/** A record as cloudTrailRecord writes it. */
function record(eventName: string, options: { source?: string; data?: boolean; readOnly?: boolean; resources?: Array<[string, string]>; user?: string } = {}): CloudTrailRecord {
  return {
    eventID: 'e', eventName, eventSource: options.source ?? 'iam.amazonaws.com', eventTime: '2025-01-01T00:00:00Z', readOnly: options.readOnly ?? false,
    recipientAccountId: ACCOUNT, eventType: 'AwsApiCall', userIdentity: { type: 'IAMUser', arn: options.user ?? `arn:aws:iam::${ACCOUNT}:user/alice` },
    ...(options.resources ? { resources: options.resources.map(([type, ARN]) => ({ type, ARN })) } : {}),
    managementEvent: options.data !== true, eventCategory: options.data === true ? 'Data' : 'Management',
  };
}
const object = (bucket: string, key: string): Array<[string, string]> => [['AWS::S3::Object', `arn:aws:s3:::${bucket}/${key}`], ['AWS::S3::Bucket', `arn:aws:s3:::${bucket}`]];
const getObject = (bucket: string, key: string) => record('GetObject', { source: 's3.amazonaws.com', data: true, readOnly: true, resources: object(bucket, key) });
const putObject = (bucket: string, key: string) => record('PutObject', { source: 's3.amazonaws.com', data: true, resources: object(bucket, key) });
const listObjects = (bucket: string) => record('ListObjects', { source: 's3.amazonaws.com', data: true, readOnly: true, resources: [['AWS::S3::Bucket', `arn:aws:s3:::${bucket}`]] });
const invoke = (arn: string) => record('Invoke', { source: 'lambda.amazonaws.com', data: true, resources: [['AWS::Lambda::Function', arn]] });
const getItem = (arn: string) => record('GetItem', { source: 'dynamodb.amazonaws.com', data: true, readOnly: true, resources: [['AWS::DynamoDB::Table', arn]] });
const createUser = record('CreateUser');
const getUser = record('GetUser', { readOnly: true });
const kmsEncrypt = record('Encrypt', { source: 'kms.amazonaws.com' });

describe('PutEventSelectors: what is accepted', () => {
  test('basic selectors get CloudTrail\'s defaults; the values are kept as given', () => {
    assert.deepEqual(basic({}), { basic: [DEFAULT_EVENT_SELECTOR] });
    const selectors = basic(
      { ReadWriteType: 'WriteOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::bucket-1/', 'arn:aws:s3:::bucket-2/images/'] }] },
      { DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda', `arn:aws:lambda:us-west-2:${ACCOUNT}:function:hello-world`] }, { Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Orders`] }] },
      { ExcludeManagementEventSources: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'], DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] },
    );
    assert.deepEqual(selectors, { basic: [
      { ReadWriteType: 'WriteOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::bucket-1/', 'arn:aws:s3:::bucket-2/images/'] }], ExcludeManagementEventSources: [] },
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda', `arn:aws:lambda:us-west-2:${ACCOUNT}:function:hello-world`] }, { Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Orders`] }], ExcludeManagementEventSources: [] },
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }], ExcludeManagementEventSources: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] },
    ] });
    assert.equal(basic(...Array.from({ length: 5 }, () => ({}))).basic.length, 5);
    assert.equal(basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: Array.from({ length: 250 }, (_, i) => `arn:aws:s3:::bucket-${i}/`) }] }).basic.length, 1);
  });

  test('advanced selectors are kept as given, their names and operators', () => {
    const selectors: AdvancedEventSelector[] = [
      { Name: 'management', FieldSelectors: [field('eventCategory', { Equals: ['Management'] }), field('readOnly', { Equals: ['false'] }), field('eventSource', { NotEquals: ['kms.amazonaws.com'] })] },
      { FieldSelectors: [field('eventCategory', { Equals: ['Data'] }), field('resources.type', { Equals: ['AWS::SQS::Queue'] }), field('eventName', { StartsWith: ['Send'], NotEndsWith: ['Batch'] }), field('resources.ARN', { NotStartsWith: ['arn:aws:sqs:us-east-1:111122223333:internal-'] }), field('userIdentity.arn', { EndsWith: [':user/alice'] }), field('eventType', { Equals: ['AwsApiCall'] })] },
    ];
    assert.deepEqual(advanced(...selectors), { advanced: selectors });
    for (const type of ['AWS::S3::Object', 'AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::SNS::Topic']) {
      assert.ok(advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Data'] }), field('resources.type', { Equals: [type] })] }));
    }
    assert.ok(advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Data'] }), field('resources.type', { Equals: ['AWS::S3::Object'] }), field('resources.ARN', { StartsWith: Array.from({ length: 498 }, (_, i) => `arn:aws:s3:::b${i}/`) })] }));
  });
});

describe('PutEventSelectors: what is refused, and why', () => {
  test('exactly one of EventSelectors and AdvancedEventSelectors', () => {
    refused('InvalidParameterCombinationException', 'You can use either EventSelectors or AdvancedEventSelectors, but not both.', () => checkedSelectors({ EventSelectors: [{}], AdvancedEventSelectors: [s3Data()] }));
    refused('InvalidParameterCombinationException', /not both/, () => checkedSelectors({ EventSelectors: [], AdvancedEventSelectors: [] }));
    refused('InvalidEventSelectorsException', 'Specify EventSelectors or AdvancedEventSelectors.', () => checkedSelectors({}));
  });

  test('basic: 1 to 5 selectors, 250 values, the three types and their ARN forms', () => {
    refused('InvalidEventSelectorsException', 'A trail can have 1 to 5 event selectors: 0 were given.', () => basic());
    refused('InvalidEventSelectorsException', 'A trail can have 1 to 5 event selectors: 6 were given.', () => basic(...Array.from({ length: 6 }, () => ({}))));
    const values = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${from + i}/`);
    refused('InvalidEventSelectorsException', 'A trail is limited to 250 data resources across its event selectors: 251 were given.',
      () => basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: values(200) }] }, { DataResources: [{ Type: 'AWS::S3::Object', Values: values(51, 200) }] }));
    refused('InvalidEventSelectorsException', 'Value AWS::S3::Bucket for DataResources.Type is invalid.', () => basic({ DataResources: [{ Type: 'AWS::S3::Bucket', Values: ['arn:aws:s3:::b/'] }] }));
    refused('InvalidEventSelectorsException', 'Value AWS::SQS::Queue for DataResources.Type is invalid.', () => basic({ DataResources: [{ Type: 'AWS::SQS::Queue', Values: ['arn:aws:sqs'] }] }));
    refused('InvalidEventSelectorsException', 'Value null for DataResources.Type is invalid.', () => basic({ DataResources: [{ Values: ['arn:aws:s3'] }] }));
    refused('InvalidEventSelectorsException', /DataResources.Values of AWS::S3::Object must name at least one/, () => basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: [] }] }));
    for (const [type, value] of [
      ['AWS::S3::Object', 'arn:aws:s3:::*'], ['AWS::S3::Object', 'arn:aws:s3:::bucket'], ['AWS::S3::Object', 'arn:aws:s3:::Bucket/'], ['AWS::S3::Object', 's3://bucket/'],
      ['AWS::S3::Object', 'arn:aws:s3:::*/*'], ['AWS::Lambda::Function', 'arn:aws:lambda:*'], ['AWS::Lambda::Function', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:`],
      ['AWS::Lambda::Function', 'arn:aws:s3'], ['AWS::DynamoDB::Table', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`], ['AWS::DynamoDB::Table', 'arn:aws:dynamodb:'],
    ] as const) {
      refused('InvalidEventSelectorsException', `Value ${value} for DataResources.Values is invalid.`, () => basic({ DataResources: [{ Type: type, Values: [value] }] }));
    }
    refused('InvalidEventSelectorsException', 'Value kms for ExcludeManagementEventSources is invalid.', () => basic({ ExcludeManagementEventSources: ['kms'] }));
  });

  test('advanced: eventCategory required, resources.type for data events, the fields each category takes, their operators', () => {
    const E = 'InvalidEventSelectorsException';
    refused(E, 'Specify at least one advanced event selector.', () => advanced());
    refused(E, 'The eventCategory field is required in the advanced event selector "x".', () => advanced({ Name: 'x', FieldSelectors: [field('readOnly', { Equals: ['true'] })] }));
    refused(E, 'The eventCategory field of advanced event selector 1 can use Equals only.', () => advanced({ FieldSelectors: [field('eventCategory', { StartsWith: ['Man'] })] }));
    refused(E, 'The eventCategory field of advanced event selector 1 must equal Management or Data.', () => advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Insight'] })] }));
    refused(E, /must equal Management or Data/, () => advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Management', 'Data'] })] }));
    refused(E, 'The field eventCategory can be used once only in advanced event selector 2.', () => advanced(s3Data(), s3Data(field('eventCategory', { Equals: ['Data'] }))));
    refused(E, 'The resources.type field is required for data events (in advanced event selector 1).', () => advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Data'] })] }));
    refused(E, /^Value AWS::EC2::Snapshot for resources.type is invalid \(in advanced event selector 1\): Tessera records data events of AWS::S3::Object, /,
      () => advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Data'] }), field('resources.type', { Equals: ['AWS::EC2::Snapshot'] })] }));
    refused(E, /for resources.type is invalid/, () => advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Data'] }), field('resources.type', { Equals: ['AWS::S3::Object', 'AWS::SQS::Queue'] })] }));
    refused(E, 'The resources.type field of advanced event selector 1 can use Equals only.', () => advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Data'] }), field('resources.type', { StartsWith: ['AWS::S3'] })] }));
    refused(E, 'The readOnly field of advanced event selector 1 must equal true or false.', () => advanced(s3Data(field('readOnly', { Equals: ['yes'] }))));
    refused(E, 'The readOnly field of advanced event selector 1 can use Equals only.', () => advanced(s3Data(field('readOnly', { NotEquals: ['true'] }))));
    refused(E, /^The eventName field of advanced event selector 1 has no operator/, () => advanced(s3Data(field('eventName', {}))));
    refused(E, 'The field requestParameters.key is not valid (in advanced event selector 1).', () => advanced(s3Data(field('requestParameters.key', { Equals: ['a'] }))));
    refused(E, 'The field eventName is not supported for management events (in advanced event selector 1).',
      () => advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Management'] }), field('eventName', { Equals: ['CreateUser'] })] }));
    refused(E, 'The eventSource field of management events can use NotEquals only (in advanced event selector 1).',
      () => advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Management'] }), field('eventSource', { Equals: ['iam.amazonaws.com'] })] }));
    refused(E, 'A trail is limited to 500 values for all conditions in all advanced event selectors: 501 were given.',
      () => advanced(s3Data(field('resources.ARN', { StartsWith: Array.from({ length: 499 }, (_, i) => `arn:aws:s3:::b${i}/`) }))));
  });
});

describe('which events selectors select', () => {
  test('no selectors: every management event, no data event', () => {
    for (const r of [createUser, getUser, kmsEncrypt]) assert.equal(selects(undefined, r), true, r.eventName);
    for (const r of [getObject('b', 'k'), invoke('arn:aws:lambda:us-east-1:1:function:f')]) assert.equal(selects(undefined, r), false, r.eventName);
    assert.equal(selects(basic({}), createUser), true);
    assert.equal(selects(basic({}), getObject('b', 'k')), false);
  });

  test('basic: management events by read/write kind and source; IncludeManagementEvents false drops them', () => {
    const writes = basic({ ReadWriteType: 'WriteOnly' });
    assert.deepEqual([createUser, getUser].map((r) => selects(writes, r)), [true, false]);
    const reads = basic({ ReadWriteType: 'ReadOnly' });
    assert.deepEqual([createUser, getUser].map((r) => selects(reads, r)), [false, true]);
    const noKms = basic({ ExcludeManagementEventSources: ['kms.amazonaws.com'] });
    assert.deepEqual([createUser, kmsEncrypt].map((r) => selects(noKms, r)), [true, false]);
    const dataOnly = basic({ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] });
    assert.deepEqual([createUser, getUser, getObject('b', 'k')].map((r) => selects(dataOnly, r)), [false, false, true]);
    // Two selectors: either one selects.
    assert.equal(selects(basic({ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'WriteOnly' }), createUser), true);
  });

  test('basic S3: every bucket, one bucket, a key prefix; a bucket-level data event as the bucket\'s objects', () => {
    const all = basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] });
    assert.equal(selects(all, putObject('any', 'k')), true);
    assert.equal(selects(basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::'] }] }), putObject('any', 'k')), true);
    const bucket = basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::logs/'] }] });
    assert.deepEqual([putObject('logs', 'a/b'), putObject('logs-2', 'a'), putObject('other', 'logs/')].map((r) => selects(bucket, r)), [true, false, false]);
    const prefix = basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::logs/app/'] }] });
    assert.deepEqual([putObject('logs', 'app/1'), getObject('logs', 'app/2'), putObject('logs', 'web/1')].map((r) => selects(prefix, r)), [true, true, false]);
    assert.deepEqual([listObjects('logs'), listObjects('other')].map((r) => selects(bucket, r)), [true, false]);
    assert.equal(selects(prefix, listObjects('logs')), false);
    const writes = basic({ ReadWriteType: 'WriteOnly', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] });
    assert.deepEqual([putObject('b', 'k'), getObject('b', 'k')].map((r) => selects(writes, r)), [true, false]);
    // A Lambda selector selects no S3 event, nor an S3 one a DynamoDB event.
    assert.equal(selects(basic({ DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }] }), putObject('b', 'k')), false);
    assert.equal(selects(all, getItem(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t`)), false);
  });

  test('basic Lambda and DynamoDB: every function or table, or the one named — exactly', () => {
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:hello`;
    const one = basic({ DataResources: [{ Type: 'AWS::Lambda::Function', Values: [fn] }] });
    assert.deepEqual([invoke(fn), invoke(`${fn}:prod`), invoke(`${fn}-world`)].map((r) => selects(one, r)), [true, true, false]);
    assert.equal(selects(basic({ DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }] }), invoke(`${fn}-world`)), true);
    const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Orders`;
    const orders = basic({ DataResources: [{ Type: 'AWS::DynamoDB::Table', Values: [table] }] });
    assert.deepEqual([getItem(table), getItem(`${table}/index/byDate`), getItem(`${table}2`)].map((r) => selects(orders, r)), [true, true, false]);
    assert.equal(selects(basic({ DataResources: [{ Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] }] }), getItem(`${table}2`)), true);
  });

  test('advanced: every field selector of a selector must match, any selector may', () => {
    const bucket = advanced(s3Data(field('resources.ARN', { StartsWith: ['arn:aws:s3:::logs/'] })));
    assert.deepEqual([putObject('logs', 'a'), getObject('logs', 'b'), putObject('other', 'a'), createUser].map((r) => selects(bucket, r)), [true, true, false, false]);
    assert.equal(selects(bucket, listObjects('logs')), true, 'a bucket-level event as arn:aws:s3:::logs/');
    const notLogs = advanced(s3Data(field('resources.ARN', { NotStartsWith: ['arn:aws:s3:::logs/'] }), field('readOnly', { Equals: ['false'] })));
    assert.deepEqual([putObject('logs', 'a'), putObject('data', 'a'), getObject('data', 'a')].map((r) => selects(notLogs, r)), [false, true, false]);
    const names = advanced(s3Data(field('eventName', { Equals: ['PutObject'], EndsWith: ['Parts'], NotStartsWith: ['List'] })));
    assert.deepEqual(['PutObject', 'GetObject', 'ListParts', 'CompleteMultipartUploadParts'].map((n) => selects(names, { ...putObject('b', 'k'), eventName: n })), [true, false, false, true]);
    const alice = advanced(s3Data(field('userIdentity.arn', { Equals: [`arn:aws:iam::${ACCOUNT}:user/alice`] })));
    assert.deepEqual([putObject('b', 'k'), record('PutObject', { source: 's3.amazonaws.com', data: true, resources: object('b', 'k'), user: `arn:aws:iam::${ACCOUNT}:user/bob` })].map((r) => selects(alice, r)), [true, false]);
    const queues = advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Data'] }), field('resources.type', { Equals: ['AWS::SQS::Queue'] })] });
    const send = record('SendMessage', { source: 'sqs.amazonaws.com', data: true, resources: [['AWS::SQS::Queue', `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`]] });
    assert.deepEqual([send, putObject('b', 'k'), createUser].map((r) => selects(queues, r)), [true, false, false]);

    const management = advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Management'] }), field('eventSource', { NotEquals: ['kms.amazonaws.com'] }), field('readOnly', { Equals: ['false'] })] });
    assert.deepEqual([createUser, getUser, kmsEncrypt, putObject('b', 'k')].map((r) => selects(management, r)), [true, false, false, false]);
    const both = advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Management'] })] }, s3Data());
    assert.deepEqual([createUser, getUser, putObject('b', 'k'), send].map((r) => selects(both, r)), [true, true, true, false]);
  });
});

describe('selectors over time, and what delivery reads', () => {
  const data = (extra: Partial<TrailData> = {}): TrailData => ({
    homeRegion: 'us-east-1', s3BucketName: 'b', includeGlobalServiceEvents: true, isMultiRegionTrail: false, logFileValidationEnabled: false, isLogging: true, cursor: 10, ...extra,
  });
  const s3: TrailSelectors = basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] });
  const none: TrailSelectors = basic({ IncludeManagementEvents: false });

  test('GetEventSelectors of a trail never given any: the default basic selector', () => {
    assert.deepEqual(selectorsOutput(undefined), { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] });
    const s3Basic = basic({ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] });
    assert.deepEqual(selectorsOutput(s3Basic), { EventSelectors: s3Basic.basic });
    const adv = advanced(s3Data());
    assert.deepEqual(selectorsOutput(adv), { AdvancedEventSelectors: adv.advanced });
  });

  test('events recorded before a change keep the selectors they were recorded under, until delivered', () => {
    const first = withSelectors(data(), s3, 20);
    assert.deepEqual(first.earlierSelectors, [{ untilSeq: 20 }], 'events 11..20 under the default');
    assert.equal(hasCustomSelectors(first), true);
    assert.equal(readsDataEvents(first), true);
    const second = withSelectors(first, none, 30);
    assert.deepEqual(second.earlierSelectors, [{ untilSeq: 20 }, { untilSeq: 30, selectors: s3 }]);
    assert.equal(selectorsAt(second, 15), undefined);
    assert.equal(selectorsAt(second, 20), undefined);
    assert.equal(selectorsAt(second, 21), s3);
    assert.equal(selectorsAt(second, 31), none);
    assert.equal(readsDataEvents(second), true, 'the earlier S3 selectors still apply to events 21..30');
    assert.deepEqual(earlierAfter(second.earlierSelectors, 25), [{ untilSeq: 30, selectors: s3 }]);
    assert.equal(earlierAfter(second.earlierSelectors, 30), undefined);
    assert.equal(readsDataEvents({ eventSelectors: none }), false);
    // Put again with nothing recorded since: nothing more to remember.
    assert.deepEqual(withSelectors(second, s3, 30).earlierSelectors, second.earlierSelectors);
    // Nothing owed — not logging, or nothing recorded since the last delivery — nothing kept.
    assert.equal(withSelectors(data({ isLogging: false }), s3, 20).earlierSelectors, undefined);
    assert.equal(withSelectors(data(), s3, 10).earlierSelectors, undefined);
    assert.deepEqual(withSelectors(data({ isLogging: false, finalDelivery: {} }), s3, 20).earlierSelectors, [{ untilSeq: 20 }]);
    assert.equal(hasCustomSelectors(data()), false);
    assert.equal(readsDataEvents(data()), false);
    assert.equal(readsDataEvents({ eventSelectors: advanced(s3Data()) }), true);
    assert.equal(readsDataEvents({ eventSelectors: advanced({ FieldSelectors: [field('eventCategory', { Equals: ['Management'] })] }) }), false);
  });
});
