import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { chmod, link, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError, ensureDirectory, UnusablePathError } from './usable-paths.ts';

/**
 * The master key that wraps every secret's data key (see secret-box.ts). Held as a KeyObject,
 * never as bytes: inspecting or JSON-serializing a KeyObject shows no key material, so the
 * key cannot end up in a log line by accident.
 */
export type MasterKey = KeyObject;

/**
 * The master keys a server holds: `current` seals, and every key opens. More than one only
 * while a rotation is under way (see `tessera master-key` and README "Secrets").
 */
export interface MasterKeySet {
  current: MasterKey;
  others: readonly MasterKey[];
}

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = 'master.key';
/** More keys than this at once is a mistake (a rotation needs two). */
export const MAX_MASTER_KEYS = 4;
/** Four keys and comments fit many times over; anything bigger is not a key file. */
const MAX_KEY_FILE_BYTES = 4096;

/** Standard or URL-safe base64 of exactly 32 bytes, padding optional. */
const BASE64_32_BYTES = /^[A-Za-z0-9+/_-]{43}=?$/;

/** The message never includes the offending value: it may be a real key with a typo. */
function parseMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim();
  if (!BASE64_32_BYTES.test(trimmed)) throw new Error(`${source}: the master key must be the base64 of exactly ${MASTER_KEY_BYTES} bytes`);
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  try {
    return createSecretKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** Keys in order, the same key given twice kept once. */
function keySet(keys: MasterKey[], source: string): MasterKeySet {
  const unique = keys.filter((key, i) => keys.findIndex((other) => other.equals(key)) === i);
  if (unique.length === 0) throw new Error(`${source}: holds no master key`);
  if (unique.length > MAX_MASTER_KEYS) throw new Error(`${source}: holds ${unique.length} master keys; at most ${MAX_MASTER_KEYS} are allowed`);
  return { current: unique[0]!, others: unique.slice(1) };
}

/** A master key given in configuration (base64 of 32 bytes). */
export function masterKeyFromConfig(base64: string): MasterKey {
  return parseMasterKey(base64, 'configured master key');
}

/**
 * `--master-key` / TESSERA_MASTER_KEY: one key, or during a rotation several separated by
 * commas, the one that seals first (`NEW,OLD`).
 */
export function masterKeysFromConfig(value: string): MasterKeySet {
  const items = value.split(',').map((item) => item.trim());
  if (items.length > MAX_MASTER_KEYS) throw new Error(`configured master key: at most ${MAX_MASTER_KEYS} keys are allowed`);
  return keySet(items.map((item, i) => parseMasterKey(item, items.length === 1 ? 'configured master key' : `configured master key ${i + 1}`)), 'configured master key');
}

/** The text of a key file: one base64 key per line, the sealing key first; `#` lines are comments. */
export function parseMasterKeyFile(text: string, file: string): MasterKeySet {
  const keys: MasterKey[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (keys.length >= MAX_MASTER_KEYS * 2) break; // keySet() refuses the count
    keys.push(parseMasterKey(line, `master key file ${file}, line ${i + 1}`));
  }
  return keySet(keys, `master key file ${file}`);
}

/** Fresh key material, base64-encoded (e.g. for `tessera` to print for an operator). */
export function generateMasterKeyBase64(): string {
  return randomBytes(MASTER_KEY_BYTES).toString('base64');
}

export function masterKeyFilePath(dataDir: string): string {
  return join(dataDir, MASTER_KEY_FILE);
}

/**
 * Reads a key file synchronously (servers re-read it on a seal or an unknown key, on a path
 * that cannot await). Bounded: a huge or special file is refused, not read.
 */
export function readMasterKeyFileSync(file: string): MasterKeySet {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new UnusablePathError(`master key file ${file}: cannot be read: ${describeFsError(err)}`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new UnusablePathError(`master key file ${file}: is not a regular file`);
    if (info.size > MAX_KEY_FILE_BYTES) throw new UnusablePathError(`master key file ${file}: is ${info.size} bytes, too large to be a key file`);
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_KEY_FILE_BYTES) throw new UnusablePathError(`master key file ${file}: too large to be a key file`);
    }
    try {
      return parseMasterKeyFile(buffer.subarray(0, length).toString('utf8'), file);
    } finally {
      buffer.fill(0);
    }
  } catch (err) {
    if (err instanceof UnusablePathError || !('code' in (err as object))) throw err;
    throw new UnusablePathError(`master key file ${file}: cannot be read: ${describeFsError(err)}`);
  } finally {
    closeSync(fd);
  }
}

/** The key file's keys, or undefined when there is no file. */
export function readMasterKeyFileIfExists(file: string): MasterKeySet | undefined {
  try {
    statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UnusablePathError(`master key file ${file}: ${describeFsError(err)}`);
  }
  return readMasterKeyFileSync(file);
}

/**
 * What identifies one version of the key file: the file is only ever replaced by rename, so
 * a new version is a new inode; size and change time catch an edit in place.
 */
export function masterKeyFileVersion(file: string): string {
  try {
    const info = statSync(file, { bigint: true });
    return `${info.dev}:${info.ino}:${info.size}:${info.ctimeNs}:${info.mtimeNs}`;
  } catch {
    return 'absent';
  }
}

/**
 * Reads `<dataDir>/master.key`, creating it (32 random bytes, base64, mode 0600, in a folder
 * created 0700) when absent. An existing file that does not hold a valid key is an error,
 * never replaced: replacing it would make every stored secret unreadable.
 */
export async function loadOrCreateMasterKeys(dataDir: string): Promise<MasterKeySet> {
  const file = masterKeyFilePath(dataDir);
  const existing = readMasterKeyFileIfExists(file);
  if (existing) return existing;
  await ensureDirectory(dataDir, 'data directory');
  await createKeyFile(file);
  // Read back rather than trusting what was written: if another process created the file
  // first, its key is the one every process must use.
  return readMasterKeyFileSync(file);
}

/** The sealing key of `<dataDir>/master.key` (see loadOrCreateMasterKeys). */
export async function loadOrCreateMasterKey(dataDir: string): Promise<MasterKey> {
  return (await loadOrCreateMasterKeys(dataDir)).current;
}

function keyFileText(keys: readonly MasterKey[]): string {
  const lines = keys.map((key) => {
    const bytes = key.export();
    try {
      return bytes.toString('base64');
    } finally {
      bytes.fill(0);
    }
  });
  return lines.join('\n') + '\n';
}

const KEY_FILE_COMMENT = '# Tessera master keys: the first seals new secrets, every key here opens them.\n';

/**
 * Writes a new private temporary file, syncs it, then moves it into place with `place`
 * (link: only if absent; rename: replacing), and syncs the folder so the entry is durable.
 * A crash never leaves a half-written key file behind.
 */
async function writeKeyFileVia(file: string, text: string, place: 'link' | 'rename'): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temporary, 0o600); // in case the umask removed more, or a umask of 0 was not applied
    if (place === 'link') {
      try {
        await link(temporary, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    } else {
      await rename(temporary, file);
    }
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  const folder = await open(join(file, '..'), 'r');
  try {
    await folder.sync(); // make the new directory entry itself durable
  } finally {
    await folder.close();
  }
}

/**
 * link() fails if the name exists, so two processes starting at once cannot overwrite each
 * other's key.
 */
async function createKeyFile(file: string): Promise<void> {
  await writeKeyFileVia(file, `${generateMasterKeyBase64()}\n`, 'link');
}

/**
 * Replaces the key file with `keys` (the sealing key first), atomically: a reader sees the
 * old file or the new one, never a mix. Callers hold the rotation lock (master-key-lock.ts).
 */
export async function writeMasterKeyFile(file: string, keys: MasterKeySet): Promise<void> {
  await writeKeyFileVia(file, KEY_FILE_COMMENT + keyFileText([keys.current, ...keys.others]), 'rename');
}
