import { createSecretKey, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
import { UsageError, flagHelpLines, parseFlags, type FlagSpec } from './flags.ts';
import type { CliIo } from './io.ts';
import { closestName } from './suggest.ts';

/** The flags of `status`, `rotate` and `retire` (`generate` takes none). */
const MASTER_KEY_FLAGS = {
  'data-dir': { type: 'string', value: 'DIR', help: 'state directory (default ./.tessera)', env: 'TESSERA_DATA_DIR' },
  store: { type: 'string', value: 'URL', help: 'sqlite:PATH or postgres://… (default sqlite:<data-dir>/tessera.db)', env: 'TESSERA_STORE' },
  'master-key': { type: 'string', value: 'KEYS', help: 'the keys, comma-separated, the sealing one first (default: <data-dir>/master.key)', env: 'TESSERA_MASTER_KEY' },
  'batch-size': { type: 'string', value: 'N', help: 'records per transaction, 1-1000 (default 100)' },
  'pause-ms': { type: 'string', value: 'N', help: 'rotate: wait this long after each committed batch, 0-60000 (default 0), to spare a store serving traffic' },
} as const satisfies Record<string, FlagSpec & { value: string; help: string; env?: string }>;

const SUBCOMMANDS = ['status', 'rotate', 'retire', 'generate'] as const;

const USAGE = `Usage: tessera master-key status|rotate|retire [flags]
       tessera master-key generate

  status     how many sealed secrets each master key seals
  rotate     re-seal every secret under a new master key (with the key file: adds the new
             key first; with --master-key NEW,OLD: re-seals under NEW); re-run to resume
  retire     drop every key but the current one, once nothing is sealed under another
  generate   print a new random master key (base64 of 32 bytes)

The same --data-dir / --store / --master-key as \`tessera serve\`. See README "Secrets" for
the whole procedure.

${flagHelpLines(MASTER_KEY_FLAGS)}
  --help                         this help`;

interface Options {
  dataDir: string;
  storeUrl: string;
  /** The `--master-key` value, when the keys come from configuration rather than the key file. */
  configuredKeys?: string;
  batchSize: number;
  pauseMs: number;
}

function parseOptions(values: Record<string, string | undefined>, io: CliIo): Options {
  const dataDir = values['data-dir'] ?? io.env['TESSERA_DATA_DIR'] ?? '.tessera';
  const storeUrl = values['store'] ?? io.env['TESSERA_STORE'] ?? `sqlite:${join(dataDir, 'tessera.db')}`;
  const configuredKeys = values['master-key'] ?? (io.env['TESSERA_MASTER_KEY'] || undefined);
  const batchSize = wholeNumber(values['batch-size'], '--batch-size', 100, 1, 1000);
  const pauseMs = wholeNumber(values['pause-ms'], '--pause-ms', 0, 0, 60_000);
  return { dataDir, storeUrl, batchSize, pauseMs, ...(configuredKeys !== undefined ? { configuredKeys } : {}) };
}

function wholeNumber(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${text.slice(0, 40)}'`);
  return n;
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
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    const near = closestName(sub, SUBCOMMANDS);
    throw new UsageError(`Unknown master-key subcommand '${sub}'.${near ? ` Did you mean '${near}'?` : ''}\n\n${USAGE}`);
  }
  const parsed = parseFlags(rest, sub === 'generate' ? {} : MASTER_KEY_FLAGS, `master-key ${sub}`, { maxPositionals: 0 });
  if (parsed.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (sub === 'generate') {
    io.stdout(`${generateMasterKeyBase64()}\n`);
    return 0;
  }
  const options = parseOptions(parsed.values as Record<string, string | undefined>, io);
  switch (sub) {
    case 'status':
      return status(options, io);
    case 'rotate':
      return rotate(options, io);
    default:
      return retire(options, io);
  }
}
