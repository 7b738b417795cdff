import { asJwks, type JsonWebKeySet } from './jwk-set.ts';

/**
 * Key sets of OIDC issuers found through discovery: `<iss>/.well-known/openid-configuration`
 * names `jwks_uri`, which serves the key set. Sets are cached per issuer for an hour; a token
 * whose `kid` the cached set lacks asks for one refresh (the provider may have rotated its
 * keys). Fetching is a dependency, so tests and other transports can stand in for it.
 */

/** GETs a URL and returns its parsed JSON body; throws on any failure. */
export type FetchJson = (url: string) => Promise<unknown>;

export class KeyFetchError extends Error {
  override readonly name = 'KeyFetchError';
}

const CACHE_MILLISECONDS = 60 * 60 * 1000;

export interface DiscoveryKeySource {
  /** The issuer's key set, from the cache unless it is stale or `refresh` is asked. */
  keysFor(issuer: string, now: Date, refresh: boolean): Promise<JsonWebKeySet>;
}

export function discoveryKeySource(fetchJson: FetchJson): DiscoveryKeySource {
  const cache = new Map<string, { keys: JsonWebKeySet; fetchedAt: number }>();
  return {
    async keysFor(issuer, now, refresh) {
      const cached = cache.get(issuer);
      if (cached && !refresh && now.getTime() - cached.fetchedAt < CACHE_MILLISECONDS) return cached.keys;
      const keys = await fetchKeySet(issuer, fetchJson);
      cache.set(issuer, { keys, fetchedAt: now.getTime() });
      return keys;
    },
  };
}

async function fetchKeySet(issuer: string, fetchJson: FetchJson): Promise<JsonWebKeySet> {
  const base = issuer.replace(/\/+$/, '');
  const configuration = await fetchJson(`${base}/.well-known/openid-configuration`);
  const jwksUri = (configuration as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof jwksUri !== 'string') throw new KeyFetchError('the discovery document names no jwks_uri');
  const keySet = await fetchJson(jwksUri);
  const jwks = asJwks(keySet);
  if (!jwks) throw new KeyFetchError('jwks_uri did not serve a key set');
  return jwks;
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The default fetch: HTTPS only, five seconds, at most 1 MiB. One development allowance: an
 * issuer on the loopback interface (the built-in test identity provider, `tessera idp`) is
 * fetched over plain HTTP, since IAM registers only https:// URLs and loopback traffic never
 * leaves the machine.
 */
export const fetchJsonOverHttps: FetchJson = async (url) => {
  const target = new URL(url);
  if (target.protocol !== 'https:') throw new KeyFetchError(`refusing to fetch ${url}: not https`);
  if (LOOPBACK_HOSTS.has(target.hostname)) target.protocol = 'http:';
  let response: Response;
  try {
    response = await fetch(target, { signal: AbortSignal.timeout(5000), redirect: 'error', headers: { accept: 'application/json' } });
  } catch (err) {
    throw new KeyFetchError(`could not fetch ${url}: ${String(err)}`);
  }
  if (response.status !== 200) throw new KeyFetchError(`${url} answered ${response.status}`);
  const text = await response.text();
  if (text.length > 1024 * 1024) throw new KeyFetchError(`${url} answered too much`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KeyFetchError(`${url} did not answer JSON`);
  }
};
