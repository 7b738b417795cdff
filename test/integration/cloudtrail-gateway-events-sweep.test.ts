import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DescribeTableCommand, PutItemCommand, QueryCommand, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { motoS3As } from '../support/moto-s3.ts';
import { awsCliAvailable } from '../support/cli-process.ts';
import { awsError, type Credentials } from '../support/tessera-server.ts';

/**
 * CloudTrail records of requests that pass through the gateway, field by field against the
 * log entries AWS documents for the protected services. Management events are read as a
 * client reads them — LookupEvents with the aws CLI — and data events from the files a trail
 * with advanced event selectors delivered to an S3 bucket behind the upstream (moto), read
 * from moto as the bucket's owner. Sources quoted in the comments:
 *  - KMS: developer guide "Encrypt" / "Decrypt" / "GenerateDataKey" (ct-encrypt, ct-decrypt,
 *    ct-generatedatakey): requestParameters {keyId, encryptionAlgorithm, encryptionContext},
 *    "responseElements": null, "readOnly": true, managementEvent true, resources [{ARN, accountId}].
 *  - SQS: developer guide "Logging Amazon SQS API calls using CloudTrail": SendMessage is a
 *    data event (AWS::SQS::Queue), "The CloudTrail Event history doesn't record data events";
 *    its example records "messageBody": "HIDDEN_DUE_TO_SECURITY_REASONS".
 *  - Lambda: "Logging Lambda API calls with CloudTrail": the eventName carries the API version
 *    ("GetFunction20150331v2", "ListFunctions20150331", "CreateFunction20150331"); Invoke is a
 *    data event of AWS::Lambda::Function.
 *  - CloudTrail user guide, ReadWriteType: "Read-only events include API operations that read
 *    your resources, but don't make changes."
 */
const REGION = 'us-east-1';
const BUCKET = 'ct-gw-events-trail';
const DATA_BUCKET = 'ct-gw-events-data';

// What must never reach a record.
const PLAINTEXT = 'kms-plaintext-S3CR3T-a1b2c3';
const SECRET_VALUE = 'secretsmanager-value-S3CR3T-d4e5f6';
const PARAMETER_VALUE = 'ssm-value-S3CR3T-g7h8i9';
const OBJECT_BODY = 's3-object-body-S3CR3T-j1k2l3';
const MESSAGE_BODY = 'sqs-message-body-S3CR3T-m4n5o6';
const SNS_MESSAGE = 'sns-message-S3CR3T-p7q8r9';
const ITEM_VALUE = 'dynamodb-item-S3CR3T-s1t2u3';
const SECRETS = [PLAINTEXT, Buffer.from(PLAINTEXT).toString('base64'), SECRET_VALUE, PARAMETER_VALUE, OBJECT_BODY, MESSAGE_BODY, SNS_MESSAGE, ITEM_VALUE];

type Rec = Record<string, any>;

/** The CLI's error line: `An error occurred (<code>) when calling the <op> operation: <message>`. */
function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

describe('CloudTrail records of gateway requests, against the services\' documented log entries', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let account: string;
  let moto: S3Client;
  let home: string;
  let alice: Credentials & { arn: string };
  let nobody: Credentials & { arn: string };
  let session: Credentials;
  let roleArn: string;
  let keyId: string;
  let keyArn: string;
  let queueUrl: string;
  let topicArn: string;
  let messageId: string;
  /** The errors the refused caller was answered, by service. */
  const refusals: Record<string, { code: string; message: string }> = {};
  /** Everything LookupEvents showed (us-east-1), and every delivered record. */
  let looked: Rec[] = [];
  let lookupOutput = '';
  let delivered: Rec[] = [];
  let deliveredText = '';

  const cli = async (args: string[], credentials: Credentials, region = REGION) => env.cli(args, credentials, { AWS_DEFAULT_REGION: region });
  const cliOk = async (args: string[], credentials: Credentials, region = REGION) => {
    const result = await cli(args, credentials, region);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim() === '' ? {} : JSON.parse(result.stdout);
  };
  const cliRefused = async (args: string[], credentials: Credentials, region = REGION) => {
    const result = await cli(args, credentials, region);
    assert.notEqual(result.code, 0, args.join(' '));
    return cliError(result.stderr);
  };
  const lookupAll = async (attribute: string, value: string, region = REGION): Promise<{ events: Rec[]; raw: string }> => {
    const result = await cli(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=${attribute},AttributeValue=${value}`], env.server.root, region);
    assert.equal(result.code, 0, result.stderr);
    return { events: (JSON.parse(result.stdout) as { Events: Rec[] }).Events, raw: result.stdout };
  };
  /** The one management record of this call and caller in the event history. */
  const managed = (source: string, name: string, user: string): Rec => {
    const found = looked.filter((r) => r['eventSource'] === `${source}.amazonaws.com` && r['eventName'] === name && JSON.stringify(r['userIdentity']).includes(user));
    assert.equal(found.length, 1, `${source} ${name} by ${user} in LookupEvents: ${found.length} — seen ${[...new Set(looked.filter((r) => r['eventSource'] === `${source}.amazonaws.com`).map((r) => r['eventName']))].join(', ')}`);
    return found[0]!;
  };
  const data = (source: string, name: string, user: string): Rec => {
    const found = delivered.filter((r) => r['eventSource'] === `${source}.amazonaws.com` && r['eventName'] === name && JSON.stringify(r['userIdentity']).includes(user));
    assert.equal(found.length, 1, `${source} ${name} by ${user} delivered: ${found.length} — delivered ${[...new Set(delivered.filter((r) => r['eventSource'] === `${source}.amazonaws.com`).map((r) => r['eventName']))].join(', ')}`);
    return found[0]!;
  };

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    moto = motoS3As(env.moto.url, account);
    home = await mkdtemp(join(tmpdir(), 'ct-gw-events-'));
    const root = env.server.root;

    // The trail: every management event, and the data events of the five data resource types.
    const s3root = env.s3(root);
    await s3root.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3root.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}` },
      { Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${account}/*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
    ] }) }));
    await cliOk(['cloudtrail', 'create-trail', '--name', 'gw-events', '--s3-bucket-name', BUCKET], root);
    const selectors = [
      { Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ...['AWS::S3::Object', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::DynamoDB::Table', 'AWS::Lambda::Function'].map((type) => ({
        Name: type, FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: [type] }],
      })),
    ];
    await cliOk(['cloudtrail', 'put-event-selectors', '--trail-name', 'gw-events', '--advanced-event-selectors', JSON.stringify(selectors)], root);
    await cliOk(['cloudtrail', 'start-logging', '--name', 'gw-events'], root);

    alice = await env.user('ct-alice', [allow('*')]);
    nobody = await env.user('ct-nobody', []);
    roleArn = (await env.server.iam(root).send(new CreateRoleCommand({
      RoleName: 'ct-crypto', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] }),
    }))).Role!.Arn!;
    await env.server.iam(root).send(new PutRolePolicyCommand({ RoleName: 'ct-crypto', PolicyName: 'all', PolicyDocument: JSON.stringify(allow('*')) }));
    const assumed = (await env.server.sts(alice).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ct-session' }))).Credentials!;
    session = { accessKeyId: assumed.AccessKeyId!, secretAccessKey: assumed.SecretAccessKey!, sessionToken: assumed.SessionToken! };

    // KMS (SDK): the key, then the cryptographic calls with an encryption context.
    const kms = env.kms(alice);
    const key = (await kms.send(new CreateKeyCommand({ Description: 'ct sweep' }))).KeyMetadata!;
    keyId = key.KeyId!;
    keyArn = key.Arn!;
    const context = { Department: 'Engineering' };
    const encrypted = await env.kms(session).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(PLAINTEXT), EncryptionContext: context, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }));
    await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob!, EncryptionContext: context }));
    await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }));
    refusals['kms'] = await (async () => {
      const err = await awsError(() => env.kms(nobody).send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from(PLAINTEXT) })));
      return { code: err.name, message: err.message };
    })();

    // Secrets Manager, SSM (CLI).
    await cliOk(['secretsmanager', 'create-secret', '--name', 'ct/db', '--secret-string', SECRET_VALUE], alice);
    const secret = await cliOk(['secretsmanager', 'get-secret-value', '--secret-id', 'ct/db'], alice);
    assert.equal(secret.SecretString, SECRET_VALUE);
    refusals['secretsmanager'] = await cliRefused(['secretsmanager', 'get-secret-value', '--secret-id', 'ct/db'], nobody);
    await cliOk(['ssm', 'put-parameter', '--name', '/ct/db', '--value', PARAMETER_VALUE, '--type', 'SecureString'], alice);
    const parameter = await cliOk(['ssm', 'get-parameter', '--name', '/ct/db', '--with-decryption'], alice);
    assert.equal(parameter.Parameter.Value, PARAMETER_VALUE);
    refusals['ssm'] = await cliRefused(['ssm', 'get-parameter', '--name', '/ct/db', '--with-decryption'], nobody);

    // Lambda (CLI): CreateFunction reaches moto (which may refuse the role: the event is recorded either way).
    const zip = join(home, 'fn.zip');
    await writeFile(zip, Buffer.from('504b0506000000000000000000000000000000000000', 'hex'));
    await cli(['lambda', 'create-function', '--function-name', 'ct-fn', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', roleArn, '--zip-file', `fileb://${zip}`], alice);
    refusals['lambda'] = await cliRefused(['lambda', 'get-function', '--function-name', 'ct-fn'], nobody);
    refusals['lambda-invoke'] = await cliRefused(['lambda', 'invoke', '--function-name', 'ct-fn', join(home, 'out.json')], nobody);

    // SQS (SDK).
    queueUrl = (await env.sqs(alice).send(new CreateQueueCommand({ QueueName: 'ct-queue' }))).QueueUrl!;
    messageId = (await env.sqs(alice).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: MESSAGE_BODY }))).MessageId!;
    refusals['sqs'] = await (async () => {
      const err = await awsError(() => env.sqs(nobody).send(new CreateQueueCommand({ QueueName: 'ct-denied' })));
      return { code: err.name, message: err.message };
    })();

    // SNS (CLI).
    topicArn = (await cliOk(['sns', 'create-topic', '--name', 'ct-topic'], alice)).TopicArn;
    await cliOk(['sns', 'publish', '--topic-arn', topicArn, '--message', SNS_MESSAGE], alice);
    refusals['sns'] = await cliRefused(['sns', 'create-topic', '--name', 'ct-denied'], nobody);

    // DynamoDB (SDK).
    const ddb = env.dynamodb(alice);
    await ddb.send(new CreateTableCommand({ TableName: 'ct-table', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    await ddb.send(new PutItemCommand({ TableName: 'ct-table', Item: { k: { S: 'a' }, v: { S: ITEM_VALUE } } }));
    await ddb.send(new QueryCommand({ TableName: 'ct-table', KeyConditionExpression: 'k = :k', ExpressionAttributeValues: { ':k': { S: 'a' } } }));
    await ddb.send(new BatchGetItemCommand({ RequestItems: { 'ct-table': { Keys: [{ k: { S: 'a' } }] } } }));
    refusals['dynamodb'] = await (async () => {
      const err = await awsError(() => env.dynamodb(nobody).send(new DescribeTableCommand({ TableName: 'ct-table' })));
      return { code: err.name, message: err.message };
    })();

    // S3 (SDK).
    const s3 = env.s3(alice);
    await s3.send(new CreateBucketCommand({ Bucket: DATA_BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: 'doc.txt', Body: OBJECT_BODY }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: DATA_BUCKET, Key: 'doc.txt' }))).Body!.transformToString(), OBJECT_BODY);
    refusals['s3'] = await (async () => {
      const err = await awsError(() => env.s3(nobody).send(new GetObjectCommand({ Bucket: DATA_BUCKET, Key: 'doc.txt' })));
      return { code: err.name, message: err.message };
    })();

    // CloudWatch Logs (CLI), one of them in another Region.
    await cliOk(['logs', 'create-log-group', '--log-group-name', 'ct-group'], alice);
    await cliOk(['logs', 'create-log-group', '--log-group-name', 'ct-group-eu'], alice, 'eu-west-1');
    refusals['logs'] = await cliRefused(['logs', 'create-log-group', '--log-group-name', 'ct-denied'], nobody);

    // What a client reads: the event history, and the trail's files.
    await env.server.tessera.deps.audit.flush();
    const seen: Rec[] = [];
    const raws: string[] = [];
    for (const user of ['ct-alice', 'ct-nobody', 'ct-session']) {
      const { events, raw } = await lookupAll('Username', user);
      raws.push(raw);
      seen.push(...events.map((e) => ({ ...JSON.parse(e['CloudTrailEvent']), __lookup: e })));
    }
    looked = seen;
    lookupOutput = raws.join('\n');
    await env.server.tessera.deliverTrails();
    const keys = ((await moto.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `AWSLogs/${account}/CloudTrail/` }))).Contents ?? []).map((o) => o.Key!);
    const texts: string[] = [];
    for (const key of keys) {
      if (!key.endsWith('.json.gz')) continue;
      const body = Buffer.from(await (await moto.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
      const text = gunzipSync(body).toString('utf8');
      texts.push(text);
      delivered.push(...(JSON.parse(text) as { Records: Rec[] }).Records);
    }
    deliveredText = texts.join('\n');
  });
  after(async () => {
    moto?.destroy();
    await env?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  test('the common fields of a forwarded call: eventType, region, account, source IP, user agent, an IAM user\'s identity', () => {
    const record = managed('kms', 'CreateKey', 'ct-alice');
    assert.equal(record['eventType'], 'AwsApiCall');
    assert.equal(record['awsRegion'], REGION);
    assert.equal(record['recipientAccountId'], account);
    assert.equal(record['sourceIPAddress'], '127.0.0.1');
    assert.match(record['userAgent'], /aws-sdk-js/);
    assert.deepEqual(record['userIdentity'], {
      type: 'IAMUser', principalId: record['userIdentity'].principalId, arn: alice.arn, accountId: account, accessKeyId: alice.accessKeyId, userName: 'ct-alice',
    });
    assert.match(record['userIdentity'].principalId, /^AIDA[A-Z0-9]+$/);
    // The aws CLI's calls carry its own user agent.
    assert.match(managed('secretsmanager', 'CreateSecret', 'ct-alice')['userAgent'], /^aws-cli\/1\./);
  });

  test('KMS Encrypt by an assumed role (ct-encrypt): a management event, keyId and encryptionAlgorithm, responseElements null, the key as resource', () => {
    const record = managed('kms', 'Encrypt', 'ct-session');
    assert.equal(record['eventCategory'], 'Management');
    assert.equal(record['managementEvent'], true);
    assert.equal(record['requestParameters']?.['keyId'], keyId);
    assert.equal(record['requestParameters']?.['encryptionAlgorithm'], 'SYMMETRIC_DEFAULT');
    assert.equal(record['responseElements'], null);
    const identity = record['userIdentity'];
    assert.equal(identity.type, 'AssumedRole');
    assert.equal(identity.arn, `arn:aws:sts::${account}:assumed-role/ct-crypto/ct-session`);
    assert.equal(identity.accessKeyId, session.accessKeyId);
    assert.match(identity.principalId, /^AROA[A-Z0-9]+:ct-session$/);
    assert.deepEqual({ ...identity.sessionContext.sessionIssuer, principalId: undefined }, { type: 'Role', principalId: undefined, arn: roleArn, accountId: account, userName: 'ct-crypto' });
    assert.match(identity.sessionContext.sessionIssuer.principalId, /^AROA[A-Z0-9]+$/);
    assert.equal(identity.sessionContext.attributes.mfaAuthenticated, 'false');
    // ct-decapsulate and others: resources [{accountId, type AWS::KMS::Key, ARN}].
    assert.deepEqual(record['resources'], [{ accountId: account, type: 'AWS::KMS::Key', ARN: keyArn }]);
  });

  test('KMS Encrypt, Decrypt and GenerateDataKey are read-only events (ct-encrypt, ct-decrypt, ct-generatedatakey: "readOnly": true)', async () => {
    const names = ['Encrypt', 'Decrypt', 'GenerateDataKey'];
    const readOnly = names.map((name) => managed('kms', name, name === 'Encrypt' ? 'ct-session' : 'ct-alice')['readOnly']);
    assert.deepEqual(readOnly, [true, true, true]);
    // So LookupEvents by ReadOnly=true finds them.
    const { events } = await lookupAll('ReadOnly', 'true');
    assert.ok(events.some((e) => e['EventName'] === 'Encrypt'), 'LookupEvents ReadOnly=true lists Encrypt');
  });

  test('KMS records the encryption context — "not secret", it "appears in plaintext in CloudTrail Logs" (encrypt_context) — in requestParameters', () => {
    const context = { Department: 'Engineering' };
    assert.deepEqual(managed('kms', 'Encrypt', 'ct-session')['requestParameters'], { keyId, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: context });
    assert.deepEqual(managed('kms', 'GenerateDataKey', 'ct-alice')['requestParameters'], { keyId, keySpec: 'AES_256', encryptionContext: context });
    assert.deepEqual(managed('kms', 'Decrypt', 'ct-alice')['requestParameters']?.['encryptionContext'], context);
  });

  test('KMS Decrypt\'s record "always includes the encryptionAlgorithm in the requestParameters even if [it] wasn\'t specified", and the key decrypted with (ct-decrypt)', () => {
    const decrypt = managed('kms', 'Decrypt', 'ct-alice');
    assert.equal(decrypt['managementEvent'], true);
    assert.equal(decrypt['responseElements'], null);
    assert.equal(decrypt['requestParameters']?.['encryptionAlgorithm'], 'SYMMETRIC_DEFAULT', JSON.stringify(decrypt['requestParameters']));
    assert.equal(decrypt['requestParameters']?.['keyId'], keyArn, JSON.stringify(decrypt['requestParameters']));
    assert.deepEqual((decrypt['resources'] as Rec[] | undefined)?.map((r) => r['ARN']), [keyArn]);
  });

  test('Secrets Manager GetSecretValue: {secretId}, responseElements null, read-only; SSM GetParameter with decryption: {name, withDecryption}, no value', () => {
    const get = managed('secretsmanager', 'GetSecretValue', 'ct-alice');
    assert.deepEqual(get['requestParameters'], { secretId: 'ct/db' });
    assert.equal(get['responseElements'], null);
    assert.equal(get['readOnly'], true);
    assert.equal(get['eventCategory'], 'Management');
    assert.match(get['userAgent'], /^aws-cli\//);
    const parameter = managed('ssm', 'GetParameter', 'ct-alice');
    assert.deepEqual(parameter['requestParameters'], { name: '/ct/db', withDecryption: true });
    assert.equal(parameter['responseElements'], null);
    assert.equal(parameter['readOnly'], true);
  });

  test('Lambda\'s management events are named with their API version: CreateFunction20150331, GetFunction20150331v2', () => {
    const names = looked.filter((r) => r['eventSource'] === 'lambda.amazonaws.com').map((r) => r['eventName']);
    assert.ok(names.includes('CreateFunction20150331'), `recorded: ${names.join(', ')}`);
    assert.ok(names.includes('GetFunction20150331v2'), `recorded: ${names.join(', ')}`);
  });

  test('SQS CreateQueue and SNS CreateTopic are write management events naming what they create', () => {
    const queue = managed('sqs', 'CreateQueue', 'ct-alice');
    assert.deepEqual(queue['requestParameters'], { queueName: 'ct-queue' });
    assert.equal(queue['eventCategory'], 'Management');
    assert.equal(queue['readOnly'], false);
    const topic = managed('sns', 'CreateTopic', 'ct-alice');
    assert.deepEqual(topic['requestParameters'], { name: 'ct-topic' });
    assert.equal(topic['readOnly'], false);
  });

  test('SQS SendMessage\'s data event records the answer: responseElements with the messageId (SQS guide\'s SendMessage example)', () => {
    // The SQS developer guide's example: "responseElements": {"mD5OfMessageBody": …, "messageId": …}.
    const send = data('sqs', 'SendMessage', 'ct-alice');
    assert.equal(send['responseElements']?.['messageId'], messageId, JSON.stringify(send['responseElements']));
    assert.match(String(send['responseElements']?.['mD5OfMessageBody']), /^[0-9a-f]{32}$/);
  });

  test('what a call created is in its responseElements, as the client was answered; reads and content record none', () => {
    // CreateQueue's queueUrl is the URL the client got (Tessera's address, not the upstream's).
    assert.deepEqual(managed('sqs', 'CreateQueue', 'ct-alice')['responseElements'], { queueUrl });
    const key = managed('kms', 'CreateKey', 'ct-alice')['responseElements']?.['keyMetadata'];
    assert.equal(key?.['keyId'], keyId);
    assert.equal(key?.['arn'], keyArn);
    assert.equal(key?.['description'], 'ct sweep');
    const secret = managed('secretsmanager', 'CreateSecret', 'ct-alice')['responseElements'];
    assert.match(String(secret?.['aRN']), /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:ct\/db-[A-Za-z0-9]{6}$/);
    assert.equal(secret?.['name'], 'ct/db');
    assert.deepEqual(managed('sns', 'CreateTopic', 'ct-alice')['responseElements'], { topicArn });
    assert.match(String(data('sns', 'Publish', 'ct-alice')['responseElements']?.['messageId']), /^[0-9a-f-]{36}$/);
    const table = managed('dynamodb', 'CreateTable', 'ct-alice')['responseElements']?.['tableDescription'];
    assert.equal(table?.['tableName'], 'ct-table');
    assert.match(String(table?.['tableArn']), /:table\/ct-table$/);
    assert.equal(managed('ssm', 'PutParameter', 'ct-alice')['responseElements']?.['version'], 1);
    // Reads, and calls whose answer is content, record none.
    for (const [source, name] of [['secretsmanager', 'GetSecretValue'], ['ssm', 'GetParameter'], ['kms', 'Decrypt'], ['kms', 'GenerateDataKey'], ['dynamodb', 'DescribeTable']] as const) {
      const events = looked.filter((r) => r['eventSource'] === `${source}.amazonaws.com` && r['eventName'] === name && r['userIdentity']?.['userName'] === 'ct-alice');
      for (const event of events) assert.equal(event['responseElements'], null, `${source} ${name}`);
    }
    // A refused call records none either.
    for (const event of looked.filter((r) => r['errorCode'] !== undefined)) assert.equal(event['responseElements'], null, `${event['eventSource']} ${event['eventName']}`);
  });

  test('DynamoDB CreateTable, S3 CreateBucket, Logs CreateLogGroup are management events with what they name', () => {
    const table = managed('dynamodb', 'CreateTable', 'ct-alice');
    assert.equal(table['requestParameters']?.['tableName'], 'ct-table');
    assert.equal(table['managementEvent'], true);
    assert.equal(table['readOnly'], false);
    const bucket = managed('s3', 'CreateBucket', 'ct-alice');
    assert.deepEqual(bucket['requestParameters'], { bucketName: DATA_BUCKET, Host: new URL(env.server.url).host });
    const group = managed('logs', 'CreateLogGroup', 'ct-alice');
    assert.deepEqual(group['requestParameters'], { logGroupName: 'ct-group' });
    assert.equal(group['responseElements'], null);
    assert.equal(group['readOnly'], false);
    assert.equal(group['eventCategory'], 'Management');
  });

  test('awsRegion is the Region signed for, and LookupEvents shows a Region\'s events only', async () => {
    assert.ok(!looked.some((r) => r['requestParameters']?.['logGroupName'] === 'ct-group-eu'), 'the eu-west-1 call is not in us-east-1\'s history');
    const { events } = await lookupAll('Username', 'ct-alice', 'eu-west-1');
    const eu = events.map((e) => JSON.parse(e['CloudTrailEvent'])).filter((r: Rec) => r['eventName'] === 'CreateLogGroup');
    assert.equal(eu.length, 1);
    assert.equal(eu[0]['awsRegion'], 'eu-west-1');
    assert.deepEqual(eu[0]['requestParameters'], { logGroupName: 'ct-group-eu' });
  });

  test('data events — S3 objects, SQS SendMessage, SNS Publish, DynamoDB items, Lambda Invoke — are never in the event history', () => {
    const names = new Set(looked.map((r) => `${r['eventSource']}:${r['eventName']}`));
    for (const name of ['s3.amazonaws.com:PutObject', 's3.amazonaws.com:GetObject', 'sqs.amazonaws.com:SendMessage', 'sns.amazonaws.com:Publish',
      'dynamodb.amazonaws.com:PutItem', 'dynamodb.amazonaws.com:Query', 'dynamodb.amazonaws.com:BatchGetItem', 'lambda.amazonaws.com:Invoke']) {
      assert.ok(!names.has(name), `${name} in LookupEvents`);
    }
    // …and management events are, with LookupEvents' own fields filled from the record.
    const lookup = managed('kms', 'Encrypt', 'ct-session')['__lookup'];
    assert.equal(lookup.EventSource, 'kms.amazonaws.com');
    assert.equal(lookup.Username, 'ct-session');
    assert.equal(lookup.AccessKeyId, session.accessKeyId);
    assert.ok((lookup.Resources as Rec[]).some((r) => r['ResourceName'] === keyArn && r['ResourceType'] === 'AWS::KMS::Key'), JSON.stringify(lookup.Resources));
  });

  test('a trail with data selectors delivers S3 object events: Data, readOnly by operation, {bucketName, key, Host}, the object and its bucket', () => {
    const host = new URL(env.server.url).host;
    const put = data('s3', 'PutObject', 'ct-alice');
    const get = data('s3', 'GetObject', 'ct-alice');
    for (const record of [put, get]) {
      assert.equal(record['eventCategory'], 'Data');
      assert.equal(record['managementEvent'], false);
      assert.equal(record['eventType'], 'AwsApiCall');
      assert.equal(record['recipientAccountId'], account);
      assert.deepEqual(record['requestParameters'], { bucketName: DATA_BUCKET, Host: host, key: 'doc.txt' });
      const types = (record['resources'] as Rec[]).map((r) => `${r['type']} ${r['ARN']}`);
      assert.deepEqual(types, [`AWS::S3::Object arn:aws:s3:::${DATA_BUCKET}/doc.txt`, `AWS::S3::Bucket arn:aws:s3:::${DATA_BUCKET}`]);
    }
    assert.equal(put['readOnly'], false);
    assert.equal(get['readOnly'], true);
    // S3's data event records name the bucket owner on the bucket resource ("accountId" beside AWS::S3::Bucket).
    const bucket = (get['resources'] as Rec[]).find((r) => r['type'] === 'AWS::S3::Bucket')!;
    assert.equal(bucket['accountId'], account, 'the bucket resource of an S3 data event has the owner\'s accountId');
  });

  test('SQS SendMessage, SNS Publish and DynamoDB items are delivered as data events on their queue, topic and table', () => {
    const send = data('sqs', 'SendMessage', 'ct-alice');
    assert.equal(send['eventCategory'], 'Data');
    assert.equal(send['readOnly'], false);
    assert.equal(send['requestParameters']?.['queueUrl'], queueUrl);
    assert.ok(['HIDDEN_DUE_TO_SECURITY_REASONS', undefined].includes(send['requestParameters']?.['messageBody']));
    assert.ok((send['resources'] as Rec[]).some((r) => r['type'] === 'AWS::SQS::Queue' && r['ARN'] === `arn:aws:sqs:${REGION}:${account}:ct-queue` && r['accountId'] === account), JSON.stringify(send['resources']));
    const publish = data('sns', 'Publish', 'ct-alice');
    assert.equal(publish['eventCategory'], 'Data');
    assert.equal(publish['requestParameters']?.['topicArn'], topicArn);
    assert.ok((publish['resources'] as Rec[]).some((r) => r['type'] === 'AWS::SNS::Topic' && r['ARN'] === topicArn), JSON.stringify(publish['resources']));
    const put = data('dynamodb', 'PutItem', 'ct-alice');
    assert.equal(put['eventCategory'], 'Data');
    assert.equal(put['readOnly'], false);
    assert.equal(put['requestParameters']?.['tableName'], 'ct-table');
    assert.ok((put['resources'] as Rec[]).some((r) => r['type'] === 'AWS::DynamoDB::Table' && r['ARN'] === `arn:aws:dynamodb:${REGION}:${account}:table/ct-table`), JSON.stringify(put['resources']));
  });

  test('DynamoDB Query and BatchGetItem read and change nothing: readOnly true (a ReadOnly data selector must see them)', () => {
    const query = data('dynamodb', 'Query', 'ct-alice');
    const batch = data('dynamodb', 'BatchGetItem', 'ct-alice');
    assert.equal(query['eventCategory'], 'Data');
    assert.deepEqual([query['readOnly'], batch['readOnly']], [true, true]);
  });

  test('a refused Lambda Invoke is a data event named Invoke on the function, with Lambda\'s AccessDeniedException', () => {
    const invoke = data('lambda', 'Invoke', 'ct-nobody');
    assert.equal(invoke['eventCategory'], 'Data');
    assert.equal(invoke['managementEvent'], false);
    assert.equal(invoke['errorCode'], 'AccessDeniedException');
    assert.equal(invoke['errorMessage'], refusals['lambda-invoke']!.message);
    assert.ok((invoke['resources'] as Rec[]).some((r) => r['type'] === 'AWS::Lambda::Function' && r['ARN'] === `arn:aws:lambda:${REGION}:${account}:function:ct-fn`), JSON.stringify(invoke['resources']));
    const get = data('s3', 'GetObject', 'ct-nobody');
    assert.equal(get['errorCode'], 'AccessDenied');
    assert.equal(get['errorMessage'], refusals['s3']!.message);
  });

  test('refused management calls: each service\'s own error code, and the message the caller was answered', () => {
    const cases: Array<[string, string, string]> = [
      ['kms', 'Encrypt', 'AccessDeniedException'],
      ['secretsmanager', 'GetSecretValue', 'AccessDeniedException'],
      ['ssm', 'GetParameter', 'AccessDeniedException'],
      ['sqs', 'CreateQueue', 'AccessDenied'],
      ['sns', 'CreateTopic', 'AuthorizationError'],
      ['dynamodb', 'DescribeTable', 'AccessDeniedException'],
      ['logs', 'CreateLogGroup', 'AccessDeniedException'],
    ];
    for (const [service, name, code] of cases) {
      assert.equal(refusals[service]!.code, code, `${service}: the caller's answer`);
      const record = managed(service, name, 'ct-nobody');
      assert.equal(record['errorCode'], code, service);
      assert.equal(record['errorMessage'], refusals[service]!.message, service);
      assert.match(record['errorMessage'], /ct-nobody/, service);
      assert.equal(record['responseElements'], null, service);
      assert.equal(record['userIdentity'].type, 'IAMUser');
      assert.equal(record['userIdentity'].arn, nobody.arn);
    }
    // A refused call still names what it was about.
    assert.deepEqual(managed('secretsmanager', 'GetSecretValue', 'ct-nobody')['requestParameters'], { secretId: 'ct/db' });
    assert.deepEqual(managed('kms', 'Encrypt', 'ct-nobody')['resources'].map((r: Rec) => r['ARN']), [keyArn]);
    // Lambda's refused read, by its versioned name.
    const lambda = looked.find((r) => r['eventSource'] === 'lambda.amazonaws.com' && r['userIdentity']?.userName === 'ct-nobody');
    assert.ok(lambda);
    assert.equal(lambda['errorCode'], 'AccessDeniedException');
    assert.equal(lambda['errorMessage'], refusals['lambda']!.message);
  });

  test('no secret — secret value, parameter value, KMS plaintext, object body, message — in LookupEvents output or the trail\'s files', () => {
    assert.ok(looked.length > 20 && delivered.length > 20, `${looked.length} looked up, ${delivered.length} delivered`);
    for (const secret of SECRETS) {
      assert.ok(!lookupOutput.includes(secret), `LookupEvents shows ${secret}`);
      assert.ok(!deliveredText.includes(secret), `a trail file holds ${secret}`);
    }
  });
});
