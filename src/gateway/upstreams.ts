// Where each protected service's requests go, and as whom: `--upstream URL` (every service
// Tessera does not serve), `--upstream SERVICE=URL` (one service), and the credentials the
// gateway signs with in each account (`--upstream-credentials ACCOUNT=KEY:SECRET`).

import { SERVICE_NAMES } from '../protocol/model.ts';

export interface UpstreamCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface GatewaySettings {
  /** By SigV4 signing name (`s3`, `sqs`, …). */
  upstreams: ReadonlyMap<string, URL>;
  /** For every service not named in `upstreams`. */
  fallbackUpstream?: URL;
  /** Per Tessera account; `*` for every other account. Default test/test. */
  credentials: ReadonlyMap<string, UpstreamCredentials>;
  /** The header telling the upstream which account a request is for (moto: x-moto-account-id); empty for none. */
  accountHeader: string;
  /** enforce: refuse what the engine refuses; audit: log it, forward anyway. */
  mode: 'enforce' | 'audit';
  /** How long lookups read upstream (policies, tags, bucket owners) are kept; default 5,000 ms, 0 for not at all. */
  cacheMs?: number;
}

export const DEFAULT_UPSTREAM_CREDENTIALS: UpstreamCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const DEFAULT_ACCOUNT_HEADER = 'x-moto-account-id';

/** The services Tessera serves itself (every service whose model the protocol layer loads): never an upstream's. */
export const SERVED_BY_TESSERA: ReadonlySet<string> = new Set(SERVICE_NAMES);

export function upstreamFor(settings: Pick<GatewaySettings, 'upstreams' | 'fallbackUpstream'>, service: string): URL | undefined {
  return settings.upstreams.get(service) ?? settings.fallbackUpstream;
}

export function credentialsFor(settings: Pick<GatewaySettings, 'credentials'>, accountId: string): UpstreamCredentials {
  return settings.credentials.get(accountId) ?? settings.credentials.get('*') ?? DEFAULT_UPSTREAM_CREDENTIALS;
}

/** A usage mistake in a setting, with the text to show. */
export class SettingError extends Error {
  override readonly name = 'SettingError';
}

const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** An upstream URL: http(s), a host, no credentials, query or fragment; its path is a prefix. */
export function parseUpstreamUrl(text: string, from: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingError(`${from}: '${text}' is not a URL; use http://HOST:PORT`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingError(`${from}: ${text} must be an http:// or https:// URL`);
  if (url.username !== '' || url.password !== '') throw new SettingError(`${from}: ${url.host} must not carry credentials in the URL; use --upstream-credentials`);
  if (url.search !== '' || url.hash !== '') throw new SettingError(`${from}: ${text} must not have a query or fragment`);
  if (url.pathname !== '/') throw new SettingError(`${from}: ${text} must name the endpoint's root (no path)`);
  return url;
}

/**
 * `URL` or `SERVICE=URL` items (flags, or the comma-separated TESSERA_UPSTREAMS); `*=URL` is
 * the same as a bare URL. A service twice, or one Tessera serves itself, is a mistake.
 */
export function parseUpstreams(items: readonly string[], from: string): Pick<GatewaySettings, 'upstreams' | 'fallbackUpstream'> {
  const upstreams = new Map<string, URL>();
  let fallback: URL | undefined;
  for (const raw of items) {
    const item = raw.trim();
    const eq = item.indexOf('=');
    const schemeAt = item.indexOf('://');
    const named = eq > 0 && (schemeAt < 0 || eq < schemeAt);
    const service = named ? item.slice(0, eq).trim().toLowerCase() : '*';
    const url = parseUpstreamUrl(named ? item.slice(eq + 1).trim() : item, from);
    if (service === '*') {
      if (fallback !== undefined) throw new SettingError(`${from}: more than one upstream for every service (a bare URL or *=URL)`);
      fallback = url;
      continue;
    }
    if (!SERVICE_NAME.test(service)) throw new SettingError(`${from}: '${service}' is not a service's signing name (s3, sqs, dynamodb, …)`);
    if (SERVED_BY_TESSERA.has(service)) throw new SettingError(`${from}: Tessera serves ${service} itself; it has no upstream`);
    if (upstreams.has(service)) throw new SettingError(`${from}: two upstreams for ${service}`);
    upstreams.set(service, url);
  }
  return { upstreams, ...(fallback ? { fallbackUpstream: fallback } : {}) };
}

/** `ACCOUNT=KEY:SECRET` items; ACCOUNT is 12 digits or `*` (every account without its own). */
export function parseUpstreamCredentials(items: readonly string[], from: string): Map<string, UpstreamCredentials> {
  const credentials = new Map<string, UpstreamCredentials>();
  for (const raw of items) {
    const item = raw.trim();
    const eq = item.indexOf('=');
    const colon = item.indexOf(':', eq + 1);
    if (eq <= 0 || colon < 0) throw new SettingError(`${from} takes ACCOUNT=ACCESS_KEY_ID:SECRET (ACCOUNT is 12 digits or *)`);
    const account = item.slice(0, eq).trim();
    if (account !== '*' && !/^\d{12}$/.test(account)) throw new SettingError(`${from}: the account must be 12 digits or *, got '${account.slice(0, 40)}'`);
    const accessKeyId = item.slice(eq + 1, colon).trim();
    const secretAccessKey = item.slice(colon + 1).trim();
    if (accessKeyId === '' || secretAccessKey === '') throw new SettingError(`${from}: account ${account} needs both an access key ID and a secret`);
    if (credentials.has(account)) throw new SettingError(`${from}: two credentials for account ${account}`);
    credentials.set(account, { accessKeyId, secretAccessKey });
  }
  return credentials;
}
