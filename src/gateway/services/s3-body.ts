// The S3 operations whose authorization depends on their XML body: DeleteObjects (one
// s3:DeleteObject per key it lists, s3:DeleteObjectVersion with a VersionId), PutObjectTagging
// (the tags it sets are s3:RequestObjectTag/<key>), PutObjectRetention and PutObjectLegalHold
// (the s3:object-lock-* keys), PutBucketReplication (its Role needs iam:PassRole) and
// PutBucketInventoryConfiguration (s3:InventoryAccessibleOptionalFields). The body is small: S3
// allows 1,000 keys per DeleteObjects and 10 tags per object.

import { DOMParser, type Element } from '@xmldom/xmldom';
import type { IdentifiedRequest } from '../identify.ts';
import type { ExpandedCheck } from '../rules.ts';
import { LIMITS, wholeList } from '../wire/limits.ts';
import { bypassesGovernance } from './s3.ts';
import { s3DocumentAmbiguity, s3DocumentBytesAmbiguity } from '../parser-differential-s3.ts';

/** Whether a refusal of s3-body.ts says the document is not XML, or not the one expected: S3's MalformedXML. */
export function isMalformedXml(refusal: string): boolean {
  return / document is not well-formed XML$/.test(refusal) || /^The body is not a \w+ document$/.test(refusal);
}

function parse(body: Buffer, root: string): Element | string {
  if (body.length > LIMITS.body) return `The ${root} document is larger than ${LIMITS.body} bytes`;
  const bytes = s3DocumentBytesAmbiguity(body);
  if (bytes !== undefined) return bytes;
  const text = body.toString('utf8');
  // A document type declaration could declare entities; S3 accepts none, nor does the gateway.
  if (text.includes('<!DOCTYPE') || text.includes('<!ENTITY')) return `The ${root} document may not have a document type declaration`;
  let document;
  try {
    document = new DOMParser({ onError: (level) => {
      if (level !== 'warning') throw new Error('malformed');
    } }).parseFromString(text, 'application/xml');
  } catch {
    return `The ${root} document is not well-formed XML`;
  }
  const element = document.documentElement;
  if (element === null || element.localName !== root) return `The body is not a ${root} document`;
  // A document moto could read otherwise (a prefixed or repeated element) is refused (parser-differential-s3.ts).
  return s3DocumentAmbiguity(element) ?? element;
}

function children(element: Element, name: string): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === name) found.push(node as Element);
  }
  return found;
}

function text(element: Element, name: string): string | undefined {
  const child = children(element, name)[0];
  return child === undefined ? undefined : (child.textContent ?? '');
}

/** The objects a Delete document lists, in its order, and whether it asks for a quiet answer. */
export interface DeleteDocument {
  objects: Array<{ key: string; versionId?: string }>;
  quiet: boolean;
}

export function deleteDocument(body: Buffer): DeleteDocument | string {
  const root = parse(body, 'Delete');
  if (typeof root === 'string') return root;
  const elements = children(root, 'Object');
  if (elements.length === 0) return 'The Delete document lists no object';
  if (elements.length > LIMITS.fanOut) return `The Delete document lists more than ${LIMITS.fanOut} objects`;
  const objects: DeleteDocument['objects'] = [];
  for (const object of elements) {
    const key = text(object, 'Key');
    if (key === undefined || key === '') return 'An Object of the Delete document has no Key';
    const versionId = text(object, 'VersionId');
    objects.push({ key, ...(versionId ? { versionId } : {}) });
  }
  return { objects, quiet: (text(root, 'Quiet') ?? '').trim().toLowerCase() === 'true' };
}

export function deleteObjectsChecks(body: Buffer, request: IdentifiedRequest): ExpandedCheck[] | string {
  const bucket = request.input.get('Bucket');
  const document = deleteDocument(body);
  if (typeof document === 'string') return document;
  if (typeof bucket !== 'string') return 'DeleteObjects names no bucket';
  const input = (key: string, versionId: string | undefined) => new Map([['Bucket', bucket], ['Key', key], ...(versionId ? [['VersionId', versionId] as [string, string]] : [])]);
  const deletes = document.objects.map(({ key, versionId }) => ({ action: versionId ? 'DeleteObjectVersion' : 'DeleteObject', input: input(key, versionId) }));
  // Bypassing governance mode is authorized on each object it would delete.
  if (!bypassesGovernance(request)) return deletes;
  return [...deletes, ...document.objects.map(({ key, versionId }) => ({ action: 'BypassGovernanceRetention', input: input(key, versionId) }))];
}

/**
 * The input members the body of PutObjectRetention (Retention: Mode, RetainUntilDate) or
 * PutObjectLegalHold (LegalHold: Status) sets, named as PutObject's headers are
 * (ObjectLockMode, ObjectLockRetainUntilDate, ObjectLockLegalHoldStatus), so that the
 * s3:object-lock-* keys read them the same way.
 */
export function objectLockMembers(body: Buffer, operation: 'PutObjectRetention' | 'PutObjectLegalHold'): [string, string][] | string {
  const root = parse(body, operation === 'PutObjectRetention' ? 'Retention' : 'LegalHold');
  if (typeof root === 'string') return root;
  const fields: [string, string | undefined][] = operation === 'PutObjectRetention'
    ? [['ObjectLockMode', text(root, 'Mode')], ['ObjectLockRetainUntilDate', text(root, 'RetainUntilDate')]]
    : [['ObjectLockLegalHoldStatus', text(root, 'Status')]];
  return fields.filter((field): field is [string, string] => field[1] !== undefined && field[1].trim() !== '').map(([name, value]) => [name, value.trim()]);
}

/** The Tagging document's tags as `[key, value]` pairs. */
export function objectTaggingContext(body: Buffer): [string, string][] | string {
  const root = parse(body, 'Tagging');
  if (typeof root === 'string') return root;
  const tagSet = children(root, 'TagSet')[0];
  if (tagSet === undefined) return 'The Tagging document has no TagSet';
  const tags: [string, string][] = [];
  for (const tag of wholeList(children(tagSet, 'Tag'), 'The Tagging document\'s TagSet')) {
    const key = text(tag, 'Key');
    if (key === undefined) return 'A Tag of the Tagging document has no Key';
    tags.push([key, text(tag, 'Value') ?? '']);
  }
  return tags;
}

/**
 * The input members a bucket configuration document sets where authorization reads it:
 * PutBucketReplication's `Role` (the role S3 assumes to replicate: the caller needs iam:PassRole
 * on it, API Reference, PutBucketReplication, "Permissions") as `ReplicationRole`, and the
 * `OptionalFields` of PutBucketInventoryConfiguration (s3:InventoryAccessibleOptionalFields) as
 * `InventoryOptionalFields` — absent when the document has no OptionalFields element — and
 * CreateBucket's `LocationConstraint` (s3:LocationConstraint).
 */
export function bucketConfigurationMembers(body: Buffer, operation: 'PutBucketReplication' | 'PutBucketInventoryConfiguration' | 'CreateBucket'): [string, unknown][] | string {
  if (operation === 'CreateBucket') {
    // The body is optional (a bucket in us-east-1 needs none); its LocationConstraint is the
    // s3:LocationConstraint key (S3 User Guide, "Restricting bucket creation to a Region").
    if (body.toString('utf8').trim() === '') return [];
    const root = parse(body, 'CreateBucketConfiguration');
    if (typeof root === 'string') return root;
    const location = text(root, 'LocationConstraint')?.trim();
    return location ? [['LocationConstraint', location]] : [];
  }
  if (operation === 'PutBucketReplication') {
    const root = parse(body, 'ReplicationConfiguration');
    if (typeof root === 'string') return root;
    const role = text(root, 'Role')?.trim();
    return role ? [['ReplicationRole', role]] : [];
  }
  const root = parse(body, 'InventoryConfiguration');
  if (typeof root === 'string') return root;
  const optional = children(root, 'OptionalFields')[0];
  if (optional === undefined) return [];
  const fields = wholeList(children(optional, 'Field'), 'The inventory\'s OptionalFields').map((field) => (field.textContent ?? '').trim());
  return [['InventoryOptionalFields', fields]];
}
