import type { RequestEndpoint } from '../../kernel/operation.ts';
import { OUTBOUND_ISSUER_PATH } from './records.ts';

/**
 * Where an account's issuer lives. On AWS it is https://<id>.tokens.sts.global.api.aws; here it
 * is Tessera itself, `<base>/_tessera/outbound/<issuer id>`, and the base is, in order:
 *
 *   1. `--public-url` (TESSERA_PUBLIC_URL): the URL relying parties reach this server at — the
 *      choice behind a load balancer or TLS-terminating proxy, where the request's own scheme
 *      and Host say nothing reliable about the public name;
 *   2. otherwise the enabling request's own scheme (https when it came over TLS) and Host
 *      header — what the caller itself used to reach this server.
 *
 * The issuer is fixed at the first enable and never follows later requests, so tokens keep the
 * issuer a relying party registered. A Host header that is not a plain host[:port] (a DNS name,
 * an IPv4 address or a bracketed IPv6 address) is refused rather than written into a URL that
 * others will fetch keys from.
 */

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** A `--public-url` value: an http(s) origin, with no path, query, fragment or credentials. Undefined when it is not one. */
export function normalizedPublicUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname !== '/') return undefined;
  return url.origin;
}

/** The base of new issuers for a request, or undefined when neither a public URL nor a usable Host is known. */
export function issuerBaseUrl(endpoint: RequestEndpoint | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  if (endpoint.publicUrl !== undefined) return normalizedPublicUrl(endpoint.publicUrl);
  const host = endpoint.host;
  if (host === undefined || host.length > 261 || !HOST.test(host)) return undefined;
  return `${endpoint.secure ? 'https' : 'http'}://${host.toLowerCase()}`;
}

export function issuerUrl(base: string, issuerId: string): string {
  return `${base}${OUTBOUND_ISSUER_PATH}${issuerId}`;
}
