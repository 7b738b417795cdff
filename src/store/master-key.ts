import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The master key that wraps every secret's data key (see secret-box.ts). Held as a KeyObject,
 * never as bytes: inspecting or JSON-serializing a KeyObject shows no key material, so the
 * key cannot end up in a log line by accident.
 */
export type MasterKey = KeyObject;

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = 'master.key';

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

/** A master key given in configuration (base64 of 32 bytes). */
export function masterKeyFromConfig(base64: string): MasterKey {
  return parseMasterKey(base64, 'configured master key');
}

/** Fresh key material, base64-encoded (e.g. for `tessera` to print for an operator). */
export function generateMasterKeyBase64(): string {
  return randomBytes(MASTER_KEY_BYTES).toString('base64');
}

/**
 * Reads `<dataDir>/master.key`, creating it (32 random bytes, base64, mode 0600, in a folder
 * created 0700) when absent. An existing file that does not hold a valid key is an error,
 * never replaced: replacing it would make every stored secret unreadable.
 */
export async function loadOrCreateMasterKey(dataDir: string): Promise<MasterKey> {
  const file = join(dataDir, MASTER_KEY_FILE);
  try {
    return parseMasterKey(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await createKeyFile(file);
  // Read back rather than trusting what was written: if another process created the file
  // first, its key is the one every process must use.
  return parseMasterKey(await readFile(file, 'utf8'), file);
}

/**
 * Writes the key to a private temporary file, syncs it, then links it into place. link()
 * fails if the name exists, so two processes starting at once cannot overwrite each other's
 * key, and a crash never leaves a half-written master.key behind.
 */
async function createKeyFile(file: string): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${generateMasterKeyBase64()}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temporary, 0o600); // in case the umask removed more, or a umask of 0 was not applied
    await link(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(temporary);
  }
  const folder = await open(join(file, '..'), 'r');
  try {
    await folder.sync(); // make the new directory entry itself durable
  } finally {
    await folder.close();
  }
}
