// Our XML read by botocore (the AWS CLI's and boto3's parser), when a Python
// with botocore is on the machine; skipped otherwise.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { serviceError } from './errors.ts';
import { serializeQueryError, serializeQueryResponse } from './query-serializer.ts';

// Reads [{service, operation, status, body}] on stdin, answers botocore's parse of each.
const PARSE_WITH_BOTOCORE = `
import base64, datetime, json, sys
import botocore.parsers, botocore.session
from botocore.model import ServiceModel
loader = botocore.session.get_session().get_component('data_loader')
models = {}
def model(name):
    if name not in models:
        models[name] = ServiceModel(loader.load_service_model(name, 'service-2'), name)
    return models[name]
def plain(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
    if isinstance(value, bytes):
        return {'base64': base64.b64encode(value).decode()}
    raise TypeError(type(value))
out = []
for case in json.load(sys.stdin):
    shape = model(case['service']).operation_model(case['operation']).output_shape if case['status'] == 200 else None
    parsed = botocore.parsers.create_parser('query').parse(
        {'status_code': case['status'], 'headers': {}, 'body': case['body'].encode()}, shape)
    out.append(parsed)
json.dump(out, sys.stdout, default=plain)
`;

interface Case {
  service: 'iam' | 'sts';
  operation: string;
  status: number;
  body: string;
}

function botocoreParse(cases: Case[]): Record<string, unknown>[] | undefined {
  const result = spawnSync('python3', ['-c', PARSE_WITH_BOTOCORE], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 20_000 });
  if (result.error !== undefined || result.status !== 0) {
    if (/No module named 'botocore'|ENOENT/.test(`${result.stderr ?? ''}${String(result.error ?? '')}`)) return undefined;
    throw new Error(`botocore parse failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

const probe = spawnSync('python3', ['-c', 'import botocore'], { encoding: 'utf8' });
const botocoreMissing = probe.error !== undefined || probe.status !== 0;

describe('botocore reads our Query responses', { skip: botocoreMissing ? 'python3 with botocore not installed' : false }, () => {
  it('parses results, lists, maps, timestamps, blobs and errors', () => {
    const cases: Case[] = [
      {
        service: 'iam',
        operation: 'ListUsers',
        status: 200,
        body: serializeQueryResponse('iam', 'ListUsers', {
          Users: [{ Path: '/', UserName: 'a&b', UserId: 'AIDA1', Arn: 'arn:aws:iam::123456789012:user/a', CreateDate: new Date('2020-01-01T00:00:00Z'), Tags: [{ Key: 'k', Value: 'v' }] }],
          IsTruncated: true,
          Marker: 'm',
        }, 'req-1'),
      },
      {
        service: 'iam',
        operation: 'GetAccountSummary',
        status: 200,
        body: serializeQueryResponse('iam', 'GetAccountSummary', { SummaryMap: { Users: 2, Groups: 0 } }, 'req-2'),
      },
      {
        service: 'iam',
        operation: 'GetCredentialReport',
        status: 200,
        body: serializeQueryResponse('iam', 'GetCredentialReport', {
          Content: new TextEncoder().encode('a,b\n'), ReportFormat: 'text/csv', GeneratedTime: new Date('2024-05-06T07:08:09Z'),
        }, 'req-3'),
      },
      {
        service: 'sts',
        operation: 'GetSessionToken',
        status: 200,
        body: serializeQueryResponse('sts', 'GetSessionToken', {
          Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date('2011-07-11T19:55:29.611Z') },
        }, 'req-4'),
      },
      {
        service: 'iam',
        operation: 'GetUser',
        status: 404,
        body: serializeQueryError('iam', serviceError('iam', 'NoSuchEntity', 'The user with name bob cannot be found.'), 'req-5'),
      },
      {
        service: 'sts',
        operation: 'GetCallerIdentity',
        status: 400,
        body: serializeQueryError('sts', serviceError('sts', 'InvalidAction', 'Could not find operation X for version 2011-06-15'), 'req-6'),
      },
    ];
    const parsed = botocoreParse(cases);
    assert.ok(parsed !== undefined, 'botocore present but not importable');
    const [users, summary, report, session, notFound, invalidAction] = parsed;

    assert.deepEqual((users as { Users: unknown }).Users, [
      { Path: '/', UserName: 'a&b', UserId: 'AIDA1', Arn: 'arn:aws:iam::123456789012:user/a', CreateDate: '2020-01-01T00:00:00.000000Z', Tags: [{ Key: 'k', Value: 'v' }] },
    ]);
    assert.equal((users as { IsTruncated: unknown }).IsTruncated, true);
    assert.equal((users as { ResponseMetadata: { RequestId: string } }).ResponseMetadata.RequestId, 'req-1');
    assert.deepEqual((summary as { SummaryMap: unknown }).SummaryMap, { Users: 2, Groups: 0 });
    assert.deepEqual((report as { Content: unknown }).Content, { base64: Buffer.from('a,b\n').toString('base64') });
    assert.equal((report as { GeneratedTime: unknown }).GeneratedTime, '2024-05-06T07:08:09.000000Z');
    assert.equal((session as { Credentials: { Expiration: string } }).Credentials.Expiration, '2011-07-11T19:55:29.611000Z');
    assert.deepEqual((notFound as { Error: unknown }).Error, {
      Type: 'Sender',
      Code: 'NoSuchEntity',
      Message: 'The user with name bob cannot be found.',
    });
    assert.equal((notFound as { ResponseMetadata: { RequestId: string } }).ResponseMetadata.RequestId, 'req-5');
    assert.equal((invalidAction as { Error: { Code: string } }).Error.Code, 'InvalidAction');
  });
});
