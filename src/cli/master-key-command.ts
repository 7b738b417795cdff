import { createSecretKey, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore, parseStoreUrl } from '../store/open-store.ts';
import {
  generateMasterKeyBase64,
  MASTER_KEY_BYTES,
  masterKeyFilePath,
  masterKeysFromConfig,
  readMasterKeyFileIfExists,
  readMasterKeyFileSync,
  writeMasterKeyFile,
  type MasterKeySet,
} from '../store/master-key.ts';
import { withKeyFileLock } from '../store/master-key-lock.ts';
import { censusOfSealed, resealAll, type SealedCensus } from '../store/reseal.ts';
import { masterKeyId } from '../store/secret-box.ts';
import { checkSqlitePath } from '../store/usable-paths.ts';
import type { Store } from '../store/types.ts';
import { boxOf } from '../server/secrets.ts';
import { SEALED_FIELDS } from './sealed-fields.ts';
import { UsageError } from './flags.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: tessera master-key <command> [--data-dir DIR] [--store URL] [--master-key KEYS] [--batch-size N] [--pause-ms N]

  status     how many sealed secrets each master key seals
  rotate     re-seal every secret under a new master key (with the key file: adds the new
             key first; with --master-key NEW,OLD: re-seals under NEW); re-run to resume
  retire     drop every key but the current one, once nothing is sealed under another
  generate   print a new random master key (base64 of 32 bytes)

The same --data-dir / --store / --master-key as \`tessera serve\` (or TESSERA_DATA_DIR,
TESSERA_STORE, TESSERA_MASTER_KEY). --batch-size: records per transaction (default 100);
--pause-ms: wait this long after each committed batch of a rotation (default 0), to spare a
store that is serving traffic. See README "Secrets" for the whole procedure.`;

interface Options {
  dataDir: string;
  storeUrl: string;
  /** The `--master-key` value, when the keys come from configuration rather than the key file. */
  configuredKeys?: string;
  batchSize: number;
  pauseMs: number;
}

function parseOptions(argv: string[], io: CliIo): Options {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: { 'data-dir': { type: 'string' }, store: { type: 'string' }, 'master-key': { type: 'string' }, 'batch-size': { type: 'string' }, 'pause-ms': { type: 'string' } },
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const dataDir = values['data-dir'] ?? io.env['TESSERA_DATA_DIR'] ?? '.tessera';
  const storeUrl = values['store'] ?? io.env['TESSERA_STORE'] ?? `sqlite:${join(dataDir, 'tessera.db')}`;
  const configuredKeys = values['master-key'] ?? (io.env['TESSERA_MASTER_KEY'] || undefined);
  const batchSize = Number(values['batch-size'] ?? '100');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new UsageError('--batch-size must be a whole number from 1 to 1000');
  const pauseMs = Number(values['pause-ms'] ?? '0');
  if (!Number.isInteger(pauseMs) || pauseMs < 0 || pauseMs > 60_000) throw new UsageError('--pause-ms must be a whole number from 0 to 60000');
  return { dataDir, storeUrl, batchSize, pauseMs, ...(configuredKeys !== undefined ? { configuredKeys } : {}) };
}

/** Opens an existing store only: a rotation of a store that is not there is a mistaken path. */
async function openExistingStore(url: string): Promise<Store> {
  const location = parseStoreUrl(url);
  if (location.dialect === 'sqlite') {
    if (location.path === ':memory:') throw new UsageError('an in-memory store holds no secrets to rotate');
    await checkSqlitePath(location.path);
    if (!existsSync(location.path)) throw new Error(`SQLite store ${location.path}: does not exist (is --data-dir or --store right?)`);
  }
  return openStore(url);
}

/** The key file's keys; there must be one (rotation never creates the first key). */
function keyFileKeys(file: string): MasterKeySet {
  const keys = readMasterKeyFileIfExists(file);
  if (!keys) throw new Error(`master key file ${file}: does not exist (is --data-dir right? with --master-key, give the keys there)`);
  return keys;
}

function otherKeyCounts(census: SealedCensus, currentId: string): Record<string, number> {
  return Object.fromEntries(Object.entries(census.byKeyId).filter(([id]) => id !== currentId));
}

function describeKeys(keys: MasterKeySet): { currentKeyId: string; otherKeyIds: string[] } {
  return { currentKeyId: masterKeyId(keys.current), otherKeyIds: keys.others.map(masterKeyId) };
}

function json(io: CliIo, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n');
}

async function status(options: Options, io: CliIo): Promise<number> {
  const keys = options.configuredKeys !== undefined ? masterKeysFromConfig(options.configuredKeys) : keyFileKeys(masterKeyFilePath(options.dataDir));
  const store = await openExistingStore(options.storeUrl);
  try {
    const census = await censusOfSealed(store, SEALED_FIELDS, { batchSize: options.batchSize });
    json(io, { ...describeKeys(keys), sealedByKeyId: census.byKeyId, malformed: census.malformed });
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * With the key file: adds a new key in front (under the lock, so two rotations cannot each
 * add one), unless the file already holds more than one key, which means a rotation is under
 * way and is resumed. Every server reading the file opens values under either key from then on.
 */
async function rotationKeys(options: Options): Promise<{ keys: MasterKeySet; added: boolean; file?: string }> {
  if (options.configuredKeys !== undefined) {
    const keys = masterKeysFromConfig(options.configuredKeys);
    if (keys.others.length === 0) {
      throw new UsageError(
        '--master-key holds one key: give the new key first and the current one after it (--master-key NEW,CURRENT); `tessera master-key generate` prints a new key',
      );
    }
    return { keys, added: false };
  }
  const file = masterKeyFilePath(options.dataDir);
  return withKeyFileLock(file, async () => {
    const held = keyFileKeys(file);
    if (held.others.length > 0) return { keys: held, added: false, file };
    const fresh = randomBytes(MASTER_KEY_BYTES);
    try {
      await writeMasterKeyFile(file, { current: createSecretKey(fresh), others: [held.current] });
    } finally {
      fresh.fill(0);
    }
    // Read back: what the file says is what every server will use.
    return { keys: readMasterKeyFileSync(file), added: true, file };
  });
}

async function rotate(options: Options, io: CliIo): Promise<number> {
  const store = await openExistingStore(options.storeUrl);
  try {
    const { keys, added, file } = await rotationKeys(options);
    const report = await resealAll(store, SEALED_FIELDS, boxOf(keys), {
      batchSize: options.batchSize,
      ...(options.pauseMs > 0 ? { afterBatch: () => sleep(options.pauseMs) } : {}),
    });
    const census = await censusOfSealed(store, SEALED_FIELDS, { batchSize: options.batchSize });
    const described = describeKeys(keys);
    const remaining = otherKeyCounts(census, described.currentKeyId);
    json(io, { ...described, newKeyAdded: added, ...(file ? { keyFile: file } : {}), ...report, sealedByKeyId: census.byKeyId });
    if (report.failed.length > 0) {
      io.stderr(`tessera: ${report.failed.length} sealed value(s) could not be re-sealed (listed under "failed"); they are left as they were.\n`);
      return 1;
    }
    const next = Object.keys(remaining).length > 0
      ? 'Some values are still sealed under another key (written while this ran): run `tessera master-key rotate` again.'
      : options.configuredKeys !== undefined
        ? 'Every secret is sealed under the new key. Restart every server with --master-key NEW,OLD if not done yet, then run `tessera master-key retire --master-key NEW,OLD`.'
        : 'Every secret is sealed under the new key. When every server reading another copy of the key file has the new key first, run `tessera master-key retire`.';
    io.stderr(`${next}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * Drops every key but the current one, after checking, while holding the key file's lock,
 * that no value in the store is sealed under another. Refuses otherwise and changes nothing.
 */
async function retire(options: Options, io: CliIo): Promise<number> {
  const store = await openExistingStore(options.storeUrl);
  try {
    const check = async (keys: MasterKeySet): Promise<number | undefined> => {
      const census = await censusOfSealed(store, SEALED_FIELDS, { batchSize: options.batchSize });
      const currentKeyId = masterKeyId(keys.current);
      const remaining = otherKeyCounts(census, currentKeyId);
      if (Object.keys(remaining).length === 0 && census.malformed.length === 0) return undefined;
      json(io, { ...describeKeys(keys), sealedByKeyId: census.byKeyId, malformed: census.malformed });
      const count = Object.values(remaining).reduce((a, b) => a + b, 0);
      io.stderr(
        `tessera: refusing to retire: ${count} sealed value(s) name a key other than the current one (${currentKeyId})` +
          (census.malformed.length > 0 ? ` and ${census.malformed.length} are not sealed values` : '') +
          '; run `tessera master-key rotate` (again) first. Nothing was changed.\n',
      );
      return 1;
    };
    if (options.configuredKeys !== undefined) {
      const keys = masterKeysFromConfig(options.configuredKeys);
      const refused = await check(keys);
      if (refused !== undefined) return refused;
      json(io, { ...describeKeys(keys), retiredKeyIds: keys.others.map(masterKeyId) });
      io.stderr('No secret is sealed under another key. Restart every server with --master-key holding the current key alone.\n');
      return 0;
    }
    const file = masterKeyFilePath(options.dataDir);
    return await withKeyFileLock(file, async () => {
      const keys = keyFileKeys(file);
      const refused = await check(keys);
      if (refused !== undefined) return refused;
      if (keys.others.length > 0) await writeMasterKeyFile(file, { current: keys.current, others: [] });
      json(io, { ...describeKeys({ current: keys.current, others: [] }), keyFile: file, retiredKeyIds: keys.others.map(masterKeyId) });
      return 0;
    });
  } finally {
    await store.close();
  }
}

/** `tessera master-key status | rotate | retire | generate` (see USAGE and README "Secrets"). */
export async function runMasterKeyCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(`${USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'generate') {
    if (rest.length > 0) throw new UsageError(`tessera master-key generate takes no arguments\n${USAGE}`);
    io.stdout(`${generateMasterKeyBase64()}\n`);
    return 0;
  }
  const options = parseOptions(rest, io);
  switch (sub) {
    case 'status':
      return status(options, io);
    case 'rotate':
      return rotate(options, io);
    case 'retire':
      return retire(options, io);
    default:
      throw new UsageError(`Unknown master-key command '${sub}'.\n${USAGE}`);
  }
}
