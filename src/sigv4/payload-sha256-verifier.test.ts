import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PayloadSha256Verifier } from './payload-sha256-verifier.ts';
import { runThrough } from './testing/aws-chunked-body.ts';

const BODY = randomBytes(300_000);
const HASH = createHash('sha256').update(BODY).digest('hex');

test('a body matching its declared hash passes through unchanged, however it arrives', async () => {
  for (const pieceSize of [1000, 65536, 400_000]) {
    const { output, error } = await runThrough(new PayloadSha256Verifier(HASH.toUpperCase()), BODY, pieceSize);
    assert.equal(error, undefined);
    assert.ok(output.equals(BODY));
  }
});

test('a one-bit change anywhere: XAmzContentSHA256Mismatch with both digests, body never complete', async () => {
  for (const at of [0, 150_000, BODY.length - 1]) {
    const tampered = Buffer.from(BODY);
    tampered[at]! ^= 1;
    const { output, error } = await runThrough(new PayloadSha256Verifier(HASH), tampered, 16384);
    assert.deepEqual(error?.failure, {
      code: 'XAmzContentSHA256Mismatch',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      httpStatus: 400,
      details: {
        ClientComputedContentSHA256: HASH,
        S3ComputedContentSHA256: createHash('sha256').update(tampered).digest('hex'),
      },
    });
    assert.ok(output.length < BODY.length, `at ${at}: ${output.length} bytes went out`);
  }
});

test('the last piece is held back until the hash is confirmed', async () => {
  const verifier = new PayloadSha256Verifier(HASH);
  const out: Buffer[] = [];
  verifier.on('data', (piece: Buffer) => out.push(piece));
  verifier.write(BODY.subarray(0, 100_000));
  verifier.write(BODY.subarray(100_000));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(Buffer.concat(out).length, 100_000, 'every byte arrived; the last piece waits for the end');
  verifier.end();
  await new Promise((resolve) => verifier.on('end', resolve));
  assert.ok(Buffer.concat(out).equals(BODY));
});

test('a truncated body is a mismatch', async () => {
  const { error } = await runThrough(new PayloadSha256Verifier(HASH), BODY.subarray(0, BODY.length - 1));
  assert.equal(error?.failure.code, 'XAmzContentSHA256Mismatch');
});

test('an empty body against the empty hash', async () => {
  const { output, error } = await runThrough(new PayloadSha256Verifier(createHash('sha256').digest('hex')), Buffer.alloc(0));
  assert.equal(error, undefined);
  assert.equal(output.length, 0);
});
