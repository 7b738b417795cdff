// A mapped request → the authorizer's target: each check with what the upstream says of its
// resource — the resource policy (kind `resource`, decided as the owner's), the tags
// (aws:ResourceTag/…, s3:BucketTag/…), the object's tags (s3:ExistingObjectTag/…), the table's
// partition key (dynamodb:LeadingKeys) — and the resource named by an alias or a secret's name
// replaced by its ARN. The owning account of each check's resource comes from the caller (S3
// ARNs name none).

import { missingKmsKeyPolicy } from './kms-missing-key-policy.ts';
import type { AuthorizationCheck, AuthorizationTarget } from '../authz/target.ts';
import type { LookupCache } from './lookup-cache.ts';
import { iamPrefix, type GatewayService } from './services.ts';
import type { Lookup, MappedRequest } from './types.ts';
import { KMS_KEY_PROPERTY_KEYS, readKmsKeyProperties } from './kms-key-properties.ts';
import { readObjectTags, readPartitionKey, readResolvedArn, readResourcePolicy, readResourceTags, type ReadContext } from './upstream-reads.ts';
import { readEc2ResourceTags } from './ec2-reads.ts';

type ContextValue = NonNullable<AuthorizationCheck['context']>[string];

export interface TargetSources {
  service: GatewayService;
  /** The account owning each check's resource (S3: the bucket's owner), by check index. */
  accounts: readonly string[];
  /** Upstream reads in an account. */
  reads(accountId: string): ReadContext;
  cache: LookupCache;
}

/** Lookups read only when a policy asks for their keys (they cost an upstream read per resource). */
export type LazyLookup = Extract<Lookup, { kind: 'resource-tags' | 's3-object-tags' | 'dynamodb-leading-keys' | 'dynamodb-full-table-scan' | 'kms-key-properties' }>;

export function isLazy(lookup: Lookup): lookup is LazyLookup {
  return lookup.kind === 'resource-tags' || lookup.kind === 's3-object-tags' || lookup.kind === 'dynamodb-leading-keys' || lookup.kind === 'dynamodb-full-table-scan' || lookup.kind === 'kms-key-properties';
}

/**
 * Whether a decision that lacked `missingKeys` needs `lookup` (lower-cased key prefixes): the
 * engine reports every key referenced by a statement about the action that the context lacks.
 */
export function lookupWanted(lookup: LazyLookup, service: GatewayService, missingKeys: readonly string[]): boolean {
  const keys = missingKeys.map((key) => key.toLowerCase());
  const wants = (prefix: string) => keys.some((key) => key.startsWith(prefix));
  switch (lookup.kind) {
    case 'resource-tags':
      return wants('aws:resourcetag/') || wants('s3:buckettag/') || wants(`${iamPrefix(service)}:resourcetag/`);
    case 's3-object-tags':
      return wants('s3:existingobjecttag/');
    case 'dynamodb-leading-keys':
      return wants('dynamodb:leadingkeys');
    case 'dynamodb-full-table-scan':
      return wants('dynamodb:fulltablescan');
    case 'kms-key-properties':
      return keys.some((key) => KMS_KEY_PROPERTY_KEYS.includes(key));
  }
}

/**
 * The authorizer's target: the eager lookups (resolutions, resource policies) always, the lazy
 * ones (tags, key schemas) when `wanted` says so.
 */
export async function resolveTarget(mapped: MappedRequest, sources: TargetSources, wanted: (lookup: LazyLookup) => boolean = () => false): Promise<AuthorizationTarget> {
  const checks = mapped.targets.map((check, index): MutableCheck => ({
    action: check.action,
    resource: check.resource,
    context: { ...check.context },
    resourceAccount: sources.accounts[index]!,
  }));
  const { service, cache } = sources;

  // An alias or a secret's name first: the other lookups read the resource it names.
  const replaced = new Map<string, string>();
  await Promise.all(mapped.lookups.filter((lookup) => lookup.kind === 'resolve-resource').map(async (lookup) => {
    const account = checks[lookup.check]!.resourceAccount;
    if (lookup.given !== undefined) checks[lookup.check]!.shownAs = lookup.given;
    const arn = await cache.get(`resolve:${lookup.how}`, account, lookup.resource, () => readResolvedArn(lookup.how, lookup.resource, sources.reads(account)));
    if (arn === undefined) return;
    replaced.set(lookup.resource, arn);
    checks[lookup.check]!.resource = arn;
  }));
  const resourceOf = (resource: string) => replaced.get(resource) ?? resource;

  // Every check on a KMS key is decided with the key's policy (it must allow or delegate),
  // also those the mapping adds beside the main one (CreateAlias's target key).
  const lookups = mapped.lookups.filter((lookup) => !isLazy(lookup) || wanted(lookup));
  if (service === 'kms') {
    for (const [index, check] of checks.entries()) {
      const hasPolicy = lookups.some((lookup) => lookup.kind === 'resource-policy' && lookup.check === index);
      if (!hasPolicy && /^arn:[^:]+:kms:[^:]*:\d{12}:key\//.test(check.resource)) lookups.push({ kind: 'resource-policy', check: index, resource: check.resource });
    }
  }
  await Promise.all(lookups.map((lookup) => apply(lookup, checks, service, cache, sources, resourceOf)));

  for (const check of checks) {
    // AWS condition key s3:BucketTag/<key> mirrors the bucket's tags beside aws:ResourceTag/<key>.
    if (check.resourceTags !== undefined) {
      for (const [key, value] of Object.entries(check.resourceTags)) {
        if (service === 's3') check.context[`s3:BucketTag/${key}`] = value;
        else check.context[`${iamPrefix(service)}:ResourceTag/${key}`] = value;
      }
    }
  }
  const [main, ...also] = checks.map(toCheck);
  return { ...main!, ...(also.length > 0 ? { also } : {}) };
}

interface MutableCheck {
  action: string;
  resource: string;
  context: Record<string, ContextValue>;
  resourceAccount: string;
  resourcePolicy?: AuthorizationCheck['resourcePolicy'];
  resourceTags?: Record<string, string>;
  shownAs?: string;
}

function toCheck(check: MutableCheck): AuthorizationCheck & { action: string } {
  return {
    action: check.action,
    resource: check.resource,
    context: check.context,
    resourceAccount: check.resourceAccount,
    ...(check.resourcePolicy ? { resourcePolicy: check.resourcePolicy } : {}),
    ...(check.resourceTags ? { resourceTags: check.resourceTags } : {}),
    ...(check.shownAs !== undefined ? { shownAs: check.shownAs } : {}),
  };
}

async function apply(
  lookup: Lookup,
  checks: MutableCheck[],
  service: GatewayService,
  cache: LookupCache,
  sources: TargetSources,
  resourceOf: (resource: string) => string,
): Promise<void> {
  const check = checks[lookup.check]!;
  const account = check.resourceAccount;
  const reads = () => sources.reads(account);
  switch (lookup.kind) {
    case 'resolve-resource':
      return;
    case 'instance-profile-role': {
      // Tessera's own store, not the upstream: read every time (no cache), so a role just
      // removed from the profile is never passed on an old answer.
      const role = await lookup.read?.();
      if (role !== undefined) check.resource = role;
      return;
    }
    case 'resource-policy': {
      const holder = resourceOf(lookup.resource);
      const read = await cache.get('policy', account, holder, () => readResourcePolicy(service, holder, reads()));
      // A KMS key the upstream does not know is decided with its account's default key policy (kms-missing-key-policy.ts).
      const text = read ?? (service === 'kms' ? missingKmsKeyPolicy(holder) : undefined);
      if (text !== undefined) check.resourcePolicy = { text, kind: 'resource', name: holder };
      return;
    }
    case 'resource-tags': {
      const resource = resourceOf(lookup.resource);
      const tags = await cache.get('tags', account, resource, () => (service === 'ec2' ? readEc2ResourceTags(resource, reads()) : readResourceTags(service, resource, reads())));
      if (tags !== undefined) check.resourceTags = tags;
      return;
    }
    case 's3-object-tags': {
      const resource = `arn:aws:s3:::${lookup.bucket}/${lookup.key}`;
      const tags = await cache.get(`object-tags:${lookup.versionId ?? ''}`, account, resource, () => readObjectTags(lookup.bucket, lookup.key, lookup.versionId, reads()));
      for (const [key, value] of Object.entries(tags ?? {})) check.context[`s3:ExistingObjectTag/${key}`] = value;
      return;
    }
    case 'dynamodb-leading-keys': {
      const table = lookup.table;
      const partitionKey = await cache.get('partition-key', account, check.resource.split('/index/')[0]!, () => readPartitionKey(table, reads()));
      // The table's partition key not among the request's keys (a Query on an index keyed by
      // another attribute): every key value the request gives, rather than no value at all —
      // a `ForAllValues:` condition on an absent key would allow anything.
      const values = partitionKey !== undefined && Object.hasOwn(lookup.candidates, partitionKey) ? lookup.candidates[partitionKey]! : [...new Set(Object.values(lookup.candidates).flat())];
      if (values.length > 0) check.context['dynamodb:LeadingKeys'] = [...values];
      return;
    }
    case 'dynamodb-full-table-scan': {
      const equalities = lookup.equalities;
      const partitionKey = equalities === undefined || equalities.length === 0 ? undefined : await cache.get('partition-key', account, check.resource, () => readPartitionKey(lookup.table, reads()));
      check.context['dynamodb:FullTableScan'] = partitionKey === undefined || !equalities!.includes(partitionKey);
      return;
    }
    case 'kms-key-properties': {
      const key = resourceOf(lookup.resource);
      const properties = await cache.get('key-properties', account, key, () => readKmsKeyProperties(key, reads()));
      for (const [name, value] of Object.entries(properties ?? {})) check.context[name] = typeof value === 'string' ? value : [...value];
      return;
    }
  }
}
