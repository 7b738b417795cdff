// A URL presigned with signature version 2 signs only the sub-resources S3's SigV2 lists
// (sigv2-query.ts SUB_RESOURCES, the same list botocore's HmacV1 signs): any other query
// parameter can be added by whoever holds the URL without changing its signature. Most are
// harmless (prefix, max-keys…, which on S3 too are not signed), but S3's later sub-resources
// each select another operation: `?legal-hold` turns a URL presigned for PutObject into a
// PutObjectLegalHold (its body `<Status>OFF</Status>` lifted a legal hold as the signer),
// `?retention` into PutObjectRetention, `?publicAccessBlock` a presigned DeleteBucket into
// DeletePublicAccessBlock, `?ownershipControls`, `?encryption`… — each executed with the
// signer's permissions although the signer never signed it.
//
// Such a request is refused, never forwarded (stricter than S3, where these operations also
// need a Content-MD5 the URL signed as empty, or SigV4). `list-type` is left alone: it makes
// ListObjects ListObjectsV2, the same s3:ListBucket on the same bucket, and boto3 presigns
// list_objects_v2 with it unsigned.

import type { GatewayFailure } from './errors.ts';

/** The sub-resources of S3's model (requestUri literals) that SigV2 does not sign and that select an operation. */
export const SIGV2_UNSIGNED_SELECTORS: ReadonlySet<string> = new Set([
  'abac', 'attributes', 'encryption', 'intelligent-tiering', 'legal-hold', 'metadataconfiguration', 'metadatainventorytable',
  'metadatajournaltable', 'metadatatable', 'ownershipcontrols', 'policystatus', 'publicaccessblock', 'renameobject', 'retention', 'session',
]);

function decodedName(part: string): string {
  const eq = part.indexOf('=');
  const raw = (eq < 0 ? part : part.slice(0, eq)).replaceAll('+', ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The refusal for a SigV2-presigned request whose query selects an operation its signature does not cover; undefined when there is none. */
export function sigv2UnsignedSelector(query: string): GatewayFailure | undefined {
  for (const part of query.split('&')) {
    if (part === '') continue;
    const name = decodedName(part);
    if (!SIGV2_UNSIGNED_SELECTORS.has(name.toLowerCase())) continue;
    return {
      code: 'AccessDenied',
      message: `The query parameter ${name} selects an operation a signature version 2 presigned URL does not sign; presign the request with AWS4-HMAC-SHA256 (signature version 4).`,
      status: 403,
    };
  }
  return undefined;
}
