// KMS keys behind services: S3, SQS, SNS, Systems Manager and Secrets Manager encrypt and
// decrypt a caller's data with a KMS key on the caller's behalf, so on AWS the caller also needs
// permission on that key — decided by the key's policy (and, when it delegates to the account,
// the caller's identity policies; across accounts both), with kms:ViaService =
// <service>.<region>.amazonaws.com, kms:CallerAccount and the encryption context the service
// uses. Each case below cites the AWS documentation it follows:
//
//   - S3 SSE-KMS (Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys",
//     "Multipart upload API and permissions"; encryption context `aws:s3:arn` = the object's ARN,
//     or the bucket's with an S3 Bucket Key): GetObject of an SSE-KMS object needs kms:Decrypt —
//     the object's key is read from the upstream's answer headers before any body byte reaches
//     the client (objectKeyRefusal); PutObject and CopyObject writing with SSE-KMS (their
//     header, else the bucket's default encryption) need kms:GenerateDataKey,
//     CreateMultipartUpload kms:GenerateDataKey and kms:Decrypt (the Decrypt its parts need,
//     asked up front, and of each UploadPart's and UploadPartCopy's caller on its answer); a copy from an SSE-KMS source (CopyObject, UploadPartCopy) kms:Decrypt on
//     the source's key (HeadObject of the source).
//   - SQS SSE-KMS (Amazon SQS Developer Guide, "Key management"): SendMessage(Batch) needs
//     kms:GenerateDataKey and kms:Decrypt, ReceiveMessage kms:Decrypt, on the queue's
//     KmsMasterKeyId (context `aws:sqs:arn`). SQS-managed SSE needs nothing.
//   - SNS (Amazon SNS Developer Guide, "Data encryption" / "Key management"): Publish(Batch) to a
//     topic with KmsMasterKeyId needs kms:GenerateDataKey and kms:Decrypt (context
//     `aws:sns:topicArn`).
//   - Systems Manager Parameter Store (User Guide, "Restricting decryption of SecureString
//     parameter values", "How AWS Systems Manager Parameter Store uses AWS KMS"): GetParameter(s)
//     and GetParametersByPath WithDecryption=true need kms:Decrypt on each SecureString's key;
//     PutParameter of a SecureString kms:Encrypt (standard tier; an advanced parameter
//     kms:GenerateDataKey) — context `PARAMETER_ARN`.
//   - Secrets Manager writes (API Reference, CreateSecret / PutSecretValue / UpdateSecret,
//     "Required permissions"; User Guide, "Secret encryption and decryption"): a new secret value
//     needs kms:GenerateDataKey and kms:Decrypt on the secret's key (context `SecretARN`,
//     `SecretVersionId`).
//
// A customer managed key is decided with its key policy and grants, read from the KMS upstream;
// an AWS managed key (alias/aws/<service>) with the policy AWS gives it — any principal of the
// resource's account, through that service (so never from another account). A key the KMS
// upstream does not know is refused (AWS fails such a request with KMS's NotFound).

import type { IncomingHttpHeaders } from 'node:http';
import type { AuthorizationCheck, AuthorizationTarget } from '../../authz/target.ts';
import { accessDenied, gatewayError, GatewayError, type GatewayFailure } from '../../gateway/errors.ts';
import type { MappedRequest } from '../../gateway/index.ts';
import { withoutSelector } from '../../gateway/services/ssm.ts';
import {
  readBucketEncryption, readKeyManager, readObjectEncryption, readQueueKey, readResourcePolicy, readSecretEncryption, readParameterHistoryKeys, readSecureParameters, readTopicKey,
  s3EncryptionOf, s3Parts, UpstreamReadError, type ReadContext, type S3Encryption,
} from '../../gateway/upstream-reads.ts';
import { upstreamFor } from '../../gateway/upstreams.ts';
import { decideRequest } from '../stages/authorize.ts';
import type { resolveTarget } from '../../gateway/resolve-target.ts';
import type { Flow } from './flow.ts';

/** What the lookups read upstream through (decision.ts targetSources). */
type TargetSourcesOf = Parameters<typeof resolveTarget>[1];

/** The services that use a KMS key on the caller's behalf here. */
export type KeyService = 's3' | 'sqs' | 'sns' | 'ssm' | 'secretsmanager';

/** One use of a KMS key by a service for the caller. */
export interface KeyUse {
  /** The key as the service names it (id, ARN, alias or alias ARN); absent: the service's AWS managed key. */
  keyId?: string;
  actions: readonly string[];
  via: KeyService;
  region: string;
  /** The resource's account: where a key id or alias resolves, and the owner of the AWS managed key. */
  account: string;
  encryptionContext: Readonly<Record<string, string>>;
}

/** Secrets Manager's answer when the caller may not use the secret's key. */
export const SECRET_KMS_REFUSAL = 'Access to KMS is not allowed';
/** S3's answer to a read of an SSE-KMS object whose key the caller may not decrypt with. */
export const S3_CIPHERTEXT_REFUSAL = 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.';

const MANAGED_ALIAS = /^(?:arn:[^:]+:kms:[^:]*:\d{12}:)?alias\/aws\//;
/** A key policy that allows nothing: the key the upstream does not know. */
const NO_SUCH_KEY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoSuchKey', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' }] });

/** Reads in the KMS upstream, in `accountId`. */
export function kmsReadsOf(flow: Flow): (accountId: string) => ReadContext {
  const { deps, ctx } = flow;
  const region = ctx.region ?? 'us-east-1';
  const upstream = upstreamFor(deps.gateway.settings, 'kms');
  return (accountId) => {
    if (upstream === undefined) throw new UpstreamReadError('no KMS upstream to read the key from');
    return {
      upstream,
      accountId,
      call: (call) => deps.gateway.client.call(upstream, { service: 'kms', region, accountId, method: call.method, path: call.path, query: call.query ?? '', headers: call.headers ?? {}, ...(call.body ? { body: call.body } : {}) }),
    };
  };
}

/** The checks of each key use: one per action, on the key, with the key's policy as its resource policy. */
export async function keyChecks(flow: Flow, sources: TargetSourcesOf, uses: readonly KeyUse[]): Promise<(AuthorizationCheck & { action: string })[]> {
  const callerAccount = flow.ctx.principal?.accountId ?? '';
  const kms = kmsReadsOf(flow);
  const checks: (AuthorizationCheck & { action: string })[] = [];
  for (const use of uses) {
    const names = Object.keys(use.encryptionContext);
    const context: Record<string, string | string[]> = {
      'kms:ViaService': `${use.via}.${use.region}.amazonaws.com`,
      'kms:CallerAccount': callerAccount,
      // Services encrypt with symmetric encryption keys only (GenerateDataKey, Decrypt).
      'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT',
      // A forward access session (IAM User Guide, "Forward access sessions"): "aws:CalledVia,
      // aws:CalledViaFirst, and aws:CalledViaLast … are populated with the service principal of
      // the service that initiated the FAS call", and "aws:ViaAWSService … is set to true". The
      // caller's aws:SourceIp is kept ("the original requester's IP address is preserved").
      'aws:ViaAWSService': 'true',
      'aws:CalledVia': [`${use.via}.amazonaws.com`],
      'aws:CalledViaFirst': `${use.via}.amazonaws.com`,
      'aws:CalledViaLast': `${use.via}.amazonaws.com`,
      ...Object.fromEntries(names.map((name) => [`kms:EncryptionContext:${name}`, use.encryptionContext[name]!])),
      ...(names.length > 0 ? { 'kms:EncryptionContextKeys': names } : {}),
    };
    const keyId = use.keyId;
    let resource: string;
    let resourceAccount: string;
    let policy: { text: string; name: string };
    if (keyId === undefined || MANAGED_ALIAS.test(keyId)) {
      resource = keyId?.startsWith('arn:') ? keyId : `arn:aws:kms:${use.region}:${use.account}:alias/aws/${use.via}`;
      resourceAccount = resource.split(':')[4] ?? use.account;
      policy = { text: awsManagedKeyPolicy(use.via, resourceAccount, use.region), name: resource };
    } else {
      const lookupAccount = keyId.startsWith('arn:') ? (keyId.split(':')[4] ?? use.account) : use.account;
      const key = await sources.cache.get('key-manager', lookupAccount, keyId, () => readKeyManager(keyId, kms(lookupAccount)));
      if (key === undefined) {
        resource = keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${use.region}:${lookupAccount}:key/${keyId}`;
        resourceAccount = lookupAccount;
        policy = { text: NO_SUCH_KEY, name: `${resource} (not found in the KMS upstream)` };
      } else if (key.manager === 'AWS') {
        resource = key.arn;
        resourceAccount = key.arn.split(':')[4] ?? lookupAccount;
        policy = { text: awsManagedKeyPolicy(use.via, resourceAccount, use.region), name: key.arn };
      } else {
        resource = key.arn;
        resourceAccount = key.arn.split(':')[4] ?? lookupAccount;
        const text = await sources.cache.get('policy', resourceAccount, key.arn, () => readResourcePolicy('kms', key.arn, kms(resourceAccount)));
        policy = { text: text ?? NO_SUCH_KEY, name: key.arn };
      }
    }
    for (const action of use.actions) {
      checks.push({ action, resource, context, resourceAccount, resourcePolicy: { text: policy.text, kind: 'resource', name: policy.name } });
    }
  }
  return checks;
}

/**
 * The policy AWS gives an AWS managed key (aws/s3, aws/sqs, aws/sns, aws/ssm, aws/secretsmanager):
 * any principal of the account may use it through the service (AWS KMS Developer Guide, "AWS
 * managed keys"; each service's key policy reads the same).
 */
export function awsManagedKeyPolicy(via: KeyService, account: string, region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Sid: `Allow access through ${via} for all principals in the account that are authorized to use ${via}`,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `${via}.${region}.amazonaws.com` } },
    }],
  });
}

/** The target with the checks on the KMS keys the request's service uses for the caller (all but S3's GetObject: objectKeyRefusal). */
export async function withServiceKeys(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf, resolved: AuthorizationTarget): Promise<AuthorizationTarget> {
  const uses = await keyUsesOf(flow, mapped, sources, resolved);
  if (uses.length === 0) return resolved;
  const checks = await keyChecks(flow, sources, uses);
  return { ...resolved, also: [...(resolved.also ?? []), ...checks] };
}

async function keyUsesOf(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf, resolved: AuthorizationTarget): Promise<KeyUse[]> {
  switch (mapped.service) {
    case 's3': return s3KeyUses(flow, mapped, sources);
    case 'sqs': return sqsKeyUses(flow, mapped, sources);
    case 'sns': return snsKeyUses(flow, mapped, sources);
    case 'ssm': return ssmKeyUses(flow, mapped, sources);
    case 'secretsmanager': return secretKeyUses(flow, mapped, sources, resolved);
    default: return [];
  }
}

const isKms = (encryption: S3Encryption | undefined): encryption is S3Encryption => encryption?.algorithm === 'aws:kms' || encryption?.algorithm === 'aws:kms:dsse';

function header(flow: Flow, name: string): string | undefined {
  const value = flow.ctx.http.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

const S3_WRITES: Readonly<Record<string, readonly string[]>> = {
  PutObject: ['kms:GenerateDataKey'],
  CopyObject: ['kms:GenerateDataKey'],
  // UploadPart and UploadPartCopy need kms:Decrypt on the upload's key, which only the upstream
  // knows: asked when the upload starts; of each part's caller before the part is forwarded when
  // the upload started through this server (upload-keys.ts), else on the part's answer
  // (objectKeyRefusal).
  CreateMultipartUpload: ['kms:GenerateDataKey', 'kms:Decrypt'],
};

async function s3KeyUses(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf): Promise<KeyUse[]> {
  const region = flow.ctx.region ?? 'us-east-1';
  const uses: KeyUse[] = [];
  const writes = S3_WRITES[mapped.operation];
  const target = mapped.targets[0]!.resource;
  const { bucket, key } = s3Parts(target);
  if (writes !== undefined && key !== undefined && header(flow, 'x-amz-server-side-encryption-customer-algorithm') === undefined) {
    const account = sources.accounts[0]!;
    const algorithm = header(flow, 'x-amz-server-side-encryption');
    const bucketKeyHeader = header(flow, 'x-amz-server-side-encryption-bucket-key-enabled');
    let encryption: S3Encryption | undefined;
    if (algorithm !== undefined) {
      const keyId = header(flow, 'x-amz-server-side-encryption-aws-kms-key-id');
      encryption = { algorithm, ...(keyId !== undefined ? { keyId } : {}), bucketKey: bucketKeyHeader?.toLowerCase() === 'true' };
    } else {
      // The bucket's default encryption applies (S3 User Guide, "Setting default server-side encryption behavior").
      const defaults = await sources.cache.get('bucket-encryption', account, `arn:aws:s3:::${bucket}`, () => readBucketEncryption(bucket, sources.reads(account)));
      encryption = defaults === undefined ? undefined : { ...defaults, bucketKey: bucketKeyHeader !== undefined ? bucketKeyHeader.toLowerCase() === 'true' : defaults.bucketKey };
    }
    if (isKms(encryption)) {
      uses.push(s3Use(encryption, writes, region, account, bucket, target));
    }
  }
  if ((mapped.operation === 'UploadPart' || mapped.operation === 'UploadPartCopy') && key !== undefined) {
    const uploadId = new URLSearchParams(flow.ctx.http.query).get('uploadId') ?? '';
    const encryption = uploadId === '' ? undefined : await flow.deps.gateway.uploadKeys.get(bucket, uploadId);
    if (isKms(encryption)) uses.push(s3Use(encryption, ['kms:Decrypt'], region, sources.accounts[0]!, bucket, target));
  }
  if ((mapped.operation === 'CopyObject' || mapped.operation === 'UploadPartCopy') && header(flow, 'x-amz-copy-source-server-side-encryption-customer-algorithm') === undefined) {
    const at = mapped.targets.findIndex((check, index) => index > 0 && (check.action === 's3:GetObject' || check.action === 's3:GetObjectVersion'));
    const source = at < 0 ? undefined : mapped.targets[at]!;
    const parts = source === undefined ? undefined : s3Parts(source.resource);
    if (source !== undefined && parts?.key !== undefined) {
      const account = sources.accounts[at] ?? sources.accounts[0]!;
      const versionId = typeof source.context?.['s3:VersionId'] === 'string' ? source.context['s3:VersionId'] : undefined;
      const encryption = await sources.cache.get(`object-encryption\u0000${versionId ?? ''}`, account, source.resource, () => readObjectEncryption(parts.bucket, parts.key!, versionId, sources.reads(account)));
      if (isKms(encryption)) uses.push(s3Use(encryption, ['kms:Decrypt'], region, account, parts.bucket, source.resource));
    }
  }
  return uses;
}

function s3Use(encryption: S3Encryption, actions: readonly string[], region: string, account: string, bucket: string, object: string): KeyUse {
  return {
    ...(encryption.keyId !== undefined ? { keyId: encryption.keyId } : {}),
    actions, via: 's3', region, account,
    encryptionContext: { 'aws:s3:arn': encryption.bucketKey ? `arn:aws:s3:::${bucket}` : object },
  };
}

/**
 * S3's GetObject of an SSE-KMS object: decided again with kms:Decrypt on the object's key, named
 * by the upstream's answer headers, before the answer is passed on. A refusal replaces the
 * answer, which is dropped unread; undefined lets it through.
 */
export async function objectKeyRefusal(
  flow: Flow,
  from: { mapped: MappedRequest; resolved: AuthorizationTarget; sources: TargetSourcesOf; now: Date },
  headers: IncomingHttpHeaders,
): Promise<GatewayFailure | undefined> {
  const encryption = s3EncryptionOf(headers);
  if (!isKms(encryption)) return undefined;
  const { ctx, deps } = flow;
  const main = from.mapped.targets[0]!;
  const { bucket } = s3Parts(main.resource);
  let checks;
  try {
    checks = await keyChecks(flow, from.sources, [s3Use(encryption, ['kms:Decrypt'], ctx.region ?? 'us-east-1', from.sources.accounts[0]!, bucket, main.resource)]);
  } catch (err) {
    deps.logger.warn('gateway lookup failed', { requestId: ctx.requestId, service: 's3', operation: from.mapped.operation, error: String(err) });
    return { code: 'ServiceUnavailable', message: `Tessera could not read the policy of the object's KMS key from the KMS upstream; the object was not passed on.`, status: 503 };
  }
  const target = { ...from.resolved, also: [...(from.resolved.also ?? []), ...checks] };
  const decided = await decideRequest(ctx, deps, main.action, target, { now: from.now, encodeExplanation: false });
  if (decided.refusal === undefined) return undefined;
  if (deps.gateway.settings.mode !== 'enforce') {
    deps.logger.warn('gateway audit mode: passing on an object whose KMS key the caller may not use', { requestId: ctx.requestId, principal: ctx.principal?.arn, resource: ctx.authorization?.resource });
    return undefined;
  }
  return (keyRefusal(flow, decided.refusal.message) ?? accessDenied('s3', decided.refusal.message)).failure;
}

const SQS_USES: Readonly<Record<string, readonly string[]>> = {
  SendMessage: ['kms:GenerateDataKey', 'kms:Decrypt'],
  SendMessageBatch: ['kms:GenerateDataKey', 'kms:Decrypt'],
  ReceiveMessage: ['kms:Decrypt'],
};

async function sqsKeyUses(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf): Promise<KeyUse[]> {
  const actions = SQS_USES[mapped.operation];
  const queue = mapped.targets[0]!.resource;
  const [, , , region = flow.ctx.region ?? 'us-east-1', account = sources.accounts[0]!] = queue.split(':');
  if (actions === undefined || !/^arn:[^:]+:sqs:[^:]*:\d{12}:[^:]+$/.test(queue)) return [];
  const keyId = await sources.cache.get('queue-key', account, queue, () => readQueueKey(queue, sources.reads(account)));
  return keyId === undefined ? [] : [{ keyId, actions, via: 'sqs', region, account, encryptionContext: { 'aws:sqs:arn': queue } }];
}

async function snsKeyUses(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf): Promise<KeyUse[]> {
  if (mapped.operation !== 'Publish' && mapped.operation !== 'PublishBatch') return [];
  const topic = mapped.targets[0]!.resource;
  if (!/^arn:[^:]+:sns:[^:]*:\d{12}:[^:/]+$/.test(topic)) return [];
  const [, , , region = flow.ctx.region ?? 'us-east-1', account = sources.accounts[0]!] = topic.split(':');
  const keyId = await sources.cache.get('topic-key', account, topic, () => readTopicKey(topic, sources.reads(account)));
  return keyId === undefined ? [] : [{ keyId, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], via: 'sns', region, account, encryptionContext: { 'aws:sns:topicArn': topic } }];
}

function parameterArn(region: string, account: string, name: string): string {
  return `arn:aws:ssm:${region}:${account}:parameter${name.startsWith('/') ? name : `/${name}`}`;
}

/** The names a GetParameter(s) member may mean: a name as given; an ARN's name, with and without the leading `/` when it has one level. */
function parameterNames(value: string): string[] {
  const plain = withoutSelector(value);
  if (!plain.startsWith('arn:')) return [plain];
  const at = plain.indexOf(':parameter/');
  if (at < 0) return [];
  const rest = plain.slice(at + ':parameter/'.length);
  return rest.includes('/') ? [`/${rest}`] : [rest, `/${rest}`];
}

async function ssmKeyUses(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf): Promise<KeyUse[]> {
  const input = inputOf(flow);
  const main = mapped.targets[0]!.resource;
  const [, , , region = flow.ctx.region ?? 'us-east-1', account = sources.accounts[0]!] = main.split(':');
  if (mapped.operation === 'PutParameter') {
    if (input['Type'] !== 'SecureString') return [];
    const tier = input['Tier'];
    const actions = tier === 'Advanced' ? ['kms:GenerateDataKey'] : tier === 'Intelligent-Tiering' ? ['kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Encrypt'];
    const keyId = typeof input['KeyId'] === 'string' && input['KeyId'] !== '' ? input['KeyId'] : undefined;
    return [{ ...(keyId !== undefined ? { keyId } : {}), actions, via: 'ssm', region, account, encryptionContext: { PARAMETER_ARN: main } }];
  }
  if (input['WithDecryption'] !== true) return [];
  let found: { name: string; keyId: string }[] = [];
  const reads = sources.reads(account);
  if (mapped.operation === 'GetParameter' || mapped.operation === 'GetParameters') {
    const values = mapped.operation === 'GetParameter' ? [input['Name']] : Array.isArray(input['Names']) ? input['Names'] : [];
    for (const value of values) {
      if (typeof value !== 'string') continue;
      const names = parameterNames(value);
      const arn = parameterArn(region, account, names[names.length - 1] ?? value);
      found.push(...await sources.cache.get(`parameter-keys\u0000${names.join('\u0000')}`, account, arn, () => readSecureParameters({ names }, reads)));
    }
  } else if (mapped.operation === 'GetParameterHistory' && typeof input['Name'] === 'string') {
    // Every version's value is decrypted, each with the key it was written with.
    const names = parameterNames(input['Name']);
    const name = names[names.length - 1] ?? input['Name'];
    found = await sources.cache.get('parameter-history-keys', account, parameterArn(region, account, name), () => readParameterHistoryKeys(name, reads));
  } else if (mapped.operation === 'GetParametersByPath' && typeof input['Path'] === 'string') {
    const path = input['Path'];
    const recursive = input['Recursive'] === true;
    found = await sources.cache.get(`path-keys\u0000${recursive}`, account, main, () => readSecureParameters({ path, recursive }, reads));
  }
  const seen = new Set<string>();
  const uses: KeyUse[] = [];
  for (const { name, keyId } of found) {
    const arn = parameterArn(region, account, name);
    if (seen.has(`${arn}\u0000${keyId}`)) continue;
    seen.add(`${arn}\u0000${keyId}`);
    uses.push({ ...(MANAGED_ALIAS.test(keyId) ? {} : { keyId }), actions: ['kms:Decrypt'], via: 'ssm', region, account, encryptionContext: { PARAMETER_ARN: arn } });
  }
  return uses;
}

const SECRET_WRITES = new Set(['CreateSecret', 'PutSecretValue', 'UpdateSecret']);

const SECRET_ARN = /^arn:[^:]+:secretsmanager:[^:]*:\d{12}:secret:/;

async function secretKeyUses(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf, resolved: AuthorizationTarget): Promise<KeyUse[]> {
  return SECRET_WRITES.has(mapped.operation) ? secretWriteKeyUses(flow, mapped, sources, resolved) : secretReadKeyUses(flow, mapped, sources, resolved);
}

/**
 * Secrets Manager decrypts a secret's value with its key for the caller: GetSecretValue (and each
 * secret of BatchGetSecretValue, its per-secret checks) needs kms:Decrypt on it, with the
 * context Secrets Manager uses — SecretARN and the version read (User Guide, "Secret encryption
 * and decryption"; across accounts the AWS managed key cannot be used, "Permissions for users in
 * a different account").
 */
async function secretReadKeyUses(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf, resolved: AuthorizationTarget): Promise<KeyUse[]> {
  const input = mapped.operation === 'GetSecretValue' ? inputOf(flow) : {};
  const checks = [{ action: resolved.action ?? mapped.targets[0]!.action, resource: resolved.resource }, ...(resolved.also ?? [])];
  const uses: KeyUse[] = [];
  for (const check of checks) {
    if (check.action !== 'secretsmanager:GetSecretValue' || !SECRET_ARN.test(check.resource)) continue;
    const secret = check.resource;
    const [, , , region = flow.ctx.region ?? 'us-east-1', account = sources.accounts[0]!] = secret.split(':');
    const encryption = await sources.cache.get('secret-encryption', account, secret, () => readSecretEncryption(secret, sources.reads(account)));
    if (encryption === undefined) continue; // no such secret: the upstream answers its not-found
    const versionId = secretVersion(encryption.versions, input);
    uses.push({
      ...(encryption.kmsKeyId !== undefined && !MANAGED_ALIAS.test(encryption.kmsKeyId) ? { keyId: encryption.kmsKeyId } : {}),
      actions: ['kms:Decrypt'], via: 'secretsmanager', region, account,
      encryptionContext: { SecretARN: secret, ...(versionId !== undefined ? { SecretVersionId: versionId } : {}) },
    });
  }
  return uses;
}

/** The version a GetSecretValue reads: its VersionId, else the version holding its VersionStage (AWSCURRENT by default). */
function secretVersion(versions: Readonly<Record<string, readonly string[]>>, input: Record<string, unknown>): string | undefined {
  if (typeof input['VersionId'] === 'string' && input['VersionId'] !== '') return input['VersionId'];
  const stage = typeof input['VersionStage'] === 'string' && input['VersionStage'] !== '' ? input['VersionStage'] : 'AWSCURRENT';
  return Object.entries(versions).find(([, stages]) => stages.includes(stage))?.[0];
}

async function secretWriteKeyUses(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf, resolved: AuthorizationTarget): Promise<KeyUse[]> {
  const input = inputOf(flow);
  const hasValue = input['SecretString'] !== undefined || input['SecretBinary'] !== undefined;
  if (!hasValue) return [];
  const secret = resolved.resource;
  const [, , , region = flow.ctx.region ?? 'us-east-1', account = sources.accounts[0]!] = secret.split(':');
  const requested = typeof input['KmsKeyId'] === 'string' && input['KmsKeyId'] !== '' ? input['KmsKeyId'] : undefined;
  let keyId = requested;
  // The ARN of a new secret (its random suffix) is known only once it is made: a condition on
  // kms:EncryptionContext:SecretARN sees it absent then (stricter).
  const known = mapped.operation !== 'CreateSecret' && SECRET_ARN.test(secret);
  if (keyId === undefined && mapped.operation !== 'CreateSecret') {
    if (!known) return [];
    const encryption = await sources.cache.get('secret-encryption', account, secret, () => readSecretEncryption(secret, sources.reads(account)));
    if (encryption === undefined) return []; // no such secret: the upstream answers its not-found
    keyId = encryption.kmsKeyId;
  }
  const token = typeof input['ClientRequestToken'] === 'string' && input['ClientRequestToken'] !== '' ? input['ClientRequestToken'] : undefined;
  return [{
    ...(keyId !== undefined && !MANAGED_ALIAS.test(keyId) ? { keyId } : {}),
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'], via: 'secretsmanager', region, account,
    encryptionContext: { ...(known ? { SecretARN: secret } : {}), ...(token !== undefined ? { SecretVersionId: token } : {}) },
  }];
}

/**
 * The service's own answer when the refused check is on a KMS key the service uses for the
 * caller (undefined otherwise): S3 `AccessDenied` (403; reading encrypted data: "The ciphertext
 * refers to a customer master key…"), SQS `KMS.AccessDeniedException` (400; `KmsAccessDenied` in its JSON
 * protocol), SNS `KMSAccessDenied` (400), SSM `AccessDeniedException` (400) — each with KMS's
 * own text, as those services pass it on — and Secrets Manager's "Access to KMS is not allowed".
 */
export function keyRefusal(flow: Flow, message: string): GatewayError | undefined {
  const { ctx, route } = flow;
  const action = ctx.authorization?.action;
  const service = route.service;
  if (action === undefined || !action.startsWith('kms:') || service === 'kms') return undefined;
  const kmsText = `${message} (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: ${ctx.requestId}; Proxy: null)`;
  switch (service) {
    case 's3':
      // Reading encrypted data (GetObject, a copy's source) is answered as KMS's Decrypt refusal
      // reaches S3; a write names the key and the action it needed.
      return accessDenied('s3', action === 'kms:Decrypt' && ctx.operation !== 'CreateMultipartUpload' && ctx.operation !== 'UploadPart' ? S3_CIPHERTEXT_REFUSAL : message);
    case 'sqs':
      return new GatewayError(flow.protocol === 'json'
        ? { code: 'KmsAccessDenied', message: kmsText, status: 400, queryCode: 'KMS.AccessDeniedException' }
        : { code: 'KMS.AccessDeniedException', message: kmsText, status: 400 });
    case 'sns':
      return gatewayError('KMSAccessDenied', kmsText, 400);
    case 'ssm':
      return gatewayError('AccessDeniedException', kmsText, 400);
    case 'secretsmanager':
      return accessDenied('secretsmanager', SECRET_KMS_REFUSAL);
    default:
      return undefined;
  }
}

function inputOf(flow: Flow): Record<string, unknown> {
  const body = flow.ctx.http.body;
  if (body === undefined || body.length === 0) return {};
  const text = body.toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
