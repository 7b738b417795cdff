import type { SessionClaims, SessionKind } from '../kernel/session.ts';

/**
 * The compact form of {@link SessionClaims} inside a sealed token. Tokens travel in an HTTP
 * header on every request, so field names are one letter, the role is a tuple, and instants
 * of whole seconds (the form STS writes) are epoch seconds. Decoding restores exactly the
 * object that was encoded.
 *
 *   v  claims version          k  kind (r | f | u | a)      a  accountId
 *   i  accessKeyId             s  secretAccessKey           t  issuedAt     e  expiresAt
 *   r  role [id, arn, name, path]                           n  sessionName
 *   f  federatedName           u  user { i, a, n?, r? }      p  sessionPolicies { i?, a? }
 *   g  tags                    x  transitiveTagKeys         o  sourceIdentity
 *   m  mfa.authenticatedAt     c  chained                   w  federation [protocol, provider, subject]
 *   y  workload [service, sourceArn, roleDelivery?]
 *   q  federation.keys { key: value | [values] }
 */
export interface WireClaims {
  v: 1;
  k: 'r' | 'f' | 'u' | 'a';
  a: string;
  i: string;
  s: string;
  t: WireInstant;
  e: WireInstant;
  r?: [id: string, arn: string, name: string, path: string];
  n?: string;
  f?: string;
  u?: { i: string; a: string; n?: string; r?: boolean };
  p?: { i?: string; a?: string[] };
  g?: Record<string, string>;
  x?: string[];
  o?: string;
  m?: WireInstant;
  c?: boolean;
  w?: [protocol: 'oidc' | 'saml', provider: string, subject: string];
  q?: Record<string, string | readonly string[]>;
  y?: [service: string, sourceArn: string] | [service: string, sourceArn: string, roleDelivery: '1.0' | '2.0'];
}

/** Epoch seconds when the instant is whole seconds in `YYYY-MM-DDTHH:MM:SSZ` form; else the text as given. */
type WireInstant = number | string;

const KIND_CODES: Record<SessionKind, WireClaims['k']> = { 'role-session': 'r', 'federated-user': 'f', 'user-session': 'u', 'root-session': 'a' };
const KINDS_BY_CODE: Record<string, SessionKind> = { r: 'role-session', f: 'federated-user', u: 'user-session', a: 'root-session' };

const WIRE_FIELDS: ReadonlySet<string> = new Set(['v', 'k', 'a', 'i', 's', 't', 'e', 'r', 'n', 'f', 'u', 'p', 'g', 'x', 'o', 'm', 'c', 'w', 'y', 'q']);
const USER_FIELDS: ReadonlySet<string> = new Set(['i', 'a', 'n', 'r']);
const POLICY_FIELDS: ReadonlySet<string> = new Set(['i', 'a']);

function secondsForm(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

function encodeInstant(iso: string, field: string): WireInstant {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TypeError(`session claims: ${field} is not an ISO-8601 instant`);
  return ms % 1000 === 0 && secondsForm(ms / 1000) === iso ? ms / 1000 : iso;
}

/** The compact form of `claims`. Throws TypeError on claims STS should never have built. */
export function toWire(claims: SessionClaims): WireClaims {
  if (claims.v !== 1) throw new TypeError('session claims: unsupported claims version');
  const kind = KIND_CODES[claims.kind];
  if (kind === undefined) throw new TypeError('session claims: unknown session kind');
  const wire: WireClaims = {
    v: 1,
    k: kind,
    a: claims.accountId,
    i: claims.accessKeyId,
    s: claims.secretAccessKey,
    t: encodeInstant(claims.issuedAt, 'issuedAt'),
    e: encodeInstant(claims.expiresAt, 'expiresAt'),
  };
  if (claims.role !== undefined) wire.r = [claims.role.id, claims.role.arn, claims.role.name, claims.role.path];
  if (claims.sessionName !== undefined) wire.n = claims.sessionName;
  if (claims.federatedName !== undefined) wire.f = claims.federatedName;
  if (claims.user !== undefined) {
    const user: NonNullable<WireClaims['u']> = { i: claims.user.id, a: claims.user.arn };
    if (claims.user.name !== undefined) user.n = claims.user.name;
    if (claims.user.root !== undefined) user.r = claims.user.root;
    wire.u = user;
  }
  if (claims.sessionPolicies !== undefined) {
    const policies: NonNullable<WireClaims['p']> = {};
    if (claims.sessionPolicies.inline !== undefined) policies.i = claims.sessionPolicies.inline;
    if (claims.sessionPolicies.arns !== undefined) policies.a = [...claims.sessionPolicies.arns];
    wire.p = policies;
  }
  if (claims.tags !== undefined) wire.g = { ...claims.tags };
  if (claims.transitiveTagKeys !== undefined) wire.x = [...claims.transitiveTagKeys];
  if (claims.sourceIdentity !== undefined) wire.o = claims.sourceIdentity;
  if (claims.mfa !== undefined) wire.m = encodeInstant(claims.mfa.authenticatedAt, 'mfa.authenticatedAt');
  if (claims.chained !== undefined) wire.c = claims.chained;
  if (claims.federation !== undefined) {
    wire.w = [claims.federation.protocol, claims.federation.provider, claims.federation.subject];
    if (claims.federation.keys !== undefined) wire.q = claims.federation.keys;
  }
  if (claims.workload !== undefined) {
    const { service, sourceArn, roleDelivery } = claims.workload;
    wire.y = roleDelivery === undefined ? [service, sourceArn] : [service, sourceArn, roleDelivery];
  }
  return wire;
}

// --- decoding: the input was authenticated, but a node of another version may have written
// it, so every field is checked and anything unexpected is refused rather than guessed at
// (an ignored field could be a restriction this node does not know about).

class Malformed extends Error {}

function fail(): never {
  throw new Malformed();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : fail();
}

function optionalStr(value: unknown): string | undefined {
  return value === undefined ? undefined : str(value);
}

/** The parsed array itself, once every item is checked (it is fresh from JSON.parse: no copy needed). */
function strings(value: unknown): string[] {
  if (!Array.isArray(value)) fail();
  for (const item of value) if (typeof item !== 'string') fail();
  return value as string[];
}

/** The parsed object itself, once every value is checked. JSON.parse makes every key an own
 *  property, so a tag key such as "__proto__" stays a tag and never touches the prototype. */
function stringRecord(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) fail();
  for (const key in value) if (typeof value[key] !== 'string') fail();
  return value as Record<string, string>;
}

/** Condition keys: each a string or a list of strings. */
function keyRecord(value: unknown): Record<string, string | string[]> {
  if (!isPlainObject(value)) fail();
  for (const key in value) {
    const item = value[key];
    if (typeof item !== 'string') strings(item);
  }
  return value as Record<string, string | string[]>;
}

function onlyFields(object: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  for (const key in object) if (!allowed.has(key)) fail();
}

function decodeInstant(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) fail();
    const date = new Date(value * 1000);
    return Number.isNaN(date.getTime()) ? fail() : secondsForm(value);
  }
  const text = str(value);
  return Number.isNaN(Date.parse(text)) ? fail() : text;
}

/**
 * Sets `target[key]` only when the wire had the field, so a decoded object has exactly the
 * properties the encoded one had (no `key: undefined` appearing).
 */
function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function decode(value: unknown): SessionClaims {
  if (!isPlainObject(value)) fail();
  onlyFields(value, WIRE_FIELDS);
  if (value.v !== 1) fail();
  const kind = typeof value.k === 'string' && Object.hasOwn(KINDS_BY_CODE, value.k) ? KINDS_BY_CODE[value.k]! : fail();
  const claims: SessionClaims = {
    v: 1,
    kind,
    accountId: str(value.a),
    accessKeyId: str(value.i),
    secretAccessKey: str(value.s),
    issuedAt: decodeInstant(value.t),
    expiresAt: decodeInstant(value.e),
  };
  if (value.r !== undefined) {
    const role = Array.isArray(value.r) && value.r.length === 4 ? strings(value.r) : fail();
    claims.role = { id: role[0]!, arn: role[1]!, name: role[2]!, path: role[3]! };
  }
  setIf(claims, 'sessionName', optionalStr(value.n));
  setIf(claims, 'federatedName', optionalStr(value.f));
  if (value.u !== undefined) {
    const u = isPlainObject(value.u) ? value.u : fail();
    onlyFields(u, USER_FIELDS);
    const user: NonNullable<SessionClaims['user']> = { id: str(u.i), arn: str(u.a) };
    setIf(user, 'name', optionalStr(u.n));
    if (u.r !== undefined) user.root = typeof u.r === 'boolean' ? u.r : fail();
    claims.user = user;
  }
  if (value.p !== undefined) {
    const p = isPlainObject(value.p) ? value.p : fail();
    onlyFields(p, POLICY_FIELDS);
    const policies: NonNullable<SessionClaims['sessionPolicies']> = {};
    setIf(policies, 'inline', optionalStr(p.i));
    if (p.a !== undefined) policies.arns = strings(p.a);
    claims.sessionPolicies = policies;
  }
  if (value.g !== undefined) claims.tags = stringRecord(value.g);
  if (value.x !== undefined) claims.transitiveTagKeys = strings(value.x);
  setIf(claims, 'sourceIdentity', optionalStr(value.o));
  if (value.m !== undefined) claims.mfa = { authenticatedAt: decodeInstant(value.m) };
  if (value.c !== undefined) claims.chained = typeof value.c === 'boolean' ? value.c : fail();
  if (value.w !== undefined) {
    const w = Array.isArray(value.w) && value.w.length === 3 ? strings(value.w) : fail();
    if (w[0] !== 'oidc' && w[0] !== 'saml') fail();
    claims.federation = { protocol: w[0], provider: w[1]!, subject: w[2]! };
    if (value.q !== undefined) claims.federation.keys = keyRecord(value.q);
  } else if (value.q !== undefined) {
    fail();
  }
  if (value.y !== undefined) {
    const y = Array.isArray(value.y) && (value.y.length === 2 || value.y.length === 3) ? strings(value.y) : fail();
    const delivery = y[2];
    if (delivery !== undefined && delivery !== '1.0' && delivery !== '2.0') fail();
    claims.workload = { service: y[0]!, sourceArn: y[1]!, ...(delivery !== undefined ? { roleDelivery: delivery } : {}) };
  }
  return claims;
}

/** The claims `value` (parsed JSON) stands for, or undefined when it is not a valid compact form. */
export function fromWire(value: unknown): SessionClaims | undefined {
  try {
    return decode(value);
  } catch (err) {
    if (err instanceof Malformed) return undefined;
    throw err;
  }
}
