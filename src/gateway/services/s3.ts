// S3: the operations whose IAM action differs from their name. AWS documents each in the
// Amazon S3 User Guide, "Required permissions for Amazon S3 API operations"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html),
// and in each operation's "Permissions" section of the Amazon S3 API Reference. Every other
// operation is `s3:<Operation>` by the Service Authorization Reference's own list.

import type { IdentifiedRequest } from '../identify.ts';
import type { OperationRule, ServiceRules } from '../rules.ts';
import type { ConditionValue, Lookup } from '../types.ts';
import { rolesInMembers } from '../passed-roles.ts';
import { first } from '../wire/query-string.ts';

const BUCKET_ARN = (bucket: string): string => `arn:aws:s3:::${bucket}`;

function member(request: IdentifiedRequest, name: string): string | undefined {
  const value = request.input.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `x-amz-copy-source: bucket/key?versionId=v` (URL-encoded, with or without a leading `/`). */
export function copySource(request: IdentifiedRequest): { bucket: string; key: string; versionId?: string } | undefined {
  const raw = member(request, 'CopySource');
  if (raw === undefined) return undefined;
  const [path = '', query = ''] = raw.split('?', 2);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.startsWith('/') ? path.slice(1) : path);
  } catch {
    return undefined;
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) return undefined;
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), ...(versionId ? { versionId } : {}) };
}

const sourceObject = (request: IdentifiedRequest): readonly string[] | undefined => {
  const source = copySource(request);
  return source === undefined ? undefined : [`${BUCKET_ARN(source.bucket)}/${source.key}`];
};
const sourceIsVersioned = (request: IdentifiedRequest): boolean => copySource(request)?.versionId !== undefined;
const hasHeader = (...names: string[]) => (request: IdentifiedRequest): boolean => names.some((name) => request.headers.has(name));
const ACL_HEADERS = ['x-amz-acl', 'x-amz-grant-full-control', 'x-amz-grant-read', 'x-amz-grant-read-acp', 'x-amz-grant-write', 'x-amz-grant-write-acp'];

// Writing an object with tags or an ACL needs those permissions too (PutObject, CopyObject and
// CreateMultipartUpload: "Permissions" in the API Reference).
const WITH_TAGS = { action: 'PutObjectTagging', when: hasHeader('x-amz-tagging'), whenDoc: 'with x-amz-tagging' } as const;
const WITH_ACL = { action: 'PutObjectAcl', when: hasHeader(...ACL_HEADERS), whenDoc: 'with an ACL header' } as const;
// Writing an object with an Object Lock retention or legal hold sets what PutObjectRetention and
// PutObjectLegalHold set: S3 authorizes them with those actions too. Where the User Guide is not
// explicit about uploads, the gateway is stricter and asks for both.
const WITH_RETENTION = {
  action: 'PutObjectRetention',
  when: hasHeader('x-amz-object-lock-mode', 'x-amz-object-lock-retain-until-date'),
  whenDoc: 'with x-amz-object-lock-mode or x-amz-object-lock-retain-until-date',
} as const;
const WITH_LEGAL_HOLD = { action: 'PutObjectLegalHold', when: hasHeader('x-amz-object-lock-legal-hold'), whenDoc: 'with x-amz-object-lock-legal-hold' } as const;
// `x-amz-bypass-governance-retention: true` needs s3:BypassGovernanceRetention on the object
// (DeleteObject, DeleteObjects, PutObjectRetention: "To use this header, you must have the
// s3:BypassGovernanceRetention permission").
export const bypassesGovernance = (request: IdentifiedRequest): boolean => request.headers.get('x-amz-bypass-governance-retention')?.trim().toLowerCase() === 'true';
const WITH_BYPASS = { action: 'BypassGovernanceRetention', when: bypassesGovernance, whenDoc: 'with x-amz-bypass-governance-retention: true' } as const;

const OPERATIONS: Record<string, OperationRule> = {
  // Objects
  GetObject: { versioned: 'GetObjectVersion' },
  HeadObject: { action: 'GetObject', versioned: 'GetObjectVersion' },
  SelectObjectContent: { action: 'GetObject' },
  GetObjectAcl: { versioned: 'GetObjectVersionAcl' },
  PutObjectAcl: { versioned: 'PutObjectVersionAcl' },
  GetObjectTagging: { versioned: 'GetObjectVersionTagging' },
  PutObjectTagging: { versioned: 'PutObjectVersionTagging', needsBody: 's3:RequestObjectTag/<key> comes from the Tagging document' },
  DeleteObjectTagging: { versioned: 'DeleteObjectVersionTagging' },
  // GetObjectAttributes needs READ of the object too: s3:GetObject (s3:GetObjectVersion for a
  // version) besides s3:GetObjectAttributes (API Reference, GetObjectAttributes, Permissions).
  GetObjectAttributes: { versioned: 'GetObjectVersionAttributes', also: [{ action: 'GetObject', versioned: 'GetObjectVersion' }] },
  GetObjectTorrent: { versioned: 'GetObjectVersionTorrent' },
  DeleteObject: { versioned: 'DeleteObjectVersion', also: [WITH_BYPASS] },
  PutObject: { also: [WITH_TAGS, WITH_ACL, WITH_RETENTION, WITH_LEGAL_HOLD] },
  // The Retention and LegalHold documents carry s3:object-lock-mode, s3:object-lock-retain-until-date
  // and s3:object-lock-legal-hold: the body is read (s3-body.ts).
  PutObjectRetention: { needsBody: 's3:object-lock-mode and s3:object-lock-retain-until-date come from the Retention document', also: [WITH_BYPASS] },
  PutObjectLegalHold: { needsBody: 's3:object-lock-legal-hold comes from the LegalHold document' },
  CopyObject: {
    action: 'PutObject',
    also: [
      { action: 'GetObject', versioned: 'GetObjectVersion', resource: sourceObject, resourceDoc: 'the x-amz-copy-source object' },
      WITH_TAGS,
      WITH_ACL,
      WITH_RETENTION,
      WITH_LEGAL_HOLD,
    ],
  },
  DeleteObjects: {
    action: 'DeleteObject',
    needsBody: 'the keys to delete are listed in the Delete document',
    expandDoc: 's3:DeleteObject (s3:DeleteObjectVersion with a VersionId) on each key of the Delete document, and s3:BypassGovernanceRetention on each with x-amz-bypass-governance-retention: true',
  },
  // Multipart uploads: every part is a write of the object.
  CreateMultipartUpload: { action: 'PutObject', also: [WITH_TAGS, WITH_ACL, WITH_RETENTION, WITH_LEGAL_HOLD] },
  UploadPart: { action: 'PutObject' },
  UploadPartCopy: {
    action: 'PutObject',
    also: [{ action: 'GetObject', versioned: 'GetObjectVersion', resource: sourceObject, resourceDoc: 'the x-amz-copy-source object' }],
  },
  CompleteMultipartUpload: { action: 'PutObject' },
  ListParts: { action: 'ListMultipartUploadParts' },
  // Buckets
  ListBuckets: { action: 'ListAllMyBuckets' },
  HeadBucket: { action: 'ListBucket' },
  ListObjects: { action: 'ListBucket' },
  ListObjectsV2: { action: 'ListBucket' },
  ListObjectVersions: { action: 'ListBucketVersions' },
  ListMultipartUploads: { action: 'ListBucketMultipartUploads' },
  CreateBucket: {
    needsBody: 's3:LocationConstraint comes from the CreateBucketConfiguration document',
    also: [
      { action: 'PutBucketAcl', when: hasHeader(...ACL_HEADERS), whenDoc: 'with an ACL header' },
      { action: 'PutBucketObjectLockConfiguration', when: hasHeader('x-amz-bucket-object-lock-enabled'), whenDoc: 'with x-amz-bucket-object-lock-enabled' },
      { action: 'PutBucketVersioning', when: hasHeader('x-amz-bucket-object-lock-enabled'), whenDoc: 'with x-amz-bucket-object-lock-enabled' },
      { action: 'PutBucketOwnershipControls', when: hasHeader('x-amz-object-ownership'), whenDoc: 'with x-amz-object-ownership' },
    ],
  },
  // Sub-resource configurations: deleting one is a write of it (the S3 API Reference's
  // Permissions section of each Delete… operation names the Put… action).
  GetBucketAccelerateConfiguration: { action: 'GetAccelerateConfiguration' },
  PutBucketAccelerateConfiguration: { action: 'PutAccelerateConfiguration' },
  GetBucketAnalyticsConfiguration: { action: 'GetAnalyticsConfiguration' },
  ListBucketAnalyticsConfigurations: { action: 'GetAnalyticsConfiguration' },
  PutBucketAnalyticsConfiguration: { action: 'PutAnalyticsConfiguration' },
  DeleteBucketAnalyticsConfiguration: { action: 'PutAnalyticsConfiguration' },
  DeleteBucketCors: { action: 'PutBucketCORS' },
  GetBucketEncryption: { action: 'GetEncryptionConfiguration' },
  PutBucketEncryption: { action: 'PutEncryptionConfiguration' },
  DeleteBucketEncryption: { action: 'PutEncryptionConfiguration' },
  GetBucketIntelligentTieringConfiguration: { action: 'GetIntelligentTieringConfiguration' },
  ListBucketIntelligentTieringConfigurations: { action: 'GetIntelligentTieringConfiguration' },
  PutBucketIntelligentTieringConfiguration: { action: 'PutIntelligentTieringConfiguration' },
  DeleteBucketIntelligentTieringConfiguration: { action: 'PutIntelligentTieringConfiguration' },
  GetBucketInventoryConfiguration: { action: 'GetInventoryConfiguration' },
  ListBucketInventoryConfigurations: { action: 'GetInventoryConfiguration' },
  // The optional fields a report is configured with are s3:InventoryAccessibleOptionalFields
  // (Service Authorization Reference): the InventoryConfiguration document is read (s3-body.ts).
  PutBucketInventoryConfiguration: { action: 'PutInventoryConfiguration', needsBody: 's3:InventoryAccessibleOptionalFields comes from the OptionalFields of the InventoryConfiguration document' },
  DeleteBucketInventoryConfiguration: { action: 'PutInventoryConfiguration' },
  GetBucketLifecycle: { action: 'GetLifecycleConfiguration' },
  GetBucketLifecycleConfiguration: { action: 'GetLifecycleConfiguration' },
  PutBucketLifecycle: { action: 'PutLifecycleConfiguration' },
  PutBucketLifecycleConfiguration: { action: 'PutLifecycleConfiguration' },
  DeleteBucketLifecycle: { action: 'PutLifecycleConfiguration' },
  // Its TargetBucket must allow S3 to deliver the access logs (server/gateway/invocation-and-log-deliveries.ts):
  // the BucketLoggingStatus document is read.
  PutBucketLogging: { needsBody: 'the TargetBucket of the BucketLoggingStatus document must allow S3 to deliver access logs to it' },
  GetBucketMetricsConfiguration: { action: 'GetMetricsConfiguration' },
  ListBucketMetricsConfigurations: { action: 'GetMetricsConfiguration' },
  PutBucketMetricsConfiguration: { action: 'PutMetricsConfiguration' },
  DeleteBucketMetricsConfiguration: { action: 'PutMetricsConfiguration' },
  GetBucketNotificationConfiguration: { action: 'GetBucketNotification' },
  // Its destinations must allow S3 to deliver (server/gateway/delivery-targets.ts): the
  // NotificationConfiguration document is read. (PUT ?notification is identified as the
  // older PutBucketNotification, whose document names its destinations the same way.)
  PutBucketNotification: { needsBody: 'each destination of the NotificationConfiguration document must allow S3 to deliver to it' },
  PutBucketNotificationConfiguration: { action: 'PutBucketNotification', needsBody: 'each destination of the NotificationConfiguration document must allow S3 to deliver to it' },
  DeleteBucketOwnershipControls: { action: 'PutBucketOwnershipControls' },
  GetBucketReplication: { action: 'GetReplicationConfiguration' },
  // The replication configuration names the role S3 assumes to replicate: the caller needs
  // iam:PassRole on it (API Reference, PutBucketReplication, "Permissions"). Its Role is in the
  // ReplicationConfiguration document, which is read (s3-body.ts).
  PutBucketReplication: { action: 'PutReplicationConfiguration', needsBody: 'the Role of the ReplicationConfiguration document is passed to S3: iam:PassRole on it' },
  DeleteBucketReplication: { action: 'PutReplicationConfiguration' },
  DeleteBucketTagging: { action: 'PutBucketTagging' },
  GetObjectLockConfiguration: { action: 'GetBucketObjectLockConfiguration' },
  PutObjectLockConfiguration: { action: 'PutBucketObjectLockConfiguration' },
  GetPublicAccessBlock: { action: 'GetBucketPublicAccessBlock' },
  PutPublicAccessBlock: { action: 'PutBucketPublicAccessBlock' },
  DeletePublicAccessBlock: { action: 'PutBucketPublicAccessBlock' },
  // S3 Metadata: the API Reference names the …MetadataTableConfiguration actions.
  CreateBucketMetadataConfiguration: { action: 'CreateBucketMetadataTableConfiguration' },
  GetBucketMetadataConfiguration: { action: 'GetBucketMetadataTableConfiguration' },
  DeleteBucketMetadataConfiguration: { action: 'DeleteBucketMetadataTableConfiguration' },
};

const REFUSED: Record<string, string> = {
  CreateSession: 'CreateSession is an S3 Express One Zone (directory bucket) operation, authorized as s3express:CreateSession; directory buckets are not protected',
  ListDirectoryBuckets: 'ListDirectoryBuckets lists S3 Express One Zone directory buckets (s3express:ListAllMyDirectoryBuckets); directory buckets are not protected',
  RenameObject: 'RenameObject exists only for directory buckets (s3express:RenameObject); directory buckets are not protected',
  WriteGetObjectResponse: 'WriteGetObjectResponse is called by S3 Object Lambda functions (s3-object-lambda:WriteGetObjectResponse); Object Lambda is not protected',
};

/** `k1=v1&k2=v2` of x-amz-tagging (and of the Tagging document's pairs) as condition keys. */
function requestObjectTags(tags: ReadonlyArray<readonly [string, string]>): Record<string, ConditionValue> {
  const context: Record<string, ConditionValue> = { 's3:RequestObjectTagKeys': tags.map(([key]) => key) };
  for (const [key, value] of tags) context[`s3:RequestObjectTag/${key}`] = value;
  return context;
}

function signatureFacts(request: IdentifiedRequest): { authType?: string; version?: string; date?: string } {
  const authorization = request.headers.get('authorization');
  if (authorization !== undefined) {
    return { authType: 'REST-HEADER', version: authorization.startsWith('AWS4-HMAC-SHA256') ? 'AWS4-HMAC-SHA256' : 'AWS', date: request.headers.get('x-amz-date') };
  }
  const algorithm = first(request.query, 'X-Amz-Algorithm');
  if (algorithm !== undefined) return { authType: 'REST-QUERY-STRING', version: algorithm, date: first(request.query, 'X-Amz-Date') };
  if (request.query.has('Signature')) return { authType: 'REST-QUERY-STRING', version: 'AWS' };
  return {};
}

/** `20240101T000000Z` → epoch milliseconds. */
function amzDate(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{8}T\d{6}Z$/.test(text)) return undefined;
  const ms = Date.UTC(+text.slice(0, 4), +text.slice(4, 6) - 1, +text.slice(6, 8), +text.slice(9, 11), +text.slice(11, 13), +text.slice(13, 15));
  return Number.isNaN(ms) ? undefined : ms;
}

const single = (key: string, value: ConditionValue | undefined): Record<string, ConditionValue> | undefined => (value === undefined ? undefined : { [key]: value });

export const S3_RULES: ServiceRules = {
  resources: {
    variables: { BucketName: [{ member: 'Bucket' }], ObjectName: [{ member: 'Key' }] },
    arnMembers: [],
  },
  operations: OPERATIONS,
  refused: REFUSED,
  conditions: {
    's3:prefix': (request) => single('s3:prefix', member(request, 'Prefix') ?? (request.input.has('Prefix') ? '' : undefined)),
    's3:delimiter': (request) => single('s3:delimiter', member(request, 'Delimiter')),
    's3:max-keys': (request) => single('s3:max-keys', member(request, 'MaxKeys')),
    // The version a check is about: the request's, or for the copy source's s3:GetObjectVersion
    // (CopyObject, UploadPartCopy) the source's `versionId`.
    's3:VersionId': (request, context) => single('s3:VersionId', member(request, 'VersionId') ?? (context.action === 'GetObjectVersion' ? copySource(request)?.versionId : undefined)),
    's3:RequestObjectTag/<key>': (request) => {
      const tagging = member(request, 'Tagging');
      return tagging === undefined ? undefined : requestObjectTags([...new URLSearchParams(tagging)]);
    },
    's3:RequestObjectTagKeys': (request) => {
      const tagging = member(request, 'Tagging');
      return tagging === undefined ? undefined : { 's3:RequestObjectTagKeys': [...new URLSearchParams(tagging).keys()] };
    },
    's3:authType': (request) => single('s3:authType', signatureFacts(request).authType),
    's3:signatureversion': (request) => single('s3:signatureversion', signatureFacts(request).version),
    's3:signatureAge': (request, context) => {
      const facts = signatureFacts(request);
      // "In Signature Version 2, this value is always set to 0" (S3 API Reference, "Amazon S3
      // Signature Version 4 Authentication Specific Policy Keys").
      if (facts.version === 'AWS') return { 's3:signatureAge': 0 };
      const signed = amzDate(facts.date);
      const now = context.request.now?.getTime();
      return signed === undefined || now === undefined ? undefined : { 's3:signatureAge': Math.max(0, now - signed) };
    },
    's3:ResourceAccount': (_request, context) => ({ 's3:ResourceAccount': context.resourceAccountId }),
    // The copy source in one form, whatever form the header took: `bucket/key` with the key
    // URL-encoded as the aws CLI sends it (every byte but letters, digits, `-_.~/`), and its
    // `?versionId=…`. As written, `/bucket/private/x` or `bucket/private%2Fx` named the object a
    // Deny on `bucket/private/*` was about and passed it (the source read is decided on the same
    // object, copySource()).
    's3:x-amz-copy-source': (request) => {
      const source = copySource(request);
      if (source === undefined) return undefined;
      const key = encodeURIComponent(source.key).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      return { 's3:x-amz-copy-source': `${source.bucket}/${key}${source.versionId !== undefined ? `?versionId=${encodeURIComponent(source.versionId)}` : ''}` };
    },
    // CreateBucket's LocationConstraint (read from its document by map-request.ts); absent when
    // the request has none, so a `StringNotEquals` Deny refuses a bucket made without one.
    's3:locationconstraint': (request) => single('s3:LocationConstraint', member(request, 'LocationConstraint')),
    // The TLS version of the client's connection (`1.2`, `1.3`); absent over plain HTTP, as in S3.
    's3:TlsVersion': (_request, context) => single('s3:TlsVersion', context.request.tlsVersion),
    // Object Lock's keys: the x-amz-object-lock-* headers of an upload (PutObject, CopyObject,
    // CreateMultipartUpload), the Retention or LegalHold document of PutObjectRetention and
    // PutObjectLegalHold (read into the same members by map-request.ts). Read from the members, never
    // from a bare header: a header the operation does not take must not stand in for its document.
    's3:object-lock-mode': (request) => single('s3:object-lock-mode', member(request, 'ObjectLockMode')),
    's3:object-lock-legal-hold': (request) => single('s3:object-lock-legal-hold', member(request, 'ObjectLockLegalHoldStatus')),
    's3:object-lock-retain-until-date': (request) => single('s3:object-lock-retain-until-date', member(request, 'ObjectLockRetainUntilDate')),
    // The OptionalFields of PutBucketInventoryConfiguration's document (read into this member by map-request.ts).
    's3:InventoryAccessibleOptionalFields': (request) => {
      const fields = request.input.get('InventoryOptionalFields');
      return Array.isArray(fields) ? { 's3:InventoryAccessibleOptionalFields': fields.map(String) } : undefined;
    },
    's3:object-lock-remaining-retention-days': (request, context) => {
      const until = Date.parse(member(request, 'ObjectLockRetainUntilDate') ?? '');
      const now = context.request.now?.getTime();
      // Whole days, a part day counted as one: a retention of 10 days and an hour is more than 10 days.
      return Number.isNaN(until) || now === undefined ? undefined : { 's3:object-lock-remaining-retention-days': Math.max(0, Math.ceil((until - now) / 86_400_000)) };
    },
  },
  // Every other S3 key named after a request header (s3:x-amz-acl, s3:x-amz-server-side-encryption,
  // s3:x-amz-copy-source, s3:x-amz-metadata-directive, s3:x-amz-storage-class, s3:if-match, …) is that header's value.
  headerConditions: (key) => (key.startsWith('x-amz-') || key.startsWith('if-') ? key : undefined),
  lookups: (request, check) => {
    const lookups: Lookup[] = [];
    if (check.conditionKeys.some((key) => key.toLowerCase() === 's3:existingobjecttag/<key>') && check.resource.includes('/')) {
      const [bucket = '', key = ''] = splitObjectArn(check.resource);
      // A copy source's read (CopyObject, UploadPartCopy) is of the source's version; any other
      // check's object is the request's version.
      const source = check.index > 0 && check.action.startsWith('GetObject') ? copySource(request) : undefined;
      const versionId = source !== undefined ? source.versionId : member(request, 'VersionId');
      lookups.push({ kind: 's3-object-tags', check: check.index, bucket, key, ...(versionId ? { versionId } : {}) });
    }
    return lookups;
  },
  // PutBucketReplication's role (from its document, read into this member by map-request.ts).
  passedRoles: (request) => rolesInMembers(request, ['ReplicationRole']),
  policyHolders: (type, arn) => (type === 'bucket' ? arn : type === 'object' ? BUCKET_ARN(splitObjectArn(arn)[0] ?? '') : undefined),
};

function splitObjectArn(arn: string): [string, string] {
  const path = arn.slice('arn:aws:s3:::'.length);
  const slash = path.indexOf('/');
  return slash < 0 ? [path, ''] : [path.slice(0, slash), path.slice(slash + 1)];
}

