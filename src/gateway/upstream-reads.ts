// The reads the lookups make upstream, per service, in the service's own API: a resource's
// policy, its tags, a KMS alias's key, a secret's ARN, a table's partition key. Each answers
// `undefined` when the upstream says the resource (or its policy, or its tag set) does not
// exist; any other failure throws — the request is then refused rather than decided without
// what the upstream would have said (a resource policy may deny).

import type { Element } from '@xmldom/xmldom';
import { keyPolicyWithGrants, MAX_GRANT_PAGES } from './kms-grants.ts';
import { lambdaPolicyAsAws } from './lambda-policy.ts';
import { isPublicBucketPolicy, restrictToOwnerAccount } from './public-bucket-policy.ts';
import type { UpstreamResponse } from './upstream-http.ts';
import { childText, descendants, UpstreamReadError, xmlRoot } from './upstream-xml.ts';

/** One small request to the service's upstream, in the resource's account. */
export type UpstreamCall = (request: { method: string; path: string; query?: string; headers?: Record<string, string>; body?: Buffer }) => Promise<UpstreamResponse>;

/** Answers meaning "no such resource / policy / tag set". */
const NOT_FOUND = new Set([
  'NoSuchBucketPolicy', 'NoSuchBucket', 'NoSuchTagSet', 'NoSuchTagSetError', 'NoSuchKey', 'NoSuchVersion',
  'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'NonExistentQueue',
  'NotFound', 'NotFoundException', 'ResourceNotFoundException', 'PolicyNotFoundException', 'InvalidResourceId', 'ParameterNotFound',
]);

export { UpstreamReadError };

/** The error code of an upstream answer, in any of the protocols. */
export function errorCodeOf(response: UpstreamResponse): string | undefined {
  const queryError = response.headers['x-amzn-query-error'];
  if (typeof queryError === 'string') return queryError.split(';', 1)[0];
  const errorType = response.headers['x-amzn-errortype'];
  if (typeof errorType === 'string') return errorType.split(':', 1)[0];
  const text = response.body.subarray(0, 4096).toString('utf8');
  const xml = /<Code>([^<]{1,200})<\/Code>/.exec(text);
  if (xml) return xml[1];
  try {
    const type = (JSON.parse(response.body.toString('utf8')) as { __type?: unknown }).__type;
    if (typeof type === 'string') return type.slice(type.lastIndexOf('#') + 1);
  } catch {
    // not JSON
  }
  return undefined;
}

/** The answer, `undefined` for not-found, or an error naming what failed. */
function answered(response: UpstreamResponse, what: string): UpstreamResponse | undefined {
  if (response.status >= 200 && response.status < 300) return response;
  const code = errorCodeOf(response);
  if (response.status === 404 || (code !== undefined && NOT_FOUND.has(code))) return undefined;
  throw new UpstreamReadError(`the upstream answered ${response.status}${code ? ` ${code}` : ''} to ${what}`);
}

function jsonCall(call: UpstreamCall, version: string, target: string, input: Record<string, unknown>): Promise<UpstreamResponse> {
  return call({ method: 'POST', path: '/', headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body: Buffer.from(JSON.stringify(input)) });
}

export async function jsonRead(call: UpstreamCall, version: string, target: string, input: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const response = answered(await jsonCall(call, version, target, input), target);
  if (response === undefined) return undefined;
  const text = response.body.toString('utf8');
  const value: unknown = text === '' ? {} : JSON.parse(text);
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function queryCall(call: UpstreamCall, params: Record<string, string>): Promise<UpstreamResponse> {
  return call({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: Buffer.from(new URLSearchParams(params).toString()) });
}

/** `<Tag><Key/><Value/></Tag>` lists (S3 TagSet, SNS Tags). */
function xmlTags(root: Element, tag = 'Tag'): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const element of descendants(root, tag)) {
    const key = childText(element, 'Key');
    if (key !== undefined) Object.defineProperty(tags, key, { value: childText(element, 'Value') ?? '', enumerable: true, writable: true });
  }
  return tags;
}

/** A tag list of `{Key, Value}` (or `{TagKey, TagValue}`) objects, or a map, as a record. */
function jsonTags(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  const set = (key: unknown, tagValue: unknown) => {
    if (typeof key === 'string') Object.defineProperty(tags, key, { value: typeof tagValue === 'string' ? tagValue : '', enumerable: true, writable: true });
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'object' || item === null) continue;
      const entry = item as Record<string, unknown>;
      set(entry['Key'] ?? entry['TagKey'], entry['Value'] ?? entry['TagValue']);
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, tagValue] of Object.entries(value)) set(key, tagValue);
  }
  return tags;
}

/** `arn:aws:s3:::bucket[/key]` → bucket and key. */
export function s3Parts(arn: string): { bucket: string; key?: string } {
  const rest = arn.slice('arn:aws:s3:::'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

function s3Path(bucket: string, key?: string): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return key === undefined ? `/${encode(bucket)}` : `/${encode(bucket)}/${key.split('/').map(encode).join('/')}`;
}

/** `arn:aws:sqs:region:account:name` → the queue URL the upstream answers to. */
function queueUrl(upstream: URL, arn: string): string {
  const [, , , , account = '', name = ''] = arn.split(':');
  return `${upstream.origin}/${account}/${name}`;
}

function arnResourcePart(arn: string): string {
  return arn.split(':').slice(5).join(':');
}

export interface ReadContext {
  call: UpstreamCall;
  upstream: URL;
  /** The account the reads act in: the resource's owner. */
  accountId?: string;
}

export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

/**
 * A bucket's Block Public Access settings (`GET /bucket?publicAccessBlock`); undefined when it
 * has none — and also when the upstream does not know the API (an S3-compatible store without
 * it): nothing is blocked then, rather than every request refused.
 */
export async function readPublicAccessBlock(bucket: string, { call }: ReadContext): Promise<PublicAccessBlock | undefined> {
  const response = await call({ method: 'GET', path: s3Path(bucket), query: 'publicAccessBlock=' });
  if (response.status < 200 || response.status >= 300) return undefined;
  const root = xmlRoot(response.body);
  const flag = (name: string) => (childText(root, name) ?? '').trim().toLowerCase() === 'true';
  return { blockPublicAcls: flag('BlockPublicAcls'), ignorePublicAcls: flag('IgnorePublicAcls'), blockPublicPolicy: flag('BlockPublicPolicy'), restrictPublicBuckets: flag('RestrictPublicBuckets') };
}

/** The resource's own policy document, or undefined when it has none. */
export async function readResourcePolicy(service: string, arn: string, context: ReadContext): Promise<string | undefined> {
  const { call, upstream } = context;
  switch (service) {
    case 's3': {
      const bucket = s3Parts(arn).bucket;
      const response = answered(await call({ method: 'GET', path: s3Path(bucket), query: 'policy=' }), 'GetBucketPolicy');
      if (response === undefined || response.body.length === 0) return undefined;
      const text = response.body.toString('utf8');
      // RestrictPublicBuckets: a public policy serves only the owner's account.
      if (context.accountId === undefined || !isPublicBucketPolicy(text)) return text;
      const block = await readPublicAccessBlock(bucket, context);
      return block?.restrictPublicBuckets ? restrictToOwnerAccount(text, context.accountId) : text;
    }
    case 'sqs': {
      const out = await jsonRead(call, '1.0', 'AmazonSQS.GetQueueAttributes', { QueueUrl: queueUrl(upstream, arn), AttributeNames: ['Policy'] });
      return stringMember((out?.['Attributes'] as Record<string, unknown> | undefined)?.['Policy']);
    }
    case 'sns': {
      const response = answered(await queryCall(call, { Action: 'GetTopicAttributes', Version: '2010-03-31', TopicArn: arn }), 'GetTopicAttributes');
      if (response === undefined) return undefined;
      for (const entry of descendants(xmlRoot(response.body), 'entry')) {
        if (childText(entry, 'key') === 'Policy') return childText(entry, 'value') || undefined;
      }
      return undefined;
    }
    case 'kms': {
      const out = await jsonRead(call, '1.1', 'TrentService.GetKeyPolicy', { KeyId: arn, PolicyName: 'default' });
      const policy = stringMember(out?.['Policy']);
      return policy === undefined ? undefined : keyPolicyWithGrants(policy, await readKeyGrants(call, arn));
    }
    case 'lambda': {
      const [name = '', qualifier] = arnResourcePart(arn).split(':').slice(1);
      const response = answered(await call({ method: 'GET', path: `/2015-03-31/functions/${encodeURIComponent(name)}/policy`, query: qualifier ? `Qualifier=${encodeURIComponent(qualifier)}` : '' }), 'GetPolicy');
      const policy = response === undefined ? undefined : stringMember((JSON.parse(response.body.toString('utf8')) as Record<string, unknown>)['Policy']);
      return policy === undefined ? undefined : lambdaPolicyAsAws(policy, arn.split(':')[1] ?? 'aws');
    }
    case 'secretsmanager': {
      const out = await jsonRead(call, '1.1', 'secretsmanager.GetResourcePolicy', { SecretId: arn });
      return stringMember(out?.['ResourcePolicy']);
    }
    case 'dynamodb': {
      const out = await jsonRead(call, '1.0', 'DynamoDB_20120810.GetResourcePolicy', { ResourceArn: arn });
      return stringMember(out?.['Policy']);
    }
    default:
      return undefined;
  }
}

/** A key's grants, as ListGrants answers them, page by page (MAX_GRANT_PAGES at most). */
async function readKeyGrants(call: UpstreamCall, arn: string): Promise<unknown[]> {
  const grants: unknown[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_GRANT_PAGES; page++) {
    const out = await jsonRead(call, '1.1', 'TrentService.ListGrants', { KeyId: arn, Limit: 100, ...(marker ? { Marker: marker } : {}) });
    if (out === undefined) break;
    if (Array.isArray(out['Grants'])) grants.push(...(out['Grants'] as unknown[]));
    marker = out['Truncated'] === true ? stringMember(out['NextMarker']) : undefined;
    if (marker === undefined) break;
  }
  return grants;
}

/** The resource's tags, or undefined when the resource does not exist (or has no tag set). */
export async function readResourceTags(service: string, arn: string, { call, upstream }: ReadContext): Promise<Record<string, string> | undefined> {
  switch (service) {
    case 's3': {
      const { bucket, key } = s3Parts(arn);
      if (key !== undefined) return readObjectTags(bucket, key, undefined, { call, upstream });
      const response = answered(await call({ method: 'GET', path: s3Path(bucket), query: 'tagging=' }), 'GetBucketTagging');
      return response === undefined ? undefined : xmlTags(xmlRoot(response.body));
    }
    case 'sqs': {
      const out = await jsonRead(call, '1.0', 'AmazonSQS.ListQueueTags', { QueueUrl: queueUrl(upstream, arn) });
      return out === undefined ? undefined : jsonTags(out['Tags']);
    }
    case 'sns': {
      const response = answered(await queryCall(call, { Action: 'ListTagsForResource', Version: '2010-03-31', ResourceArn: arn }), 'ListTagsForResource');
      return response === undefined ? undefined : xmlTags(xmlRoot(response.body), 'member');
    }
    case 'dynamodb': {
      const out = await jsonRead(call, '1.0', 'DynamoDB_20120810.ListTagsOfResource', { ResourceArn: arn.includes('/index/') ? arn.slice(0, arn.indexOf('/index/')) : arn });
      return out === undefined ? undefined : jsonTags(out['Tags']);
    }
    case 'kms': {
      const out = await jsonRead(call, '1.1', 'TrentService.ListResourceTags', { KeyId: arn });
      return out === undefined ? undefined : jsonTags(out['Tags']);
    }
    case 'lambda': {
      const base = arn.split(':').slice(0, 7).join(':');
      const response = answered(await call({ method: 'GET', path: `/2017-03-31/tags/${encodeURIComponent(base)}` }), 'ListTags');
      return response === undefined ? undefined : jsonTags((JSON.parse(response.body.toString('utf8')) as Record<string, unknown>)['Tags']);
    }
    case 'secretsmanager': {
      const out = await jsonRead(call, '1.1', 'secretsmanager.DescribeSecret', { SecretId: arn });
      return out === undefined ? undefined : jsonTags(out['Tags']);
    }
    case 'logs': {
      const out = await jsonRead(call, '1.1', 'Logs_20140328.ListTagsForResource', { resourceArn: arn.endsWith(':*') ? arn.slice(0, -2) : arn });
      return out === undefined ? undefined : jsonTags(out['tags']);
    }
    case 'monitoring': {
      // CloudWatch's JSON protocol (Query-compatible: the upstream may answer either way; moto answers JSON to JSON).
      const out = await jsonRead(call, '1.0', 'GraniteServiceVersion20100801.ListTagsForResource', { ResourceARN: arn });
      return out === undefined ? undefined : jsonTags(out['Tags']);
    }
    case 'ssm': {
      const part = arnResourcePart(arn);
      if (!part.startsWith('parameter/')) return undefined;
      const name = part.slice('parameter'.length);
      const out = await jsonRead(call, '1.1', 'AmazonSSM.ListTagsForResource', { ResourceType: 'Parameter', ResourceId: name.startsWith('//') ? name.slice(1) : name });
      return out === undefined ? undefined : jsonTags(out['TagList']);
    }
    default:
      return undefined;
  }
}

/** An object's (version's) tags, for s3:ExistingObjectTag/<key>. */
export async function readObjectTags(bucket: string, key: string, versionId: string | undefined, { call }: ReadContext): Promise<Record<string, string> | undefined> {
  const query = `tagging=${versionId ? `&versionId=${encodeURIComponent(versionId)}` : ''}`;
  const response = answered(await call({ method: 'GET', path: s3Path(bucket, key), query }), 'GetObjectTagging');
  return response === undefined ? undefined : xmlTags(xmlRoot(response.body));
}

/** The ARN of the key a KMS alias points to, or of a secret named by its name or by an ARN (`secret-arn`). */
export async function readResolvedArn(how: 'kms-alias' | 'secret-name' | 'secret-arn', standIn: string, { call }: ReadContext): Promise<string | undefined> {
  if (how === 'kms-alias') {
    const out = await jsonRead(call, '1.1', 'TrentService.DescribeKey', { KeyId: standIn });
    return stringMember((out?.['KeyMetadata'] as Record<string, unknown> | undefined)?.['Arn']);
  }
  // An ARN the request gave is resolved as the upstream resolves it, whole: its name part alone
  // could find another secret than the ARN does (and the reverse).
  const name = how === 'secret-arn' ? standIn : standIn.slice(standIn.indexOf(':secret:') + ':secret:'.length);
  const out = await jsonRead(call, '1.1', 'secretsmanager.DescribeSecret', { SecretId: name });
  return stringMember(out?.['ARN']);
}

/** The name of a DynamoDB table's partition (HASH) key. */
export async function readPartitionKey(table: string, { call }: ReadContext): Promise<string | undefined> {
  const out = await jsonRead(call, '1.0', 'DynamoDB_20120810.DescribeTable', { TableName: table });
  const schema = (out?.['Table'] as Record<string, unknown> | undefined)?.['KeySchema'];
  if (!Array.isArray(schema)) return undefined;
  const hash = schema.find((item) => typeof item === 'object' && item !== null && (item as Record<string, unknown>)['KeyType'] === 'HASH') as Record<string, unknown> | undefined;
  return stringMember(hash?.['AttributeName']);
}

function stringMember(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The function an event source mapping invokes (GetEventSourceMapping's FunctionArn), or
 * undefined when the upstream knows no such mapping.
 */
export async function readMappingFunction(uuid: string, { call }: ReadContext): Promise<string | undefined> {
  const response = answered(await call({ method: 'GET', path: `/2015-03-31/event-source-mappings/${encodeURIComponent(uuid)}` }), 'GetEventSourceMapping');
  if (response === undefined) return undefined;
  const value: unknown = JSON.parse(response.body.toString('utf8'));
  return typeof value === 'object' && value !== null ? stringMember((value as Record<string, unknown>)['FunctionArn']) : undefined;
}

/** What DescribeSecret says of a secret's encryption: its KMS key (absent: the AWS managed key) and its versions' stages. */
export interface SecretEncryption {
  kmsKeyId?: string;
  /** Version id → its staging labels (AWSCURRENT, AWSPREVIOUS, …). */
  versions: Readonly<Record<string, readonly string[]>>;
}

export async function readSecretEncryption(arn: string, { call }: ReadContext): Promise<SecretEncryption | undefined> {
  const out = await jsonRead(call, '1.1', 'secretsmanager.DescribeSecret', { SecretId: arn });
  if (out === undefined) return undefined;
  const versions: Record<string, readonly string[]> = {};
  const stages = out['VersionIdsToStages'];
  if (typeof stages === 'object' && stages !== null) {
    for (const [id, labels] of Object.entries(stages)) {
      Object.defineProperty(versions, id, { value: Array.isArray(labels) ? labels.filter((label): label is string => typeof label === 'string') : [], enumerable: true });
    }
  }
  const kmsKeyId = stringMember(out['KmsKeyId']);
  return { ...(kmsKeyId !== undefined ? { kmsKeyId } : {}), versions };
}

/** A KMS key's ARN and who manages it (DescribeKey's KeyManager: `AWS` or `CUSTOMER`). */
export async function readKeyManager(keyId: string, { call }: ReadContext): Promise<{ arn: string; manager: string } | undefined> {
  const out = await jsonRead(call, '1.1', 'TrentService.DescribeKey', { KeyId: keyId });
  const metadata = out?.['KeyMetadata'] as Record<string, unknown> | undefined;
  const arn = stringMember(metadata?.['Arn']);
  return arn === undefined ? undefined : { arn, manager: stringMember(metadata?.['KeyManager']) ?? 'CUSTOMER' };
}

/** How S3 encrypts (or encrypted) an object: `aws:kms` / `aws:kms:dsse` with its key (absent: the AWS managed key aws/s3), `AES256`, or none said. */
export interface S3Encryption {
  algorithm?: string;
  keyId?: string;
  bucketKey: boolean;
}

/** A bucket's default encryption (`GET /bucket?encryption`); undefined when it has none (or the bucket is not there). */
export async function readBucketEncryption(bucket: string, { call }: ReadContext): Promise<S3Encryption | undefined> {
  const response = answered(await call({ method: 'GET', path: s3Path(bucket), query: 'encryption=' }), 'GetBucketEncryption');
  if (response === undefined) return undefined;
  const rule = descendants(xmlRoot(response.body), 'Rule')[0];
  if (rule === undefined) return undefined;
  const defaults = descendants(rule, 'ApplyServerSideEncryptionByDefault')[0];
  const algorithm = defaults === undefined ? undefined : childText(defaults, 'SSEAlgorithm')?.trim();
  const keyId = defaults === undefined ? undefined : stringMember(childText(defaults, 'KMSMasterKeyID')?.trim());
  return { ...(algorithm ? { algorithm } : {}), ...(keyId ? { keyId } : {}), bucketKey: (childText(rule, 'BucketKeyEnabled') ?? '').trim().toLowerCase() === 'true' };
}

/** An object's encryption, from a HeadObject's headers; undefined when the object (version) is not there. */
export async function readObjectEncryption(bucket: string, key: string, versionId: string | undefined, { call }: ReadContext): Promise<S3Encryption | undefined> {
  const response = answered(await call({ method: 'HEAD', path: s3Path(bucket, key), query: versionId ? `versionId=${encodeURIComponent(versionId)}` : '' }), 'HeadObject');
  return response === undefined ? undefined : s3EncryptionOf(response.headers);
}

/** The encryption an S3 answer's headers name (GetObject, HeadObject). */
/** An object version's Object Lock retention, from its HEAD (`x-amz-object-lock-mode`, `…-retain-until-date`); undefined when it has none or is not there. */
export async function readObjectRetention(bucket: string, key: string, versionId: string | undefined, { call }: ReadContext): Promise<{ mode: string; until: string } | undefined> {
  const response = answered(await call({ method: 'HEAD', path: s3Path(bucket, key), query: versionId ? `versionId=${encodeURIComponent(versionId)}` : '' }), 'HeadObject');
  const header = (name: string) => {
    const value = response?.headers[name];
    return typeof value === 'string' ? value.trim() : undefined;
  };
  const mode = header('x-amz-object-lock-mode');
  const until = header('x-amz-object-lock-retain-until-date');
  return mode && until ? { mode, until } : undefined;
}

export function s3EncryptionOf(headers: Readonly<Record<string, string | readonly string[] | undefined>>): S3Encryption {
  const header = (name: string) => {
    const value = headers[name];
    return (Array.isArray(value) ? value[0] : (value as string | undefined))?.trim();
  };
  const algorithm = header('x-amz-server-side-encryption');
  const keyId = header('x-amz-server-side-encryption-aws-kms-key-id');
  return { ...(algorithm ? { algorithm } : {}), ...(keyId ? { keyId } : {}), bucketKey: header('x-amz-server-side-encryption-bucket-key-enabled')?.toLowerCase() === 'true' };
}

/** The KMS key of an SQS queue with SSE-KMS (its KmsMasterKeyId attribute); undefined for SSE-SQS, none, or no such queue. */
export async function readQueueKey(arn: string, { call, upstream }: ReadContext): Promise<string | undefined> {
  const out = await jsonRead(call, '1.0', 'AmazonSQS.GetQueueAttributes', { QueueUrl: queueUrl(upstream, arn), AttributeNames: ['KmsMasterKeyId'] });
  return stringMember((out?.['Attributes'] as Record<string, unknown> | undefined)?.['KmsMasterKeyId']);
}

/** The KMS key of an SNS topic with server-side encryption (its KmsMasterKeyId attribute). */
export async function readTopicKey(arn: string, { call }: ReadContext): Promise<string | undefined> {
  const response = answered(await queryCall(call, { Action: 'GetTopicAttributes', Version: '2010-03-31', TopicArn: arn }), 'GetTopicAttributes');
  if (response === undefined) return undefined;
  for (const entry of descendants(xmlRoot(response.body), 'entry')) {
    if (childText(entry, 'key') === 'KmsMasterKeyId') return stringMember(childText(entry, 'value')?.trim());
  }
  return undefined;
}

/** The most pages of DescribeParameters read for one request (50 parameters a page). */
export const MAX_PARAMETER_PAGES = 20;

/**
 * The SecureString parameters among `names`, or under `path`, with their KMS keys
 * (DescribeParameters, filtered by Name or Path and Type). More than MAX_PARAMETER_PAGES pages
 * fail the read (the request is then refused rather than decided on part of them).
 */
/**
 * The keys of a parameter's SecureString versions, each once (GetParameterHistory without
 * decryption): a version keeps the key it was written with, so a history read with decryption
 * uses every one of them.
 */
export async function readParameterHistoryKeys(name: string, { call }: ReadContext): Promise<{ name: string; keyId: string }[]> {
  const keys = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PARAMETER_PAGES; page++) {
    const out = await jsonRead(call, '1.1', 'AmazonSSM.GetParameterHistory', { Name: name, WithDecryption: false, MaxResults: 50, ...(token ? { NextToken: token } : {}) });
    if (out === undefined) break;
    for (const item of Array.isArray(out['Parameters']) ? (out['Parameters'] as Record<string, unknown>[]) : []) {
      if (item['Type'] === 'SecureString') keys.add(stringMember(item['KeyId']) ?? 'alias/aws/ssm');
    }
    token = stringMember(out['NextToken']);
    if (token === undefined) break;
  }
  if (token !== undefined) throw new UpstreamReadError(`more than ${MAX_PARAMETER_PAGES * 50} versions of ${name} to read the keys of`);
  return [...keys].map((keyId) => ({ name, keyId }));
}

export async function readSecureParameters(select: { names: readonly string[] } | { path: string; recursive: boolean }, { call }: ReadContext): Promise<{ name: string; keyId: string }[]> {
  const filters = 'names' in select
    ? [{ Key: 'Name', Option: 'Equals', Values: [...select.names] }, { Key: 'Type', Option: 'Equals', Values: ['SecureString'] }]
    : [{ Key: 'Path', Option: select.recursive ? 'Recursive' : 'OneLevel', Values: [select.path] }, { Key: 'Type', Option: 'Equals', Values: ['SecureString'] }];
  if ('names' in select && select.names.length === 0) return [];
  const found: { name: string; keyId: string }[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PARAMETER_PAGES; page++) {
    const out = await jsonRead(call, '1.1', 'AmazonSSM.DescribeParameters', { ParameterFilters: filters, MaxResults: 50, ...(token ? { NextToken: token } : {}) });
    if (out === undefined) return found;
    for (const item of Array.isArray(out['Parameters']) ? (out['Parameters'] as Record<string, unknown>[]) : []) {
      const name = stringMember(item['Name']);
      if (name !== undefined && item['Type'] === 'SecureString') found.push({ name, keyId: stringMember(item['KeyId']) ?? 'alias/aws/ssm' });
    }
    token = stringMember(out['NextToken']);
    if (token === undefined) return found;
  }
  throw new UpstreamReadError(`more than ${MAX_PARAMETER_PAGES * 50} parameters to read the keys of`);
}
