import { compactVerify, createLocalJWKSet, errors } from 'jose';
import type { JsonWebKeySet } from './jwk-set.ts';

/**
 * Verifies a compact JWS against a provider's key set. Only the asymmetric algorithms AWS
 * accepts for OIDC tokens: never `none`, and never HMAC — a shared-secret algorithm would let
 * anyone holding the (public) key set sign with it ("HS256 with the RSA public key").
 */
export const ACCEPTED_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'];

export type SignatureCheck =
  | { ok: true; payload: Record<string, unknown> }
  /** No key of the set matches the token's `kid` / algorithm (a refreshed set may have it). */
  | { ok: false; reason: 'no-matching-key' }
  | { ok: false; reason: 'invalid' };

export async function verifySignature(token: string, keySet: JsonWebKeySet): Promise<SignatureCheck> {
  try {
    const verified = await compactVerify(token, createLocalJWKSet(keySet as Parameters<typeof createLocalJWKSet>[0]), { algorithms: [...ACCEPTED_ALGORITHMS] });
    const payload: unknown = JSON.parse(new TextDecoder().decode(verified.payload));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, reason: 'invalid' };
    return { ok: true, payload: payload as Record<string, unknown> };
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: 'no-matching-key' };
    return { ok: false, reason: 'invalid' };
  }
}
