import { mkdir, open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * Where trails put their objects. CloudTrail writes to an S3 bucket; Tessera writes to a local
 * folder per bucket: bucket `my-trail-bucket` is `<trail-dir>/my-trail-bucket/`, and object key
 * `AWSLogs/…/x.json.gz` is the file `<trail-dir>/my-trail-bucket/AWSLogs/…/x.json.gz`. A
 * bucket exists when its folder does (make it as you would make the bucket). An object's
 * S3 metadata (a digest's `signature` and `signature-algorithm`) is the JSON file beside it
 * named `<key>.metadata.json`. Writes go to a temporary file, are synced, then renamed: an
 * object is whole or absent.
 */
export interface TrailObjectStore {
  bucketExists(bucket: string): Promise<boolean>;
  put(bucket: string, key: string, body: Buffer, metadata?: Record<string, string>): Promise<void>;
  /** undefined when the object does not exist (or is over `maxBytes`, which reads as changed). */
  get(bucket: string, key: string, maxBytes: number): Promise<Buffer | undefined>;
  metadata(bucket: string, key: string): Promise<Record<string, string> | undefined>;
  /** Every object key under `prefix` (metadata files excluded). */
  list(bucket: string, prefix: string): Promise<string[]>;
}

export const METADATA_SUFFIX = '.metadata.json';

export function localTrailObjects(root: string): TrailObjectStore {
  const base = resolve(root);
  /** The file of an object, refusing any key that would leave its bucket's folder. */
  const fileOf = (bucket: string, key: string): string | undefined => {
    if (bucket.includes('/') || bucket.includes('\\') || bucket === '.' || bucket === '..' || bucket === '') return undefined;
    const folder = join(base, bucket);
    const file = resolve(folder, key);
    return file.startsWith(folder + sep) ? file : undefined;
  };
  return {
    async bucketExists(bucket) {
      const folder = fileOf(bucket, 'x');
      if (!folder) return false;
      try {
        return (await stat(dirname(folder))).isDirectory();
      } catch {
        return false;
      }
    },
    async put(bucket, key, body, metadata) {
      const file = fileOf(bucket, key);
      if (!file) throw new Error(`object key leaves the bucket: ${key}`);
      await mkdir(dirname(file), { recursive: true });
      if (metadata) await writeWhole(file + METADATA_SUFFIX, Buffer.from(JSON.stringify(metadata)));
      await writeWhole(file, body);
    },
    async get(bucket, key, maxBytes) {
      const file = fileOf(bucket, key);
      if (!file) return undefined;
      try {
        if ((await stat(file)).size > maxBytes) return undefined;
        return await readFile(file);
      } catch {
        return undefined;
      }
    },
    async metadata(bucket, key) {
      const file = fileOf(bucket, key);
      if (!file) return undefined;
      try {
        const text = await readFile(file + METADATA_SUFFIX, 'utf8');
        if (text.length > 64 * 1024) return undefined;
        const value = JSON.parse(text) as unknown;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
        return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      } catch {
        return undefined;
      }
    },
    async list(bucket, prefix) {
      const folder = fileOf(bucket, prefix || 'x');
      if (!folder) return [];
      const start = prefix ? folder : dirname(folder);
      const bucketFolder = join(base, bucket);
      const keys: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) await walk(path);
          else if (!entry.name.endsWith(METADATA_SUFFIX) && !entry.name.includes('.tmp-')) keys.push(relative(bucketFolder, path).split(sep).join('/'));
        }
      };
      await walk(start);
      return keys.sort();
    },
  };
}

let tmpCounter = 0;

async function writeWhole(file: string, body: Buffer): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${++tmpCounter}`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
