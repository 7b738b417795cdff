// Authentication failures in front of every protected service: each refusal must be the
// service's own answer (code, HTTP status, message; for the JSON services the __type and, where
// the service is Query-compatible, x-amzn-query-error), and no refused request may reach the
// upstream. Requests are built and signed by hand (src/sigv4 signRequest) so each can be broken
// in one precise way. A recording proxy sits between Tessera and moto_server and counts what is
// forwarded.
//
// AWS's answers asserted here, and where they were found (public issue threads quoting AWS):
//  - S3 clock skew: RequestTimeTooSkewed 403 "The difference between the request time and the
//    current time is too large." with <RequestTime>, <ServerTime>, <MaxAllowedSkewMilliseconds>900000
//    (aws/aws-sdk-php#612, versity/versitygw#1514, JuliaCloud/AWS.jl#598).
//  - JSON services' clock skew: InvalidSignatureException 400 "Signature expired: A is now earlier
//    than B (C - N min.)"; N is 15 for DynamoDB (aws/aws-sdk-js#254, sebdah/dynamic-dynamodb#118)
//    and 5 for SSM (middyjs/middy#1123, aws/aws-sdk-net#1506), Lambda (pulumi/pulumi-aws#55) and
//    Secrets Manager (boto/botocore#3587).
//  - S3 malformed session token: InvalidToken 400 "The provided token is malformed or otherwise
//    invalid." (prachiFam/amazon_s3_cognito#3, s3tools/s3cmd#297, treeverse/dvc-s3#25).
//  - S3 credential date other than X-Amz-Date's: AuthorizationHeaderMalformed 400 "The
//    authorization header is malformed; Invalid credential date. Date is not the same as
//    X-Amz-Date." (ml-archive/storage#68, arqbackup/arq_restore#48).
//  - S3 Authorization without SignedHeaders: AuthorizationHeaderMalformed 400 "The authorization
//    header is malformed; the authorization header requires three components: Credential,
//    SignedHeaders, and Signature." (ex-aws/ex_aws#537, robmcvey/cakephp-amazon-s3#15).
//  - S3 without X-Amz-Date or Date: AccessDenied 403 "AWS authentication requires a valid Date or
//    x-amz-date header" (hubrick/vertx-s3-client#5, indix/gocd-s3-artifacts#16).
//  - JSON services' incomplete Authorization header: IncompleteSignatureException 400
//    (architect/dynalite#28 quoting DynamoDB, iann0036/cloud9-sync#10,
//    awslabs/fhir-works-on-aws-deployment#379).
//  - S3 presigned X-Amz-Expires over a week: AuthorizationQueryParametersError 400 "X-Amz-Expires
//    must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than
//    604800 seconds" (bryanjos/aws_auth#31, aws/aws-cli#5464).
// Where no evidence was found, only what must hold anyway is asserted: a 4xx, nothing forwarded,
// no stack trace.

import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DeleteAccessKeyCommand, DeleteUserCommand, DeleteUserPolicyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { canonicalRequest, credentialScope, deriveSigningKey, formatAmzDate, signature, signRequest, stringToSign, UNSIGNED_PAYLOAD } from '../../src/sigv4/index.ts';
import { allow, motoS3, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

type Creds = Credentials & { sessionToken?: string };
interface Req { method: string; path: string; query: string; headers: Record<string, string>; body: string }
interface Answer { status: number; code: string; message: string; body: string; headers: IncomingMessage['headers']; queryError?: string }

// ---------------------------------------------------------------------------------------------
// An upstream that counts what reaches it, forwarding to moto.

interface Recorder { url: string; count: number; target: string; server: Server }

function startRecorder(): Promise<Recorder> {
  const recorder: Recorder = { url: '', count: 0, target: '', server: undefined as unknown as Server };
  recorder.server = createServer((req, res) => {
    recorder.count += 1;
    const target = new URL(recorder.target);
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => { res.statusCode = 502; res.end(); });
    req.pipe(upstream);
  });
  return new Promise((resolve) => recorder.server.listen(0, '127.0.0.1', () => {
    recorder.url = `http://127.0.0.1:${(recorder.server.address() as AddressInfo).port}`;
    resolve(recorder);
  }));
}

// ---------------------------------------------------------------------------------------------
// One well-formed request per protected service (writes where moto makes them cheap, so that a
// forwarded one would leave a trace).

type Protocol = 'rest-xml' | 'query' | 'json' | 'rest-json' | 'ec2';
interface Target { service: string; protocol: Protocol; build(host: string): Req }

const form = (params: Record<string, string>) => (host: string): Req => ({
  method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString(),
});
const json = (target: string, version: string, payload: object) => (host: string): Req => ({
  method: 'POST', path: '/', query: '', headers: { host, 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body: JSON.stringify(payload),
});

const TARGETS: Readonly<Record<string, Target>> = {
  s3: { service: 's3', protocol: 'rest-xml', build: (host) => ({ method: 'PUT', path: '/sweep-auth-bucket', query: '', headers: { host }, body: '' }) },
  'sqs-query': { service: 'sqs', protocol: 'query', build: form({ Action: 'CreateQueue', QueueName: 'sweep-auth', Version: '2012-11-05' }) },
  'sqs-json': { service: 'sqs', protocol: 'json', build: json('AmazonSQS.CreateQueue', '1.0', { QueueName: 'sweep-auth-json' }) },
  sns: { service: 'sns', protocol: 'query', build: form({ Action: 'CreateTopic', Name: 'sweep-auth', Version: '2010-03-31' }) },
  dynamodb: {
    service: 'dynamodb', protocol: 'json',
    build: json('DynamoDB_20120810.CreateTable', '1.0', {
      TableName: 'sweep-auth', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  },
  kms: { service: 'kms', protocol: 'json', build: json('TrentService.CreateKey', '1.1', { Description: 'sweep-auth' }) },
  lambda: { service: 'lambda', protocol: 'rest-json', build: (host) => ({ method: 'GET', path: '/2015-03-31/functions/', query: '', headers: { host }, body: '' }) },
  secretsmanager: { service: 'secretsmanager', protocol: 'json', build: json('secretsmanager.CreateSecret', '1.1', { Name: 'sweep-auth', SecretString: 'x' }) },
  ssm: { service: 'ssm', protocol: 'json', build: json('AmazonSSM.PutParameter', '1.1', { Name: '/sweep-auth', Value: 'v', Type: 'String' }) },
  logs: { service: 'logs', protocol: 'json', build: json('Logs_20140328.CreateLogGroup', '1.1', { logGroupName: 'sweep-auth' }) },
  'monitoring-query': { service: 'monitoring', protocol: 'query', build: form({ Action: 'PutDashboard', DashboardName: 'sweep-auth', DashboardBody: '{"widgets":[]}', Version: '2010-08-01' }) },
  'monitoring-json': { service: 'monitoring', protocol: 'json', build: json('GraniteServiceVersion20100801.PutDashboard', '1.0', { DashboardName: 'sweep-auth-json', DashboardBody: '{"widgets":[]}' }) },
  ec2: { service: 'ec2', protocol: 'ec2', build: form({ Action: 'CreateKeyPair', KeyName: 'sweep-auth', Version: '2016-11-15' }) },
};

const NAMES = Object.keys(TARGETS);
/** The JSON 1.0/1.1 services that are not Query-compatible. */
const PLAIN_JSON = ['dynamodb', 'kms', 'secretsmanager', 'ssm', 'logs'];
const QUERY = ['sqs-query', 'sns', 'monitoring-query'];
const QUERY_COMPATIBLE_JSON = ['sqs-json', 'monitoring-json'];

// ---------------------------------------------------------------------------------------------

function sendRaw(baseUrl: string, req: Req): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = request({ host: url.hostname, port: url.port, method: req.method, path: req.path + (req.query ? `?${req.query}` : ''), headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

function xml(body: string, element: string): string | undefined {
  return new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(body)?.[1];
}

function readAnswer(protocol: Protocol, res: { status: number; headers: IncomingMessage['headers']; body: string }): Answer {
  const base = { status: res.status, body: res.body, headers: res.headers };
  const queryError = typeof res.headers['x-amzn-query-error'] === 'string' ? res.headers['x-amzn-query-error'] : undefined;
  if (protocol === 'json' || protocol === 'rest-json') {
    let parsed: Record<string, unknown> = {};
    try { parsed = JSON.parse(res.body) as Record<string, unknown>; } catch { /* not JSON */ }
    const typeHeader = typeof res.headers['x-amzn-errortype'] === 'string' ? res.headers['x-amzn-errortype'] : undefined;
    const type = protocol === 'rest-json' ? (typeHeader ?? '') : String(parsed['__type'] ?? '');
    const code = type.split(':')[0]!.split('#').pop()!;
    return { ...base, code, message: String(parsed['message'] ?? parsed['Message'] ?? ''), ...(queryError ? { queryError } : {}) };
  }
  return { ...base, code: xml(res.body, 'Code') ?? '', message: xml(res.body, 'Message') ?? '' };
}

describe('gateway: authentication failures in each service\'s words, never forwarded', () => {
  let env: GatewayEnv;
  let recorder: Recorder;
  let host: string;
  let active: Creds & { arn: string };
  let inactive: Creds;
  let deleted: Creds;
  let session: Creds;

  before(async () => {
    recorder = await startRecorder();
    env = await startGatewayEnv({ upstreams: new Map(), fallbackUpstream: new URL(recorder.url) });
    recorder.target = env.moto.url;
    host = new URL(env.server.url).host;
    const iam = env.server.iam(env.server.root);
    active = await env.user('auth-sweep-active', [allow('*')]);
    inactive = await env.user('auth-sweep-inactive', [allow('*')]);
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'auth-sweep-inactive', AccessKeyId: inactive.accessKeyId, Status: 'Inactive' }));
    deleted = await env.user('auth-sweep-deleted', [allow('*')]);
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'auth-sweep-deleted', AccessKeyId: deleted.accessKeyId }));
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'auth-sweep-deleted', PolicyName: 'p0' }));
    await iam.send(new DeleteUserCommand({ UserName: 'auth-sweep-deleted' }));
    const issued = await env.server.sts(active).send(new GetSessionTokenCommand({}));
    session = { accessKeyId: issued.Credentials!.AccessKeyId!, secretAccessKey: issued.Credentials!.SecretAccessKey!, sessionToken: issued.Credentials!.SessionToken! };
  });
  after(async () => {
    await env?.stop();
    await new Promise((resolve) => recorder?.server.close(resolve));
  });

  function signed(name: string, credentials: Creds, options: { date?: Date; service?: string; region?: string } = {}): Req {
    const target = TARGETS[name]!;
    return signRequest(target.build(host), credentials, {
      region: options.region ?? 'us-east-1', service: options.service ?? target.service, date: options.date ?? new Date(),
      contentSha256Header: (options.service ?? target.service) === 's3',
    }) as Req;
  }

  /** Sends a request that must be refused: a 4xx, nothing forwarded, no stack trace. */
  async function refused(name: string, req: Req, protocol: Protocol = TARGETS[name]!.protocol): Promise<Answer> {
    const before = recorder.count;
    const res = await sendRaw(env.server.url, req);
    const answer = readAnswer(protocol, res);
    const where = `${name}: ${res.status} ${res.body.slice(0, 300)}`;
    assert.equal(recorder.count, before, `${where} — the request reached the upstream`);
    assert.ok(res.status >= 400 && res.status < 500, `${where} — not a 4xx`);
    assert.doesNotMatch(res.body, /\n\s+at [^\n]+\(|node:internal|Traceback/, `${where} — a stack trace`);
    return answer;
  }

  /** Compares each service's answer with what is expected of it, reporting every difference at once. */
  function expectAll(found: Record<string, Partial<Answer> & { messagePattern?: RegExp }>, expected: Record<string, { code?: string; status?: number; message?: string; messagePattern?: RegExp; queryError?: string }>): void {
    const differences: string[] = [];
    for (const [name, want] of Object.entries(expected)) {
      const got = found[name];
      if (!got) { differences.push(`${name}: no answer`); continue; }
      if (want.code !== undefined && got.code !== want.code) differences.push(`${name}: code ${got.code}, expected ${want.code}`);
      if (want.status !== undefined && got.status !== want.status) differences.push(`${name}: status ${got.status}, expected ${want.status}`);
      if (want.message !== undefined && got.message !== want.message) differences.push(`${name}: message '${got.message}', expected '${want.message}'`);
      if (want.messagePattern !== undefined && !want.messagePattern.test(got.message ?? '')) differences.push(`${name}: message '${got.message}' does not match ${want.messagePattern}`);
      if (want.queryError !== undefined && got.queryError !== want.queryError) differences.push(`${name}: x-amzn-query-error ${got.queryError}, expected ${want.queryError}`);
    }
    assert.deepEqual(differences, []);
  }

  async function sweep(build: (name: string) => Req, names: readonly string[] = NAMES): Promise<Record<string, Answer>> {
    const found: Record<string, Answer> = {};
    for (const name of names) found[name] = await refused(name, build(name));
    return found;
  }

  const INVALID_TOKEN = 'The security token included in the request is invalid.';
  const unknownKey = () => ({
    s3: { code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
    ...Object.fromEntries(PLAIN_JSON.map((n) => [n, { code: 'UnrecognizedClientException', status: 400, message: INVALID_TOKEN }])),
    lambda: { code: 'UnrecognizedClientException', message: INVALID_TOKEN },
    ...Object.fromEntries(QUERY.map((n) => [n, { code: 'InvalidClientTokenId', status: 403, message: INVALID_TOKEN }])),
    ...Object.fromEntries(QUERY_COMPATIBLE_JSON.map((n) => [n, { code: 'UnrecognizedClientException', message: INVALID_TOKEN, queryError: 'InvalidClientTokenId;Sender' }])),
    ec2: { code: 'AuthFailure', status: 401 },
  });

  test('sanity: well-signed requests of the same shapes are forwarded and served', async () => {
    const wellFormed: Record<string, { service: string; req: Req }> = {
      s3: { service: 's3', req: { method: 'PUT', path: '/sweep-auth-sanity', query: '', headers: { host }, body: '' } },
      'sqs-query': { service: 'sqs', req: form({ Action: 'CreateQueue', QueueName: 'sweep-auth-sanity', Version: '2012-11-05' })(host) },
      dynamodb: { service: 'dynamodb', req: json('DynamoDB_20120810.ListTables', '1.0', {})(host) },
      lambda: { service: 'lambda', req: TARGETS['lambda']!.build(host) },
      ssm: { service: 'ssm', req: json('AmazonSSM.DescribeParameters', '1.1', {})(host) },
    };
    for (const [name, { service, req }] of Object.entries(wellFormed)) {
      const before = recorder.count;
      const res = await sendRaw(env.server.url, signRequest(req, active, { region: 'us-east-1', service, date: new Date(), contentSha256Header: service === 's3' }) as Req);
      assert.equal(res.status, 200, `${name}: ${res.body.slice(0, 300)}`);
      assert.ok(recorder.count > before, `${name}: not forwarded`);
    }
  });

  test('clock skew (X-Amz-Date 20 minutes ago): S3 RequestTimeTooSkewed, JSON InvalidSignatureException with each service\'s window, Query SignatureDoesNotMatch', async () => {
    const date = new Date(Date.now() - 20 * 60_000);
    const amzDate = formatAmzDate(date);
    const found = await sweep((name) => signed(name, active, { date }));
    const expired = (minutes: number) => new RegExp(`^Signature expired: ${amzDate} is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - ${minutes} min\\.\\)$`);
    expectAll(found, {
      s3: { code: 'RequestTimeTooSkewed', status: 403, message: 'The difference between the request time and the current time is too large.' },
      dynamodb: { code: 'InvalidSignatureException', status: 400, messagePattern: expired(15) },
      ssm: { code: 'InvalidSignatureException', status: 400, messagePattern: expired(5) },
      secretsmanager: { code: 'InvalidSignatureException', status: 400, messagePattern: expired(5) },
      lambda: { code: 'InvalidSignatureException', messagePattern: expired(5) },
      kms: { code: 'InvalidSignatureException', status: 400, messagePattern: /^Signature expired: / },
      logs: { code: 'InvalidSignatureException', status: 400, messagePattern: /^Signature expired: / },
      ...Object.fromEntries(QUERY.map((n) => [n, { code: 'SignatureDoesNotMatch', status: 403, messagePattern: /^Signature expired: / }])),
      ...Object.fromEntries(QUERY_COMPATIBLE_JSON.map((n) => [n, { code: 'InvalidSignatureException', messagePattern: /^Signature expired: /, queryError: 'SignatureDoesNotMatch;Sender' }])),
    });
    // S3's answer names the request's time, its own, and the window.
    const s3 = found['s3']!;
    assert.equal(xml(s3.body, 'RequestTime'), amzDate, s3.body);
    assert.match(xml(s3.body, 'ServerTime') ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, s3.body);
    assert.equal(xml(s3.body, 'MaxAllowedSkewMilliseconds'), '900000', s3.body);
  });

  test('clock skew of 10 minutes: SSM, Lambda and Secrets Manager allow 5 minutes, so the request is refused and not forwarded', async () => {
    const date = new Date(Date.now() - 10 * 60_000);
    const found = await sweep((name) => signed(name, active, { date }), ['ssm', 'lambda', 'secretsmanager']);
    const expired = new RegExp(`^Signature expired: ${formatAmzDate(date)} is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 5 min\\.\\)$`);
    expectAll(found, {
      ssm: { code: 'InvalidSignatureException', status: 400, messagePattern: expired },
      secretsmanager: { code: 'InvalidSignatureException', status: 400, messagePattern: expired },
      lambda: { code: 'InvalidSignatureException', messagePattern: expired },
    });
  });

  test('a request dated 20 minutes ahead is refused everywhere ("Signature not yet current" outside S3)', async () => {
    const found = await sweep((name) => signed(name, active, { date: new Date(Date.now() + 20 * 60_000) }));
    expectAll(found, {
      s3: { code: 'RequestTimeTooSkewed', status: 403, message: 'The difference between the request time and the current time is too large.' },
      ...Object.fromEntries(PLAIN_JSON.map((n) => [n, { code: 'InvalidSignatureException', status: 400, messagePattern: /^Signature not yet current: / }])),
      ...Object.fromEntries(QUERY.map((n) => [n, { code: 'SignatureDoesNotMatch', status: 403, messagePattern: /^Signature not yet current: / }])),
    });
  });

  test('a garbage X-Amz-Security-Token with a temporary (ASIA) key: S3 InvalidToken 400, JSON UnrecognizedClientException, Query InvalidClientTokenId', async () => {
    assert.match(session.accessKeyId, /^ASIA/);
    const found = await sweep((name) => signed(name, { ...session, sessionToken: 'AQoDYXdzEJr-this-is-not-a-session-token' }));
    expectAll(found, {
      ...unknownKey(),
      s3: { code: 'InvalidToken', status: 400, message: 'The provided token is malformed or otherwise invalid.' },
    });
  });

  test('a temporary (ASIA) key sent without its session token is refused as an unknown key', async () => {
    const { sessionToken: _dropped, ...bare } = session;
    const found = await sweep((name) => signed(name, bare));
    const expected: Record<string, object> = unknownKey();
    delete expected['s3']; // S3's exact answer to this was not found: only refused, not forwarded.
    expectAll(found, expected);
  });

  test('an inactive access key is refused as an unknown key in every service', async () => {
    expectAll(await sweep((name) => signed(name, inactive)), unknownKey());
  });

  test('a deleted user\'s access key is refused as an unknown key in every service', async () => {
    expectAll(await sweep((name) => signed(name, deleted)), unknownKey());
  });

  test('a credential scope naming another service is refused, never forwarded (an S3 request signed for sqs, the others signed for kms): a 4xx, not a 5xx', async () => {
    // Signed for SQS, sent to an S3 path (CreateBucket): the scope routes it to SQS, which has no such
    // operation; the Query APIs' Common Errors answer an unknown action InvalidAction 400, a client error.
    const failures: string[] = [];
    const attempt = async (label: string, req: Req, protocol: Protocol) => {
      try { await refused(label, req, protocol); } catch (err) { failures.push((err as Error).message.split('\n')[0]!); }
    };
    await attempt('s3 signed as sqs', signed('s3', active, { service: 'sqs' }), 'query');
    for (const name of NAMES.filter((n) => n !== 's3')) {
      // (Signed for s3, these are S3 requests Tessera may serve or refuse as S3 does: not swept here.)
      if (name !== 'kms') await attempt(`${name} signed as kms`, signed(name, active, { service: 'kms' }), 'json');
    }
    assert.deepEqual(failures, []);
  });

  test('a credential scope date other than X-Amz-Date\'s: S3 AuthorizationHeaderMalformed 400; the others refuse the signature', async () => {
    const found = await sweep((name) => {
      const req = signed(name, active);
      req.headers['Authorization'] = req.headers['Authorization']!.replace(/(Credential=[^/]+\/)\d{8}/, '$120200101');
      return req;
    });
    expectAll(found, {
      s3: { code: 'AuthorizationHeaderMalformed', status: 400, message: 'The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.' },
      ...Object.fromEntries(PLAIN_JSON.map((n) => [n, { code: 'InvalidSignatureException', status: 400 }])),
      ...Object.fromEntries(QUERY.map((n) => [n, { code: 'SignatureDoesNotMatch', status: 403 }])),
    });
  });

  test('no X-Amz-Date and no Date header: S3 AccessDenied 403, JSON IncompleteSignatureException 400, Query IncompleteSignature 400', async () => {
    const found = await sweep((name) => {
      const req = signed(name, active);
      delete req.headers['X-Amz-Date'];
      return req;
    });
    expectAll(found, {
      s3: { code: 'AccessDenied', status: 403, message: 'AWS authentication requires a valid Date or x-amz-date header' },
      ...Object.fromEntries(PLAIN_JSON.map((n) => [n, { code: 'IncompleteSignatureException', status: 400 }])),
      lambda: { code: 'IncompleteSignatureException' },
      ...Object.fromEntries(QUERY.map((n) => [n, { code: 'IncompleteSignature', status: 400 }])),
      ...Object.fromEntries(QUERY_COMPATIBLE_JSON.map((n) => [n, { code: 'IncompleteSignatureException', queryError: 'IncompleteSignature;Sender' }])),
    });
  });

  test('an Authorization header without SignedHeaders: S3 AuthorizationHeaderMalformed 400, JSON IncompleteSignatureException 400', async () => {
    const found = await sweep((name) => {
      const req = signed(name, active);
      req.headers['Authorization'] = req.headers['Authorization']!.replace(/SignedHeaders=[^,]*, /, '');
      return req;
    });
    expectAll(found, {
      s3: { code: 'AuthorizationHeaderMalformed', status: 400, message: 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.' },
      ...Object.fromEntries(PLAIN_JSON.map((n) => [n, { code: 'IncompleteSignatureException', status: 400, messagePattern: /^Authorization header requires 'SignedHeaders' parameter\. Authorization=AWS4-HMAC-SHA256 / }])),
      lambda: { code: 'IncompleteSignatureException' },
      ...Object.fromEntries(QUERY.map((n) => [n, { code: 'IncompleteSignature', status: 400 }])),
      ...Object.fromEntries(QUERY_COMPATIBLE_JSON.map((n) => [n, { code: 'IncompleteSignatureException', queryError: 'IncompleteSignature;Sender' }])),
    });
  });

  test('an Authorization header with an unsupported algorithm: JSON IncompleteSignatureException 400; refused everywhere', async () => {
    const found = await sweep((name) => {
      const req = signed(name, active);
      req.headers['Authorization'] = req.headers['Authorization']!.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512');
      return req;
    });
    expectAll(found, {
      ...Object.fromEntries(PLAIN_JSON.map((n) => [n, { code: 'IncompleteSignatureException', status: 400 }])),
      lambda: { code: 'IncompleteSignatureException' },
      ...Object.fromEntries(QUERY.map((n) => [n, { code: 'IncompleteSignature', status: 400 }])),
    });
  });

  // -------------------------------------------------------------------------------------------
  // S3 presigned URLs with a bad X-Amz-Expires, each correctly signed over what it carries.

  function presign(credentials: Creds, expires: string | undefined, path = '/sweep-auth-presigned'): Req {
    const date = new Date();
    const amzDate = formatAmzDate(date);
    const scope = credentialScope(amzDate.slice(0, 8), 'us-east-1', 's3');
    const parameters: [string, string][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`], ['X-Amz-Date', amzDate],
      ...(expires !== undefined ? [['X-Amz-Expires', expires] as [string, string]] : []), ['X-Amz-SignedHeaders', 'host'],
    ];
    const query = parameters.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    const headers = { host };
    const canonical = canonicalRequest({ method: 'PUT', path, query, headers, signedHeaders: ['host'], payloadHash: UNSIGNED_PAYLOAD }, { normalizePath: false });
    const sig = signature(deriveSigningKey(credentials.secretAccessKey, amzDate.slice(0, 8), 'us-east-1', 's3'), stringToSign(amzDate, scope, canonical));
    return { method: 'PUT', path, query: `${query}&X-Amz-Signature=${sig}`, headers, body: '' };
  }

  test('sanity: a well-formed presigned PUT is served (so the refusals below are about X-Amz-Expires alone)', async () => {
    const res = await sendRaw(env.server.url, presign(active, '300', '/sweep-auth-presigned-ok'));
    assert.equal(res.status, 200, res.body.slice(0, 300));
  });

  test('presigned S3 URL with X-Amz-Expires over a week: AuthorizationQueryParametersError 400 with S3\'s text', async () => {
    const answer = await refused('s3 presigned 604801', presign(active, '604801'), 'rest-xml');
    assert.equal(answer.code, 'AuthorizationQueryParametersError', answer.body);
    assert.equal(answer.status, 400);
    assert.equal(answer.message, 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
  });

  test('presigned S3 URL with X-Amz-Expires negative or not a number: AuthorizationQueryParametersError 400', async () => {
    for (const expires of ['-1', 'abc', '1e3', '']) {
      const answer = await refused(`s3 presigned X-Amz-Expires=${expires}`, presign(active, expires), 'rest-xml');
      assert.equal(answer.code, 'AuthorizationQueryParametersError', `${expires}: ${answer.body}`);
      assert.equal(answer.status, 400);
    }
  });

  test('presigned S3 URL without X-Amz-Expires is refused, not served', async () => {
    await refused('s3 presigned without X-Amz-Expires', presign(active, undefined), 'rest-xml');
  });

  test('nothing a refusal named was created upstream', async () => {
    const buckets = await motoS3(env).send(new ListBucketsCommand({}));
    const names = (buckets.Buckets ?? []).map((b) => b.Name);
    assert.ok(!names.includes('sweep-auth-bucket'), names.join(','));
    assert.ok(!names.includes('sweep-auth-presigned'), names.join(','));
  });
});
