// Every `x-amz-*` header of a forwarded request must be covered by its signature. The gateway
// verifies only what SignedHeaders lists, then re-signs the whole request with the upstream's
// credentials — so an `x-amz-*` header outside the signature would be forwarded as if its
// signer had sent it. The holder of a URL presigned for a PutObject (SignedHeaders=host) could
// add `x-amz-copy-source` and turn it into a CopyObject of any object the signer may read,
// `x-amz-acl`, `x-amz-tagging`, `x-amz-website-redirect-location`…; the holder of a presigned
// JSON call could change its `X-Amz-Target`, and so its operation.
//
// S3 refuses such a request: 403 AccessDenied, "There were headers present in the request
// which were not signed", the names in <HeadersNotSigned> (as public reports quote S3's
// answer). The other protected services are held to the same rule, stricter than AWS is known
// to be: the SDKs and the aws CLI sign every `x-amz-*` header they send.
//
// Two are left out, as S3 leaves them: `x-amz-content-sha256` (its value is the canonical
// request's last line, so the signature covers it whether it is listed or not) and
// `x-amz-security-token` (some signers add it after signing; the token is bound to the access
// key that signed).

const BOUND_ELSEWHERE: ReadonlySet<string> = new Set(['x-amz-content-sha256', 'x-amz-security-token']);

export const HEADERS_NOT_SIGNED_MESSAGE = 'There were headers present in the request which were not signed';

/** The request's `x-amz-*` header names (lower case, in the request's order) that SignedHeaders does not list. */
export function unsignedAmzHeaders(headers: Readonly<Record<string, unknown>>, signedHeaders: readonly string[]): string[] {
  const signed = new Set(signedHeaders.map((name) => name.toLowerCase()));
  const unsigned: string[] = [];
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-') && !signed.has(lower) && !BOUND_ELSEWHERE.has(lower) && !unsigned.includes(lower)) unsigned.push(lower);
  }
  return unsigned;
}
