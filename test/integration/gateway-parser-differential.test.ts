import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { signRequest } from '../../src/sigv4/index.ts';
import { decodePath } from '../../src/gateway/upstream-http.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Parser differentials between the gateway and its upstream (moto_server): requests the gateway
 * would authorize as one operation on one resource while moto — which takes an `Action` query
 * parameter over X-Amz-Target, reads a JSON body as a form when the URL has no query (and the
 * headers when there is no body either), prefers the URL's parameter to a form body's, unzips a
 * gzip body, and ends an x-amz-copy-source's key at `#` or `;` — would perform another. Each was
 * a bypass before the gateway refused (or, for a JSON body, neutralized) it; each test checks
 * the effect in moto itself. Also the tricks that were already refused, so they stay refused.
 */
describe('parser differentials between the gateway and the upstream', () => {
  let env: GatewayEnv;
  let account: string;
  const upstreamCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  interface Raw { method?: string; path?: string; query?: string; headers?: Record<string, string | string[]>; body?: string | Buffer }

  /** A request signed as `service` (S3: its path signed decoded, as S3 signs it), sent to `base`. */
  async function call(base: string, credentials: Credentials, service: string, raw: Raw): Promise<RawResponse> {
    const host = new URL(base).host;
    const path = raw.path ?? '/';
    const body = raw.body ?? '';
    const signed = signRequest(
      { method: raw.method ?? 'POST', path: service === 's3' ? decodePath(path) : path, query: raw.query ?? '', headers: { host, ...raw.headers }, body },
      credentials,
      { region: 'us-east-1', service, date: new Date(), ...(service === 's3' ? { normalizePath: false } : {}) },
    );
    return sendRaw(base, { method: raw.method ?? 'POST', path, query: raw.query ?? '', headers: signed.headers as Record<string, string>, body: body as string });
  }
  const tessera = (credentials: Credentials, service: string, raw: Raw) => call(env.server.url, credentials, service, raw);
  /** moto itself, in the default account: what really happened. */
  const moto = (service: string, raw: Raw) => call(env.moto.url, upstreamCredentials, service, { ...raw, headers: { ...raw.headers, 'x-moto-account-id': account } });
  const json = (target: string, body: unknown, version = '1.0', extra: Raw = {}): Raw => ({
    ...extra,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target, ...extra.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const form = (body: string, extra: Raw = {}): Raw => ({ ...extra, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...extra.headers }, body });
  const queueUrl = (name: string) => `${env.moto.url}/${account}/${name}`;
  const queues = async () => JSON.parse((await moto('sqs', json('AmazonSQS.ListQueues', {}))).body).QueueUrls?.map((url: string) => url.split('/').pop()).sort() ?? [];
  const tables = async () => JSON.parse((await moto('dynamodb', json('DynamoDB_20120810.ListTables', {}))).body).TableNames.sort();
  const refused = (answer: RawResponse, code: string, status = 400) => {
    assert.equal(answer.status, status, answer.body);
    assert.match(answer.body, new RegExp(code));
  };

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    for (const name of ['allowed', 'secret']) {
      await moto('sqs', json('AmazonSQS.CreateQueue', { QueueName: name }));
      await moto('dynamodb', json('DynamoDB_20120810.CreateTable', { TableName: name, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
      await moto('secretsmanager', json('secretsmanager.CreateSecret', { Name: name, SecretString: `value of ${name}` }, '1.1'));
      await moto('ssm', json('AmazonSSM.PutParameter', { Name: name, Value: `value of ${name}`, Type: 'String' }, '1.1'));
    }
  });
  after(() => env?.stop());

  test('SQS JSON: an Action query parameter next to X-Amz-Target is refused (it deleted another queue)', async () => {
    const user = await env.user('sqs-get-url', [allow(['sqs:GetQueueUrl'], `arn:aws:sqs:us-east-1:${account}:allowed`)]);
    const answer = await tessera(user, 'sqs', json('AmazonSQS.GetQueueUrl', { QueueName: 'allowed', QueueUrl: queueUrl('secret') }, '1.0', { query: `Action=DeleteQueue&QueueUrl=${encodeURIComponent(queueUrl('secret'))}` }));
    refused(answer, 'ValidationException');
    assert.match(answer.body, /takes no query parameters \(it has Action\)/);
    // Any member in the query string, too: moto reads it before the body's.
    refused(await tessera(user, 'sqs', json('AmazonSQS.GetQueueUrl', { QueueName: 'allowed' }, '1.0', { query: 'QueueName=secret' })), 'ValidationException');
    assert.deepEqual(await queues(), ['allowed', 'secret']);
  });

  test('SQS JSON: a form Content-Type is refused (moto read the body as a form and deleted another queue)', async () => {
    const user = await env.user('sqs-get-url-2', [allow('sqs:GetQueueUrl', `arn:aws:sqs:us-east-1:${account}:allowed`)]);
    const body = { QueueName: 'allowed', x: `&Action=DeleteQueue&QueueUrl=${queueUrl('secret')}&` };
    refused(await tessera(user, 'sqs', json('AmazonSQS.GetQueueUrl', body, '1.0', { headers: { 'content-type': 'application/x-www-form-urlencoded' } })), 'ValidationException');
    refused(await tessera(user, 'sqs', json('AmazonSQS.GetQueueUrl', body, '1.0', { headers: { 'content-type': 'text/plain' } })), 'ValidationException');
    assert.deepEqual(await queues(), ['allowed', 'secret']);
  });

  test('SQS JSON: `&Action=…&` inside a JSON string no longer reaches moto as a parameter (a SendMessage deleted the queue)', async () => {
    const user = await env.user('sqs-sender', [allow('sqs:SendMessage', `arn:aws:sqs:us-east-1:${account}:allowed`), allow('sqs:GetQueueUrl', `arn:aws:sqs:us-east-1:${account}:allowed`)]);
    const sent = await tessera(user, 'sqs', json('AmazonSQS.SendMessage', { QueueUrl: queueUrl('allowed'), MessageBody: 'a&Action=DeleteQueue&b=c' }));
    assert.equal(sent.status, 200, sent.body);
    assert.ok(JSON.parse(sent.body).MessageId);
    const other = await tessera(user, 'sqs', json('AmazonSQS.GetQueueUrl', { QueueName: 'allowed', QueueUrl: queueUrl('secret'), x: '&Action=DeleteQueue&' }));
    assert.equal(other.status, 200, other.body);
    assert.match(JSON.parse(other.body).QueueUrl, /\/allowed$/);
    assert.deepEqual(await queues(), ['allowed', 'secret']);
    // The message arrived as sent: the escape changed no byte of its meaning.
    const received = JSON.parse((await moto('sqs', json('AmazonSQS.ReceiveMessage', { QueueUrl: queueUrl('allowed') }))).body);
    assert.equal(received.Messages[0].Body, 'a&Action=DeleteQueue&b=c');
  });

  test('SQS JSON: an empty body goes as {} (moto read an `Action` header and deleted the queue in the path)', async () => {
    const user = await env.user('sqs-lister', [allow('sqs:ListQueues')]);
    const answer = await tessera(user, 'sqs', { path: `/${account}/secret`, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues', action: 'DeleteQueue' }, body: '' });
    assert.equal(answer.status, 200, answer.body);
    assert.ok(Array.isArray(JSON.parse(answer.body).QueueUrls));
    assert.deepEqual(await queues(), ['allowed', 'secret']);
  });

  test('SQS Query: a parameter in the URL and the body, twice, in a non-form body, on a GET with a body, or gzip — refused', async () => {
    const sender = await env.user('sqs-query-sender', [allow('sqs:SendMessage', `arn:aws:sqs:us-east-1:${account}:allowed`), allow('sqs:GetQueueUrl', `arn:aws:sqs:us-east-1:${account}:allowed`)]);
    const count = async (name: string) => Number(JSON.parse((await moto('sqs', json('AmazonSQS.GetQueueAttributes', { QueueUrl: queueUrl(name), AttributeNames: ['ApproximateNumberOfMessages'] }))).body).Attributes.ApproximateNumberOfMessages);
    const before = await count('secret');
    // moto's parameters: the URL's before the body's (the message went to `secret`).
    const both = await tessera(sender, 'sqs', form(`Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl('allowed'))}&MessageBody=x`, { query: `QueueUrl=${encodeURIComponent(queueUrl('secret'))}` }));
    refused(both, 'InvalidParameterValue');
    assert.match(both.body, /both its query string/);
    // The URL names one queue and the path another: moto reads the path when the form lacks QueueUrl.
    refused(await tessera(sender, 'sqs', form('Action=SendMessage&MessageBody=x', { path: `/${account}/secret`, query: `QueueUrl=${encodeURIComponent(queueUrl('allowed'))}` })), 'InvalidParameterValue');
    // Action in the URL and in a body that is not a form: moto reads the URL, the gateway read the body.
    const secretDelete = `Action=DeleteQueue&QueueUrl=${encodeURIComponent(queueUrl('secret'))}`;
    refused(await tessera(sender, 'sqs', form('Action=GetQueueUrl&QueueName=allowed', { query: secretDelete, headers: { 'content-type': 'text/plain' } })), 'InvalidParameterValue');
    // A repeated parameter (the gateway read the first, an upstream may read the last).
    const twice = await tessera(sender, 'sqs', form(`Action=GetQueueUrl&QueueName=allowed&${secretDelete.replace('QueueUrl', 'Action=x&QueueUrl')}`));
    refused(twice, 'InvalidParameterValue');
    assert.match(twice.body, /given more than once/);
    refused(await tessera(sender, 'sqs', { method: 'GET', query: `Action=GetQueueUrl&QueueName=allowed&${secretDelete}`.replace('DeleteQueue', 'GetQueueUrl'), headers: {} }), 'InvalidParameterValue');
    // A GET's form body (the gateway reads the query string, moto the form).
    refused(await tessera(sender, 'sqs', form(secretDelete, { method: 'GET', query: 'Action=GetQueueUrl&QueueName=allowed', headers: { 'content-length': String(secretDelete.length) } })), 'InvalidParameterValue');
    // A gzip body (moto unzips it; the gateway read the query string's Action).
    refused(await tessera(sender, 'sqs', form(gzipSync(secretDelete) as unknown as string, { query: 'Action=GetQueueUrl&QueueName=allowed', headers: { 'content-encoding': 'gzip' } })), 'InvalidParameterValue');
    assert.equal(await count('secret'), before);
    assert.deepEqual(await queues(), ['allowed', 'secret']);
    // The ordinary forms still work: a form body, and a GET with its parameters in the URL.
    assert.equal((await tessera(sender, 'sqs', form(`Action=SendMessage&QueueUrl=${encodeURIComponent(queueUrl('allowed'))}&MessageBody=ok`))).status, 200);
    // (moto reads a GET's parameters by the Query protocol only with a form Content-Type.)
    const get = await tessera(sender, 'sqs', { method: 'GET', query: 'Action=GetQueueUrl&QueueName=allowed&Version=2012-11-05', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(get.status, 200, get.body);
  });

  test('DynamoDB: ?Action=DeleteTable next to GetItem, duplicate members — refused; `&Action=` in a key value is harmless', async () => {
    const reader = await env.user('ddb-reader', [allow('dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${account}:table/allowed`)]);
    const get = (body: unknown, extra: Raw = {}) => tessera(reader, 'dynamodb', json('DynamoDB_20120810.GetItem', body, '1.0', extra));
    refused(await get({ TableName: 'allowed', Key: { pk: { S: 'k' } } }, { query: 'Action=DeleteTable' }), 'ValidationException');
    const duplicate = await get('{"TableName":"secret","Key":{"pk":{"S":"k"}},"TableName":"allowed"}');
    refused(duplicate, 'ValidationException');
    assert.match(duplicate.body, /names the member TableName twice/);
    refused(await get('{"TableName":"allowed","Key":{"pk":{"S":"k"},"p\\u006b":{"S":"j"}}}'), 'ValidationException');
    const embedded = await get({ TableName: 'allowed', Key: { pk: { S: '&Action=DeleteTable&' } } });
    assert.equal(embedded.status, 200, embedded.body);
    assert.deepEqual(await tables(), ['allowed', 'secret']);
  });

  test('Secrets Manager, SSM, KMS: a query parameter naming a member or an operation is refused (moto read it first)', async () => {
    const describer = await env.user('sm-describer', [allow('secretsmanager:DescribeSecret', `arn:aws:secretsmanager:us-east-1:${account}:secret:allowed-*`)]);
    refused(await tessera(describer, 'secretsmanager', json('secretsmanager.DescribeSecret', { SecretId: 'allowed' }, '1.1', { query: 'SecretId=secret' })), 'ValidationException');
    refused(await tessera(describer, 'secretsmanager', json('secretsmanager.DescribeSecret', { SecretId: 'allowed' }, '1.1', { query: 'Action=GetSecretValue&SecretId=secret' })), 'ValidationException');
    // In the body's strings: moto no longer reads them as parameters.
    const embedded = await tessera(describer, 'secretsmanager', json('secretsmanager.DescribeSecret', { SecretId: 'allowed', ClientRequestToken: '&Action=GetSecretValue&SecretId=secret&' }, '1.1'));
    assert.equal(embedded.status, 200, embedded.body);
    assert.equal(JSON.parse(embedded.body).Name, 'allowed');
    assert.doesNotMatch(embedded.body, /value of/);

    const paramReader = await env.user('ssm-reader', [allow('ssm:GetParameter', `arn:aws:ssm:us-east-1:${account}:parameter/allowed`)]);
    refused(await tessera(paramReader, 'ssm', json('AmazonSSM.GetParameter', { Name: 'allowed' }, '1.1', { query: 'Name=secret' })), 'ValidationException');
    refused(await tessera(paramReader, 'ssm', json('AmazonSSM.GetParameter', { Name: 'allowed' }, '1.1', { query: 'Action=DeleteParameter' })), 'ValidationException');
    assert.equal((await moto('ssm', json('AmazonSSM.GetParameter', { Name: 'allowed' }, '1.1'))).status, 200);

    const keyId = JSON.parse((await moto('kms', json('TrentService.CreateKey', {}, '1.1'))).body).KeyMetadata.KeyId;
    const keyReader = await env.user('kms-describer', [allow('kms:DescribeKey')]);
    refused(await tessera(keyReader, 'kms', json('TrentService.DescribeKey', { KeyId: keyId, PendingWindowInDays: 7 }, '1.1', { query: 'Action=ScheduleKeyDeletion' })), 'ValidationException');
    const described = JSON.parse((await moto('kms', json('TrentService.DescribeKey', { KeyId: keyId }, '1.1'))).body);
    assert.equal(described.KeyMetadata.KeyState, 'Enabled');
  });

  test('CloudWatch: ?Action=DeleteAlarms next to X-Amz-Target, and a Query namespace in both URL and body — refused', async () => {
    const cw = (target: string, body: unknown, extra: Raw = {}) => json(`GraniteServiceVersion20100801.${target}`, body, '1.0', extra);
    await moto('monitoring', cw('PutMetricAlarm', { AlarmName: 'secret-alarm', MetricName: 'm', Namespace: 'Secret', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }));
    const writer = await env.user('cw-writer', [allow('cloudwatch:PutMetricData', '*', { Condition: { StringEquals: { 'cloudwatch:namespace': 'Allowed' } } })]);
    refused(await tessera(writer, 'monitoring', cw('PutMetricData', { Namespace: 'Allowed', MetricData: [{ MetricName: 'x', Value: 1 }], AlarmNames: ['secret-alarm'] }, { query: 'Action=DeleteAlarms' })), 'ValidationException');
    const embedded = await tessera(writer, 'monitoring', cw('PutMetricData', { Namespace: 'Allowed', MetricData: [{ MetricName: '&Action=DeleteAlarms&', Value: 1 }], AlarmNames: ['secret-alarm'] }));
    assert.equal(embedded.status, 200, embedded.body);
    const alarms = JSON.parse((await moto('monitoring', cw('DescribeAlarms', {}))).body).MetricAlarms.map((alarm: { AlarmName: string }) => alarm.AlarmName);
    assert.deepEqual(alarms, ['secret-alarm']);
    const data = 'Action=PutMetricData&Version=2010-08-01&MetricData.member.1.MetricName=split&MetricData.member.1.Value=1';
    refused(await tessera(writer, 'monitoring', form(`${data}&Namespace=Allowed`, { query: 'Namespace=Secret' })), 'InvalidParameterValue');
    refused(await tessera(writer, 'monitoring', form(`${data}&Namespace=Allowed&Namespace=Secret`)), 'InvalidParameterValue');
    const metrics = JSON.parse((await moto('monitoring', cw('ListMetrics', { Namespace: 'Secret' }))).body).Metrics;
    assert.deepEqual(metrics, []);
    assert.equal((await tessera(writer, 'monitoring', form(`${data}&Namespace=Allowed`))).status, 200);
  });

  test('SNS Query: TopicArn in both the URL and the body, or twice — refused', async () => {
    const arn = (name: string) => `arn:aws:sns:us-east-1:${account}:${name}`;
    for (const name of ['allowed', 'secret']) await moto('sns', form(`Action=CreateTopic&Version=2010-03-31&Name=${name}`));
    const reader = await env.user('sns-reader', [allow('sns:GetTopicAttributes', arn('allowed'))]);
    // SNS's code for a parameter it cannot take is InvalidParameter (its model's InvalidParameterException).
    refused(await tessera(reader, 'sns', form(`Action=GetTopicAttributes&Version=2010-03-31&TopicArn=${arn('allowed')}`, { query: `TopicArn=${encodeURIComponent(arn('secret'))}` })), 'InvalidParameter');
    refused(await tessera(reader, 'sns', form(`Action=GetTopicAttributes&Version=2010-03-31&TopicArn=${arn('allowed')}&TopicArn=${arn('secret')}`)), 'InvalidParameter');
    assert.equal((await tessera(reader, 'sns', form(`Action=GetTopicAttributes&Version=2010-03-31&TopicArn=${arn('allowed')}`))).status, 200);
  });

  test('S3: an x-amz-copy-source key with a raw # or ; is refused (moto copied a key the policy does not allow)', async () => {
    const s3 = (method: string, path: string, headers: Record<string, string> = {}, body = ''): Raw => ({ method, path, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers }, body });
    const root = env.server.root;
    assert.equal((await tessera(root, 's3', s3('PUT', '/differential'))).status, 200);
    await tessera(root, 's3', s3('PUT', '/differential/secret.bin', {}, 'SECRET'));
    await tessera(root, 's3', s3('PUT', '/differential/notes%23.txt', {}, 'NOTES'));
    const copier = await env.user('s3-copier', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::differential/public/*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::differential/*.txt' },
      ],
    }]);
    for (const source of ['differential/secret.bin#.txt', 'differential/secret.bin;.txt', '/differential/secret.bin#x/.txt']) {
      const answer = await tessera(copier, 's3', s3('PUT', '/differential/public/copy', { 'x-amz-copy-source': source }));
      refused(answer, 'InvalidRequest');
      assert.equal((await moto('s3', s3('GET', '/differential/public/copy'))).status, 404, source);
    }
    // Percent-encoded, the key is one key for both readers: allowed, and the right object copied.
    const encoded = await tessera(copier, 's3', s3('PUT', '/differential/public/copy', { 'x-amz-copy-source': 'differential/notes%23.txt' }));
    assert.equal(encoded.status, 200, encoded.body);
    assert.equal((await moto('s3', s3('GET', '/differential/public/copy'))).body, 'NOTES');
  });

  test('already refused, kept refused: X-Amz-Target variants, S3 path and sub-resource tricks', async () => {
    const user = await env.user('sqs-get-url-3', [allow('sqs:GetQueueUrl', `arn:aws:sqs:us-east-1:${account}:allowed`)]);
    const present = await queues();
    for (const target of ['amazonsqs.DeleteQueue', 'AmazonSQS.GetQueueUrl.DeleteQueue', 'DynamoDB_20120810.DeleteTable']) {
      refused(await tessera(user, 'sqs', json(target, { QueueName: 'allowed', QueueUrl: queueUrl('secret') })), 'UnknownOperationException');
    }
    refused(await tessera(user, 'sqs', json('AmazonSQS.GetQueueUrl', { QueueName: 'allowed', QueueUrl: queueUrl('secret') }, '1.0', { headers: { 'x-amz-target': ['AmazonSQS.GetQueueUrl', 'AmazonSQS.DeleteQueue'] } })), 'UnknownOperationException');
    assert.deepEqual(await queues(), present);

    const s3 = (method: string, path: string, query = ''): Raw => ({ method, path, query, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const root = env.server.root;
    await tessera(root, 's3', s3('PUT', '/paths'));
    await tessera(root, 's3', { ...s3('PUT', '/paths/public/x'), body: 'PUBLIC' });
    await tessera(root, 's3', { ...s3('PUT', '/paths/secret.txt'), body: 'SECRET' });
    const reader = await env.user('s3-public-reader', [allow('s3:GetObject', 'arn:aws:s3:::paths/public/*')]);
    assert.equal((await tessera(reader, 's3', s3('GET', '/paths/public/x'))).body, 'PUBLIC');
    // Dot segments are a key's characters to both readers: never secret.txt.
    for (const path of ['/paths/public/../secret.txt', '/paths/public/%2e%2e/secret.txt', '/paths/public%2F..%2Fsecret.txt', '/paths%2Fpublic/x']) {
      const answer = await tessera(reader, 's3', s3('GET', path));
      assert.notEqual(answer.status, 200, path);
      assert.doesNotMatch(answer.body, /SECRET/, path);
    }
    // Sub-resources no single operation declares, and casing, match nothing.
    for (const query of ['tagging&acl', 'ACL', 'acl']) assert.notEqual((await tessera(reader, 's3', s3('GET', '/paths/public/x', query))).status, 200, query);
  });
});
