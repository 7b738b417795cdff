import type { OidcProviderKeys } from './provider.ts';
import type { JsonWebKeySet } from './jwk-set.ts';
import type { DiscoveryKeySource } from './discovery-keys.ts';
import { keysUnreachable, tokenNotValidated } from './errors.ts';
import { verifySignature } from './verify-signature.ts';

/**
 * The payload of a token whose signature one of the provider's keys verifies. The keys are
 * the ones stored with the provider (`tessera:jwks` tags) when it has them — then nothing is
 * fetched — else the issuer's published set, found by discovery at the REGISTERED URL (never
 * at a URL the token names), refreshed once when the token's key is not in the cached set.
 */
export async function verifiedTokenPayload(token: string, provider: OidcProviderKeys, discovery: DiscoveryKeySource, now: Date): Promise<Record<string, unknown>> {
  if (provider.jwks) return payloadOrRefuse(await verifySignature(token, provider.jwks));
  const issuer = `https://${provider.url}`;
  const fetched = (refresh: boolean): Promise<JsonWebKeySet> => discovery.keysFor(issuer, now, refresh).catch(() => {
    throw keysUnreachable();
  });
  let check = await verifySignature(token, await fetched(false));
  if (!check.ok && check.reason === 'no-matching-key') check = await verifySignature(token, await fetched(true));
  return payloadOrRefuse(check);
}

function payloadOrRefuse(check: Awaited<ReturnType<typeof verifySignature>>): Record<string, unknown> {
  if (!check.ok) throw tokenNotValidated();
  return check.payload;
}
