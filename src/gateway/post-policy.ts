// S3's browser-based uploads (POST Object): the form's fields, its signed policy document and
// what the policy allows. The signature covers the base64 policy alone; the policy then says
// which values each form field may have and how large the file may be. Everything here is
// pure: the server reads the form (server/gateway/post-object.ts).
//
// AWS's rules (Amazon S3 API reference, "Creating a POST policy" and "Browser-based uploads"):
//   - the policy is base64 JSON with `expiration` (ISO 8601) and `conditions`;
//   - a condition is `{ "field": "value" }` (exact), `["eq", "$field", "value"]`,
//     `["starts-with", "$field", "prefix"]` or `["content-length-range", min, max]`;
//   - every form field except the signature, `file`, `policy` and `x-ignore-*` fields must be
//     named by a condition ("Extra input fields"); `bucket` is the request's bucket;
//   - a field is compared as sent (the key with `${filename}` unexpanded).
// Field names are compared without regard to case.

import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/** The form's fields by lower-case name (first occurrence), as sent. */
export type PostFields = ReadonlyMap<string, string>;

export interface PostPolicyFailure {
  code: string;
  message: string;
  status: number;
}

export interface LengthRange {
  min: number;
  max: number;
}

/** Fields no condition has to name. */
const EXEMPT = new Set(['x-amz-signature', 'signature', 'awsaccesskeyid', 'file', 'policy']);

const denied = (detail: string): PostPolicyFailure => ({ code: 'AccessDenied', message: `Invalid according to Policy: ${detail}`, status: 403 });
const invalidPolicy = (detail: string): PostPolicyFailure => ({ code: 'InvalidPolicyDocument', message: `Invalid Policy: ${detail}`, status: 400 });

/**
 * Checks the policy (its base64 text as sent) against the form: the expiry, each condition,
 * and that no field goes unnamed. The content-length-range to enforce on the file, if any.
 */
export function checkPostPolicy(policyBase64: string, fields: PostFields, bucket: string, now: Date): { ok: true; range?: LengthRange } | { ok: false; failure: PostPolicyFailure } {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(policyBase64, 'base64').toString('utf8'));
  } catch {
    return { ok: false, failure: invalidPolicy('Invalid JSON.') };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return { ok: false, failure: invalidPolicy('Invalid JSON.') };
  const { expiration, conditions } = document as Record<string, unknown>;
  if (typeof expiration !== 'string') return { ok: false, failure: invalidPolicy('Policy missing expiration.') };
  const expires = Date.parse(expiration);
  if (Number.isNaN(expires)) return { ok: false, failure: invalidPolicy(`Invalid 'expiration' value: '${expiration}'`) };
  if (expires < now.getTime()) return { ok: false, failure: denied('Policy expired.') };
  if (!Array.isArray(conditions)) return { ok: false, failure: invalidPolicy('Policy missing conditions.') };

  const valueOf = (field: string) => (field === 'bucket' ? bucket : fields.get(field));
  const named = new Set<string>();
  let range: LengthRange | undefined;
  for (const condition of conditions) {
    const parsed = parseCondition(condition);
    if (parsed === undefined) return { ok: false, failure: invalidPolicy(`Invalid Condition: ${JSON.stringify(condition)}`) };
    if (parsed.kind === 'range') {
      range = { min: parsed.min, max: parsed.max };
      continue;
    }
    named.add(parsed.field);
    const value = valueOf(parsed.field) ?? '';
    const holds = parsed.kind === 'eq' ? value === parsed.value : startsWith(parsed.field, value, parsed.value);
    if (!holds) return { ok: false, failure: denied(`Policy Condition failed: ${renderCondition(condition)}`) };
  }
  const extra = [...fields.keys()].filter((field) => !EXEMPT.has(field) && !field.startsWith('x-ignore-') && !named.has(field));
  if (extra.length > 0) return { ok: false, failure: denied(`Extra input fields: ${extra.join(', ')}`) };
  return range === undefined ? { ok: true } : { ok: true, range };
}

type Condition = { kind: 'eq' | 'starts-with'; field: string; value: string } | { kind: 'range'; min: number; max: number };

function parseCondition(condition: unknown): Condition | undefined {
  if (Array.isArray(condition)) {
    const [operator, first, second] = condition as unknown[];
    if (condition.length !== 3 || typeof operator !== 'string') return undefined;
    const op = operator.toLowerCase();
    if (op === 'content-length-range') {
      return Number.isInteger(first) && Number.isInteger(second) && (first as number) >= 0 ? { kind: 'range', min: first as number, max: second as number } : undefined;
    }
    if ((op !== 'eq' && op !== 'starts-with') || typeof first !== 'string' || !first.startsWith('$') || typeof second !== 'string') return undefined;
    return { kind: op, field: first.slice(1).toLowerCase(), value: second };
  }
  if (typeof condition === 'object' && condition !== null) {
    const entries = Object.entries(condition);
    if (entries.length !== 1 || typeof entries[0]![1] !== 'string') return undefined;
    return { kind: 'eq', field: entries[0]![0].toLowerCase(), value: entries[0]![1] };
  }
  return undefined;
}

/** `starts-with`; a Content-Type with commas is a list, each of whose members must start so. */
function startsWith(field: string, value: string, prefix: string): boolean {
  if (field === 'content-type' && value.includes(',')) return value.split(',').every((member) => member.trim().startsWith(prefix));
  return value.startsWith(prefix);
}

/** A condition as S3 quotes it in its refusal: `["starts-with", "$key", "user/"]`. */
function renderCondition(condition: unknown): string {
  if (Array.isArray(condition)) return `[${condition.map((item) => JSON.stringify(item)).join(', ')}]`;
  const [field, value] = Object.entries(condition as Record<string, unknown>)[0]!;
  return `["eq", ${JSON.stringify(`$${field}`)}, ${JSON.stringify(value)}]`;
}

/** How the form was signed: SigV4 (`x-amz-credential`…), SigV2 (`AWSAccessKeyId`, `signature`), or not at all. */
export type PostSignature =
  | { version: 4; accessKeyId: string; date: string; region: string; service: string; signature: string; amzDate?: string; securityToken?: string }
  | { version: 2; accessKeyId: string; signature: string; securityToken?: string }
  | { version: 'none' };

export function postSignatureOf(fields: PostFields): PostSignature | PostPolicyFailure {
  const securityToken = fields.get('x-amz-security-token');
  const token = securityToken === undefined ? {} : { securityToken };
  if (fields.has('x-amz-credential') || fields.has('x-amz-signature') || fields.has('x-amz-algorithm')) {
    if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') return { code: 'InvalidArgument', message: 'Only AWS4-HMAC-SHA256 is supported', status: 400 };
    const parts = (fields.get('x-amz-credential') ?? '').split('/');
    const signature = fields.get('x-amz-signature');
    if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]!) || signature === undefined) {
      return { code: 'InvalidArgument', message: 'Invalid argument: x-amz-credential must name a credential scope and x-amz-signature a signature.', status: 400 };
    }
    const amzDate = fields.get('x-amz-date');
    return { version: 4, accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]!, signature, ...(amzDate ? { amzDate } : {}), ...token };
  }
  if (fields.has('awsaccesskeyid') || fields.has('signature')) {
    const accessKeyId = fields.get('awsaccesskeyid');
    const signature = fields.get('signature');
    if (accessKeyId === undefined || signature === undefined) return { code: 'InvalidArgument', message: 'Bucket POST must contain both AWSAccessKeyId and signature fields.', status: 400 };
    return { version: 2, accessKeyId, signature, ...token };
  }
  return { version: 'none' };
}

/** Whether the presented signature is the policy's, in constant time: SigV4's hex HMAC-SHA256 with the signing key, SigV2's base64 HMAC-SHA1 with the secret. */
export function postSignatureMatches(signature: Exclude<PostSignature, { version: 'none' }>, policyBase64: string, key: Buffer | string | KeyObject): boolean {
  const expected = signature.version === 4
    ? createHmac('sha256', key).update(policyBase64, 'utf8').digest('hex')
    : createHmac('sha1', key).update(policyBase64, 'utf8').digest('base64');
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(signature.signature, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The object headers a form field sets (S3 takes them from the form as PutObject takes them
 * from the request): the REST headers, `x-amz-*` ones (metadata, encryption, storage class,
 * checksums, …) and the canned ACL.
 */
export function objectHeadersOf(fields: PostFields): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (OBJECT_HEADERS.has(name)) headers[name] = value;
    else if (name === 'acl') headers['x-amz-acl'] = value;
    else if (name.startsWith('x-amz-') && !POST_ONLY_AMZ.has(name)) headers[name] = value;
  }
  return headers;
}

const OBJECT_HEADERS = new Set(['cache-control', 'content-type', 'content-disposition', 'content-encoding', 'expires', 'content-language']);
/** The form's own signing fields: not object headers. */
const POST_ONLY_AMZ = new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature', 'x-amz-security-token']);
