import { jwks, openIdConfiguration } from '../iam/outbound-federation/discovery.ts';
import { OUTBOUND_ISSUER_PATH, outboundFederationByIssuerId } from '../iam/outbound-federation/records.ts';
import type { Store } from '../store/types.ts';
import type { HttpRequestData, HttpResponseData } from './request-context.ts';

/**
 * The discovery documents of each account's outbound federation issuer, served without
 * authentication as any OIDC issuer's are (relying parties fetch them to verify tokens):
 *
 *   GET /_tessera/outbound/<issuer id>/.well-known/openid-configuration
 *   GET /_tessera/outbound/<issuer id>/.well-known/jwks.json
 *
 * An issuer whose account has disabled outbound federation answers 404 like an unknown one:
 * disabling is the way to stop relying parties from accepting the account's tokens, including
 * those issued before (they live an hour at most). Nothing else about the account is told.
 */
const DOCUMENTS = {
  '/.well-known/openid-configuration': openIdConfiguration,
  '/.well-known/jwks.json': jwks,
} as const;

export function isOutboundDiscoveryPath(path: string): boolean {
  return path.startsWith(OUTBOUND_ISSUER_PATH);
}

export async function outboundDiscovery(req: HttpRequestData, store: Store): Promise<HttpResponseData> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'MethodNotAllowed', message: 'Discovery documents are read with GET.' }, { Allow: 'GET, HEAD' });
  const rest = req.path.slice(OUTBOUND_ISSUER_PATH.length);
  const slash = rest.indexOf('/');
  const issuerId = slash < 0 ? rest : rest.slice(0, slash);
  const document = slash < 0 ? undefined : DOCUMENTS[rest.slice(slash) as keyof typeof DOCUMENTS];
  const record = document === undefined ? undefined : await outboundFederationByIssuerId(store, issuerId);
  if (document === undefined || !record?.data.enabled) return json(404, { error: 'NotFound', message: 'No such issuer document.' });
  // Relying parties cache keys; five minutes bounds how long a disabled issuer's keys may linger there.
  return json(200, document(record.data), { 'Cache-Control': 'public, max-age=300' });
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponseData {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) + '\n' };
}
