/**
 * S3's flexible checksums, as a trailer names them (`x-amz-trailer: x-amz-checksum-crc32`)
 * and carries them (`x-amz-checksum-crc32:<base64 of the big-endian digest>`).
 * S3 User Guide, "Checking object integrity": CRC-64/NVME, CRC-32, CRC-32C, SHA-1, SHA-256.
 */

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc32c } from './crc32c.ts';
import { Crc64Nvme } from './crc64nvme.ts';

export interface ChecksumHasher {
  update(data: Uint8Array): void;
  /** The digest, base64 as S3 writes it. Call once. */
  digestBase64(): string;
}

export interface FlexibleChecksum {
  /** The header (and trailer) name, lower case: 'x-amz-checksum-crc32'. */
  header: string;
  /** The algorithm as S3 names it in messages: 'CRC32'. */
  algorithm: string;
  /** Length of the base64 value: a trailer of another length is malformed. */
  base64Length: number;
  create(): ChecksumHasher;
}

function bigEndian32(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

function nodeHash(name: 'sha1' | 'sha256'): () => ChecksumHasher {
  return () => {
    const hash = createHash(name);
    return { update: (data) => void hash.update(data), digestBase64: () => hash.digest('base64') };
  };
}

const CHECKSUMS: readonly FlexibleChecksum[] = [
  {
    header: 'x-amz-checksum-crc32',
    algorithm: 'CRC32',
    base64Length: 8,
    create: () => {
      let value = 0;
      return { update: (data) => void (value = crc32(data, value)), digestBase64: () => bigEndian32(value) };
    },
  },
  {
    header: 'x-amz-checksum-crc32c',
    algorithm: 'CRC32C',
    base64Length: 8,
    create: () => {
      const crc = new Crc32c();
      return { update: (data) => void crc.update(data), digestBase64: () => bigEndian32(crc.value()) };
    },
  },
  {
    header: 'x-amz-checksum-crc64nvme',
    algorithm: 'CRC64NVME',
    base64Length: 12,
    create: () => {
      const crc = new Crc64Nvme();
      return { update: (data) => void crc.update(data), digestBase64: () => Buffer.from(crc.digest()).toString('base64') };
    },
  },
  { header: 'x-amz-checksum-sha1', algorithm: 'SHA1', base64Length: 28, create: nodeHash('sha1') },
  { header: 'x-amz-checksum-sha256', algorithm: 'SHA256', base64Length: 44, create: nodeHash('sha256') },
];

/** The checksum a header or trailer name denotes (case-insensitive), if S3 has it. */
export function flexibleChecksum(headerName: string): FlexibleChecksum | undefined {
  const lower = headerName.trim().toLowerCase();
  return CHECKSUMS.find((checksum) => checksum.header === lower);
}

/** Every checksum header name, for a request that must carry at most one. */
export const FLEXIBLE_CHECKSUM_HEADERS: readonly string[] = CHECKSUMS.map((checksum) => checksum.header);
