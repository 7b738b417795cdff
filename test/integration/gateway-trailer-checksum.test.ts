import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { signRequest } from '../../src/sigv4/index.ts';
import { encodeAwsChunked } from '../../src/sigv4/testing/aws-chunked-body.ts';
import { parseUpstreams } from '../../src/gateway/upstreams.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * An SDK upload with a trailer checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER over http with a
 * stream body): Tessera verifies the checksum and passes it on, so the object's stored checksum
 * is the client's. A recording proxy between Tessera and moto shows what the upstream received
 * (moto computes a checksum itself when it gets none, so its answer alone proves nothing).
 */
describe('trailer checksums through the gateway', () => {
  let moto: MotoServer;
  let spy: Spy;
  let server: TestServer;
  let s3: S3Client;
  before(async () => {
    moto = await startMoto();
    spy = await startSpy(moto.url);
    server = await startTestServer({ gateway: { ...parseUpstreams([spy.url], '--upstream'), credentials: new Map(), accountHeader: 'x-moto-account-id', mode: 'enforce' } });
    s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', credentials: server.root, forcePathStyle: true, maxAttempts: 1 });
  });
  after(async () => {
    s3?.destroy();
    await server?.stop();
    await spy?.close();
    await moto?.stop();
  });

  for (const [algorithm, hash] of [['SHA256', 'sha256'], ['CRC32', undefined]] as const) {
    test(`PutObject with a ${algorithm} trailer: the upstream receives the verified checksum; GetObject (ChecksumMode ENABLED) and HeadObject answer it`, async () => {
      const bucket = `checksummed-${algorithm.toLowerCase()}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const data = Buffer.alloc(300_000);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data.bin', Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length, ChecksumAlgorithm: algorithm }));

      const put = spy.seen.find((seen) => seen.method === 'PUT' && seen.path === `/${bucket}/data.bin`)!;
      assert.ok(put, 'the upload reached the upstream');
      assert.equal(put.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
      const header = `x-amz-checksum-${algorithm.toLowerCase()}`;
      assert.equal(put.headers['x-amz-trailer'], header);
      assert.equal(put.headers['x-amz-decoded-content-length'], String(data.length));
      assert.equal(put.headers['content-length'], String(put.body.length));
      const trailer = put.body.subarray(put.body.lastIndexOf('0\r\n'));
      const match = /^0\r\n([a-z0-9-]+):([A-Za-z0-9+/=]+)\r\n\r\n$/.exec(trailer.toString('latin1'));
      assert.ok(match, trailer.toString('latin1'));
      assert.equal(match[1], header);
      const expected = hash !== undefined ? createHash(hash).update(data).digest('base64') : crc32Base64(data);
      assert.equal(match[2], expected);

      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'data.bin', ChecksumMode: 'ENABLED' }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'data.bin', ChecksumMode: 'ENABLED' }));
      assert.equal(algorithm === 'SHA256' ? got.ChecksumSHA256 : got.ChecksumCRC32, expected);
      assert.equal(algorithm === 'SHA256' ? head.ChecksumSHA256 : head.ChecksumCRC32, expected);
    });
  }

  test('a body whose trailer checksum is wrong is refused and the upstream never receives the trailer', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'bad-trailer' }));
    const data = Buffer.alloc(150_000, 5);
    const host = new URL(server.url).host;
    const wrong = createHash('sha256').update('something else').digest('base64');
    const encoded = encodeAwsChunked(data, { chunkSize: 64 * 1024, trailer: { header: 'x-amz-checksum-sha256', value: wrong } }).body;
    const signed = signRequest(
      { method: 'PUT', path: '/bad-trailer/x.bin', query: '', headers: { host, 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-trailer': 'x-amz-checksum-sha256', 'content-length': String(encoded.length) }, body: '' },
      server.root, { region: 'us-east-1', service: 's3', date: new Date(), normalizePath: false },
    );
    const answer = await raw(server.url, 'PUT', '/bad-trailer/x.bin', signed.headers as Record<string, string>, encoded);
    assert.equal(answer.status, 400, answer.body);
    assert.match(answer.body, /<Code>BadDigest<\/Code>/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bad-trailer', Key: 'x.bin' })).then(() => 200, (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode);
    assert.equal(head, 404);
    const seen = spy.seen.find((request) => request.path === '/bad-trailer/x.bin' && request.method === 'PUT');
    if (seen !== undefined) assert.ok(!seen.body.includes('x-amz-checksum-sha256:'), 'no trailer reached the upstream');
  });
});

interface Spy {
  url: string;
  seen: { method: string; path: string; headers: IncomingMessage['headers']; body: Buffer }[];
  close(): Promise<void>;
}

/** A proxy in front of moto that records each request (headers and raw body) before passing it on. */
async function startSpy(target: string): Promise<Spy> {
  const upstream = new URL(target);
  const seen: Spy['seen'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, path: req.url!.split('?')[0]!, headers: req.headers, body });
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
    req.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function raw(base: string, method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function crc32Base64(data: Buffer): string {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(data));
  return value.toString('base64');
}
