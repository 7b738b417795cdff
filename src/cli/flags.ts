import { join } from 'node:path';
import { remoteDevRefusal, type LogLevel, type ServerConfig } from '../server/config.ts';
import { defaultQuotas, type Quotas } from '../kernel/quotas.ts';
import { closestName } from './suggest.ts';
import { normalizedPublicUrl } from '../iam/outbound-federation/issuer-url.ts';
import { DEFAULT_ACCOUNT_HEADER, parseUpstreamCredentials, parseUpstreams, SettingError, type GatewaySettings } from '../gateway/upstreams.ts';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** A string flag that may be given more than once (its values are collected in order). */
  multiple?: boolean;
}

export interface ParsedFlags {
  /** A string, a list for `multiple` flags, `true` for a boolean flag that was given. */
  values: Record<string, string | string[] | true>;
  positionals: string[];
  /** `--help` or `-h` was given: the command prints its help and ignores everything else. */
  help: boolean;
}

/**
 * The flag parser of every command: `--name value`, `--name=value`, boolean `--name`, `--`
 * ending the flags, `--help`/`-h` anywhere. An unknown flag names the nearest known one
 * ("Unknown option --prot. Did you mean --port?") and where the command's help is.
 */
export function parseFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string, options: { maxPositionals?: number } = {}): ParsedFlags {
  const seeHelp = `See 'tessera ${command} --help'.`;
  const known = Object.keys(specs);
  const values: Record<string, string | string[] | true> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}. ${seeHelp}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) {
      const near = closestName(name, [...known, 'help']);
      throw new UsageError(`Unknown option --${name}.${near ? ` Did you mean --${near}?` : ''} ${seeHelp}`);
    }
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value (got '${arg}'). ${seeHelp}`);
      values[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value. ${seeHelp}`);
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else if (values[name] !== undefined) throw new UsageError(`--${name} is given twice. ${seeHelp}`);
    else values[name] = value;
  }
  if (!help && options.maxPositionals !== undefined && positionals.length > options.maxPositionals) {
    throw new UsageError(`Unexpected argument '${positionals[options.maxPositionals]}'. ${seeHelp}`);
  }
  return { values, positionals, help };
}

/** Renders a command's flags as help lines, aligned. */
export function flagHelpLines(flags: Readonly<Record<string, { help: string; env?: string; value?: string }>>): string {
  return Object.entries(flags)
    .map(([name, f]) => `  ${`--${name}${f.value ? ` ${f.value}` : ''}`.padEnd(30)} ${f.help}${f.env ? `  [${f.env}]` : ''}`)
    .join('\n');
}

/**
 * `tessera serve` flags. Every flag has an environment twin (TESSERA_<FLAG>, upper-cased,
 * dashes as underscores); a flag given on the command line wins over its environment twin.
 */
export const SERVE_FLAGS = {
  host: { type: 'string', env: 'TESSERA_HOST', value: 'ADDR', help: 'listen address (default 127.0.0.1)' },
  port: { type: 'string', env: 'TESSERA_PORT', value: 'N', help: 'listen port (default 4600; 0 = any free port)' },
  'data-dir': { type: 'string', env: 'TESSERA_DATA_DIR', value: 'DIR', help: 'state directory (default ./.tessera)' },
  store: { type: 'string', env: 'TESSERA_STORE', value: 'URL', help: 'sqlite:PATH (default sqlite:<data-dir>/tessera.db) or postgres://…' },
  'account-id': { type: 'string', env: 'TESSERA_ACCOUNT_ID', value: 'ID', help: "the default account's 12-digit ID (random on first start)" },
  'root-access-key-id': { type: 'string', env: 'TESSERA_ROOT_ACCESS_KEY_ID', value: 'ID', help: "use this as the default account root user's access key ID" },
  'root-secret-access-key': { type: 'string', env: 'TESSERA_ROOT_SECRET_ACCESS_KEY', value: 'SECRET', help: '…and this as its secret' },
  'master-key': { type: 'string', env: 'TESSERA_MASTER_KEY', value: 'BASE64', help: 'base64 of 32 bytes encrypting secrets at rest (default: <data-dir>/master.key, generated)' },
  'log-level': { type: 'string', env: 'TESSERA_LOG_LEVEL', value: 'LEVEL', help: 'debug | info | warn | error | silent (default info)' },
  quota: { type: 'string', multiple: true, env: 'TESSERA_QUOTAS', value: 'NAME=N', help: 'overrides an AWS default quota (repeatable; env: comma-separated), e.g. usersPerAccount=100000' },
  'tls-cert': { type: 'string', env: 'TESSERA_TLS_CERT', value: 'FILE', help: 'PEM certificate (chain) file: serve HTTPS (with --tls-key); see tessera dev-cert' },
  'tls-key': { type: 'string', env: 'TESSERA_TLS_KEY', value: 'FILE', help: "PEM private key file of --tls-cert's certificate" },
  workers: { type: 'string', env: 'TESSERA_WORKERS', value: 'N', help: 'processes sharing the port (default: one per core; --dev: 1, its only value)' },
  dev: { type: 'boolean', env: 'TESSERA_DEV', help: 'in-memory store, root key test/test, POST /_tessera/reset; loopback only' },
  'dev-allow-remote': { type: 'boolean', env: 'TESSERA_DEV_ALLOW_REMOTE', help: 'let --dev listen on a non-loopback --host (containers, CI services): anyone who reaches it is root' },
  upstream: { type: 'string', multiple: true, env: 'TESSERA_UPSTREAMS', value: '[SERVICE=]URL', help: 'forward requests for services Tessera does not serve (s3, sqs, …) there once authorized; a bare URL serves every such service (repeatable; env: comma-separated)' },
  'upstream-credentials': { type: 'string', multiple: true, env: 'TESSERA_UPSTREAM_CREDENTIALS', value: 'ACCOUNT=KEY:SECRET', help: 'the upstream credentials of a Tessera account (ACCOUNT * for every other; default test:test; repeatable; env: comma-separated)' },
  'upstream-account-header': { type: 'string', env: 'TESSERA_UPSTREAM_ACCOUNT_HEADER', value: 'NAME', help: `the header naming the account to the upstream (default ${DEFAULT_ACCOUNT_HEADER}, for moto; none to send none)` },
  'gateway-mode': { type: 'string', env: 'TESSERA_GATEWAY_MODE', value: 'MODE', help: 'enforce (default): refuse what policies do not allow; audit: log it and forward anyway' },
  'gateway-cache-ms': { type: 'string', env: 'TESSERA_GATEWAY_CACHE_MS', value: 'MS', help: 'how long the gateway keeps what it read upstream (policies, tags, owners): 0-60000, default 5000; 0 reads them for every request' },
  'encoded-authorization-messages': { type: 'boolean', env: 'TESSERA_ENCODED_AUTHORIZATION_MESSAGES', help: "end AccessDenied texts with an encoded authorization message (sts:DecodeAuthorizationMessage); default AWS's text alone" },
  'audit-retention': { type: 'string', env: 'TESSERA_AUDIT_RETENTION', value: 'DURATION', help: 'how long audit events (CloudTrail event history) are kept: 90d (default), 12h, 30m' },
  'trail-dir': { type: 'string', env: 'TESSERA_TRAIL_DIR', value: 'DIR', help: "where trails deliver locally: DIR/<trail's S3 bucket name>/AWSLogs/… (other buckets: the S3 --upstream's; no trails without either)" },
  'public-url': { type: 'string', env: 'TESSERA_PUBLIC_URL', value: 'URL', help: "this server's URL as relying parties reach it (https://host[:port]): the base of outbound federation issuers (default: the enabling request's scheme and Host)" },
  'trail-delivery-interval': { type: 'string', env: 'TESSERA_TRAIL_DELIVERY_INTERVAL', value: 'DURATION', help: 'how often logging trails deliver log files and digests: 5m (default), 30s' },
} as const satisfies Record<string, FlagSpec & { env: string; help: string; value?: string }>;

type ServeFlag = keyof typeof SERVE_FLAGS;
/** More worker processes than this is a typo, not a machine. */
export const MAX_WORKERS = 256;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function parseServeConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const { values } = parseFlags(argv, SERVE_FLAGS, 'serve', { maxPositionals: 0 });
  /** A setting's value and where it came from (the flag or its environment twin), for messages. */
  const get = (name: ServeFlag): { value: string; from: string } | undefined => {
    const v = values[name];
    if (typeof v === 'string') return { value: v, from: `--${name}` };
    const e = env[SERVE_FLAGS[name].env];
    return e === undefined || e === '' ? undefined : { value: e, from: SERVE_FLAGS[name].env };
  };
  const flag = (name: ServeFlag): boolean => {
    if (values[name] === true) return true;
    const e = env[SERVE_FLAGS[name].env];
    if (e === undefined) return false;
    const lower = e.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
    if (['', '0', 'false', 'no', 'off'].includes(lower)) return false;
    throw new UsageError(`${SERVE_FLAGS[name].env} must be true or false (1/0, yes/no), got '${e}'`);
  };

  const portSetting = get('port');
  const port = portSetting === undefined ? 4600 : /^\d{1,5}$/.test(portSetting.value) ? Number(portSetting.value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`${portSetting!.from} must be a port number from 0 to 65535, got '${portSetting!.value}'`);

  const level = get('log-level');
  if (level !== undefined && !LOG_LEVELS.includes(level.value as LogLevel)) {
    const near = closestName(level.value, LOG_LEVELS);
    throw new UsageError(`${level.from} must be one of ${LOG_LEVELS.join(', ')}; got '${level.value}'${near ? ` (did you mean ${near}?)` : ''}`);
  }

  const accountId = get('account-id');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId.value)) throw new UsageError(`${accountId.from} must be 12 digits, got '${accountId.value}'`);
  const keyId = get('root-access-key-id');
  const secret = get('root-secret-access-key');
  if ((keyId === undefined) !== (secret === undefined)) throw new UsageError('--root-access-key-id and --root-secret-access-key (TESSERA_ROOT_ACCESS_KEY_ID, TESSERA_ROOT_SECRET_ACCESS_KEY) go together');

  const host = get('host');
  if (host !== undefined && host.value.trim() === '') throw new UsageError(`${host.from} must be an address, got an empty value`);
  const dataDir = get('data-dir')?.value ?? '.tessera';
  const storeSetting = get('store');
  if (storeSetting !== undefined) checkStoreUrl(storeSetting.value, storeSetting.from);
  const masterKey = get('master-key')?.value;
  const dev = flag('dev');
  const devAllowRemote = flag('dev-allow-remote');
  if (devAllowRemote && !dev) throw new UsageError('--dev-allow-remote (TESSERA_DEV_ALLOW_REMOTE) applies only with --dev (TESSERA_DEV)');
  const remoteDev = remoteDevRefusal({ dev, devAllowRemote, host: host?.value ?? '127.0.0.1' });
  if (remoteDev !== undefined) throw new UsageError(remoteDev);
  const tlsCert = get('tls-cert');
  const tlsKey = get('tls-key');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key (TESSERA_TLS_CERT, TESSERA_TLS_KEY) go together');
  const workersSetting = get('workers');
  let workers: number | undefined;
  if (workersSetting !== undefined) {
    workers = /^\d{1,4}$/.test(workersSetting.value) ? Number(workersSetting.value) : NaN;
    if (!(workers >= 1 && workers <= MAX_WORKERS)) throw new UsageError(`${workersSetting.from} must be a whole number from 1 to ${MAX_WORKERS}, got '${workersSetting.value}'`);
    if (dev && workers > 1) throw new UsageError(`${workersSetting.from} ${workers}: --dev keeps its state in one process's memory, so it runs one process; use a persistent store (no --dev) for more`);
  }
  const quotaFlags = values['quota'] as string[] | undefined;
  const retention = get('audit-retention');
  const trailDir = get('trail-dir');
  const delivery = get('trail-delivery-interval');
  const encoded = flag('encoded-authorization-messages');
  const publicUrlSetting = get('public-url');
  const publicUrl = publicUrlSetting === undefined ? undefined : normalizedPublicUrl(publicUrlSetting.value);
  if (publicUrlSetting !== undefined && publicUrl === undefined) throw new UsageError(`${publicUrlSetting.from} must be an http(s) URL with no path, query or credentials (https://host[:port]), got '${publicUrlSetting.value}'`);
  return {
    host: host?.value ?? '127.0.0.1',
    port,
    dataDir,
    store: storeSetting?.value ?? `sqlite:${join(dataDir, 'tessera.db')}`,
    ...(accountId !== undefined ? { accountId: accountId.value } : {}),
    ...(keyId !== undefined && secret !== undefined ? { rootAccessKeyId: keyId.value, rootSecretAccessKey: secret.value } : {}),
    ...(masterKey !== undefined ? { masterKey } : {}),
    dev,
    ...(devAllowRemote ? { devAllowRemote } : {}),
    logLevel: (level?.value ?? 'info') as LogLevel,
    quotas: parseQuotas(quotaFlags, env['TESSERA_QUOTAS']),
    ...(tlsCert !== undefined && tlsKey !== undefined ? { tlsCert: tlsCert.value, tlsKey: tlsKey.value } : {}),
    ...(workers !== undefined ? { workers } : {}),
    gateway: parseGatewaySettings(values, env, get),
    ...(encoded ? { encodedAuthorizationMessages: true } : {}),
    ...(retention !== undefined ? { auditRetentionSeconds: parseDuration(retention.value, retention.from) } : {}),
    ...(trailDir !== undefined ? { trailDir: trailDir.value } : {}),
    ...(delivery !== undefined ? { trailDeliverySeconds: parseDuration(delivery.value, delivery.from) } : {}),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
  };
}

/** The gateway's settings: upstreams, their credentials, the account header and the mode. */
function parseGatewaySettings(
  values: ParsedFlags['values'],
  env: NodeJS.ProcessEnv,
  get: (name: ServeFlag) => { value: string; from: string } | undefined,
): GatewaySettings {
  const listed = (flag: ServeFlag): { items: string[]; from: string } => {
    const given = values[flag] as string[] | undefined;
    if (given !== undefined && given.length > 0) return { items: given, from: `--${flag}` };
    const twin = SERVE_FLAGS[flag].env;
    return { items: (env[twin] ?? '').split(',').filter((item) => item.trim() !== ''), from: twin };
  };
  const mode = get('gateway-mode');
  if (mode !== undefined && mode.value !== 'enforce' && mode.value !== 'audit') throw new UsageError(`${mode.from} must be enforce or audit, got '${mode.value}'`);
  const cache = get('gateway-cache-ms');
  const cacheMs = cache === undefined ? undefined : Number(cache.value);
  if (cache !== undefined && !(/^\d{1,5}$/.test(cache.value.trim()) && cacheMs! <= 60_000)) throw new UsageError(`${cache.from} must be a number of milliseconds from 0 to 60000, got '${cache.value}'`);
  const header = get('upstream-account-header');
  if (header !== undefined && header.value !== 'none' && !/^[A-Za-z0-9-]{1,100}$/.test(header.value)) throw new UsageError(`${header.from} must be a header name or none, got '${header.value}'`);
  try {
    const upstreams = listed('upstream');
    const credentials = listed('upstream-credentials');
    return {
      ...parseUpstreams(upstreams.items, upstreams.from),
      credentials: parseUpstreamCredentials(credentials.items, credentials.from),
      accountHeader: header === undefined ? DEFAULT_ACCOUNT_HEADER : header.value === 'none' ? '' : header.value.toLowerCase(),
      mode: (mode?.value ?? 'enforce') as GatewaySettings['mode'],
      ...(cacheMs !== undefined ? { cacheMs } : {}),
    };
  } catch (err) {
    if (err instanceof SettingError) throw new UsageError(err.message);
    throw err;
  }
}

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90d`, `12h`, `30m`, `45s` → seconds (at least one second, at most ten years). */
export function parseDuration(text: string, from: string): number {
  const match = /^(\d{1,9})([smhd])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : NaN;
  if (!(seconds >= 1 && seconds <= 3650 * 86_400)) throw new UsageError(`${from} must be a duration such as 90d, 12h, 30m or 45s (at most 3650d), got '${text}'`);
  return seconds;
}

/**
 * `sqlite:PATH` or a PostgreSQL URL. The message names only the scheme: a store URL may carry
 * a password, and error output ends up in CI logs.
 */
function checkStoreUrl(url: string, from: string): void {
  const colon = url.indexOf(':');
  const scheme = colon < 0 ? '' : url.slice(0, colon + 1).toLowerCase();
  if (scheme === 'sqlite:') {
    if (url.length === 'sqlite:'.length) throw new UsageError(`${from} sqlite: needs a path, e.g. sqlite:.tessera/tessera.db`);
    return;
  }
  if (scheme === 'postgres:' || scheme === 'postgresql:') {
    if (!url.slice(colon + 1).startsWith('//')) throw new UsageError(`${from} must be a URL like postgres://USER:PASSWORD@HOST:5432/DATABASE`);
    return;
  }
  const what = scheme === '' || scheme.length > 20 ? 'no scheme' : `the unknown scheme '${scheme}'`;
  throw new UsageError(`${from} has ${what}; use sqlite:PATH or postgres://USER:PASSWORD@HOST:5432/DATABASE`);
}

/** `--quota usersPerAccount=100000` (repeatable) or TESSERA_QUOTAS="a=1,b=2" over AWS's defaults. */
export function parseQuotas(flags: string[] | undefined, envValue: string | undefined): Quotas {
  const quotas: Quotas = { ...defaultQuotas };
  const fromFlags = flags !== undefined && flags.length > 0;
  const from = fromFlags ? '--quota' : 'TESSERA_QUOTAS';
  const items = fromFlags ? flags : (envValue ?? '').split(',').filter((x) => x.trim() !== '');
  const known = Object.keys(defaultQuotas);
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(`${from} takes NAME=N, e.g. usersPerAccount=100000; got '${item}'`);
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!Object.hasOwn(defaultQuotas, name)) {
      const near = closestName(name, known);
      throw new UsageError(`${from}: unknown quota '${name}'.${near ? ` Did you mean ${near}?` : ''} Known: ${known.join(', ')}`);
    }
    if (!/^\d{1,15}$/.test(value)) throw new UsageError(`${from}: quota ${name} must be a whole number, got '${value}'`);
    quotas[name as keyof Quotas] = Number(value);
  }
  return quotas;
}

export function serveHelp(): string {
  return (
    `Usage: tessera serve [flags]\n\n` +
    `Runs the server until SIGTERM or SIGINT (Ctrl-C), then stops gracefully: requests in\n` +
    `flight are answered, audit events written. Every flag has the environment twin shown in\n` +
    `brackets; the flag wins.\n\n${flagHelpLines(SERVE_FLAGS)}\n  --help                         this help\n`
  );
}
