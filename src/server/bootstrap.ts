import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AccountExistsError, accountExists, createAccount, getDefaultAccountId, putRootKey, setDefaultAccountId,
  type AccountDeps, type RootCredentials,
} from '../iam/accounts.ts';
import type { ServerConfig } from './config.ts';

/**
 * Brings the store to the state the configuration asks for: a default account with a root
 * access key. On the first start it creates them (printing the credentials once and writing
 * them to `<dataDir>/root-credentials`, mode 0600); on later starts it keeps what exists, adds
 * the account named by `--account-id` if it is new, and installs `--root-access-key-id` /
 * `--root-secret-access-key` as a root key when given.
 */
export interface BootstrapResult {
  defaultAccountId: string;
  /** Set when this start created the default account's root key (the only time it is shown). */
  created?: RootCredentials;
}

export async function bootstrap(deps: AccountDeps, config: ServerConfig): Promise<BootstrapResult> {
  const configuredKey = config.rootAccessKeyId !== undefined && config.rootSecretAccessKey !== undefined
    ? { rootAccessKeyId: config.rootAccessKeyId, rootSecretAccessKey: config.rootSecretAccessKey }
    : config.dev ? { rootAccessKeyId: 'test', rootSecretAccessKey: 'test' } : {};

  let defaultAccountId = await getDefaultAccountId(deps.store);
  let created: RootCredentials | undefined;
  const wanted = config.accountId ?? defaultAccountId;
  if (wanted === undefined || !(await accountExists(deps.store, wanted))) {
    try {
      created = await createAccount(deps, { ...(wanted !== undefined ? { accountId: wanted } : {}), ...configuredKey });
    } catch (err) {
      // Another node sharing the store created it between our check and our insert.
      if (!(err instanceof AccountExistsError)) throw err;
    }
  }
  defaultAccountId = created?.accountId ?? wanted!;
  if (defaultAccountId !== (await getDefaultAccountId(deps.store))) await setDefaultAccountId(deps, defaultAccountId);
  if (!created && configuredKey.rootAccessKeyId !== undefined) {
    await putRootKey(deps, defaultAccountId, configuredKey.rootAccessKeyId, configuredKey.rootSecretAccessKey);
  }
  return { defaultAccountId, ...(created ? { created } : {}) };
}

/** Writes the root credentials file (0600) in the aws CLI's credentials-file format. */
export async function writeRootCredentialsFile(dataDir: string, credentials: RootCredentials): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, 'root-credentials');
  const text = [
    `# Root user of account ${credentials.accountId}. Keep this file secret.`,
    '[default]',
    `aws_access_key_id = ${credentials.accessKeyId}`,
    `aws_secret_access_key = ${credentials.secretAccessKey}`,
    '',
  ].join('\n');
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}
