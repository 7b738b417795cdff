// Which requests are the gateway's, decided from the request line and headers alone — before
// any of the body is read, so that a forwarded body can stream.
//
//   - A SigV4 credential scope (Authorization header or presigned X-Amz-Credential) naming a
//     service Tessera does not serve: that service's request.
//   - No SigV4 credential, with an S3 upstream: a request shaped like S3 is S3's, decided as
//     the anonymous caller (or, with a SigV2 signature, refused as S3 refuses SigV2). A request
//     with an X-Amz-Target, an `Action` parameter or a form body stays Tessera's (STS serves
//     AssumeRoleWithWebIdentity and AssumeRoleWithSAML unsigned).

import { claimedCredential } from '../sigv4/index.ts';

export interface RequestHead {
  method: string;
  path: string;
  query: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export type Route =
  | { kind: 'tessera' }
  | {
      kind: 'gateway';
      /** The scope's service (clipped, as sent), or `s3` for an unsigned S3 request. */
      service: string;
      /** S3 virtual-hosted style: the bucket named by the Host. */
      hostBucket?: string;
      /** No SigV4 credential: S3's anonymous caller (or a SigV2 signature, refused). */
      unsigned: boolean;
    };

export interface RouteOptions {
  /** The services Tessera serves itself (iam, sts, organizations, …). */
  served: ReadonlySet<string>;
  /** Whether an upstream serves S3: only then is an unsigned request taken for S3's. */
  s3Upstream: boolean;
}

export function routeRequest(head: RequestHead, options: RouteOptions): Route {
  const credential = claimedCredential({ headers: head.headers as Record<string, string | string[]>, query: head.query });
  const hostBucket = virtualHostedBucket(header(head, 'host'));
  if (credential !== undefined) {
    if (options.served.has(credential.service)) return { kind: 'tessera' };
    const service = credential.service.slice(0, 64);
    return { kind: 'gateway', service, unsigned: false, ...(service === 's3' && hostBucket !== undefined ? { hostBucket } : {}) };
  }
  if (!options.s3Upstream) return { kind: 'tessera' };
  if (header(head, 'x-amz-target') !== undefined) return { kind: 'tessera' };
  const authorization = header(head, 'authorization');
  if (authorization !== undefined && !authorization.startsWith('AWS ')) return { kind: 'tessera' };
  if (hasParameter(head.query, 'Action')) return { kind: 'tessera' };
  const contentType = (header(head, 'content-type') ?? '').toLowerCase();
  if (head.method.toUpperCase() === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) return { kind: 'tessera' };
  return { kind: 'gateway', service: 's3', unsigned: true, ...(hostBucket !== undefined ? { hostBucket } : {}) };
}

/**
 * The bucket of a virtual-hosted-style Host: `bucket.localhost[:port]`, `bucket.s3.localhost`,
 * `bucket.s3.amazonaws.com`, `bucket.s3.<region>.amazonaws.com` (or `s3-<region>`). An IP
 * address or a bare name (`localhost`, `tessera:4600`) names no bucket: the request is path-style.
 */
export function virtualHostedBucket(host: string | undefined): string | undefined {
  if (host === undefined || host.length > 300) return undefined;
  let name = host.toLowerCase();
  if (name.startsWith('[')) return undefined;
  const colon = name.lastIndexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  if (name.endsWith('.')) name = name.slice(0, -1);
  let bucket: string | undefined;
  if (name.endsWith('.s3.localhost')) bucket = name.slice(0, -'.s3.localhost'.length);
  else if (name.endsWith('.localhost')) bucket = name.slice(0, -'.localhost'.length);
  else if (name.endsWith('.amazonaws.com')) {
    const at = name.search(/\.s3[.-]/);
    bucket = at > 0 ? name.slice(0, at) : undefined;
  }
  return bucket !== undefined && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) ? bucket : undefined;
}

function header(head: RequestHead, name: string): string | undefined {
  const value = head.headers[name];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

function hasParameter(query: string, name: string): boolean {
  if (query === '') return false;
  for (const part of query.split('&', 1000)) {
    const eq = part.indexOf('=');
    if ((eq < 0 ? part : part.slice(0, eq)) === name) return true;
  }
  return false;
}
