import type { Tag } from '../tags.ts';
import { asJwks, type JsonWebKeySet } from '../../federation/oidc/jwk-set.ts';
import { invalidJwksTags, secretInJwks } from './messages.ts';

/**
 * Tessera extension: an OIDC provider may carry its JSON Web Key Set, so tokens can be
 * checked offline (no fetch of the provider's jwks_uri). It is given through ordinary tags,
 * so every AWS client and tool can set it:
 *
 *   tessera:jwks     the key set, or its first part
 *   tessera:jwks:2   the second part (and :3, :4, … as needed)
 *
 * Why parts: IAM tag values hold at most 256 characters from [\p{L}\p{Z}\p{N}_.:/=+\-@], so
 * JSON (braces, quotes, commas) cannot be a tag value at all. The value is therefore the
 * base64 (standard or URL-safe, padding optional) of the JSON, split into 256-character
 * parts; the parts in order are the key set. A JSON value is also accepted, for clients that
 * do not pass through the model's pattern check.
 *
 * A request that sets `tessera:jwks` replaces the whole key set: parts it does not set are
 * dropped. Untagging `tessera:jwks` removes every part. The key set is checked whenever the
 * tags change: parts must be numbered without gaps and decode to {"keys": [{"kty": …}, …]},
 * and every key must be a public key (see publicKeysOnly).
 */

export const JWKS_TAG = 'tessera:jwks';
const PART = /^tessera:jwks(?::(\d+))?$/i;

export type { JsonWebKeySet };

/** 1 for `tessera:jwks`, n for `tessera:jwks:n` (n ≥ 2), undefined for any other tag. */
function partNumber(key: string): number | undefined {
  const match = PART.exec(key);
  if (!match) return undefined;
  if (match[1] === undefined) return 1;
  const n = Number(match[1]);
  return n >= 2 && String(n) === match[1] ? n : Number.NaN;
}

export function isJwksTag(key: string): boolean {
  return partNumber(key) !== undefined;
}

/** The key set the tags carry (undefined when they carry none), or InvalidInput. */
export function jwksFromTags(tags: readonly Tag[]): JsonWebKeySet | undefined {
  const parts = new Map<number, string>();
  for (const tag of tags) {
    const n = partNumber(tag.Key);
    if (n === undefined) continue;
    if (Number.isNaN(n)) throw invalidJwksTags(`${tag.Key} is not a part name (use ${JWKS_TAG}, ${JWKS_TAG}:2, ${JWKS_TAG}:3, …).`);
    parts.set(n, tag.Value);
  }
  if (parts.size === 0) return undefined;
  let text = '';
  for (let n = 1; n <= parts.size; n++) {
    const part = parts.get(n);
    if (part === undefined) throw invalidJwksTags(n === 1 ? `${JWKS_TAG} is missing.` : `${JWKS_TAG}:${n} is missing.`);
    text += part;
  }
  return publicKeysOnly(parseJwks(text));
}

/** JWK members that hold secret material: a symmetric key's `k`, an RSA/EC/OKP private key's `d` and RSA's CRT parts. */
const SECRET_MEMBERS: readonly string[] = ['d', 'k', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

/**
 * Refuses a key set that holds anything but public keys. A symmetric key (`kty: "oct"`)
 * verifies tokens signed with the same secret, and tag values are readable by whoever may list
 * the provider's tags; a private key is never needed to verify. Either would let its reader
 * mint tokens the provider vouches for. (Token verification also accepts only asymmetric
 * algorithms; this refuses the key set when it is registered, so it is never stored.)
 */
function publicKeysOnly(jwks: JsonWebKeySet): JsonWebKeySet {
  jwks.keys.forEach((key, i) => {
    if (key.kty.toLowerCase() === 'oct') throw secretInJwks(`key ${i + 1} is a symmetric key (kty "oct").`);
    const secret = SECRET_MEMBERS.find((member) => Object.hasOwn(key, member));
    if (secret !== undefined) throw secretInJwks(`key ${i + 1} holds private key material ("${secret}").`);
  });
  return jwks;
}

export function parseJwks(text: string): JsonWebKeySet {
  const json = text.trimStart().startsWith('{') ? text : decodeBase64(text);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalidJwksTags('the value is neither JSON nor the base64 of JSON.');
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys)) throw invalidJwksTags('expected an object with a "keys" array.');
  const jwks = asJwks(value);
  if (!jwks) throw invalidJwksTags('every key needs a "kty" member.');
  return jwks;
}

function decodeBase64(text: string): string {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) throw invalidJwksTags('the value is neither JSON nor the base64 of JSON.');
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}

/**
 * The tags a TagOpenIDConnectProvider request leaves before its own are merged in: when it
 * sets `tessera:jwks`, the old parts go, so the new set is not mixed with leftovers.
 */
export function tagsBeforeJwksReplacement(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const replaces = added.some((t) => partNumber(t.Key) === 1);
  return replaces ? existing.filter((t) => !isJwksTag(t.Key)) : [...existing];
}

/** The keys an UntagOpenIDConnectProvider request removes: every part when it names `tessera:jwks`. */
export function keysToUntag(existing: readonly Tag[], keys: readonly string[]): string[] {
  if (!keys.some((k) => partNumber(k) === 1)) return [...keys];
  return [...keys, ...existing.filter((t) => isJwksTag(t.Key)).map((t) => t.Key)];
}

/** Splits a key set into tag values of at most 256 characters (what clients are to send). */
export function jwksTagsFor(jwks: JsonWebKeySet): Tag[] {
  const encoded = Buffer.from(JSON.stringify(jwks), 'utf8').toString('base64url');
  const tags: Tag[] = [];
  for (let i = 0; i * 256 < encoded.length; i++) {
    tags.push({ Key: i === 0 ? JWKS_TAG : `${JWKS_TAG}:${i + 1}`, Value: encoded.slice(i * 256, (i + 1) * 256) });
  }
  return tags;
}
