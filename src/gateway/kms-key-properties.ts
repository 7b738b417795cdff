// The KMS condition keys that are properties of the key a request uses, not of the request: the
// AWS KMS Developer Guide ("Conditions for KMS keys used in API operations") lets kms:KeySpec,
// kms:KeyUsage, kms:KeyOrigin, kms:MultiRegion, kms:MultiRegionKeyType and kms:ResourceAliases
// decide any operation on a key (`Allow kms:GenerateDataKey when kms:KeyOrigin is AWS_KMS`;
// `ForAnyValue:StringLike kms:ResourceAliases alias/finance-*`). The Service Authorization
// Reference lists them under the key resource type. Only the upstream knows them: DescribeKey for
// the key's attributes, ListAliases for its aliases — read when a policy asks (a lazy lookup in
// resolve-target.ts), kept as long as the other lookups.

import { jsonRead, type ReadContext } from './upstream-reads.ts';

/** The lower-cased key names this lookup supplies (the engine reports missing keys as written). */
export const KMS_KEY_PROPERTY_KEYS = ['kms:keyspec', 'kms:keyusage', 'kms:keyorigin', 'kms:multiregion', 'kms:multiregionkeytype', 'kms:resourcealiases', 'kms:customermasterkeyspec', 'kms:customermasterkeyusage'];

export type KeyProperties = Readonly<Record<string, string | readonly string[]>>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The key's property keys as a condition context; undefined when the upstream knows no such key. */
export async function readKmsKeyProperties(keyArn: string, { call }: ReadContext): Promise<KeyProperties | undefined> {
  const described = await jsonRead(call, '1.1', 'TrentService.DescribeKey', { KeyId: keyArn });
  const metadata = described?.['KeyMetadata'];
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const key = metadata as Record<string, unknown>;
  const context: Record<string, string | readonly string[]> = {};
  const spec = text(key['KeySpec']) ?? text(key['CustomerMasterKeySpec']);
  if (spec !== undefined) context['kms:KeySpec'] = context['kms:CustomerMasterKeySpec'] = spec;
  // CreateKey's default; moto leaves KeyUsage out of DescribeKey when the key was created without it.
  const usage = text(key['KeyUsage']) ?? 'ENCRYPT_DECRYPT';
  if (usage !== undefined) context['kms:KeyUsage'] = context['kms:CustomerMasterKeyUsage'] = usage;
  const origin = text(key['Origin']);
  if (origin !== undefined) context['kms:KeyOrigin'] = origin;
  const multiRegion = key['MultiRegion'] === true;
  context['kms:MultiRegion'] = String(multiRegion);
  const type = text((key['MultiRegionConfiguration'] as Record<string, unknown> | undefined)?.['MultiRegionKeyType']);
  if (multiRegion && type !== undefined) context['kms:MultiRegionKeyType'] = type;
  // ListAliases takes the key's ID or ARN; one page holds up to 100 aliases, and a key may have
  // at most 50 (KMS quotas), so one read sees them all.
  const listed = await jsonRead(call, '1.1', 'TrentService.ListAliases', { KeyId: text(key['KeyId']) ?? keyArn, Limit: 100 });
  const aliases = Array.isArray(listed?.['Aliases'])
    ? (listed['Aliases'] as unknown[]).map((alias) => text((alias as Record<string, unknown> | null)?.['AliasName'])).filter((name): name is string => name !== undefined)
    : [];
  // A key without aliases has no kms:ResourceAliases (the key is absent, as for any multivalued key with no value).
  if (aliases.length > 0) context['kms:ResourceAliases'] = aliases;
  return context;
}
