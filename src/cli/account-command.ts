import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { openStore } from '../store/open-store.ts';
import { openSecretSealer } from '../server/secrets.ts';
import { AccountExistsError, createAccount, listAccountIds } from '../iam/accounts.ts';
import { systemClock } from '../kernel/clock.ts';
import { cryptoRandom } from '../kernel/random.ts';
import { defaultQuotas } from '../kernel/quotas.ts';
import type { ServerConfig } from '../server/config.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './flags.ts';

/**
 * `tessera account create [--account-id ID]` and `tessera account list`: work on the store
 * directly (the same --data-dir / --store / --master-key as `serve`, or their TESSERA_*
 * twins), so they work whether or not a server is running on it.
 */
export async function runAccountCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: { 'account-id': { type: 'string' }, 'data-dir': { type: 'string' }, store: { type: 'string' }, 'master-key': { type: 'string' } },
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const dataDir = values['data-dir'] ?? io.env['TESSERA_DATA_DIR'] ?? '.tessera';
  const storeUrl = values['store'] ?? io.env['TESSERA_STORE'] ?? `sqlite:${join(dataDir, 'tessera.db')}`;
  const masterKey = values['master-key'] ?? io.env['TESSERA_MASTER_KEY'];
  const config: ServerConfig = {
    host: '127.0.0.1', port: 0, dataDir, store: storeUrl, dev: false, logLevel: 'silent', quotas: defaultQuotas,
    ...(masterKey ? { masterKey } : {}),
  };
  if (sub !== 'create' && sub !== 'list') throw new UsageError('Usage: tessera account create [--account-id ID] | tessera account list');
  await mkdir(dataDir, { recursive: true });
  const store = await openStore(storeUrl);
  try {
    if (sub === 'list') {
      io.stdout(JSON.stringify({ accounts: await listAccountIds(store, { limit: 1000 }) }, null, 2) + '\n');
      return 0;
    }
    const accountId = values['account-id'] ?? io.env['TESSERA_ACCOUNT_ID'];
    if (accountId !== undefined && !/^\d{12}$/.test(accountId)) throw new UsageError(`--account-id must be 12 digits, got '${accountId}'`);
    const secrets = await openSecretSealer(config);
    try {
      const created = await createAccount({ store, secrets, clock: systemClock, random: cryptoRandom }, accountId ? { accountId } : {});
      io.stdout(JSON.stringify(created, null, 2) + '\n');
      return 0;
    } catch (err) {
      if (err instanceof AccountExistsError) {
        io.stderr(`${err.message}\n`);
        return 1;
      }
      throw err;
    }
  } finally {
    await store.close();
  }
}
