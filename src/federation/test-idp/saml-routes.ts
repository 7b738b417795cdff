import { randomUUID } from 'node:crypto';
import { generateSamlSigningKey, type SamlSigningKey } from './saml-keys.ts';
import { samlIdpMetadata } from './saml-metadata.ts';
import { samlResponseXml, signSamlElement } from './saml-response.ts';

/**
 * The built-in test identity provider's SAML routes: given a request path and body, answers
 * with metadata or a minted SAML response, or undefined when the path is not a SAML route.
 *
 *   GET  /saml/metadata   IdP metadata (entityID and signing certificate) for CreateSAMLProvider
 *   POST /saml/response   JSON in, {"SAMLResponse": "<base64>"} out: a signed Response for
 *                         AssumeRoleWithSAML (see SamlResponseRequest)
 */
export interface TestIdpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type TestIdpRoute = (method: string, path: string, query: URLSearchParams, body: string) => Promise<TestIdpResponse | undefined>;

/** What the SAML side of the test IdP is made of (passed in: key, clock and IDs). */
export interface TestSamlIdp {
  entityId: string;
  /** Where the IdP says its sign-on service is (only written into the metadata). */
  ssoUrl: string;
  key: SamlSigningKey;
  now: () => Date;
  /** A fresh XML ID (must start with a letter or underscore). */
  newId: () => string;
}

/** The JSON body of POST /saml/response. */
export interface SamlResponseRequest {
  roleArn: string;
  providerArn: string;
  sessionName: string;
  /** NameID; defaults to the session name. */
  subject?: string;
  subjectFormat?: string;
  attributes?: Record<string, string | string[]>;
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  sessionDuration?: number;
  sourceIdentity?: string;
  /** How long the assertion stays valid from its IssueInstant (default 300 seconds, at most a day). */
  lifetimeSeconds?: number;
  /**
   * Back-dates the response: IssueInstant (and NotBefore) this many seconds before now, at
   * most a day — to try the 5-minute redemption limit (NotOnOrAfter is IssueInstant + lifetime).
   */
  issuedSecondsAgo?: number;
  /**
   * SessionNotOnOrAfter on the AuthnStatement, this many seconds from now (negative: already
   * ended), at most a day either way. Without it the assertion sets no session end.
   */
  sessionEndsInSeconds?: number;
  /** What carries the signature: the assertion (default), the whole response, or both. */
  sign?: 'assertion' | 'response' | 'both';
}

const MAX_LIFETIME_SECONDS = 86_400;
const MAX_OFFSET_SECONDS = 86_400;

export function createSamlRoutes(idp: TestSamlIdp): TestIdpRoute {
  return async (method, path, _query, body) => {
    if (path === '/saml/metadata') {
      if (method !== 'GET') return methodNotAllowed('GET');
      return { status: 200, headers: { 'content-type': 'application/samlmetadata+xml' }, body: samlIdpMetadata(idp.entityId, idp.key.certificatePem, idp.ssoUrl) };
    }
    if (path === '/saml/response') {
      if (method !== 'POST') return methodNotAllowed('POST');
      const request = parseRequest(body);
      if (typeof request === 'string') return json(400, { error: request });
      return json(200, { SAMLResponse: Buffer.from(mintResponse(idp, request), 'utf8').toString('base64') });
    }
    return undefined;
  };
}

/**
 * The SAML routes of one test IdP server: entityID `<issuer>/saml` (or urn:tessera:test-idp),
 * its signing key made with openssl on first use (so a server that never serves SAML never
 * runs openssl), the server's clock and random IDs.
 */
export function lazySamlRoutes(options: { now: () => Date; entityId?: string }): TestIdpRoute {
  let routes: TestIdpRoute | undefined;
  return (method, path, query, body) => {
    if (path !== '/saml/metadata' && path !== '/saml/response') return Promise.resolve(undefined);
    const entityId = options.entityId ?? 'urn:tessera:test-idp';
    routes ??= createSamlRoutes({
      entityId,
      ssoUrl: `${entityId}:sso`,
      key: generateSamlSigningKey(),
      now: options.now,
      newId: () => `_${randomUUID()}`,
    });
    return routes(method, path, query, body);
  };
}

/** A signed SAML Response (XML) for the request. */
export function mintResponse(idp: TestSamlIdp, request: SamlResponseRequest): string {
  const responseId = idp.newId();
  const assertionId = idp.newId();
  const now = idp.now();
  let xml = samlResponseXml({
    issuer: idp.entityId,
    rolePairs: [`${request.roleArn},${request.providerArn}`],
    sessionName: request.sessionName,
    subject: request.subject ?? request.sessionName,
    ...(request.subjectFormat !== undefined ? { subjectFormat: request.subjectFormat } : {}),
    ...(request.attributes ? { attributes: request.attributes } : {}),
    ...(request.tags ? { tags: request.tags } : {}),
    ...(request.transitiveTagKeys ? { transitiveTagKeys: request.transitiveTagKeys } : {}),
    ...(request.sessionDuration !== undefined ? { sessionDuration: request.sessionDuration } : {}),
    ...(request.sourceIdentity !== undefined ? { sourceIdentity: request.sourceIdentity } : {}),
    issuedAt: new Date(now.getTime() - (request.issuedSecondsAgo ?? 0) * 1000),
    lifetimeSeconds: request.lifetimeSeconds ?? 300,
    ...(request.sessionEndsInSeconds !== undefined ? { sessionNotOnOrAfter: new Date(now.getTime() + request.sessionEndsInSeconds * 1000) } : {}),
    responseId,
    assertionId,
  });
  const sign = request.sign ?? 'assertion';
  // The assertion first: a response signature must cover the already signed assertion.
  if (sign !== 'response') xml = signSamlElement(xml, assertionId, idp.key);
  if (sign !== 'assertion') xml = signSamlElement(xml, responseId, idp.key);
  return xml;
}

function parseRequest(body: string): SamlResponseRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'the body must be JSON';
  }
  if (typeof value !== 'object' || value === null) return 'the body must be a JSON object';
  const r = value as Record<string, unknown>;
  for (const field of ['roleArn', 'providerArn', 'sessionName'] as const) {
    if (typeof r[field] !== 'string' || r[field] === '') return `${field} is required (a string)`;
  }
  if (r['lifetimeSeconds'] !== undefined && !(Number.isInteger(r['lifetimeSeconds']) && (r['lifetimeSeconds'] as number) > 0 && (r['lifetimeSeconds'] as number) <= MAX_LIFETIME_SECONDS)) {
    return `lifetimeSeconds must be a whole number from 1 to ${MAX_LIFETIME_SECONDS}`;
  }
  if (r['issuedSecondsAgo'] !== undefined && !(Number.isInteger(r['issuedSecondsAgo']) && (r['issuedSecondsAgo'] as number) >= 0 && (r['issuedSecondsAgo'] as number) <= MAX_OFFSET_SECONDS)) {
    return `issuedSecondsAgo must be a whole number from 0 to ${MAX_OFFSET_SECONDS}`;
  }
  if (r['sessionEndsInSeconds'] !== undefined && !(Number.isInteger(r['sessionEndsInSeconds']) && Math.abs(r['sessionEndsInSeconds'] as number) <= MAX_OFFSET_SECONDS)) {
    return `sessionEndsInSeconds must be a whole number from -${MAX_OFFSET_SECONDS} to ${MAX_OFFSET_SECONDS}`;
  }
  if (r['sign'] !== undefined && !['assertion', 'response', 'both'].includes(r['sign'] as string)) return 'sign must be "assertion", "response" or "both"';
  if (r['sessionDuration'] !== undefined && !Number.isInteger(r['sessionDuration'])) return 'sessionDuration must be a whole number';
  for (const field of ['subject', 'subjectFormat', 'sourceIdentity'] as const) {
    if (r[field] !== undefined && typeof r[field] !== 'string') return `${field} must be a string`;
  }
  if (r['transitiveTagKeys'] !== undefined && !isStringArray(r['transitiveTagKeys'])) return 'transitiveTagKeys must be an array of strings';
  if (r['tags'] !== undefined && !isRecordOf(r['tags'], (v) => typeof v === 'string')) return 'tags must map keys to strings';
  if (r['attributes'] !== undefined && !isRecordOf(r['attributes'], (v) => typeof v === 'string' || isStringArray(v))) return 'attributes must map names to strings or arrays of strings';
  return r as unknown as SamlResponseRequest;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isRecordOf(v: unknown, ok: (value: unknown) => boolean): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(ok);
}

function json(status: number, value: unknown): TestIdpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function methodNotAllowed(allow: string): TestIdpResponse {
  return { status: 405, headers: { allow, 'content-type': 'application/json' }, body: JSON.stringify({ error: `use ${allow}` }) };
}
