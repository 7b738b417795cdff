import { SIGNING_ALGORITHMS, type OutboundFederationData } from './records.ts';

/**
 * The two OpenID Connect discovery documents an issuer serves (OpenID Connect Discovery 1.0,
 * RFC 7517), built from the account's record: public keys only — a JWK here is copied member by
 * member from the stored public key, so nothing private can reach it.
 *
 * Only what a relying party verifying these tokens needs: the issuer, the key set's URL, the
 * signing algorithms, and the claims tokens carry. There is no authorization endpoint: this
 * issuer answers no OAuth flow, it only signs tokens for GetWebIdentityToken's callers.
 */
export function openIdConfiguration(data: OutboundFederationData): Record<string, unknown> {
  return {
    issuer: data.issuer,
    jwks_uri: `${data.issuer}/.well-known/jwks.json`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti', 'https://sts.amazonaws.com/'],
  };
}

export function jwks(data: OutboundFederationData): { keys: Record<string, string>[] } {
  return {
    keys: SIGNING_ALGORITHMS.map((alg) => {
      const { kid, publicJwk } = data.keys[alg];
      const material: Record<string, string> = publicJwk['kty'] === 'RSA'
        ? { kty: 'RSA', n: publicJwk['n']!, e: publicJwk['e']! }
        : { kty: 'EC', crv: publicJwk['crv']!, x: publicJwk['x']!, y: publicJwk['y']! };
      return { ...material, kid, alg, use: 'sig' };
    }),
  };
}
