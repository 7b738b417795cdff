// S3's DeleteObjects decides each listed object on its own: the objects the caller may delete
// are deleted, and each of the others is answered in the result as an `<Error>` with
// `AccessDenied`, the request itself succeeding (200). The gateway does the same: the upstream
// receives a Delete document listing only the allowed objects (so it cannot delete one that was
// refused), and the refused ones are added to its answer. Pure functions over the documents;
// the flow is in server/gateway/gateway-request.ts.

import { createHash } from 'node:crypto';
import { escapeXml } from '../protocol/xml.ts';
import type { DeleteDocument } from './services/s3-body.ts';

type DeleteObject = DeleteDocument['objects'][number];

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** The Delete document sent upstream: the allowed objects only, in their order, and the quiet flag. */
export function allowedDeleteDocument(objects: readonly DeleteObject[], quiet: boolean): Buffer {
  const listed = objects
    .map(({ key, versionId }) => `<Object><Key>${escapeXml(key)}</Key>${versionId !== undefined ? `<VersionId>${escapeXml(versionId)}</VersionId>` : ''}</Object>`)
    .join('');
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="${S3_NAMESPACE}">${quiet ? '<Quiet>true</Quiet>' : ''}${listed}</Delete>`, 'utf8');
}

/**
 * The headers that describe the client's body, which no longer describe the one sent: its MD5
 * and flexible checksums. The new document gets a Content-MD5 of its own (S3 requires one of
 * the two on DeleteObjects).
 */
export function rewrittenBodyHeaders(headers: Readonly<Record<string, string | readonly string[]>>, body: Buffer): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  for (const name in headers) {
    if (name === 'content-md5' || name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm' || name === 'x-amz-trailer') continue;
    out[name] = headers[name]!;
  }
  out['content-md5'] = createHash('md5').update(body).digest('base64');
  return out;
}

function refusedElements(refused: readonly DeleteObject[]): string {
  return refused
    .map(({ key, versionId }) => `<Error><Key>${escapeXml(key)}</Key>${versionId !== undefined ? `<VersionId>${escapeXml(versionId)}</VersionId>` : ''}<Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
    .join('');
}

/** The answer when every listed object was refused: nothing reaches the upstream. */
export function refusedOnlyResult(refused: readonly DeleteObject[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="${S3_NAMESPACE}">${refusedElements(refused)}</DeleteResult>`;
}

/**
 * The upstream's DeleteResult with the refused objects' errors added at its end; undefined when
 * the answer is not a DeleteResult (then it is passed on as it is, and the refused objects,
 * which were not deleted either way, are not reported).
 */
export function withRefusedObjects(answer: string, refused: readonly DeleteObject[]): string | undefined {
  const errors = refusedElements(refused);
  const selfClosed = /<DeleteResult(\s[^>]*)?\/>\s*$/.exec(answer);
  if (selfClosed) return `${answer.slice(0, selfClosed.index)}<DeleteResult${selfClosed[1] ?? ''}>${errors}</DeleteResult>`;
  const end = answer.lastIndexOf('</DeleteResult>');
  if (end < 0 || !/<DeleteResult[\s>]/.test(answer)) return undefined;
  return `${answer.slice(0, end)}${errors}${answer.slice(end)}`;
}
