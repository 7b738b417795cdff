// S3 requests the gateway and its upstream could read differently (a parser differential): the
// gateway authorizes what it reads, so a request that moto — or another S3 reader — could take
// for another operation, another object or another condition-key value is refused outright, as
// S3's XML error (400 InvalidRequest), rather than guessed at. Where AWS itself would accept the
// request, the gateway is stricter on purpose and says so below. The rules (docs/gateway.md,
// "Ambiguous requests"):
//
//   A raw `;` in the path, a raw `#` in the path or query: moto takes the key from the raw path
//     with Python's urlparse, which drops a last segment's `;…` (`secret.bin;.txt` is
//     `secret.bin`), and its HTTP server ends the URL at `#` (the key, or the parameters, after
//     it are gone: `?x-id=x#&tagging` is GetObject, not GetObjectTagging). Refused: both, raw
//     (stricter than S3, which takes a raw `;` for a key's character; the SDKs encode both).
//   x-amz-copy-source: read by moto with Python's urlparse before it is percent-decoded, which
//     ends the path at a raw `#` (a fragment) or `;` (parameters), drops every tab, CR and LF,
//     takes `name:` before the first `/` for a URL scheme (`pub:secret/key` is bucket `secret`),
//     and reads the query's versionId skipping empty values (`versionId=&versionId=v1` is v1).
//     Refused: a raw `#` anywhere, a raw `;` in the path, a control character, a `:` in the
//     bucket, and a query other than one `versionId=<id>`.
//   A form body: moto (werkzeug) parses a body whose Content-Type is a form, whatever the method,
//     and reads its fields instead of the URL's parameters (a GET's or DELETE's `versionId`).
//     Refused: a form or multipart Content-Type with a body. (POST Object, the browser form
//     upload, is read and forwarded by server/gateway/post-object.ts and never reaches this.)
//   The bucket of a path-style request percent-encoded: the gateway matched `%2F` inside the
//     bucket's segment, moto routes on the decoded path (`PUT /bucket%2Fkey` was CreateBucket to
//     the gateway, PutObject on `bucket/key` to moto). Refused: any `%` in the bucket's segment
//     (a bucket name has no character to encode).
//   x-amz-tagging naming one tag key twice: the gateway's s3:RequestObjectTag/<key> was the last
//     value, moto stores the first. Refused (S3 refuses a repeated tag key too).
//   XML documents the gateway reads (Delete, Tagging, Retention, LegalHold, replication and
//     inventory configurations): the gateway reads elements by local name, moto (xmltodict, no
//     namespace processing) by qualified name — `<x:Key>` was the gateway's Key and no key to
//     moto — and a repeated element is a list to moto but the first to the gateway. Refused: an
//     element with a namespace prefix, and an element the gateway reads once (Key, VersionId,
//     Value, TagSet, …) repeated in its parent (stricter than S3 perhaps; the SDKs send neither).
//     And their bytes: the gateway reads UTF-8, moto the encoding the XML declaration names.
//     Refused: another encoding declared, and bytes that are not UTF-8.

import type { Element } from '@xmldom/xmldom';
import type { HeaderMap } from './wire/headers.ts';
import { LIMITS } from './wire/limits.ts';

function clipped(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/** What of the request line s3Ambiguity reads: the raw path and query, and the bucket a virtual-hosted Host named. */
export interface S3RequestLine {
  readonly path?: string;
  readonly query?: string;
  /** Set when the Host named the bucket: then the path is all key. */
  readonly bucket?: string;
}

/** Why an S3 request is ambiguous, or undefined. */
export function s3Ambiguity(headers: HeaderMap, line: S3RequestLine = {}): string | undefined {
  const path = line.path ?? '';
  // moto reads the key from the raw path with Python's urlparse, which drops a last segment's
  // `;…` (URL parameters): `/bucket/secret.bin;.txt` was `secret.bin` to moto,
  // `secret.bin;.txt` to the gateway. (A raw `#`, where moto's HTTP server ends the URL —
  // `?x-id=x#&tagging` was GetObjectTagging to the gateway, GetObject to moto — is refused for
  // every service, in identify.ts.)
  if (path.includes(';')) return 'The request path has a raw ; (percent-encode it, %3B, in a key): a URL reader ends the path there';
  const source = headers.get('x-amz-copy-source');
  if (source !== undefined) {
    const found = copySourceAmbiguity(source);
    if (found !== undefined) return found;
  }
  const form = formBodyAmbiguity(headers);
  if (form !== undefined) return form;
  if (line.bucket === undefined || line.bucket === '') {
    const bucket = path.startsWith('/') ? path.slice(1).split('/', 1)[0]! : '';
    if (bucket.includes('%')) return 'The bucket name in the request path is percent-encoded: a bucket name has no character to encode (an encoded / is read as the start of a key)';
  }
  const tagging = headers.get('x-amz-tagging');
  if (tagging !== undefined) {
    const seen = new Set<string>();
    for (const key of new URLSearchParams(tagging).keys()) {
      if (seen.has(key)) return `x-amz-tagging names the tag key ${clipped(key)} more than once`;
      seen.add(key);
    }
  }
  return undefined;
}

/** A copy source urlparse would read otherwise than as `bucket/key?versionId=id` decoded. */
function copySourceAmbiguity(source: string): string | undefined {
  const at = source.indexOf('?');
  const path = at < 0 ? source : source.slice(0, at);
  const query = at < 0 ? undefined : source.slice(at + 1);
  if (source.includes('#') || path.includes(';')) {
    return 'x-amz-copy-source must percent-encode # (%23) and ; (%3B) in the source key: a URL reader ends the path at them';
  }
  // (Python's URL reader removes tabs, CR and LF anywhere: `sec<TAB>ret` is `secret` to it.)
  if (/[\x00-\x1f\x7f]/.test(source)) return 'x-amz-copy-source must percent-encode control characters in the source key';
  const bucket = (path.startsWith('/') ? path.slice(1) : path).split('/', 1)[0]!;
  if (bucket.includes(':')) return 'x-amz-copy-source names a bucket with a : (a URL reader takes it for a scheme)';
  // Stricter than AWS, which ignores what else the query holds: one versionId, not empty.
  if (query !== undefined && query !== '' && !/^versionId=[^&]+$/.test(query)) {
    return 'x-amz-copy-source takes one query parameter, versionId=<version>, given once and not empty';
  }
  return undefined;
}

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * A body moto would parse as form fields and read before the URL's parameters. Stricter than
 * AWS, which stores such a body as any other: an object of a form's Content-Type is refused
 * (any mention of a form type in the header, not only as its media type, as other readers parse
 * the header loosely).
 */
function formBodyAmbiguity(headers: HeaderMap): string | undefined {
  const type = (headers.get('content-type') ?? '').toLowerCase();
  if (!FORM_TYPES.some((form) => type.includes(form))) return undefined;
  const length = headers.get('content-length');
  const hasBody = headers.has('transfer-encoding') || (length !== undefined && length.trim() !== '0');
  if (!hasBody) return undefined;
  return 'Tessera does not forward an S3 request with a form body (Content-Type application/x-www-form-urlencoded or multipart/form-data) but a browser POST upload: its fields could be read as the request\'s parameters';
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Why the bytes of an S3 XML document the gateway reads are ambiguous, or undefined: the
 * gateway reads them as UTF-8, moto's expat in the encoding the XML declaration names — a
 * Latin-1 `caf\xe9-secret` was `caf\uFFFD-secret` to the gateway and `café-secret` to moto.
 * Refused: an encoding declared other than UTF-8, and bytes that are not UTF-8.
 */
export function s3DocumentBytesAmbiguity(body: Buffer): string | undefined {
  // (A declaration not in ASCII — UTF-16, EBCDIC — is no UTF-8 either: refused below.)
  const head = body.subarray(0, 256).toString('latin1').replace(/^\xEF\xBB\xBF/, '');
  const declared = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']/.exec(head);
  if (declared !== null && !/^utf-?8$/i.test(declared[1]!)) return `The XML document declares the encoding ${clipped(declared[1]!)}: send it as UTF-8`;
  try {
    UTF8.decode(body);
  } catch {
    return 'The XML document is not UTF-8';
  }
  return undefined;
}

/** The elements the gateway reads as one value of their parent (s3-body.ts). */
const READ_ONCE = new Set(['Key', 'VersionId', 'Quiet', 'TagSet', 'Value', 'Mode', 'RetainUntilDate', 'Status', 'Role', 'OptionalFields']);

/**
 * Why an S3 XML document the gateway reads is ambiguous, or undefined: an element (at any
 * depth) with a namespace prefix, or an element the gateway reads once repeated in its parent.
 */
export function s3DocumentAmbiguity(root: Element): string | undefined {
  const pending: Array<{ element: Element; depth: number }> = [{ element: root, depth: 0 }];
  let visited = 0;
  while (pending.length > 0) {
    const { element, depth } = pending.pop()!;
    if (++visited > LIMITS.fanOut * 8 || depth > LIMITS.depth) return 'The XML document is nested too deeply or has too many elements';
    if (prefixed(element)) return prefixRefusal(element);
    const names = new Set<string>();
    for (let node = element.firstChild; node !== null; node = node.nextSibling) {
      if (node.nodeType !== 1) continue;
      const child = node as Element;
      if (prefixed(child)) return prefixRefusal(child);
      const name = child.localName ?? child.nodeName;
      if (READ_ONCE.has(name)) {
        if (names.has(name)) return `The XML element ${clipped(element.nodeName)} has more than one ${name}`;
        names.add(name);
      }
      pending.push({ element: child, depth: depth + 1 });
    }
  }
  return undefined;
}

function prefixed(element: Element): boolean {
  return element.prefix !== null && element.prefix !== '';
}

function prefixRefusal(element: Element): string {
  return `The XML document has an element with a namespace prefix (${clipped(element.nodeName)}): write it without one`;
}
