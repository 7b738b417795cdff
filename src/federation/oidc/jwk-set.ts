/**
 * A JSON Web Key Set (RFC 7517 §5): what an OIDC provider's keys are, whether published at
 * its jwks_uri or stored with the IAM provider (Tessera's `tessera:jwks` tags).
 */
export interface JsonWebKeySet {
  keys: Array<Record<string, unknown> & { kty: string }>;
}

/** The value as a key set — an object with a "keys" array of objects each with a string "kty" — or undefined. */
export function asJwks(value: unknown): JsonWebKeySet | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return undefined;
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || typeof (key as { kty?: unknown }).kty !== 'string') return undefined;
  }
  return value as JsonWebKeySet;
}
