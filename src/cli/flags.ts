import { parseArgs } from 'node:util';
import { join } from 'node:path';
import type { LogLevel, ServerConfig } from '../server/config.ts';
import { defaultQuotas, type Quotas } from '../kernel/quotas.ts';

/**
 * `tessera serve` flags. Every flag has an environment twin (TESSERA_<FLAG>, upper-cased,
 * dashes as underscores); a flag given on the command line wins over its environment twin.
 */
export const SERVE_FLAGS = {
  host: { type: 'string', env: 'TESSERA_HOST', help: 'listen address (default 127.0.0.1)' },
  port: { type: 'string', env: 'TESSERA_PORT', help: 'listen port (default 4600; 0 = any free port)' },
  'data-dir': { type: 'string', env: 'TESSERA_DATA_DIR', help: 'state directory (default ./.tessera)' },
  store: { type: 'string', env: 'TESSERA_STORE', help: 'sqlite:PATH (default sqlite:<data-dir>/tessera.db) or postgres://…' },
  'account-id': { type: 'string', env: 'TESSERA_ACCOUNT_ID', help: "the default account's 12-digit ID (random on first start)" },
  'root-access-key-id': { type: 'string', env: 'TESSERA_ROOT_ACCESS_KEY_ID', help: "use this as the default account root user's access key ID" },
  'root-secret-access-key': { type: 'string', env: 'TESSERA_ROOT_SECRET_ACCESS_KEY', help: '…and this as its secret' },
  'master-key': { type: 'string', env: 'TESSERA_MASTER_KEY', help: 'base64 of 32 bytes encrypting secrets at rest (default: <data-dir>/master.key, generated)' },
  'log-level': { type: 'string', env: 'TESSERA_LOG_LEVEL', help: 'debug | info | warn | error | silent (default info)' },
  quota: { type: 'string', env: 'TESSERA_QUOTAS', help: 'NAME=N overrides an AWS default quota (repeatable; env: comma-separated), e.g. usersPerAccount=100000' },
  dev: { type: 'boolean', env: 'TESSERA_DEV', help: 'in-memory store, root key test/test, POST /_tessera/reset; loopback only' },
} as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseServeConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const options = Object.fromEntries(Object.entries(SERVE_FLAGS).map(([name, f]) => [name, { type: f.type, ...(name === 'quota' ? { multiple: true } : {}) }])) as Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const get = (name: keyof typeof SERVE_FLAGS): string | undefined => {
    const v = values[name];
    if (typeof v === 'string') return v;
    const e = env[SERVE_FLAGS[name].env];
    return e === undefined || e === '' ? undefined : e;
  };
  const dev = values['dev'] === true || ['1', 'true', 'yes'].includes((env['TESSERA_DEV'] ?? '').toLowerCase());
  const port = Number(get('port') ?? '4600');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got '${get('port')}'`);
  const logLevel = (get('log-level') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) throw new UsageError(`--log-level must be debug, info, warn, error or silent`);
  const accountId = get('account-id');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) throw new UsageError(`--account-id must be 12 digits, got '${accountId}'`);
  const keyId = get('root-access-key-id');
  const secret = get('root-secret-access-key');
  if ((keyId === undefined) !== (secret === undefined)) throw new UsageError('--root-access-key-id and --root-secret-access-key go together');
  const dataDir = get('data-dir') ?? '.tessera';
  const store = get('store') ?? `sqlite:${join(dataDir, 'tessera.db')}`;
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(store)) throw new UsageError(`--store must be sqlite:PATH or a postgres:// URL`);
  return {
    host: get('host') ?? '127.0.0.1',
    port,
    dataDir,
    store,
    ...(accountId !== undefined ? { accountId } : {}),
    ...(keyId !== undefined ? { rootAccessKeyId: keyId, rootSecretAccessKey: secret } : {}),
    ...(get('master-key') !== undefined ? { masterKey: get('master-key') } : {}),
    dev,
    logLevel,
    quotas: parseQuotas(values['quota'] as unknown as string[] | undefined, env['TESSERA_QUOTAS']),
  };
}

/** `--quota usersPerAccount=100000` (repeatable) or TESSERA_QUOTAS="a=1,b=2" over AWS's defaults. */
export function parseQuotas(flags: string[] | undefined, envValue: string | undefined): Quotas {
  const quotas: Quotas = { ...defaultQuotas };
  const items = flags && flags.length > 0 ? flags : (envValue ?? '').split(',').filter((x) => x.trim() !== '');
  for (const item of items) {
    const [name, value] = item.split('=', 2).map((x) => x.trim());
    if (!name || !(name in quotas)) throw new UsageError(`Unknown quota '${name}'. Known: ${Object.keys(defaultQuotas).join(', ')}`);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`Quota ${name} must be a whole number, got '${value}'`);
    quotas[name as keyof Quotas] = n;
  }
  return quotas;
}

export function serveHelp(): string {
  const lines = Object.entries(SERVE_FLAGS).map(([name, f]) => `  --${name.padEnd(24)} ${f.help}  [${f.env}]`);
  return `Usage: tessera serve [flags]\n\n${lines.join('\n')}\n`;
}
