import { masterKeyFilePath, masterKeysFromConfig, readMasterKeyFileIfExists } from '../store/master-key.ts';
import { parseStoreUrl } from '../store/store-url.ts';
import { checkSqlitePath, ensureWritableDirectory } from '../store/usable-paths.ts';
import type { ServerConfig } from './config.ts';
import { readTlsCredentials } from './tls-files.ts';

/**
 * Checks every path and key a server is about to use, before anything heavy is loaded or
 * opened: the data directory (created if missing, and writable), the SQLite file (its folder
 * writable; an existing file a SQLite database), and the master key (`--master-key` well
 * formed; an existing key file a readable, well-formed key file). Each failure names the path
 * and the reason (UnusablePathError or a key error); so do the TLS certificate and key files, so `tessera serve` exits at once with it.
 * Light on imports on purpose: `tessera serve` runs this before it loads the server.
 */
export async function checkStartupPaths(config: Pick<ServerConfig, 'dev' | 'dataDir' | 'store' | 'masterKey' | 'tlsCert' | 'tlsKey'>, now: Date = new Date()): Promise<void> {
  if (config.masterKey !== undefined) masterKeysFromConfig(config.masterKey);
  if (config.tlsCert !== undefined && config.tlsKey !== undefined) await readTlsCredentials(config.tlsCert, config.tlsKey, now);
  if (config.dev) return;
  await ensureWritableDirectory(config.dataDir, 'data directory');
  const location = parseStoreUrl(config.store);
  if (location.dialect === 'sqlite' && location.path !== ':memory:') await checkSqlitePath(location.path);
  if (config.masterKey === undefined) readMasterKeyFileIfExists(masterKeyFilePath(config.dataDir));
}
