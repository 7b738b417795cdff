import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { signRequest } from '../../src/sigv4/index.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * DynamoDB Streams (`aws dynamodbstreams …`, signed as dynamodb) through the gateway, moto
 * upstream: DescribeStream and GetShardIterator on their StreamArn, GetRecords on the stream its
 * shard iterator starts with (moto's form), ListStreams on `*`; refusals as DynamoDB's
 * AccessDeniedException.
 */
describe('DynamoDB Streams through the gateway', () => {
  let env: GatewayEnv;
  let streamArn: string;
  let account: string;

  // An action on `*` is refused without naming a resource, as AWS words it.
  const denied = (user: { arn: string }, operation: string, action: string, resource: string): string =>
    `An error occurred (AccessDeniedException) when calling the ${operation} operation: User: ${user.arn} is not authorized to perform: ${action}${resource === '*' ? '' : ` on resource: ${resource}`} because no identity-based policy allows the ${action} action`;

  async function streams(credentials: Credentials, args: string[]): Promise<{ code: number | null; out: Record<string, unknown>; stderr: string }> {
    const result = await env.cli(['dynamodbstreams', ...args, '--output', 'json'], credentials);
    return { code: result.code, out: result.code === 0 && result.stdout.trim() !== '' ? JSON.parse(result.stdout) as Record<string, unknown> : {}, stderr: result.stderr.trim() };
  }

  /** A JSON 1.0 request signed for dynamodb with the root's key, sent as is. */
  async function signed(target: string, body: unknown): Promise<{ status: number; body: { __type?: string; message?: string } }> {
    const text = JSON.stringify(body);
    const request = signRequest({ method: 'POST', path: '/', query: '', headers: { host: new URL(env.server.url).host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target }, body: text }, env.server.root, { region: 'us-east-1', service: 'dynamodb', date: new Date() });
    const answer = await fetch(env.server.url, { method: 'POST', headers: request.headers as Record<string, string>, body: text });
    return { status: answer.status, body: await answer.json() as { __type?: string; message?: string } };
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    // As root, through Tessera: a table with a stream, and one item written to it.
    const ddb = env.dynamodb(env.server.root);
    const created = await ddb.send(new CreateTableCommand({
      TableName: 'events',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }));
    streamArn = created.TableDescription!.LatestStreamArn!;
    await ddb.send(new PutItemCommand({ TableName: 'events', Item: { id: { S: 'e-1' }, kind: { S: 'signup' } } }));
  });
  after(() => env?.stop());

  test('a user allowed on the table\'s streams reads its records with the aws CLI', async () => {
    assert.match(streamArn, new RegExp(`^arn:aws:dynamodb:us-east-1:${account}:table/events/stream/.+`));
    const reader = await env.user('stream-reader', [allow(['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'], `arn:aws:dynamodb:us-east-1:${account}:table/events/stream/*`)]);

    const described = await streams(reader, ['describe-stream', '--stream-arn', streamArn]);
    assert.equal(described.code, 0, described.stderr);
    const description = described.out['StreamDescription'] as { StreamArn: string; TableName: string; Shards: { ShardId: string }[] };
    assert.equal(description.StreamArn, streamArn);
    assert.equal(description.TableName, 'events');
    const shardId = description.Shards[0]!.ShardId;

    const iterated = await streams(reader, ['get-shard-iterator', '--stream-arn', streamArn, '--shard-id', shardId, '--shard-iterator-type', 'TRIM_HORIZON']);
    assert.equal(iterated.code, 0, iterated.stderr);
    const iterator = iterated.out['ShardIterator'] as string;
    // moto's form, which the gateway reads GetRecords' stream from.
    assert.ok(iterator.startsWith(`${streamArn}|1|`), iterator);

    const read = await streams(reader, ['get-records', '--shard-iterator', iterator]);
    assert.equal(read.code, 0, read.stderr);
    const records = read.out['Records'] as { eventName: string; dynamodb: { Keys: Record<string, { S: string }>; NewImage: Record<string, { S: string }> } }[];
    assert.equal(records.length, 1);
    assert.equal(records[0]!.eventName, 'INSERT');
    assert.deepEqual(records[0]!.dynamodb.Keys, { id: { S: 'e-1' } });
    assert.equal(records[0]!.dynamodb.NewImage['kind']!.S, 'signup');
    // The next iterator is read the same way.
    const next = await streams(reader, ['get-records', '--shard-iterator', read.out['NextShardIterator'] as string]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(next.out['Records'], []);

    // ListStreams needs dynamodb:ListStreams (on *), which the reader lacks.
    const listed = await streams(reader, ['list-streams']);
    assert.notEqual(listed.code, 0);
    assert.equal(listed.stderr, denied(reader, 'ListStreams', 'dynamodb:ListStreams', '*'));
  });

  test('a user without the stream actions is refused with DynamoDB\'s AccessDeniedException, GetRecords on the iterator\'s stream', async () => {
    // Allowed on another table's streams only.
    const outsider = await env.user('stream-outsider', [allow(['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'], `arn:aws:dynamodb:us-east-1:${account}:table/other/stream/*`)]);
    const described = await streams(outsider, ['describe-stream', '--stream-arn', streamArn]);
    assert.notEqual(described.code, 0);
    assert.equal(described.stderr, denied(outsider, 'DescribeStream', 'dynamodb:DescribeStream', streamArn));

    const shardId = ((await streams(env.server.root, ['describe-stream', '--stream-arn', streamArn])).out['StreamDescription'] as { Shards: { ShardId: string }[] }).Shards[0]!.ShardId;
    const iterated = await streams(outsider, ['get-shard-iterator', '--stream-arn', streamArn, '--shard-id', shardId, '--shard-iterator-type', 'TRIM_HORIZON']);
    assert.notEqual(iterated.code, 0);
    assert.equal(iterated.stderr, denied(outsider, 'GetShardIterator', 'dynamodb:GetShardIterator', streamArn));

    // An iterator someone else obtained does not help: GetRecords is decided on its stream.
    const iterator = (await streams(env.server.root, ['get-shard-iterator', '--stream-arn', streamArn, '--shard-id', shardId, '--shard-iterator-type', 'TRIM_HORIZON'])).out['ShardIterator'] as string;
    const read = await streams(outsider, ['get-records', '--shard-iterator', iterator]);
    assert.notEqual(read.code, 0);
    assert.equal(read.stderr, denied(outsider, 'GetRecords', 'dynamodb:GetRecords', streamArn));
    // The iterator was not used up by the refused call: the root still reads the record with it.
    const byRoot = await streams(env.server.root, ['get-records', '--shard-iterator', iterator]);
    assert.equal(byRoot.code, 0, byRoot.stderr);
    assert.equal((byRoot.out['Records'] as unknown[]).length, 1);
  });

  test('ListStreams with dynamodb:ListStreams lists the stream', async () => {
    const lister = await env.user('stream-lister', [allow('dynamodb:ListStreams')]);
    const listed = await streams(lister, ['list-streams', '--table-name', 'events']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((listed.out['Streams'] as { StreamArn: string; TableName: string }[]).map((stream) => [stream.TableName, stream.StreamArn]), [['events', streamArn]]);
    // dynamodb:ListStreams does not read a stream.
    const described = await streams(lister, ['describe-stream', '--stream-arn', streamArn]);
    assert.equal(described.stderr, denied(lister, 'DescribeStream', 'dynamodb:DescribeStream', streamArn));
  });

  test('an iterator that does not show its stream is refused unforwarded; unknown targets and unsigned requests keep their answers', async () => {
    const opaque = await signed('DynamoDBStreams_20120810.GetRecords', { ShardIterator: 'AAAAAAAAAAEvJp6D+zaQ' });
    assert.equal(opaque.status, 400);
    assert.equal(opaque.body.__type, 'ValidationException');
    assert.match(opaque.body.message ?? '', /GetRecords does not name the stream that dynamodb:GetRecords is authorized on/);

    const unknown = await signed('DynamoDBStreams_20120810.DeleteStream', { StreamArn: streamArn });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.__type, 'UnknownOperationException');
    // A Streams operation under DynamoDB's own prefix names nothing either.
    assert.equal((await signed('DynamoDB_20120810.ListStreams', {})).body.__type, 'UnknownOperationException');

    const unsigned = await fetch(env.server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDBStreams_20120810.DescribeStream' }, body: JSON.stringify({ StreamArn: streamArn }) });
    assert.equal(unsigned.status, 400);
    assert.deepEqual(await unsigned.json(), { __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
  });
});
