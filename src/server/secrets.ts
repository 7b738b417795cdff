import { createSecretBox } from '../store/secret-box.ts';
import { generateMasterKeyBase64, loadOrCreateMasterKey, masterKeyFromConfig } from '../store/master-key.ts';
import type { SecretSealer } from '../kernel/operation.ts';
import type { ServerConfig } from './config.ts';

/**
 * The sealer for secrets at rest, keyed by the master key: from `--master-key` when given;
 * in dev mode (in-memory store) a fresh key that lives as long as the process; otherwise
 * `<dataDir>/master.key`, generated (0600) on first start.
 */
export async function openSecretSealer(config: Pick<ServerConfig, 'masterKey' | 'dev' | 'dataDir'>): Promise<SecretSealer> {
  const masterKey = config.masterKey !== undefined
    ? masterKeyFromConfig(config.masterKey)
    : config.dev
      ? masterKeyFromConfig(generateMasterKeyBase64())
      : await loadOrCreateMasterKey(config.dataDir);
  return withOpenCache(createSecretBox(masterKey));
}

/**
 * Remembers what was opened, keyed by the exact sealed text and its context, so the hot
 * authentication path does one map lookup instead of two AES-GCM decryptions per request.
 * A changed or deleted secret has a different sealed text (fresh nonce), so a stale entry
 * can never be served for it; entries only age out. Bounded, oldest first.
 */
export function withOpenCache(inner: SecretSealer, capacity = 10_000): SecretSealer {
  const opened = new Map<string, string>();
  return {
    seal: (plaintext, context) => inner.seal(plaintext, context),
    open(sealed, context) {
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
