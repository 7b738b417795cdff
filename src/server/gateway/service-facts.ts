// Facts of a request that only the upstream knows and that AWS's own decision uses, added to
// the authorizer's target after the mapping's lookups:
//
//   - Lambda's Get/Delete/UpdateEventSourceMapping name only the mapping, but AWS documents
//     lambda:FunctionArn for them (Lambda Developer Guide, "Actions, resources, and condition
//     keys for AWS Lambda"): the mapping's function, read with GetEventSourceMapping — only
//     when a policy about the action refers to the key (as tags are read).
//   - Secrets Manager decrypts a secret's value with its KMS key on the caller's behalf: a
//     GetSecretValue also needs kms:Decrypt on that key, decided by the key's policy with
//     kms:ViaService = secretsmanager.<region>.amazonaws.com and the encryption context
//     Secrets Manager uses (SecretARN, SecretVersionId) (Secrets Manager User Guide, "Secret
//     encryption and decryption"; "Permissions for users in a different account": the AWS
//     managed key aws/secretsmanager cannot be used from another account). A secret under a
//     customer managed key is decided by that key's policy (read upstream, with its grants); one
//     under the AWS managed key by the policy AWS gives that key (any principal of the account,
//     through Secrets Manager). Refused, the answer is Secrets Manager's: AccessDeniedException
//     "Access to KMS is not allowed".

import type { AuthorizationCheck, AuthorizationTarget } from '../../authz/target.ts';
import type { MappedRequest } from '../../gateway/index.ts';
import { readKeyManager, readMappingFunction, readResourcePolicy, readSecretEncryption, UpstreamReadError, type ReadContext } from '../../gateway/upstream-reads.ts';
import { upstreamFor } from '../../gateway/upstreams.ts';
import type { Flow } from './flow.ts';
import type { TargetSources as TargetSourcesOf } from '../../gateway/resolve-target.ts';

/** Secrets Manager's answer when the caller may not use the secret's key (service-keys.ts writes the refusals). */
export { SECRET_KMS_REFUSAL } from './service-keys.ts';

const MAPPING_OPERATIONS = new Set(['GetEventSourceMapping', 'DeleteEventSourceMapping', 'UpdateEventSourceMapping']);

/** Whether the decision lacked lambda:FunctionArn for a mapping the request names only by its UUID. */
export function wantsMappingFunction(mapped: MappedRequest, missingKeys: readonly string[]): boolean {
  return mapped.service === 'lambda' && MAPPING_OPERATIONS.has(mapped.operation) && missingKeys.some((key) => key.toLowerCase() === 'lambda:functionarn');
}

/** The target with lambda:FunctionArn of the mapping's function on each check that lacks it. */
export async function withMappingFunction(mapped: MappedRequest, sources: TargetSourcesOf, resolved: AuthorizationTarget): Promise<AuthorizationTarget> {
  const main = mapped.targets[0]!;
  const marker = ':event-source-mapping:';
  const at = main.resource.indexOf(marker);
  if (at < 0) return resolved;
  const uuid = main.resource.slice(at + marker.length);
  const account = sources.accounts[0]!;
  const functionArn = await sources.cache.get('mapping-function', account, main.resource, () => readMappingFunction(uuid, sources.reads(account)));
  if (functionArn === undefined) return resolved;
  const add = <T extends { context?: AuthorizationCheck['context'] }>(check: T): T =>
    check.context?.['lambda:FunctionArn'] !== undefined ? check : { ...check, context: { ...check.context, 'lambda:FunctionArn': functionArn } };
  return { ...add(resolved), ...(resolved.also ? { also: resolved.also.map((check) => (check.action.startsWith('lambda:') ? add(check) : check)) } : {}) };
}

/**
 * The target with a kms:Decrypt check on the key of each secret whose value the request reads
 * (GetSecretValue, and BatchGetSecretValue's per-secret checks).
 */
export async function withSecretKeys(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf, resolved: AuthorizationTarget): Promise<AuthorizationTarget> {
  if (mapped.service !== 'secretsmanager') return resolved;
  const { ctx, deps } = flow;
  const region = ctx.region ?? 'us-east-1';
  const callerAccount = ctx.principal?.accountId ?? '';
  const checks: (AuthorizationCheck & { action: string })[] = [{ ...resolved, action: resolved.action ?? mapped.targets[0]!.action }, ...(resolved.also ?? [])];
  const kmsUpstream = upstreamFor(deps.gateway.settings, 'kms');
  const kmsReads = (accountId: string): ReadContext => {
    if (kmsUpstream === undefined) throw new UpstreamReadError('no KMS upstream to read the secret\'s key from');
    return {
      upstream: kmsUpstream,
      accountId,
      call: (call) => deps.gateway.client.call(kmsUpstream, { service: 'kms', region, accountId, method: call.method, path: call.path, query: call.query ?? '', headers: call.headers ?? {}, ...(call.body ? { body: call.body } : {}) }),
    };
  };
  const added: (AuthorizationCheck & { action: string })[] = [];
  const input = inputOf(flow);
  for (const check of checks) {
    if (check.action !== 'secretsmanager:GetSecretValue' || !/^arn:[^:]+:secretsmanager:[^:]*:\d{12}:secret:/.test(check.resource)) continue;
    const secret = check.resource;
    const [, partition = 'aws', , secretRegion = region, account = callerAccount] = secret.split(':');
    const encryption = await sources.cache.get('secret-encryption', account, secret, () => readSecretEncryption(secret, sources.reads(account)));
    if (encryption === undefined) continue; // no such secret: the upstream answers its not-found
    const versionId = secretVersion(encryption.versions, mapped.operation === 'GetSecretValue' ? input : {});
    const context: Record<string, string | string[]> = {
      'kms:ViaService': `secretsmanager.${secretRegion}.amazonaws.com`,
      'kms:CallerAccount': callerAccount,
      'kms:EncryptionContext:SecretARN': secret,
      ...(versionId !== undefined ? { 'kms:EncryptionContext:SecretVersionId': versionId, 'kms:EncryptionContextKeys': ['SecretARN', 'SecretVersionId'] } : {}),
    };
    const key = encryption.kmsKeyId === undefined || encryption.kmsKeyId === 'alias/aws/secretsmanager'
      ? undefined
      : await sources.cache.get('key-manager', account, encryption.kmsKeyId, () => readKeyManager(encryption.kmsKeyId!, kmsReads(account)));
    if (key !== undefined && key.manager !== 'AWS') {
      const keyAccount = key.arn.split(':')[4] ?? account;
      const policy = await sources.cache.get('policy', keyAccount, key.arn, () => readResourcePolicy('kms', key.arn, kmsReads(keyAccount)));
      added.push({ action: 'kms:Decrypt', resource: key.arn, context, resourceAccount: keyAccount, ...(policy !== undefined ? { resourcePolicy: { text: policy, kind: 'resource', name: key.arn } } : {}) });
    } else {
      // The AWS managed key aws/secretsmanager: its policy, as AWS writes it for every account.
      const arn = key?.arn ?? `arn:${partition}:kms:${secretRegion}:${account}:alias/aws/secretsmanager`;
      added.push({ action: 'kms:Decrypt', resource: arn, context, resourceAccount: account, resourcePolicy: { text: awsManagedKeyPolicy(account, secretRegion), kind: 'resource', name: arn } });
    }
  }
  return added.length === 0 ? resolved : { ...resolved, also: [...(resolved.also ?? []), ...added] };
}

/**
 * The key policy AWS gives an AWS managed key (here aws/secretsmanager): any principal of the
 * account may use it through the service (AWS KMS Developer Guide, "AWS managed keys").
 */
function awsManagedKeyPolicy(account: string, region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Sid: 'Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
    }],
  });
}

/** The version a GetSecretValue reads: its VersionId, else the version holding its VersionStage (AWSCURRENT by default). */
function secretVersion(versions: Readonly<Record<string, readonly string[]>>, input: Record<string, unknown>): string | undefined {
  if (typeof input['VersionId'] === 'string' && input['VersionId'] !== '') return input['VersionId'];
  const stage = typeof input['VersionStage'] === 'string' && input['VersionStage'] !== '' ? input['VersionStage'] : 'AWSCURRENT';
  return Object.entries(versions).find(([, stages]) => stages.includes(stage))?.[0];
}

function inputOf(flow: Flow): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(flow.ctx.http.body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
