// KMS. A key is named by its id, its ARN, an alias name (`alias/x`) or an alias ARN; a request
// naming an alias is authorized on the key the alias points to (AWS KMS Developer Guide, "Using
// aliases to control access": kms:RequestAlias), which only the upstream knows — a
// `resolve-resource` lookup. ReEncrypt needs kms:ReEncryptFrom on the source key and
// kms:ReEncryptTo on the destination key; CreateAlias and UpdateAlias need the alias action on
// the alias and on the (new) key (AWS KMS API Reference, "Required permissions" of each).
//
// Decrypt and ReEncrypt are decided on the key the ciphertext names. moto (and LocalStack, built
// on it) writes the key's ID as a blob's first 36 bytes and decrypts with that key whatever the
// request says: Decrypt compares a given KeyId with it, ReEncrypt never looks at SourceKeyId — so
// a check on SourceKeyId alone let a caller allowed on one key re-encrypt another key's
// ciphertext under a key of its own, and read it. AWS's own blobs name their key too (Decrypt
// needs no KeyId for a symmetric key); a blob that shows no key ID in moto's form (another
// upstream) leaves KeyId / SourceKeyId to name it.

import type { IdentifiedRequest } from '../identify.ts';
import type { RuleContext, ServiceRules } from '../rules.ts';
import type { ConditionValue } from '../types.ts';
import { wholeEntries } from '../wire/limits.ts';

/**
 * The members that name the key an operation's main action is on. Not ReEncrypt's
 * DestinationKeyId: ReEncryptFrom is on the source key, ReEncryptTo on the destination is a check
 * of its own — read as a main key, a destination ARN listed before the source would have put
 * ReEncryptFrom on the caller's own key, whatever key the ciphertext was under.
 */
const KEY_MEMBERS = ['KeyId', 'TargetKeyId', 'SourceKeyId'];

/** A key ID as moto makes them: a UUID, or a multi-Region key's `mrk-` and 32 hex digits (36 characters either way). */
const BLOB_KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
/** moto's blob header: the key ID (36 bytes), the IV (12), the tag (16). */
const BLOB_HEADER_BYTES = 64;

/** The key ID a CiphertextBlob (base64, as the JSON body carries it) names in moto's form, if it does. */
export function ciphertextKeyId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < (BLOB_HEADER_BYTES / 3) * 4) return undefined;
  const head = Buffer.from(value.slice(0, 88), 'base64');
  if (head.length < BLOB_HEADER_BYTES) return undefined;
  const id = head.subarray(0, 36).toString('latin1');
  return BLOB_KEY_ID.test(id) ? id : undefined;
}

/** The key a blob names, as an ARN in the account the request acts in. */
function blobKeyArn(member: string) {
  return (request: IdentifiedRequest, context: RuleContext): string[] | undefined => {
    const id = ciphertextKeyId(request.input.get('CiphertextBlob'));
    if (id === undefined) return undefined;
    // The ciphertext names its key by id alone: it is in the account (and region) the request's
    // key member names by ARN — where the request is forwarded to act — else the request's own.
    const parts = keyMember(request, member)?.startsWith('arn:') ? keyMember(request, member)!.split(':') : [];
    const account = /^\d{12}$/.test(parts[4] ?? '') ? parts[4]! : context.ownerAccountId;
    const region = parts[3] || context.region;
    return [`arn:aws:kms:${region}:${account}:key/${id}`];
  };
}

/** Whether the request names its key in a member as well as in its ciphertext: then both are checked. */
function alsoNamedBy(member: string) {
  return (request: IdentifiedRequest) => keyMember(request, member) !== undefined && ciphertextKeyId(request.input.get('CiphertextBlob')) !== undefined;
}

function keyVariables(value: string): Record<string, string> | undefined {
  if (value.startsWith('alias/') || value.startsWith('arn:')) return undefined;
  return { KeyId: value };
}

function aliasVariables(value: string): Record<string, string> | undefined {
  return value.startsWith('alias/') && value.length > 6 ? { Alias: value.slice(6) } : undefined;
}

function aliasArn(value: string, context: RuleContext): string | undefined {
  if (value.startsWith('alias/')) return `arn:aws:kms:${context.region}:${context.ownerAccountId}:${value}`;
  return value.startsWith('arn:') && value.split(':')[5]?.startsWith('alias/') ? value : undefined;
}

function keyMember(request: IdentifiedRequest, name: string): string | undefined {
  const value = request.input.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The key a member names, as an ARN (a stand-in alias ARN when it names an alias). */
function keyArn(request: IdentifiedRequest, context: RuleContext, name: string): string[] | undefined {
  const value = keyMember(request, name);
  if (value === undefined) return undefined;
  if (value.startsWith('arn:')) return [value];
  return [aliasArn(value, context) ?? `arn:aws:kms:${context.region}:${context.ownerAccountId}:key/${value}`];
}

/** The request's EncryptionContext pairs (string values), read whole (BeyondLimit past LIMITS.fanOut). */
function encryptionContextPairs(request: IdentifiedRequest): [string, string][] | undefined {
  const value = request.input.get('EncryptionContext');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return wholeEntries(value, 'EncryptionContext').filter((pair): pair is [string, string] => typeof pair[1] === 'string');
}

/** kms:EncryptionContext:<key> for each pair (kms:EncryptionContextKeys has its own reader). */
function encryptionContext(request: IdentifiedRequest): Record<string, ConditionValue> | undefined {
  const pairs = encryptionContextPairs(request);
  if (pairs === undefined) return undefined;
  const context: Record<string, ConditionValue> = {};
  for (const [key, entry] of pairs) context[`kms:EncryptionContext:${key}`] = entry;
  return context;
}

/**
 * A key read from a request member, or the member's default when the request leaves it out: the
 * AWS KMS Developer Guide ("Conditions for an API operation request") says such a condition
 * "works even when the parameter doesn't appear in the request, such as when you use the
 * parameter's default value" — `StringEquals kms:KeySpec SYMMETRIC_DEFAULT` allows a CreateKey
 * without KeySpec, and a `StringNotEquals kms:EncryptionAlgorithm SYMMETRIC_DEFAULT` Deny does
 * not refuse an Encrypt that names no algorithm. The defaults are the API Reference's.
 */
function withDefault(key: string, members: readonly string[], fallback: string) {
  return (request: IdentifiedRequest): Record<string, ConditionValue> => {
    for (const member of members) {
      const value = request.input.get(member);
      if (typeof value === 'string' && value !== '') return { [key]: value };
      if (typeof value === 'number' || typeof value === 'boolean') return { [key]: String(value) };
    }
    return { [key]: fallback };
  };
}

const SYMMETRIC_DEFAULT = 'SYMMETRIC_DEFAULT';
const KEY_ARN = /^arn:[^:]+:kms:[^:]*:\d{12}:key\//;
const ALIAS_ARN = /^arn:[^:]+:kms:[^:]*:\d{12}:alias\//;

/** A key named by an alias is resolved to the key before a check on it is decided. */
function aliasResolved(arn: string): 'kms-alias' | undefined {
  return ALIAS_ARN.test(arn) ? 'kms-alias' : undefined;
}

/** The members of each operation that say an encryption algorithm (ReEncrypt: one per side). */
function encryptionAlgorithm(request: IdentifiedRequest, context: { action: string }): Record<string, ConditionValue> {
  const operation = request.operation.name;
  // Data keys and data key pairs are encrypted under a symmetric encryption key: SYMMETRIC_DEFAULT.
  if (operation.startsWith('GenerateDataKey')) return { 'kms:EncryptionAlgorithm': SYMMETRIC_DEFAULT };
  const member = operation === 'ReEncrypt' ? (context.action === 'ReEncryptTo' ? 'DestinationEncryptionAlgorithm' : 'SourceEncryptionAlgorithm') : 'EncryptionAlgorithm';
  return withDefault('kms:EncryptionAlgorithm', [member], SYMMETRIC_DEFAULT)(request);
}

export const KMS_RULES: ServiceRules = {
  resources: {
    variables: {
      // A ciphertext's own key when no member names a key (Decrypt without KeyId, ReEncrypt without SourceKeyId).
      KeyId: [...KEY_MEMBERS.map((member) => ({ member, read: keyVariables })), { member: 'CiphertextBlob', read: (value: string) => {
        const id = ciphertextKeyId(value);
        return id === undefined ? undefined : { KeyId: id };
      } }],
      Alias: [{ member: 'AliasName', read: aliasVariables }, { member: 'KeyId', read: aliasVariables }],
    },
    arnMembers: KEY_MEMBERS,
  },
  operations: {
    ReEncrypt: {
      action: 'ReEncryptFrom',
      also: [
        { action: 'ReEncryptTo', resource: (request, context) => keyArn(request, context, 'DestinationKeyId'), resourceDoc: 'the DestinationKeyId key (an alias: the key it names)', resolve: aliasResolved },
        { action: 'ReEncryptFrom', resource: blobKeyArn('SourceKeyId'), resourceDoc: 'the key its CiphertextBlob names', when: alsoNamedBy('SourceKeyId') },
      ],
    },
    Decrypt: { also: [{ action: 'Decrypt', resource: blobKeyArn('KeyId'), resourceDoc: 'the key its CiphertextBlob names', when: alsoNamedBy('KeyId') }] },
    // The alias and its key: CreateAlias on the new key, UpdateAlias on the key the alias names
    // now and on the new one, DeleteAlias on the key it names (API Reference, "Required
    // permissions": the key's policy must allow it too).
    CreateAlias: { also: [{ action: 'CreateAlias', resource: (request, context) => keyArn(request, context, 'TargetKeyId'), resourceDoc: 'the TargetKeyId key', resolve: aliasResolved }] },
    UpdateAlias: {
      also: [
        { action: 'UpdateAlias', resource: (request, context) => keyArn(request, context, 'AliasName'), resourceDoc: 'the key AliasName names now', resolve: aliasResolved },
        { action: 'UpdateAlias', resource: (request, context) => keyArn(request, context, 'TargetKeyId'), resourceDoc: 'the new TargetKeyId key', resolve: aliasResolved },
      ],
    },
    DeleteAlias: { also: [{ action: 'DeleteAlias', resource: (request, context) => keyArn(request, context, 'AliasName'), resourceDoc: 'the key AliasName names', resolve: aliasResolved }] },
  },
  refused: {},
  conditions: {
    // CreateKey's parameters (CustomerMasterKeySpec is KeySpec's deprecated name).
    'kms:KeySpec': withDefault('kms:KeySpec', ['KeySpec', 'CustomerMasterKeySpec'], SYMMETRIC_DEFAULT),
    'kms:CustomerMasterKeySpec': withDefault('kms:CustomerMasterKeySpec', ['KeySpec', 'CustomerMasterKeySpec'], SYMMETRIC_DEFAULT),
    'kms:KeyUsage': withDefault('kms:KeyUsage', ['KeyUsage'], 'ENCRYPT_DECRYPT'),
    'kms:CustomerMasterKeyUsage': withDefault('kms:CustomerMasterKeyUsage', ['KeyUsage'], 'ENCRYPT_DECRYPT'),
    'kms:KeyOrigin': withDefault('kms:KeyOrigin', ['Origin'], 'AWS_KMS'),
    'kms:MultiRegion': withDefault('kms:MultiRegion', ['MultiRegion'], 'false'),
    // A new multi-Region key is its set's primary key; a single-Region key has no type.
    'kms:MultiRegionKeyType': (request) => (request.input.get('MultiRegion') === true ? { 'kms:MultiRegionKeyType': 'PRIMARY' } : undefined),
    'kms:BypassPolicyLockoutSafetyCheck': withDefault('kms:BypassPolicyLockoutSafetyCheck', ['BypassPolicyLockoutSafetyCheck'], 'false'),
    'kms:EncryptionAlgorithm': encryptionAlgorithm,
    'kms:MessageType': withDefault('kms:MessageType', ['MessageType'], 'RAW'),
    'kms:ScheduleKeyDeletionPendingWindowInDays': withDefault('kms:ScheduleKeyDeletionPendingWindowInDays', ['PendingWindowInDays'], '30'),
    'kms:RotationPeriodInDays': withDefault('kms:RotationPeriodInDays', ['RotationPeriodInDays'], '365'),
    // Requests reach the gateway from callers, never from an AWS service integrated with KMS
    // acting for them: false (a `Bool … true` Allow, as in the default key policy's "Allow
    // attachment of persistent resources", does not let a caller create grants directly).
    'kms:GrantIsForAWSResource': () => ({ 'kms:GrantIsForAWSResource': 'false' }),
    'kms:CallerAccount': (_request, context) => ({ 'kms:CallerAccount': context.request.requestAccountId }),
    'kms:EncryptionContext:${EncryptionContextKey}': encryptionContext,
    'kms:EncryptionContextKeys': (request) => {
      const pairs = encryptionContextPairs(request);
      return pairs === undefined ? undefined : { 'kms:EncryptionContextKeys': pairs.map(([key]) => key) };
    },
    'kms:RequestAlias': (request) => {
      const value = keyMember(request, 'KeyId');
      if (value === undefined) return undefined;
      const alias = value.startsWith('alias/') ? value : value.startsWith('arn:') ? value.split(':')[5] : undefined;
      return alias?.startsWith('alias/') ? { 'kms:RequestAlias': alias } : undefined;
    },
    'kms:GrantOperations': (request) => {
      const operations = request.input.get('Operations');
      return Array.isArray(operations) ? { 'kms:GrantOperations': operations.filter((item): item is string => typeof item === 'string') } : undefined;
    },
    'kms:ReEncryptOnSameKey': (request) => {
      const source = keyMember(request, 'SourceKeyId') ?? ciphertextKeyId(request.input.get('CiphertextBlob'));
      const destination = keyMember(request, 'DestinationKeyId');
      return source === undefined || destination === undefined ? undefined : { 'kms:ReEncryptOnSameKey': String(source === destination) };
    },
  },
  unresolved: (request, context) => {
    for (const name of ['KeyId', 'SourceKeyId']) {
      const value = keyMember(request, name);
      const alias = value === undefined ? undefined : aliasArn(value, context);
      if (alias !== undefined) return { arns: [alias], resolve: 'kms-alias' };
    }
    return undefined;
  },
  policyHolders: (type, arn) => (type === 'key' ? arn : undefined),
  // The key's own properties (kms:KeySpec, kms:KeyOrigin, kms:ResourceAliases, …), read when a
  // policy asks for them: of a key, or of the key an alias names (not of the alias an alias
  // operation is about — its first check —: those keys are the key resource type's).
  lookups: (_request, check) => (KEY_ARN.test(check.resource) || (ALIAS_ARN.test(check.resource) && (!check.action.endsWith('Alias') || check.index > 0))
    ? [{ kind: 'kms-key-properties', check: check.index, resource: check.resource }]
    : []),
};
