// S3's query-string authentication of signature version 2: the presigned URLs the aws CLI v1's
// `aws s3 presign` (and boto's older paths) write — `?AWSAccessKeyId=…&Expires=…&Signature=…`,
// with `x-amz-security-token=…` for temporary credentials. S3 still accepts them in
// us-east-1; Tessera accepts them for S3 only, and only in the query form (an `Authorization:
// AWS …` header is still refused).
//
// The signature is base64(HMAC-SHA1(secret, StringToSign)), where StringToSign is
//   VERB \n Content-MD5 \n Content-Type \n Expires \n CanonicalizedAmzHeaders CanonicalizedResource
// CanonicalizedAmzHeaders: the x-amz-* headers and query parameters (the security token is
// signed as a header and sent in the query), names lower-cased and sorted, `name:value\n`.
// CanonicalizedResource: `/bucket` for a virtual-hosted request, then the path as sent, then
// the sub-resources of the query, sorted (S3's list; other parameters are not signed).

import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SigV2Query {
  accessKeyId: string;
  /** Seconds since the epoch after which the URL is refused. */
  expires: number;
  signature: string;
  securityToken?: string;
}

/** The query parameters of SigV2 query authentication (not forwarded upstream). */
export const SIGV2_QUERY_PARAMETERS: ReadonlySet<string> = new Set(['AWSAccessKeyId', 'Expires', 'Signature', 'x-amz-security-token']);

/**
 * Headers botocore's SigV2 presigner copies into the URL beside the signature (S3 reads neither
 * there: the signature covers the request's Content-Type and Content-MD5 headers). In a SigV2
 * URL they select nothing and are not forwarded.
 */
export const SIGV2_HEADER_ECHOES: ReadonlySet<string> = new Set(['content-type', 'content-md5']);

/** Whether a query carries SigV2 query authentication (any of its parameters but the token). */
export function hasSigV2Query(params: URLSearchParams): boolean {
  return params.has('AWSAccessKeyId') || params.has('Signature');
}

/** The SigV2 parameters, or why they cannot be read (each required once). */
export function readSigV2Query(params: URLSearchParams): SigV2Query | string {
  const one = (name: string) => {
    const values = params.getAll(name);
    return values.length === 1 ? values[0] : undefined;
  };
  const accessKeyId = one('AWSAccessKeyId');
  const signature = one('Signature');
  const expires = one('Expires');
  if (accessKeyId === undefined || signature === undefined || expires === undefined || accessKeyId === '' || signature === '') {
    return 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters';
  }
  if (!/^\d{1,12}$/.test(expires)) return 'Invalid date (should be seconds since epoch): ' + expires.slice(0, 64);
  const token = one('x-amz-security-token');
  return { accessKeyId, signature, expires: Number(expires), ...(token !== undefined ? { securityToken: token } : {}) };
}

/**
 * The sub-resources S3 signs in CanonicalizedResource: those its SigV2 documentation lists, the
 * response-header overrides, and the later ones the AWS SDKs sign the same way.
 */
const SUB_RESOURCES: ReadonlySet<string> = new Set([
  'acl', 'lifecycle', 'location', 'logging', 'notification', 'partNumber', 'policy', 'requestPayment', 'torrent', 'uploadId', 'uploads',
  'versionId', 'versioning', 'versions', 'website', 'delete', 'cors', 'tagging', 'restore', 'replication', 'accelerate', 'analytics',
  'metrics', 'inventory', 'select', 'select-type', 'object-lock', 'storageClass', 'defaultObjectAcl',
  'response-content-type', 'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding',
]);

export interface SigV2Request {
  method: string;
  /** The path as sent (percent-encoded as the client encoded it). */
  path: string;
  /** The query as sent. */
  query: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The bucket named by a virtual-hosted-style Host. */
  hostBucket?: string;
}

function header(headers: SigV2Request['headers'], name: string): string {
  const value = headers[name];
  return value === undefined ? '' : typeof value === 'string' ? value : value.join(',');
}

export function stringToSignV2(request: SigV2Request, expires: number): string {
  const amz = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-')) return;
    const values = amz.get(lower) ?? [];
    values.push(value.trim());
    amz.set(lower, values);
  };
  for (const name of Object.keys(request.headers)) {
    const value = request.headers[name];
    if (value === undefined) continue;
    for (const one of typeof value === 'string' ? [value] : value) add(name, one);
  }
  const subResources: Array<[string, string | undefined]> = [];
  for (const part of request.query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? undefined : safeDecode(part.slice(eq + 1));
    if (name.toLowerCase().startsWith('x-amz-')) add(name, value ?? '');
    else if (SUB_RESOURCES.has(name)) subResources.push([name, value]);
  }
  const amzLines = [...amz.keys()].sort().map((name) => `${name}:${amz.get(name)!.join(',')}\n`).join('');
  subResources.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const sub = subResources.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join('&');
  const resource = `${request.hostBucket !== undefined ? `/${request.hostBucket}` : ''}${request.path}${sub === '' ? '' : `?${sub}`}`;
  return `${request.method.toUpperCase()}\n${header(request.headers, 'content-md5')}\n${header(request.headers, 'content-type')}\n${expires}\n${amzLines}${resource}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export function signatureV2(secretAccessKey: string, stringToSign: string): string {
  return createHmac('sha1', secretAccessKey).update(stringToSign, 'utf8').digest('base64');
}

/** Constant-time comparison of the expected signature with the one presented. */
export function signatureV2Matches(expected: string, presented: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  // Equal lengths before timingSafeEqual; a wrong length says nothing about the secret.
  return a.length === b.length && timingSafeEqual(a, b);
}
