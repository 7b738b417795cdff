import { join } from 'node:path';
import { checkStartupPaths } from '../server/startup-checks.ts';
import { openStore } from '../store/open-store.ts';
import { refuseMissingSqliteStore } from './store-access.ts';
import { openSecretSealer } from '../server/secrets.ts';
import { AccountExistsError, createAccount, listAccountIds } from '../iam/accounts.ts';
import { systemClock } from '../kernel/clock.ts';
import { cryptoRandom } from '../kernel/random.ts';
import { defaultQuotas } from '../kernel/quotas.ts';
import type { ServerConfig } from '../server/config.ts';
import type { CliIo } from './io.ts';
import { UsageError, flagHelpLines, parseFlags } from './flags.ts';
import { closestName } from './suggest.ts';

const ACCOUNT_FLAGS = {
  'account-id': { type: 'string', value: 'ID', help: '(create) the new account\'s 12-digit ID (random when absent)', env: 'TESSERA_ACCOUNT_ID' },
  'data-dir': { type: 'string', value: 'DIR', help: 'state directory (default ./.tessera)', env: 'TESSERA_DATA_DIR' },
  store: { type: 'string', value: 'URL', help: 'sqlite:PATH or postgres://… (default sqlite:<data-dir>/tessera.db)', env: 'TESSERA_STORE' },
  'master-key': { type: 'string', value: 'BASE64', help: 'the master key of that store (default <data-dir>/master.key)', env: 'TESSERA_MASTER_KEY' },
} as const;

const ACCOUNT_HELP = `Usage:
  tessera account create [--account-id ID] [flags]   create an account and its root access key (printed as JSON)
  tessera account list [flags]                       list account IDs

Works on the store directly, whether or not a server runs on it.

${flagHelpLines(ACCOUNT_FLAGS)}
  --help                         this help
`;

/**
 * `tessera account create [--account-id ID]` and `tessera account list`: work on the store
 * directly (the same --data-dir / --store / --master-key as `serve`, or their TESSERA_*
 * twins), so they work whether or not a server is running on it.
 */
export async function runAccountCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(ACCOUNT_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'create' && sub !== 'list') {
    const near = closestName(sub, ['create', 'list']);
    throw new UsageError(`Unknown account subcommand '${sub}'.${near ? ` Did you mean '${near}'?` : ''}\n\n${ACCOUNT_HELP}`);
  }
  const parsed = parseFlags(rest, ACCOUNT_FLAGS, `account ${sub}`, { maxPositionals: 0 });
  if (parsed.help) {
    io.stdout(ACCOUNT_HELP);
    return 0;
  }
  const values = parsed.values as Record<string, string | undefined>;
  const dataDir = values['data-dir'] ?? io.env['TESSERA_DATA_DIR'] ?? '.tessera';
  const storeUrl = values['store'] ?? io.env['TESSERA_STORE'] ?? `sqlite:${join(dataDir, 'tessera.db')}`;
  const masterKey = values['master-key'] ?? io.env['TESSERA_MASTER_KEY'];
  const config: ServerConfig = {
    host: '127.0.0.1', port: 0, dataDir, store: storeUrl, dev: false, logLevel: 'silent', quotas: defaultQuotas,
    ...(masterKey ? { masterKey } : {}),
  };
  // Listing reads: a store that is not there is a mistaken path, not an empty store to create.
  if (sub === 'list') refuseMissingSqliteStore(storeUrl);
  // The same checks as `serve`: an unusable path fails at once, naming it (Node's recursive mkdir spins on /proc).
  await checkStartupPaths(config);
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
