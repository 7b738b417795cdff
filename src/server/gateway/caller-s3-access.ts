// Services that read or write S3 with the caller's own permissions: DynamoDB's ImportTable reads
// the objects under its source prefix and ExportTableToPointInTime writes under its prefix (the
// caller needs s3:ListBucket and s3:GetObject, s3:PutObject there — DynamoDB Developer Guide,
// "Requesting a table import" / "Requesting a table export"); Lambda's CreateFunction,
// UpdateFunctionCode and PublishLayerVersion read their code from S3 (s3:GetObject, or
// s3:GetObjectVersion with a version). moto reads and writes any bucket: an ImportTable by a
// caller refused s3:GetObject filled a table from another's payroll objects, an export wrote into
// a bucket whose policy allowed no one (or, with S3BucketOwner, into another account's), and a
// CreateFunction disclosed an unreadable object's SHA-256 and size.
//
// So before forwarding one, each S3 use is decided as the S3 request the caller could have sent
// itself — mapped by the S3 rules and decided by the one decision point with the bucket's owner,
// policy and tags — and a refusal answers the call with the service's AccessDeniedException.
// An import's objects are listed (with the gateway's credentials) and each is decided; more than
// MAX_IMPORTED_OBJECTS are refused rather than decided on a sample.

import { accessDenied, GatewayError, type GatewayFailure } from '../../gateway/errors.ts';
import type { GatewayRequest, MappedRequest, RequestMapper } from '../../gateway/index.ts';
import { upstreamFor } from '../../gateway/upstreams.ts';
import { childText, descendants, xmlRoot } from '../../gateway/upstream-xml.ts';
import type { Flow } from './flow.ts';
import { authorizeMapped, bucketAccount, checkAccounts, targetSources } from './decision.ts';

/** The most objects an import may read: each is decided. */
export const MAX_IMPORTED_OBJECTS = 1000;

/** What a call does in S3 for its caller. */
export type S3Use =
  | { kind: 'read'; bucket: string; key: string; versionId?: string }
  | { kind: 'import'; bucket: string; prefix: string; expectedOwner?: string }
  | { kind: 'write'; bucket: string; key: string; expectedOwner?: string };

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function member(value: unknown, name: string): Record<string, unknown> | undefined {
  const found = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  return typeof found === 'object' && found !== null && !Array.isArray(found) ? (found as Record<string, unknown>) : undefined;
}

function codeRead(location: Record<string, unknown> | undefined): S3Use[] {
  const bucket = text(location?.['S3Bucket']);
  const key = text(location?.['S3Key']);
  if (bucket === undefined || key === undefined) return [];
  const versionId = text(location?.['S3ObjectVersion']);
  return [{ kind: 'read', bucket, key, ...(versionId !== undefined ? { versionId } : {}) }];
}

/** The S3 uses of a call, read from its JSON body (none for other calls). */
export function s3UsesOf(service: string, operation: string, body: Buffer | undefined): S3Use[] {
  if (body === undefined || body.length === 0) return [];
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return [];
  }
  if (service === 'dynamodb' && operation === 'ImportTable') {
    const source = member(input, 'S3BucketSource');
    const bucket = text(source?.['S3Bucket']);
    if (bucket === undefined) return [];
    const owner = text(source?.['S3BucketOwner']);
    return [{ kind: 'import', bucket, prefix: text(source?.['S3KeyPrefix']) ?? '', ...(owner !== undefined ? { expectedOwner: owner } : {}) }];
  }
  if (service === 'dynamodb' && operation === 'ExportTableToPointInTime') {
    const bucket = text(input['S3Bucket']);
    if (bucket === undefined) return [];
    const prefix = text(input['S3Prefix']);
    const owner = text(input['S3BucketOwner']);
    // DynamoDB writes under <prefix>/AWSDynamoDB/<export id>/…
    return [{ kind: 'write', bucket, key: `${prefix !== undefined ? `${prefix}/` : ''}AWSDynamoDB/`, ...(owner !== undefined ? { expectedOwner: owner } : {}) }];
  }
  if (service === 'lambda' && operation === 'CreateFunction') return codeRead(member(input, 'Code'));
  if (service === 'lambda' && operation === 'UpdateFunctionCode') return codeRead(input);
  if (service === 'lambda' && operation === 'PublishLayerVersion') return codeRead(member(input, 'Content'));
  return [];
}

/** What the caller may send to S3 itself: the signature facts (auth type, age, version), not the call's body or target. */
const SIGNING_HEADERS = ['host', 'authorization', 'x-amz-date', 'x-amz-security-token', 'user-agent'];

function encodeKey(key: string): string {
  return key.split('/').map((part) => encodeURIComponent(part).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
}

/**
 * Why the call must not be forwarded: an S3 use its caller may not make (the service's
 * AccessDeniedException with the S3 refusal's text), or undefined.
 */
export async function callerS3Refusal(
  flow: Flow,
  from: { mapped: MappedRequest; body: Buffer | undefined; base: GatewayRequest; mapper: RequestMapper; callerAccount: string; region: string; now: Date },
): Promise<GatewayFailure | undefined> {
  const service = from.mapped.service;
  const uses = s3UsesOf(service, from.mapped.operation, from.body);
  if (uses.length === 0) return undefined;
  const refuse = (message: string) => accessDenied(service, message).failure;
  const s3 = upstreamFor(flow.deps.gateway.settings, 's3');
  if (s3 === undefined) return refuse(`${from.mapped.operation} reads or writes S3, and Tessera has no S3 upstream to decide that access on: start it with --upstream s3=URL`);
  const headers: Record<string, string | string[]> = {};
  for (const name of SIGNING_HEADERS) {
    const value = flow.ctx.http.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const allowed = flow.ctx.authorization;
  try {
    for (const use of uses) {
      let owner: string;
      try {
        owner = await bucketAccount(flow, use.bucket, from.callerAccount);
      } catch (err) {
        if (err instanceof GatewayError) return refuse(err.failure.message);
        throw err;
      }
      if ('expectedOwner' in use && use.expectedOwner !== undefined && use.expectedOwner !== owner) {
        return refuse(`The bucket ${use.bucket} is not owned by the account ${use.expectedOwner} that S3BucketOwner names`);
      }
      const requests = use.kind === 'write'
        ? [{ method: 'PUT', path: `/${encodeURIComponent(use.bucket)}/${encodeKey(use.key)}`, query: '' }]
        : use.kind === 'read'
          ? [{ method: 'GET', path: `/${encodeURIComponent(use.bucket)}/${encodeKey(use.key)}`, query: use.versionId !== undefined ? `versionId=${encodeURIComponent(use.versionId)}` : '' }]
          : await importRequests(flow, s3, use, owner, from.region);
      if (typeof requests === 'string') return refuse(requests);
      for (const request of requests) {
        const mapped = from.mapper.mapRequest({ ...from.base, service: 's3', ...request, headers, ownerAccountId: owner });
        if (mapped.kind !== 'mapped') return refuse(`${from.mapped.operation}: its S3 ${request.method} of ${request.path} cannot be decided`);
        const accounts = await checkAccounts(flow, mapped, from.callerAccount, owner);
        const { decided } = await authorizeMapped(flow, mapped, { ...targetSources(flow, 's3', s3, from.region, accounts), accounts }, from.now);
        if (decided.refusal !== undefined) return refuse(decided.refusal.message);
      }
    }
  } finally {
    flow.ctx.authorization = allowed;
  }
  return undefined;
}

/** An import's S3 requests: its listing, then a GetObject of each object under the prefix — or why not. */
async function importRequests(flow: Flow, s3: URL, use: { bucket: string; prefix: string }, owner: string, region: string): Promise<{ method: string; path: string; query: string }[] | string> {
  const listing = { method: 'GET', path: `/${encodeURIComponent(use.bucket)}`, query: `list-type=2${use.prefix !== '' ? `&prefix=${encodeURIComponent(use.prefix)}` : ''}` };
  const reads = targetSources(flow, 's3', s3, region, [owner]).reads(owner);
  const keys: string[] = [];
  let token = '';
  for (;;) {
    const answer = await reads.call({ method: 'GET', path: listing.path, query: `${listing.query}${token !== '' ? `&continuation-token=${encodeURIComponent(token)}` : ''}` });
    if (answer.status === 404) return [listing];
    if (answer.status < 200 || answer.status >= 300) return `Tessera could not list ${use.bucket} to decide the import on its objects`;
    const root = xmlRoot(answer.body);
    for (const object of descendants(root, 'Contents')) {
      const key = childText(object, 'Key');
      if (key !== undefined) keys.push(key);
    }
    if (keys.length > MAX_IMPORTED_OBJECTS) return `The import would read more than ${MAX_IMPORTED_OBJECTS} objects, each of which Tessera decides: import from a narrower S3KeyPrefix`;
    token = (childText(root, 'IsTruncated') ?? '').trim() === 'true' ? childText(root, 'NextContinuationToken') ?? '' : '';
    if (token === '') break;
  }
  return [listing, ...keys.map((key) => ({ method: 'GET', path: `/${encodeURIComponent(use.bucket)}/${encodeKey(key)}`, query: '' }))];
}
