import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { signRequest } from '../../src/sigv4/index.ts';
import { decodePath } from '../../src/gateway/upstream-http.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, xmlText, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * The gateway's OWN refusals of malformed requests, differentially: to authorize a request the
 * gateway reads which resource it targets (a TableName, a QueueUrl, a KeyId, a bucket, a
 * function in the path…). When that is missing or malformed, Tessera answers itself instead of
 * forwarding — and a client must then see the error the service itself would answer: the same
 * code and HTTP status, in the service's own protocol. Each request is sent both through
 * Tessera and straight to moto (signed the same way); Tessera's answer is held to AWS's
 * documented answer where it is known, else to moto's.
 */

type Protocol = 'json' | 'query' | 'rest-xml' | 'rest-json';

interface Raw { method?: string; path?: string; query?: string; headers?: Record<string, string>; body?: string }

interface Expected {
  /** AWS's code (several when AWS's documents leave which one open: each is one the service uses). */
  codes: readonly string[];
  status: number;
  /** Where AWS's answer is documented. */
  source: string;
}

interface Case {
  name: string;
  service: string;
  protocol: Protocol;
  raw: Raw;
  /**
   * AWS's documented answer; `moto` when Tessera forwards the request (it names its resource
   * well enough) and must answer exactly as its upstream; `none` when neither is known (only
   * the protocol and the absence of a 5xx are checked).
   */
  aws: Expected | 'moto' | 'none';
}

interface Answer { status: number; code: string; message: string; protocol: Protocol | 'unknown'; body: string }

const LONG = 'x'.repeat(2100);
const BUCKET = 'validation-differential';
/** Stands for the test account's ID in the cases (written before the account exists); replaced when sent. */
const ACCOUNT = '111122223333';

/** The error an answer carries, read as the given protocol writes its errors. */
function readError(res: RawResponse, expected: Protocol): Answer {
  const base = { status: res.status, body: res.body.slice(0, 400) };
  const type = res.headers['x-amzn-errortype'];
  if (expected === 'rest-json' && typeof type === 'string') {
    let message = '';
    try { message = String(JSON.parse(res.body).message ?? JSON.parse(res.body).Message ?? ''); } catch { /* not JSON */ }
    return { ...base, code: type.split(':')[0]!, message, protocol: 'rest-json' };
  }
  if (res.body.trimStart().startsWith('{')) {
    try {
      const body = JSON.parse(res.body);
      if (typeof body.__type === 'string') return { ...base, code: String(body.__type).split('#').pop()!, message: String(body.message ?? body.Message ?? ''), protocol: 'json' };
    } catch { /* not JSON */ }
  }
  if (res.body.includes('<ErrorResponse')) return { ...base, code: xmlText(res.body, 'Code') ?? '', message: xmlText(res.body, 'Message') ?? '', protocol: 'query' };
  if (res.body.includes('<Error>')) return { ...base, code: xmlText(res.body, 'Code') ?? '', message: xmlText(res.body, 'Message') ?? '', protocol: 'rest-xml' };
  return { ...base, code: '', message: '', protocol: 'unknown' };
}

/** The case's request with the test account's ID in place of ACCOUNT. */
function withAccount(raw: Raw, account: string): Raw {
  const put = (text: string | undefined) => text?.split(ACCOUNT).join(account);
  return { ...raw, ...(raw.path !== undefined ? { path: put(raw.path)! } : {}), ...(raw.query !== undefined ? { query: put(raw.query)! } : {}), ...(raw.body !== undefined ? { body: put(raw.body)! } : {}) };
}

const describeAnswer = (a: Answer) => `${a.status} ${a.code || '-'} (${a.protocol}) "${a.message.slice(0, 160)}"`;

describe('the gateway refuses malformed requests as the service itself does', () => {
  let env: GatewayEnv;
  let account: string;
  let user: Credentials;
  const upstream = { accessKeyId: 'test', secretAccessKey: 'test' };

  async function call(base: string, credentials: Credentials, service: string, raw: Raw, extraHeaders: Record<string, string> = {}): Promise<RawResponse> {
    const host = new URL(base).host;
    const path = raw.path ?? '/';
    const body = raw.body ?? '';
    const signed = signRequest(
      { method: raw.method ?? 'POST', path: service === 's3' ? decodePath(path) : path, query: raw.query ?? '', headers: { host, ...raw.headers, ...extraHeaders }, body },
      credentials,
      { region: 'us-east-1', service, date: new Date(), ...(service === 's3' ? { normalizePath: false, contentSha256Header: true } : {}) },
    );
    return sendRaw(base, { method: raw.method ?? 'POST', path, query: raw.query ?? '', headers: signed.headers as Record<string, string>, body });
  }

  const json = (target: string, body: unknown, version: string): Raw => ({
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const form = (params: Record<string, string>): Raw => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });

  const CASES: Case[] = [];
  const add = (c: Case) => CASES.push(c);

  // AWS's answers, with where they are documented (see the report of this sweep for the texts).
  const aws = (codes: string | readonly string[], status: number, source: string): Expected => ({ codes: typeof codes === 'string' ? [codes] : codes, status, source });
  // JSON 1.0/1.1 services (AWS's coral front end): a required member missing or out of its
  // length constraint — ValidationException "1 validation error detected: Value null at 'tableName'
  // failed to satisfy constraint: Member must not be null" (DynamoDB, KMS, Secrets Manager, SSM).
  const VALIDATION = aws('ValidationException', 400, 'AWS JSON services: "1 validation error detected: Value null at \'secretId\' failed to satisfy constraint: Member must not be null" (aws/aws-sdk-kotlin#1469)');
  // A body that is not JSON, not an object, or a member of the wrong JSON type: SerializationException
  // ("Start of list found where not expected", "Start of structure or map found where not expected",
  // "NUMBER_VALUE can not be converted to a String").
  const SERIALIZATION = aws('SerializationException', 400, 'AWS JSON services: com.amazon.coral.service#SerializationException "Start of list found where not expected" (rusoto/rusoto#658, aws/aws-sdk-js-v3#7102)');
  const UNKNOWN_TARGET = aws('UnknownOperationException', 400, 'AWS JSON protocol: an X-Amz-Target naming no operation');
  // CloudWatch Logs answers its validation errors as InvalidParameterException: "1 validation error
  // detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must
  // not be null"; "Value '' at 'logGroupName' failed to satisfy constraint: Member must have length
  // greater than or equal to 1" (amazon-archives/cloudwatch-logs-centralize-logs#5, aws/amazon-genomics-cli#430).
  const LOGS_INVALID = aws('InvalidParameterException', 400, 'CloudWatch Logs: InvalidParameterException "1 validation error detected: Value \'\' at \'logGroupName\' …" (aws/amazon-genomics-cli#430)');
  // SNS: InvalidParameter (400) "Invalid parameter: TopicArn Reason: An ARN must have at least 6
  // elements, not 1"; "Invalid parameter: TopicArn or TargetArn Reason: no value for required
  // parameter". SNS's model: InvalidParameterException is code InvalidParameter;
  // InvalidParameterValueException is ParameterValueInvalid — no SNS error is InvalidParameterValue.
  const SNS_INVALID = aws('InvalidParameter', 400, 'SNS: InvalidParameter "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1" (aws-samples/amazon-rekognition-video-analyzer#41; SNS model)');
  const SNS_MISSING = aws(['InvalidParameter', 'ValidationError'], 400, 'SNS: "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter" (SAP-archive/btp-aws1-opensap#5)');
  // Lambda: InvalidRequestContentException (400) "Could not parse request body into json: …" (its model; aws/aws-sdk-js#1876).
  const LAMBDA_CONTENT = aws('InvalidRequestContentException', 400, 'Lambda: InvalidRequestContentException "Could not parse request body into json" (aws/aws-sdk-js#1876)');
  const LAMBDA_VALIDATION = aws('ValidationException', 400, 'Lambda: ValidationException "1 validation error detected: Value … at \'functionName\' failed to satisfy constraint: Member must satisfy regular expression pattern"');
  const QUERY_UNKNOWN = aws('InvalidAction', 400, 'AWS Query APIs, Common Errors: InvalidAction 400');

  {
    const account = ACCOUNT;
    // ---------------- DynamoDB (JSON 1.0) ----------------
    const ddb = (name: string, target: string, body: unknown, expected: Case['aws']) => add({ name: `dynamodb: ${name}`, service: 'dynamodb', protocol: 'json', raw: json(`DynamoDB_20120810.${target}`, body, '1.0'), aws: expected });
    ddb('DescribeTable without TableName', 'DescribeTable', {}, VALIDATION);
    ddb('DescribeTable, TableName empty', 'DescribeTable', { TableName: '' }, VALIDATION);
    ddb('DescribeTable, TableName a number', 'DescribeTable', { TableName: 5 }, SERIALIZATION);
    ddb('DescribeTable, TableName a list', 'DescribeTable', { TableName: ['t'] }, SERIALIZATION);
    ddb('DescribeTable, TableName of 2100 characters (forwarded)', 'DescribeTable', { TableName: LONG }, 'moto');
    ddb('DescribeTable, TableName an SQS ARN', 'DescribeTable', { TableName: `arn:aws:sqs:us-east-1:${account}:q` }, VALIDATION);
    ddb('GetItem, body not JSON', 'GetItem', '{"TableName": ', SERIALIZATION);
    ddb('GetItem, body a JSON list', 'GetItem', '[]', SERIALIZATION);
    ddb('GetItem, body a JSON string', 'GetItem', '"TableName"', SERIALIZATION);
    ddb('GetItem, body empty', 'GetItem', '', aws(['ValidationException', 'SerializationException'], 400, 'an empty body: read as {} (TableName null) or refused as not JSON'));
    ddb('unknown X-Amz-Target operation', 'NoSuchOperation', {}, UNKNOWN_TARGET);

    // ---------------- SQS (JSON 1.0) ----------------
    const sqsj = (name: string, target: string, body: unknown, expected: Case['aws']) => add({ name: `sqs json: ${name}`, service: 'sqs', protocol: 'json', raw: json(`AmazonSQS.${target}`, body, '1.0'), aws: expected });
    const SQS_JSON_MISSING = aws(['ValidationException', 'MissingParameter'], 400, 'SQS JSON: a required member missing');
    const SQS_JSON_BAD_URL = aws(['ValidationException', 'InvalidAddress', 'QueueDoesNotExist', 'InvalidParameterValue'], 400, 'SQS: a queue URL naming no queue (InvalidAddress / QueueDoesNotExist)');
    sqsj('GetQueueAttributes without QueueUrl', 'GetQueueAttributes', {}, SQS_JSON_MISSING);
    sqsj('GetQueueAttributes, QueueUrl empty', 'GetQueueAttributes', { QueueUrl: '' }, SQS_JSON_BAD_URL);
    sqsj('GetQueueAttributes, QueueUrl a number', 'GetQueueAttributes', { QueueUrl: 5 }, SERIALIZATION);
    sqsj('GetQueueAttributes, QueueUrl a list', 'GetQueueAttributes', { QueueUrl: ['q'] }, SERIALIZATION);
    sqsj('GetQueueAttributes, QueueUrl of 2100 characters (forwarded)', 'GetQueueAttributes', { QueueUrl: `http://localhost/${account}/${LONG}` }, 'moto');
    sqsj('GetQueueAttributes, QueueUrl without a queue name', 'GetQueueAttributes', { QueueUrl: `http://localhost/${account}/` }, SQS_JSON_BAD_URL);
    sqsj('GetQueueAttributes, QueueUrl an SNS ARN', 'GetQueueAttributes', { QueueUrl: `arn:aws:sns:us-east-1:${account}:t` }, SQS_JSON_BAD_URL);
    sqsj('SendMessage, body not JSON', 'SendMessage', '{"QueueUrl": ', SERIALIZATION);
    sqsj('SendMessage, body a JSON list', 'SendMessage', '[]', SERIALIZATION);
    sqsj('SendMessage, body empty', 'SendMessage', '', aws(['ValidationException', 'MissingParameter', 'SerializationException'], 400, 'SQS JSON: an empty body'));
    sqsj('unknown X-Amz-Target operation', 'NoSuchOperation', {}, UNKNOWN_TARGET);

    // ---------------- SQS (Query) ----------------
    const sqsq = (name: string, params: Record<string, string>, expected: Case['aws']) => add({ name: `sqs query: ${name}`, service: 'sqs', protocol: 'query', raw: form({ Version: '2012-11-05', ...params }), aws: expected });
    const SQS_QUERY_BAD_URL = aws(['InvalidAddress', 'InvalidParameterValue', 'AWS.SimpleQueueService.NonExistentQueue'], 400, 'SQS Query: a queue URL naming no queue');
    sqsq('GetQueueAttributes without QueueUrl', { Action: 'GetQueueAttributes' }, aws('MissingParameter', 400, 'AWS Query APIs, Common Errors: MissingParameter 400 "A required parameter for the specified action is not supplied"'));
    sqsq('GetQueueAttributes, QueueUrl empty', { Action: 'GetQueueAttributes', QueueUrl: '' }, SQS_QUERY_BAD_URL);
    sqsq('GetQueueAttributes, QueueUrl of 2100 characters (forwarded)', { Action: 'GetQueueAttributes', QueueUrl: `http://localhost/${account}/${LONG}` }, 'moto');
    sqsq('GetQueueAttributes, QueueUrl without a queue name', { Action: 'GetQueueAttributes', QueueUrl: `http://localhost/${account}/` }, SQS_QUERY_BAD_URL);
    sqsq('GetQueueAttributes, QueueUrl an SNS ARN', { Action: 'GetQueueAttributes', QueueUrl: `arn:aws:sns:us-east-1:${account}:t` }, SQS_QUERY_BAD_URL);
    sqsq('unknown Action', { Action: 'NoSuchAction' }, QUERY_UNKNOWN);

    // ---------------- SNS (Query) ----------------
    const sns = (name: string, params: Record<string, string>, expected: Case['aws']) => add({ name: `sns: ${name}`, service: 'sns', protocol: 'query', raw: form({ Version: '2010-03-31', ...params }), aws: expected });
    sns('GetTopicAttributes without TopicArn', { Action: 'GetTopicAttributes' }, SNS_MISSING);
    sns('GetTopicAttributes, TopicArn empty', { Action: 'GetTopicAttributes', TopicArn: '' }, SNS_MISSING);
    sns('GetTopicAttributes, TopicArn of 2100 characters (forwarded)', { Action: 'GetTopicAttributes', TopicArn: `arn:aws:sns:us-east-1:${account}:${LONG}` }, 'moto');
    sns('GetTopicAttributes, TopicArn a bare name', { Action: 'GetTopicAttributes', TopicArn: 'topic' }, SNS_INVALID);
    sns('GetTopicAttributes, TopicArn an SQS ARN', { Action: 'GetTopicAttributes', TopicArn: `arn:aws:sqs:us-east-1:${account}:q` }, SNS_INVALID);
    sns('Publish without TopicArn or TargetArn or PhoneNumber', { Action: 'Publish', Message: 'm' }, SNS_INVALID);
    sns('unknown Action', { Action: 'NoSuchAction' }, QUERY_UNKNOWN);

    // ---------------- KMS (JSON 1.1) ----------------
    const kms = (name: string, target: string, body: unknown, expected: Case['aws']) => add({ name: `kms: ${name}`, service: 'kms', protocol: 'json', raw: json(`TrentService.${target}`, body, '1.1'), aws: expected });
    kms('DescribeKey without KeyId', 'DescribeKey', {}, VALIDATION);
    kms('DescribeKey, KeyId empty', 'DescribeKey', { KeyId: '' }, VALIDATION);
    kms('DescribeKey, KeyId a number', 'DescribeKey', { KeyId: 5 }, SERIALIZATION);
    kms('DescribeKey, KeyId a list', 'DescribeKey', { KeyId: ['k'] }, SERIALIZATION);
    kms('DescribeKey, KeyId of 2100 characters (forwarded)', 'DescribeKey', { KeyId: LONG }, 'moto');
    kms('DescribeKey, KeyId an alias name without alias/ (forwarded)', 'DescribeKey', { KeyId: 'my-key' }, aws('NotFoundException', 400, 'KMS: NotFoundException "Invalid keyId my-key"'));
    kms('DescribeKey, KeyId an SQS ARN', 'DescribeKey', { KeyId: `arn:aws:sqs:us-east-1:${account}:q` }, aws(['NotFoundException', 'ValidationException'], 400, 'KMS: a key id that is no key\'s ARN'));
    kms('Encrypt, body not JSON', 'Encrypt', '{"KeyId": ', SERIALIZATION);
    kms('Encrypt, body a JSON list', 'Encrypt', '[]', SERIALIZATION);
    kms('Encrypt, body empty', 'Encrypt', '', aws(['ValidationException', 'SerializationException'], 400, 'an empty body: read as {} (KeyId null) or refused as not JSON'));
    kms('unknown X-Amz-Target operation', 'NoSuchOperation', {}, UNKNOWN_TARGET);

    // ---------------- Secrets Manager (JSON 1.1) ----------------
    const sm = (name: string, target: string, body: unknown, expected: Case['aws']) => add({ name: `secretsmanager: ${name}`, service: 'secretsmanager', protocol: 'json', raw: json(`secretsmanager.${target}`, body, '1.1'), aws: expected });
    sm('GetSecretValue without SecretId', 'GetSecretValue', {}, VALIDATION);
    sm('GetSecretValue, SecretId empty', 'GetSecretValue', { SecretId: '' }, VALIDATION);
    sm('GetSecretValue, SecretId a number', 'GetSecretValue', { SecretId: 5 }, SERIALIZATION);
    sm('GetSecretValue, SecretId a list', 'GetSecretValue', { SecretId: ['s'] }, SERIALIZATION);
    sm('GetSecretValue, SecretId of 2100 characters (forwarded)', 'GetSecretValue', { SecretId: LONG }, 'moto');
    sm('GetSecretValue, SecretId an SQS ARN', 'GetSecretValue', { SecretId: `arn:aws:sqs:us-east-1:${account}:q` }, aws(['ValidationException', 'ResourceNotFoundException', 'InvalidParameterException'], 400, 'Secrets Manager: a SecretId that is no secret\'s ARN'));
    sm('GetSecretValue, body not JSON', 'GetSecretValue', '{"SecretId": ', SERIALIZATION);
    sm('GetSecretValue, body a JSON list', 'GetSecretValue', '[]', SERIALIZATION);
    sm('GetSecretValue, body empty', 'GetSecretValue', '', aws(['ValidationException', 'SerializationException'], 400, 'an empty body: read as {} (SecretId null) or refused as not JSON'));
    sm('unknown X-Amz-Target operation', 'NoSuchOperation', {}, UNKNOWN_TARGET);

    // ---------------- SSM (JSON 1.1) ----------------
    const ssm = (name: string, target: string, body: unknown, expected: Case['aws']) => add({ name: `ssm: ${name}`, service: 'ssm', protocol: 'json', raw: json(`AmazonSSM.${target}`, body, '1.1'), aws: expected });
    ssm('GetParameter without Name', 'GetParameter', {}, VALIDATION);
    ssm('GetParameter, Name empty', 'GetParameter', { Name: '' }, VALIDATION);
    ssm('GetParameter, Name a number', 'GetParameter', { Name: 5 }, SERIALIZATION);
    ssm('GetParameter, Name a list', 'GetParameter', { Name: ['p'] }, SERIALIZATION);
    ssm('GetParameter, Name of 2100 characters (forwarded)', 'GetParameter', { Name: LONG }, 'moto');
    ssm('GetParameter, Name an SQS ARN', 'GetParameter', { Name: `arn:aws:sqs:us-east-1:${account}:q` }, aws(['ValidationException', 'ParameterNotFound'], 400, 'SSM: a Name that is no parameter\'s ARN'));
    ssm('GetParameter, body not JSON', 'GetParameter', '{"Name": ', SERIALIZATION);
    ssm('GetParameter, body a JSON list', 'GetParameter', '[]', SERIALIZATION);
    ssm('GetParameter, body empty', 'GetParameter', '', aws(['ValidationException', 'SerializationException'], 400, 'an empty body: read as {} (Name null) or refused as not JSON'));
    ssm('unknown X-Amz-Target operation', 'NoSuchOperation', {}, UNKNOWN_TARGET);

    // ---------------- CloudWatch Logs (JSON 1.1) ----------------
    const logs = (name: string, target: string, body: unknown, expected: Case['aws']) => add({ name: `logs: ${name}`, service: 'logs', protocol: 'json', raw: json(`Logs_20140328.${target}`, body, '1.1'), aws: expected });
    logs('CreateLogGroup without logGroupName', 'CreateLogGroup', {}, LOGS_INVALID);
    logs('CreateLogGroup, logGroupName empty', 'CreateLogGroup', { logGroupName: '' }, LOGS_INVALID);
    logs('CreateLogGroup, logGroupName a number', 'CreateLogGroup', { logGroupName: 5 }, SERIALIZATION);
    logs('CreateLogGroup, logGroupName a list', 'CreateLogGroup', { logGroupName: ['g'] }, SERIALIZATION);
    logs('CreateLogGroup, logGroupName of 2100 characters (forwarded)', 'CreateLogGroup', { logGroupName: LONG }, LOGS_INVALID);
    logs('DescribeLogStreams without logGroupName or logGroupIdentifier', 'DescribeLogStreams', {}, LOGS_INVALID);
    logs('DescribeLogStreams, logGroupIdentifier an SQS ARN', 'DescribeLogStreams', { logGroupIdentifier: `arn:aws:sqs:us-east-1:${account}:q` }, LOGS_INVALID);
    logs('CreateLogGroup, body not JSON', 'CreateLogGroup', '{"logGroupName": ', SERIALIZATION);
    logs('CreateLogGroup, body a JSON list', 'CreateLogGroup', '[]', SERIALIZATION);
    logs('CreateLogGroup, body empty', 'CreateLogGroup', '', aws(['InvalidParameterException', 'SerializationException'], 400, 'an empty body: read as {} (logGroupName null) or refused as not JSON'));
    logs('unknown X-Amz-Target operation', 'NoSuchOperation', {}, UNKNOWN_TARGET);

    // ---------------- Lambda (REST-JSON) ----------------
    const lambda = (name: string, raw: Raw, expected: Case['aws']) => add({ name: `lambda: ${name}`, service: 'lambda', protocol: 'rest-json', raw, aws: expected });
    const create = (body: string): Raw => ({ method: 'POST', path: '/2015-03-31/functions', headers: { 'content-type': 'application/json' }, body });
    const fn = (extra: Record<string, unknown>) => JSON.stringify({ Runtime: 'python3.12', Role: `arn:aws:iam::${account}:role/r`, Handler: 'h', Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' }, ...extra });
    lambda('GetFunction, FunctionName of 2100 characters (forwarded)', { method: 'GET', path: `/2015-03-31/functions/${LONG}` }, 'moto');
    lambda('GetFunction, FunctionName an SQS ARN', { method: 'GET', path: `/2015-03-31/functions/${encodeURIComponent(`arn:aws:sqs:us-east-1:${account}:q`)}` }, LAMBDA_VALIDATION);
    lambda('GetFunction, FunctionName with a space (forwarded)', { method: 'GET', path: '/2015-03-31/functions/bad%20name' }, 'moto');
    lambda('Invoke, FunctionName empty (a path with no name)', { method: 'POST', path: '/2015-03-31/functions//invocations', headers: { 'content-type': 'application/json' }, body: '{}' }, 'none');
    lambda('CreateFunction, body not JSON', create('{"FunctionName": '), LAMBDA_CONTENT);
    lambda('CreateFunction, body a JSON list', create('[]'), LAMBDA_CONTENT);
    lambda('CreateFunction, body empty', create(''), aws(['ValidationException', 'InvalidRequestContentException'], 400, 'Lambda: an empty body'));
    lambda('CreateFunction without FunctionName', create(fn({})), LAMBDA_VALIDATION);
    lambda('CreateFunction, FunctionName a number', create(fn({ FunctionName: 5 })), aws(['InvalidRequestContentException', 'ValidationException'], 400, 'Lambda: a member of the wrong JSON type'));
    lambda('CreateFunction, FunctionName a list', create(fn({ FunctionName: ['f'] })), LAMBDA_CONTENT);
    lambda('unknown path', { method: 'GET', path: '/2015-03-31/no-such-thing' }, 'none');

    // ---------------- S3 (REST-XML) ----------------
    const s3 = (name: string, raw: Raw, expected: Case['aws']) => add({ name: `s3: ${name}`, service: 's3', protocol: 'rest-xml', raw, aws: expected });
    s3('ListObjects, bucket name of 2 characters (forwarded)', { method: 'GET', path: '/ab' }, 'moto');
    s3('ListObjects, bucket name of 64 characters (forwarded)', { method: 'GET', path: `/${'b'.repeat(64)}` }, 'moto');
    s3('ListObjects, bucket name with upper case (forwarded)', { method: 'GET', path: '/Bad_Bucket' }, 'moto');
    s3('PutObject, key of 1025 bytes (forwarded)', { method: 'PUT', path: `/${BUCKET}/${'k'.repeat(1025)}`, body: 'x' }, 'moto');
    const notXml = 'not xml';
    s3('DeleteObjects, body not XML', { method: 'POST', path: `/${BUCKET}`, query: 'delete=', headers: { 'content-md5': createHash('md5').update(notXml).digest('base64') }, body: notXml },
      aws('MalformedXML', 400, 'S3 Error Responses: MalformedXML 400 "The XML you provided was not well-formed or did not validate against our published schema"'));
  }

  const results: string[] = [];

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    user = await env.user('all', [allow('*')]);
    const made = await call(env.moto.url, upstream, 's3', { method: 'PUT', path: `/${BUCKET}` }, { 'x-moto-account-id': account });
    assert.equal(made.status, 200, made.body);
  });
  after(async () => {
    if (results.length > 0) console.log(results.join('\n'));
    await env?.stop();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const raw = withAccount(c.raw, account);
      const tessera = readError(await call(env.server.url, user, c.service, raw), c.protocol);
      const moto = readError(await call(env.moto.url, upstream, c.service, raw, { 'x-moto-account-id': account }), c.protocol);
      const reference = c.aws === 'moto' ? { codes: [moto.code], status: moto.status, source: 'moto (forwarded)' } : c.aws === 'none' ? undefined : c.aws;
      results.push(`${c.name}\n  tessera: ${describeAnswer(tessera)}\n  moto:    ${describeAnswer(moto)}${reference && c.aws !== 'moto' ? `\n  aws:     ${reference.status} ${reference.codes.join(' | ')} (${reference.source})` : ''}`);
      const problems: string[] = [];
      // A forwarded request answers what its upstream answered (moto's 5xx included): Tessera's own answers never are 5xx.
      if (tessera.status >= 500 && !(c.aws === 'moto' && moto.status >= 500)) problems.push('a 5xx');
      if (tessera.protocol !== c.protocol && !(c.aws === 'moto' && moto.protocol !== c.protocol)) problems.push(`protocol ${tessera.protocol}, not ${c.protocol}`);
      if (reference !== undefined && !reference.codes.includes(tessera.code)) problems.push(`code ${tessera.code || '-'}, not ${reference.codes.join(' | ')}`);
      if (reference !== undefined && tessera.status !== reference.status) problems.push(`status ${tessera.status}, not ${reference.status}`);
      assert.deepEqual(problems, [], `tessera ${describeAnswer(tessera)}; moto ${describeAnswer(moto)}${reference ? `; reference ${reference.status} ${reference.codes.join(' | ')} (${reference.source})` : ''}`);
    });
  }
});
