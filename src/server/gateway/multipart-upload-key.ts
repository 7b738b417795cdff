// An S3 multipart upload is one object's: S3 answers NoSuchUpload when the path names another
// key than the upload's. moto does not check: it acts on the upload its `uploadId` names,
// whatever key the path names — UploadPart, UploadPartCopy, CompleteMultipartUpload,
// AbortMultipartUpload and ListParts authorized on `public/x` wrote, completed (as `secret/x`),
// aborted or listed the upload of `secret/x`. So before forwarding one, the gateway reads the
// bucket's uploads under that key (ListMultipartUploads, `prefix=<key>`) and refuses, as S3
// does, an upload ID that is not one of that very key's. (Not a parser differential: the
// request is read the same by both; the upstream ignores what it names.)

import type { GatewayFailure } from '../../gateway/errors.ts';
import type { ReadContext } from '../../gateway/upstream-reads.ts';
import { childText, descendants, xmlRoot } from '../../gateway/upstream-xml.ts';

/** The operations that act on an upload by its ID, on the key of their path. */
export const UPLOAD_ID_OPERATIONS: ReadonlySet<string> = new Set(['UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts']);

/** Pages of uploads read at most (S3 lists 1,000 a page; moto lists them all at once). */
const MAX_PAGES = 10;

const NO_SUCH_UPLOAD: GatewayFailure = {
  code: 'NoSuchUpload',
  message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  status: 404,
};

function encodeKey(key: string): string {
  return key.split('/').map((part) => encodeURIComponent(part).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
}

/**
 * Why an upload-ID operation on `bucket`/`key` must not be forwarded: the upload is not that
 * key's (NoSuchUpload, 404), or its key could not be read (503: nothing is forwarded without
 * knowing it). Undefined when the upload is the key's.
 */
export async function uploadOfAnotherKey(reads: ReadContext, bucket: string, key: string, uploadId: string): Promise<GatewayFailure | undefined> {
  if (uploadId === '') return NO_SUCH_UPLOAD;
  let markers = '';
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await reads.call({ method: 'GET', path: `/${encodeURIComponent(bucket)}`, query: `prefix=${encodeKey(key)}&uploads=${markers}` });
      if (response.status === 404) return NO_SUCH_UPLOAD;
      if (response.status < 200 || response.status >= 300) throw new Error(`ListMultipartUploads answered ${response.status}`);
      const root = xmlRoot(response.body);
      for (const upload of descendants(root, 'Upload')) {
        if (childText(upload, 'Key') === key && childText(upload, 'UploadId') === uploadId) return undefined;
      }
      const nextKey = childText(root, 'NextKeyMarker');
      const nextUpload = childText(root, 'NextUploadIdMarker');
      if ((childText(root, 'IsTruncated') ?? '').trim() !== 'true' || !nextKey) return NO_SUCH_UPLOAD;
      markers = `&key-marker=${encodeURIComponent(nextKey)}${nextUpload ? `&upload-id-marker=${encodeURIComponent(nextUpload)}` : ''}`;
    }
  } catch {
    return { code: 'ServiceUnavailable', message: `Tessera could not read the multipart uploads of ${bucket} from the s3 upstream; the request was not forwarded.`, status: 503 };
  }
  return NO_SUCH_UPLOAD;
}

/**
 * The check for a mapped S3 request: for an upload-ID operation, the upload its first `uploadId`
 * parameter names (the one both the gateway and moto read) must be the upload of the object it
 * was authorized on (`authorized`, the main check's `arn:aws:s3:::bucket/key`).
 */
export async function uploadKeyRefusal(reads: ReadContext, operation: string, bucket: string, authorized: string, query: string, confirmed?: ConfirmedUploads): Promise<GatewayFailure | undefined> {
  if (!UPLOAD_ID_OPERATIONS.has(operation)) return undefined;
  const prefix = `arn:aws:s3:::${bucket}/`;
  if (!authorized.startsWith(prefix)) return NO_SUCH_UPLOAD;
  const uploadId = new URLSearchParams(query).get('uploadId') ?? '';
  const check = () => uploadOfAnotherKey(reads, bucket, authorized.slice(prefix.length), uploadId);
  if (confirmed === undefined || uploadId === '') return check();
  // An upload ID never moves to another key: once it is known to be this key's, the parts that
  // follow need no listing (kept as long as other lookups). A refusal is never kept.
  try {
    await confirmed.get('upload-of-key', reads.accountId ?? '', `${authorized}\u0000${uploadId}`, async () => {
      const refusal = await check();
      if (refusal !== undefined) throw new UploadRefused(refusal);
      return true;
    });
    return undefined;
  } catch (err) {
    if (err instanceof UploadRefused) return err.refusal;
    throw err;
  }
}

/** Where confirmed (key, upload ID) pairs are kept: the gateway's lookup cache. */
export interface ConfirmedUploads {
  get<T>(kind: string, account: string, resource: string, read: () => Promise<T>): Promise<T>;
}

class UploadRefused extends Error {
  readonly refusal: GatewayFailure;
  constructor(refusal: GatewayFailure) {
    super(refusal.message);
    this.refusal = refusal;
  }
}
