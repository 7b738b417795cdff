import { createSecretBox, SecretBoxError, type SecretBox } from '../store/secret-box.ts';
import {
  generateMasterKeyBase64,
  loadOrCreateMasterKeys,
  masterKeyFilePath,
  masterKeyFileVersion,
  masterKeysFromConfig,
  readMasterKeyFileSync,
  type MasterKeySet,
} from '../store/master-key.ts';
import type { SecretSealer } from '../kernel/operation.ts';
import type { ServerConfig } from './config.ts';

/** Where a server's master keys come from, and the keys read from there at start. */
export interface MasterKeySource {
  keys: MasterKeySet;
  /** The key file, when the keys come from `<dataDir>/master.key` (re-read when it changes). */
  file?: string;
  /** For messages: "--master-key", "master key file PATH" or "a key of this process". */
  description: string;
}

/**
 * The master keys: from `--master-key` (one key, or `NEW,OLD` during a rotation) when given;
 * in dev mode (in-memory store) a fresh key that lives as long as the process; otherwise
 * `<dataDir>/master.key`, generated (0600) on first start.
 */
export async function openMasterKeySource(config: Pick<ServerConfig, 'masterKey' | 'dev' | 'dataDir'>): Promise<MasterKeySource> {
  if (config.masterKey !== undefined) return { keys: masterKeysFromConfig(config.masterKey), description: '--master-key (TESSERA_MASTER_KEY)' };
  if (config.dev) return { keys: masterKeysFromConfig(generateMasterKeyBase64()), description: 'the dev-mode key of this process' };
  const file = masterKeyFilePath(config.dataDir);
  return { keys: await loadOrCreateMasterKeys(config.dataDir), file, description: `master key file ${file}` };
}

export interface SealerEvents {
  /** The key file changed and was read again. */
  onKeysReloaded?(currentKeyId: string, keyIds: readonly string[]): void;
  /** The key file changed but could not be read; the keys held so far stay in use. */
  onReloadFailed?(error: unknown): void;
}

/** The sealer for secrets at rest, from the master key source (see openMasterKeySource). */
export async function openSecretSealer(config: Pick<ServerConfig, 'masterKey' | 'dev' | 'dataDir'>, events: SealerEvents = {}): Promise<SecretSealer> {
  return sealerFor(await openMasterKeySource(config), events);
}

export function sealerFor(source: MasterKeySource, events: SealerEvents = {}): SecretSealer {
  if (source.file === undefined) return withOpenCache(boxOf(source.keys));
  const box = keyFileSecretBox(source.file, source.keys, events);
  return withOpenCache(box, 10_000, () => box.generation);
}

export function boxOf(keys: MasterKeySet): SecretBox {
  return createSecretBox(keys.current, { retiredKeys: keys.others });
}

/**
 * A SecretBox over a key file that other processes may change (`tessera master-key rotate`
 * and `retire` replace it): before each seal and each open (the server's open cache answers
 * repeats before they get here), it checks whether the file changed (one stat) and if so
 * reads it again. So servers sharing
 * a data directory open what a rotation re-sealed under the new key, seal under the new key
 * from the first seal after the file changed, and drop a retired key, all without a restart.
 * A key file that cannot be read keeps the keys held so far in use (reported through events).
 */
export function keyFileSecretBox(file: string, initial: MasterKeySet, events: SealerEvents = {}): SecretBox & { readonly generation: number } {
  let version = masterKeyFileVersion(file);
  let box = boxOf(initial);
  let generation = 0;

  const reloadIfChanged = (): boolean => {
    const seen = masterKeyFileVersion(file);
    if (seen === version) return false;
    try {
      box = boxOf(readMasterKeyFileSync(file));
    } catch (err) {
      events.onReloadFailed?.(err);
      return false;
    }
    version = seen;
    generation++;
    events.onKeysReloaded?.(box.currentKeyId, box.keyIds);
    return true;
  };

  const retryingUnknownKey = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof SecretBoxError && err.code === 'ERR_SECRET_BOX_UNKNOWN_KEY' && reloadIfChanged()) return fn();
      throw err;
    }
  };

  return {
    seal(plaintext, context) {
      reloadIfChanged();
      return box.seal(plaintext, context);
    },
    open(sealed, context) {
      reloadIfChanged();
      return retryingUnknownKey(() => box.open(sealed, context));
    },
    openBytes(sealed, context) {
      reloadIfChanged();
      return retryingUnknownKey(() => box.openBytes(sealed, context));
    },
    needsReseal(sealed) {
      reloadIfChanged();
      return box.needsReseal(sealed);
    },
    rewrap(sealed, context) {
      reloadIfChanged();
      return retryingUnknownKey(() => box.rewrap(sealed, context));
    },
    get currentKeyId() {
      return box.currentKeyId;
    },
    get keyIds() {
      return box.keyIds;
    },
    get generation() {
      return generation;
    },
  };
}

/**
 * Remembers what was opened, keyed by the exact sealed text and its context, so the hot
 * authentication path does one map lookup instead of two AES-GCM decryptions per request.
 * A changed or deleted secret has a different sealed text (fresh nonce), so a stale entry
 * can never be served for it; entries only age out. Bounded, oldest first. When `keysVersion`
 * changes (the master keys were re-read), everything is forgotten, so a retired key opens
 * nothing any more, not even from memory.
 */
export function withOpenCache(inner: SecretSealer, capacity = 10_000, keysVersion: () => number = () => 0): SecretSealer {
  const opened = new Map<string, string>();
  let version = keysVersion();
  return {
    seal: (plaintext, context) => inner.seal(plaintext, context),
    open(sealed, context) {
      if (keysVersion() !== version) {
        opened.clear();
        version = keysVersion();
      }
      const key = `${context}\u0000${sealed}`;
      const hit = opened.get(key);
      if (hit !== undefined) return hit;
      const plaintext = inner.open(sealed, context);
      if (opened.size >= capacity) opened.delete(opened.keys().next().value!);
      opened.set(key, plaintext);
      return plaintext;
    },
  };
}
