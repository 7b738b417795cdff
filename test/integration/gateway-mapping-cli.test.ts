// The aws CLI's own wire requests for the protected services, recorded by a stand-in upstream
// on loopback and mapped: what the gateway will see from real clients, not hand-built requests.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRequestMapper, type GatewayRequest, type MappedRequest, type RequestMapper } from '../../src/gateway/index.ts';
import { awsCliAvailable } from '../support/cli-process.ts';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const OWNER = '111111111111';

/** Minimal answers the CLI accepts (or at least stops at without retrying). */
function answer(request: Recorded): { status: number; body: string } {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (target.startsWith('AmazonSQS.')) return { status: 200, body: JSON.stringify({ MessageId: '1', MD5OfMessageBody: '9dd4e461268c8034f5c8564e155c67a6' }) };
  if (target !== '') return { status: 200, body: '{}' };
  if (request.url === '/') return { status: 200, body: '<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>' };
  if (request.url.includes('list-type=2')) return { status: 200, body: '<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>' };
  if (request.method === 'DELETE') return { status: 204, body: '' };
  return { status: 200, body: request.url.startsWith('/2015-03-31') ? '{}' : '' };
}

describe('the aws CLI\'s requests map as documented', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let server: Server;
  let endpoint: string;
  let mapper: RequestMapper;
  let dir: string;
  const recorded: Recorded[] = [];

  before(async () => {
    mapper = await createRequestMapper();
    dir = await mkdtemp(join(tmpdir(), 'gateway-cli-'));
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
        recorded.push(request);
        const { status, body } = answer(request);
        res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/x-amz-json-1.0' : 'application/xml' }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** Run the CLI (asynchronously: the stand-in answers in this process) and map what it sent. */
  async function sent(args: string[]): Promise<MappedRequest[]> {
    const from = recorded.length;
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_'))),
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard',
    };
    const stdout = await new Promise<string>((resolve) => {
      execFile('aws', ['--endpoint-url', endpoint, ...args], { env, timeout: 30_000 }, (_error, out) => resolve(String(out)));
    });
    const requests = recorded.slice(from).map((request) => toGatewayRequest(args[0]!, request));
    if (requests.length === 0 && args[1] === 'presign') requests.push(presigned(stdout.trim()));
    return requests.map((request) => {
      const result = mapper.mapRequest(request);
      const final = result.kind === 'needs-body' ? mapper.mapRequest({ ...request, body: recorded.at(-1)!.body }) : result;
      assert.equal(final.kind, 'mapped', `${request.method} ${request.path}?${request.query}: ${JSON.stringify(final)}`);
      return final as MappedRequest;
    });
  }

  function toGatewayRequest(command: string, request: Recorded): GatewayRequest {
    const at = request.url.indexOf('?');
    const service = command === 's3' || command === 's3api' ? 's3' : command;
    return {
      service, method: request.method, path: at < 0 ? request.url : request.url.slice(0, at), query: at < 0 ? '' : request.url.slice(at + 1),
      headers: request.headers, ...(service === 's3' ? {} : { body: request.body }),
      region: 'us-east-1', ownerAccountId: OWNER, requestAccountId: OWNER, now: new Date(),
    };
  }

  function presigned(url: string): GatewayRequest {
    const parsed = new URL(url);
    return { service: 's3', method: 'GET', path: parsed.pathname, query: parsed.search.slice(1), headers: { host: parsed.host }, region: 'us-east-1', ownerAccountId: OWNER, requestAccountId: OWNER, now: new Date() };
  }

  const summary = (mapped: MappedRequest[]): string[] => mapped.flatMap((request) => request.targets.map((target) => `${request.operation} ${target.action} ${target.resource}`));

  it('s3 ls, s3 ls s3://bucket/prefix/, s3 mb, s3 rb', async () => {
    assert.deepEqual(summary(await sent(['s3', 'ls'])), ['ListBuckets s3:ListAllMyBuckets *']);
    const listing = await sent(['s3', 'ls', 's3://photos/2024/']);
    assert.deepEqual(summary(listing), ['ListObjectsV2 s3:ListBucket arn:aws:s3:::photos']);
    assert.equal(listing[0]!.targets[0]!.context!['s3:prefix'], '2024/');
    assert.equal(listing[0]!.targets[0]!.context!['s3:delimiter'], '/');
    assert.deepEqual(summary(await sent(['s3', 'mb', 's3://newbucket'])), ['CreateBucket s3:CreateBucket arn:aws:s3:::newbucket']);
    assert.deepEqual(summary(await sent(['s3', 'rb', 's3://newbucket'])), ['DeleteBucket s3:DeleteBucket arn:aws:s3:::newbucket']);
  });

  it('s3 cp (upload with an ACL), s3 rm, s3 presign', async () => {
    const file = join(dir, 'hello.txt');
    await writeFile(file, 'hello');
    const upload = await sent(['s3', 'cp', file, 's3://photos/in/hello.txt', '--acl', 'bucket-owner-full-control', '--sse', 'AES256']);
    assert.deepEqual(summary(upload), ['PutObject s3:PutObject arn:aws:s3:::photos/in/hello.txt', 'PutObject s3:PutObjectAcl arn:aws:s3:::photos/in/hello.txt']);
    assert.equal(upload[0]!.targets[0]!.context!['s3:x-amz-acl'], 'bucket-owner-full-control');
    assert.equal(upload[0]!.targets[0]!.context!['s3:x-amz-server-side-encryption'], 'AES256');
    assert.equal(upload[0]!.targets[0]!.context!['s3:authType'], 'REST-HEADER');
    assert.deepEqual(summary(await sent(['s3', 'rm', 's3://photos/in/hello.txt'])), ['DeleteObject s3:DeleteObject arn:aws:s3:::photos/in/hello.txt']);
    const url = await sent(['s3', 'presign', 's3://photos/in/hello.txt', '--expires-in', '300']);
    assert.deepEqual(summary(url), ['GetObject s3:GetObject arn:aws:s3:::photos/in/hello.txt']);
    assert.equal(url[0]!.targets[0]!.context!['s3:authType'], 'REST-QUERY-STRING');
  });

  it('s3api: tagging, bucket policy, versioning, multipart and delete-objects', async () => {
    assert.deepEqual(summary(await sent(['s3api', 'get-bucket-policy', '--bucket', 'photos'])), ['GetBucketPolicy s3:GetBucketPolicy arn:aws:s3:::photos']);
    assert.deepEqual(summary(await sent(['s3api', 'put-bucket-versioning', '--bucket', 'photos', '--versioning-configuration', 'Status=Enabled'])), ['PutBucketVersioning s3:PutBucketVersioning arn:aws:s3:::photos']);
    assert.deepEqual(summary(await sent(['s3api', 'create-multipart-upload', '--bucket', 'photos', '--key', 'big'])), ['CreateMultipartUpload s3:PutObject arn:aws:s3:::photos/big']);
    const tagged = await sent(['s3api', 'put-object-tagging', '--bucket', 'photos', '--key', 'k', '--tagging', 'TagSet=[{Key=env,Value=prod}]']);
    assert.deepEqual(summary(tagged), ['PutObjectTagging s3:PutObjectTagging arn:aws:s3:::photos/k']);
    assert.equal(tagged[0]!.targets[0]!.context!['s3:RequestObjectTag/env'], 'prod');
    const deleted = await sent(['s3api', 'delete-objects', '--bucket', 'photos', '--delete', 'Objects=[{Key=a},{Key=b}]']);
    assert.deepEqual(summary(deleted), ['DeleteObjects s3:DeleteObject arn:aws:s3:::photos/a', 'DeleteObjects s3:DeleteObject arn:aws:s3:::photos/b']);
  });

  it('sqs, sns, dynamodb, kms, lambda, secretsmanager, ssm and logs', async () => {
    const queueUrl = `${endpoint}/${OWNER}/orders`;
    assert.deepEqual(summary(await sent(['sqs', 'send-message', '--queue-url', queueUrl, '--message-body', 'x'])), [`SendMessage sqs:SendMessage arn:aws:sqs:us-east-1:${OWNER}:orders`]);
    assert.deepEqual(summary(await sent(['sns', 'publish', '--topic-arn', `arn:aws:sns:us-east-1:${OWNER}:alerts`, '--message', 'm'])), [`Publish sns:Publish arn:aws:sns:us-east-1:${OWNER}:alerts`]);
    assert.deepEqual(summary(await sent(['dynamodb', 'get-item', '--table-name', 'Music', '--key', '{"Artist":{"S":"Acme"}}'])), [`GetItem dynamodb:GetItem arn:aws:dynamodb:us-east-1:${OWNER}:table/Music`]);
    const encrypt = await sent(['kms', 'encrypt', '--key-id', 'alias/app', '--plaintext', 'hello', '--encryption-context', 'dept=finance']);
    assert.deepEqual(summary(encrypt), [`Encrypt kms:Encrypt arn:aws:kms:us-east-1:${OWNER}:alias/app`]);
    assert.equal(encrypt[0]!.targets[0]!.context!['kms:EncryptionContext:dept'], 'finance');
    assert.deepEqual(summary(await sent(['lambda', 'invoke', '--function-name', 'resize', join(dir, 'out.json')])), [`Invoke lambda:InvokeFunction arn:aws:lambda:us-east-1:${OWNER}:function:resize`]);
    assert.deepEqual(summary(await sent(['secretsmanager', 'get-secret-value', '--secret-id', 'db-pass'])), [`GetSecretValue secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:${OWNER}:secret:db-pass`]);
    assert.deepEqual(summary(await sent(['ssm', 'get-parameter', '--name', '/app/url'])), [`GetParameter ssm:GetParameter arn:aws:ssm:us-east-1:${OWNER}:parameter/app/url`]);
    assert.deepEqual(summary(await sent(['logs', 'create-log-group', '--log-group-name', '/app/web', '--tags', 'team=web'])), [`CreateLogGroup logs:CreateLogGroup arn:aws:logs:us-east-1:${OWNER}:log-group:/app/web:log-stream:`, `CreateLogGroup logs:TagResource arn:aws:logs:us-east-1:${OWNER}:log-group:/app/web:log-stream:`]);
  });
});
