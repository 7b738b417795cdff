/**
 * The flexible checksums against their standard check values ("123456789"), AWS's published
 * example (CRC-32C of 66,560 bytes of 'a' = sOO8/Q==, S3 API reference, "Signature
 * calculations for trailing headers"), and bit-by-bit reference implementations written
 * here from the polynomials, on random data split at random points.
 */

import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { crc32c } from './crc32c.ts';
import { crc64nvme } from './crc64nvme.ts';
import { FLEXIBLE_CHECKSUM_HEADERS, flexibleChecksum } from './flexible-checksums.ts';

const CHECK = Buffer.from('123456789');

function bitwiseCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function bitwiseCrc64Nvme(data: Uint8Array): bigint {
  const mask = (1n << 64n) - 1n;
  let crc = mask;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ 0x9a6c9329ac4bc9b5n : crc >> 1n;
  }
  return crc ^ mask;
}

test('check values', () => {
  assert.equal(crc32c(CHECK), 0xe3069283);
  assert.equal(Buffer.from(crc64nvme(CHECK)).toString('hex'), 'ae8b14860a799888');
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(Buffer.from(crc64nvme(new Uint8Array(0))).toString('hex'), '0000000000000000');
});

test('AWS example: CRC-32C of 66,560 bytes of "a" is sOO8/Q==', () => {
  const hasher = flexibleChecksum('x-amz-checksum-crc32c')!.create();
  hasher.update(Buffer.alloc(65536, 'a'));
  hasher.update(Buffer.alloc(1024, 'a'));
  assert.equal(hasher.digestBase64(), 'sOO8/Q==');
});

test('table-driven CRCs equal the bit-by-bit definitions on random data', () => {
  for (const length of [1, 7, 8, 9, 63, 1000, 4099]) {
    const data = randomBytes(length);
    assert.equal(crc32c(data), bitwiseCrc32c(data), `crc32c, ${length} bytes`);
    assert.equal(BigInt(`0x${Buffer.from(crc64nvme(data)).toString('hex')}`), bitwiseCrc64Nvme(data), `crc64nvme, ${length} bytes`);
  }
});

test('every checksum gives the same digest however the data is split', () => {
  const data = randomBytes(100_003);
  for (const header of FLEXIBLE_CHECKSUM_HEADERS) {
    const checksum = flexibleChecksum(header)!;
    const whole = checksum.create();
    whole.update(data);
    const expected = whole.digestBase64();
    assert.equal(expected.length, checksum.base64Length, header);
    const pieces = checksum.create();
    for (let offset = 0; offset < data.length; ) {
      const step = 1 + Math.floor(Math.random() * 9000);
      pieces.update(data.subarray(offset, offset + step));
      offset += step;
    }
    assert.equal(pieces.digestBase64(), expected, header);
  }
});

test('CRC32, SHA-1 and SHA-256 digests are the standard ones, base64 of the big-endian bytes', () => {
  const digest = (header: string) => {
    const hasher = flexibleChecksum(header)!.create();
    hasher.update(CHECK);
    return hasher.digestBase64();
  };
  assert.equal(Buffer.from(digest('x-amz-checksum-crc32'), 'base64').toString('hex'), 'cbf43926');
  assert.equal(digest('x-amz-checksum-sha1'), createHash('sha1').update(CHECK).digest('base64'));
  assert.equal(digest('X-Amz-Checksum-SHA256'), createHash('sha256').update(CHECK).digest('base64'));
  assert.equal(flexibleChecksum('x-amz-checksum-md5'), undefined);
});
