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
  return createSecretBox(masterKey);
}
