import { CLOCK_TOLERANCE_SECONDS } from '../clock-tolerance.ts';
import { incorrectAudience, missingClaim, tokenExpired, tokenNotYetValid } from './errors.ts';

/**
 * The registered claims of a verified OIDC token, checked as AWS checks them: `sub` present,
 * `aud` (a string or a list) holding one of the provider's client IDs — or, as AWS accepts for
 * providers such as Google, `azp` being one — and the token inside its validity window: `nbf`
 * and `iat` may be a little ahead of our clock (skew between the provider and us), `exp` is
 * never stretched.
 */
export { CLOCK_TOLERANCE_SECONDS };

export interface CheckedClaims {
  subject: string;
  /** The client ID the token was accepted for: `azp` when it is one, else the matching `aud`. */
  audience: string;
  /** Every `aud` value as the token gives it. */
  audiences: string[];
  authorizedParty?: string;
  /** `amr` (authentication methods) when the token carries it. */
  authenticationMethods?: string[];
}

export function checkClaims(payload: Record<string, unknown>, clientIds: readonly string[], now: Date): CheckedClaims {
  const audiences = stringList(payload['aud']);
  const azp = typeof payload['azp'] === 'string' ? payload['azp'] : undefined;
  const audience = azp !== undefined && clientIds.includes(azp) ? azp : audiences.find((aud) => clientIds.includes(aud));
  if (audience === undefined) throw incorrectAudience();

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const exp = payload['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw missingClaim('exp');
  // No tolerance at the end, as for SAML's NotOnOrAfter: skew never lengthens a token's life,
  // and AWS's own answer ("current date/time … must be before the expiration date/time …") is
  // a plain comparison.
  if (nowSeconds >= exp) throw tokenExpired(nowSeconds, exp);
  for (const claim of ['nbf', 'iat'] as const) {
    const value = payload[claim];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw missingClaim(claim);
    if (value > nowSeconds + CLOCK_TOLERANCE_SECONDS) throw tokenNotYetValid();
  }

  const sub = payload['sub'];
  if (typeof sub !== 'string' || sub === '') throw missingClaim('sub');
  const amr = payload['amr'] === undefined ? undefined : stringList(payload['amr']);
  return {
    subject: sub,
    audience,
    audiences,
    ...(azp !== undefined ? { authorizedParty: azp } : {}),
    ...(amr !== undefined ? { authenticationMethods: amr } : {}),
  };
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
