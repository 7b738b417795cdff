/**
 * Round trips with real clients: bodies as the AWS SDK for JavaScript v3 (S3 client), the
 * aws CLI (botocore) and @smithy/signature-v4 put them on the wire, captured by a stand-in
 * S3 endpoint, then authenticated (seed with `payloadStreamed`) and streamed through the
 * verifier createPayloadVerifier picks. The decoded bytes must be the file the client sent.
 */

import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  chunkStringToSign,
  createPayloadVerifier,
  deriveSigningKey,
  EMPTY_PAYLOAD_HASH,
  parseSignedRequest,
  verifySignedRequest,
} from '../../src/sigv4/index.ts';
import { sha256Hex } from '../../src/sigv4/hashing.ts';
import { runThrough } from '../../src/sigv4/testing/aws-chunked-body.ts';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../support/capture-server.ts';
import { issueCertificate } from '../support/certificates.ts';
import { awsCliAvailable } from '../support/cli-process.ts';

const CREDENTIALS = { accessKeyId: 'AKIDSTREAMINGTEST', secretAccessKey: 'streaming/secret/key/for/tests/only00000' };
const REGION = 'us-east-1';

/** Authenticates a captured request and streams its body through the chosen verifier. */
async function verifyCaptured(captured: CapturedRequest) {
  const req = { method: captured.method, path: captured.path, query: captured.query, headers: captured.headers, body: '' };
  const parsed = parseSignedRequest(req);
  assert.ok(parsed.ok, 'the request parses');
  const seed = verifySignedRequest(req, parsed.auth, CREDENTIALS.secretAccessKey, {
    now: parsed.auth.date,
    normalizePath: false,
    payloadStreamed: true,
  });
  assert.deepEqual(seed, { ok: true }, 'the seed signature verifies');
  const signingKey = deriveSigningKey(CREDENTIALS.secretAccessKey, parsed.auth.credentialDate, parsed.auth.region, parsed.auth.service);
  const verifier = createPayloadVerifier({ auth: parsed.auth, headers: captured.headers, signingKey });
  assert.ok(verifier.ok, verifier.ok ? '' : verifier.error.message);
  const result = await runThrough(verifier.stream, captured.body, 16384);
  return { ...result, verifier, contentSha256: captured.headers['x-amz-content-sha256']?.[0] };
}

/** The same body with one byte of the decoded data changed: the verifier must refuse it. */
function tamperData(captured: CapturedRequest, data: Buffer): CapturedRequest {
  const body = Buffer.from(captured.body);
  const probe = data.subarray(1000, 1032);
  const at = body.indexOf(probe);
  assert.ok(at > 0);
  body[at]! ^= 1;
  return { ...captured, body };
}

function s3Client(url: string, options: Partial<ConstructorParameters<typeof S3Client>[0]> = {}): S3Client {
  return new S3Client({ endpoint: url, region: REGION, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1, ...options });
}

describe('AWS SDK for JavaScript v3, S3 client', () => {
  let server: CaptureServer;
  before(async () => {
    server = await startCaptureServer();
  });
  after(async () => server.close());

  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
    test(`PutObject with a stream body and ${algorithm}: STREAMING-UNSIGNED-PAYLOAD-TRAILER round trip`, async () => {
      const data = randomBytes(300_000);
      const client = s3Client(server.url, { requestStreamBufferSize: 65536 });
      await client.send(
        new PutObjectCommand({ Bucket: 'b', Key: `trailer-${algorithm}`, Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length, ChecksumAlgorithm: algorithm }),
      );
      const captured = server.requests.at(-1)!;
      const { output, error, verifier, contentSha256 } = await verifyCaptured(captured);
      assert.equal(contentSha256, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
      assert.equal(error, undefined);
      assert.ok(output.equals(data));
      assert.equal(verifier.ok && verifier.checksum()?.header, `x-amz-checksum-${algorithm.toLowerCase()}`);

      const tampered = await verifyCaptured(tamperData(captured, data));
      assert.equal(tampered.error?.failure.code, 'BadDigest');
      assert.ok(tampered.output.length < data.length);
    });
  }

  test('PutObject with a buffer body: signed payload (hex SHA-256) round trip', async () => {
    const data = randomBytes(200_000);
    await s3Client(server.url).send(new PutObjectCommand({ Bucket: 'b', Key: 'buffer', Body: data }));
    const captured = server.requests.at(-1)!;
    const { output, error, contentSha256 } = await verifyCaptured(captured);
    assert.match(contentSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(error, undefined);
    assert.ok(output.equals(data));
    const tampered = await verifyCaptured(tamperData(captured, data));
    assert.equal(tampered.error?.failure.code, 'XAmzContentSHA256Mismatch');
  });
});

describe('@smithy/signature-v4: STREAMING-AWS4-HMAC-SHA256-PAYLOAD over HTTP', () => {
  let server: CaptureServer;
  before(async () => {
    server = await startCaptureServer();
  });
  after(async () => server.close());

  /** A signed chunked upload as a client builds it: seed from the SDK signer, chunk signatures from its sign(string). */
  async function signedChunkedUpload(data: Buffer, chunkSize: number): Promise<{ headers: Record<string, string>; body: Buffer }> {
    const signer = new SignatureV4({ credentials: CREDENTIALS, region: REGION, service: 's3', sha256: Sha256, uriEscapePath: false });
    const signingDate = new Date();
    const url = new URL(server.url);
    const frames: Buffer[] = [];
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < data.length; offset += chunkSize) chunks.push(data.subarray(offset, offset + chunkSize));
    chunks.push(Buffer.alloc(0));
    const headerLength = (size: number) => `${size.toString(16)};chunk-signature=${'0'.repeat(64)}\r\n`.length;
    const contentLength = chunks.reduce((sum, chunk) => sum + headerLength(chunk.length) + chunk.length + 2, 0);
    const signed = await signer.sign(
      {
        method: 'PUT',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/bucket/signed-chunks',
        query: {},
        headers: {
          host: url.host,
          'content-encoding': 'aws-chunked',
          'content-length': String(contentLength),
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'x-amz-decoded-content-length': String(data.length),
        },
      },
      { signingDate },
    );
    let previous = /Signature=([0-9a-f]{64})/.exec(signed.headers['authorization'] ?? '')![1]!;
    const amzDate = signed.headers['x-amz-date']!;
    const scope = `${amzDate.slice(0, 8)}/${REGION}/s3/aws4_request`;
    for (const chunk of chunks) {
      previous = await signer.sign(chunkStringToSign(amzDate, scope, previous, sha256Hex(chunk)), { signingDate });
      frames.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`), chunk, Buffer.from('\r\n'));
    }
    assert.equal(chunkStringToSign(amzDate, scope, previous, EMPTY_PAYLOAD_HASH).split('\n')[4], EMPTY_PAYLOAD_HASH);
    const body = Buffer.concat(frames);
    assert.equal(body.length, contentLength);
    return { headers: signed.headers, body };
  }

  async function send(headers: Record<string, string>, body: Buffer): Promise<void> {
    const url = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'PUT', path: '/bucket/signed-chunks', headers }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  test('a 1 MiB upload in 64 KiB chunks decodes; a tampered chunk is refused', async () => {
    const data = randomBytes(1 << 20);
    const { headers, body } = await signedChunkedUpload(data, 65536);
    await send(headers, body);
    const captured = server.requests.at(-1)!;
    const { output, error, contentSha256 } = await verifyCaptured(captured);
    assert.equal(contentSha256, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    assert.equal(error, undefined);
    assert.ok(output.equals(data));

    const tampered = await verifyCaptured(tamperData(captured, data));
    assert.equal(tampered.error?.failure.code, 'SignatureDoesNotMatch');
    assert.ok(tampered.output.length < 65536 * 2);
  });
});

/** Runs the aws CLI without blocking the event loop (the capture server answers in this process). */
function aws(args: string[], extraEnv: Record<string, string> = {}): Promise<{ status: number | null; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return new Promise((resolve) => {
    const child = spawn('aws', args, {
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_DEFAULT_REGION: REGION,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (piece: Buffer) => (stderr += piece.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('aws CLI', { skip: !awsCliAvailable() && 'aws CLI not installed' }, () => {
  let http: CaptureServer;
  let https: CaptureServer;
  let dir: string;
  let file: string;
  const data = randomBytes(1_500_000);
  before(async () => {
    http = await startCaptureServer();
    https = await startCaptureServer(issueCertificate({ commonName: '127.0.0.1', keyType: 'ec' }));
    dir = mkdtempSync(join(tmpdir(), 'tessera-sigv4-cli-'));
    file = join(dir, 'object.bin');
    writeFileSync(file, data);
  });
  after(async () => {
    await http.close();
    await https.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('over http: put-object signs the payload hash; the verifier checks it', async () => {
    const run = await aws(['--endpoint-url', http.url, 's3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', file]);
    assert.equal(run.status, 0, run.stderr);
    const captured = http.requests.at(-1)!;
    const { output, error, contentSha256 } = await verifyCaptured(captured);
    assert.match(contentSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(error, undefined);
    assert.ok(output.equals(data));
    assert.equal((await verifyCaptured(tamperData(captured, data))).error?.failure.code, 'XAmzContentSHA256Mismatch');
  });

  for (const [command, checksum] of [
    [['s3', 'cp', 'FILE', 's3://b/k'], 'crc32'],
    [['s3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', 'FILE', '--checksum-algorithm', 'SHA256'], 'sha256'],
    // CRC32C and CRC64NVME need botocore[crt], not installed here.
    [['s3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', 'FILE', '--checksum-algorithm', 'SHA1'], 'sha1'],
  ] as const) {
    test(`over https: ${command.slice(0, 2).join(' ')} sends STREAMING-UNSIGNED-PAYLOAD-TRAILER (${checksum}); the verifier decodes it`, async () => {
      const args = command.map((arg) => (arg === 'FILE' ? file : arg));
      const run = await aws(['--endpoint-url', https.url, '--no-verify-ssl', ...args]);
      assert.equal(run.status, 0, run.stderr);
      const captured = https.requests.at(-1)!;
      const { output, error, verifier, contentSha256 } = await verifyCaptured(captured);
      assert.equal(contentSha256, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
      assert.equal(error, undefined);
      assert.ok(output.equals(data));
      assert.equal(verifier.ok && verifier.checksum()?.header, `x-amz-checksum-${checksum}`);
      assert.equal((await verifyCaptured(tamperData(captured, data))).error?.failure.code, 'BadDigest');
    });
  }
});
