// KMS. A key is named by its id, its ARN, an alias name (`alias/x`) or an alias ARN; a request
// naming an alias is authorized on the key the alias points to (AWS KMS Developer Guide, "Using
// aliases to control access": kms:RequestAlias), which only the upstream knows — a
// `resolve-resource` lookup. ReEncrypt needs kms:ReEncryptFrom on the source key and
// kms:ReEncryptTo on the destination key; CreateAlias and UpdateAlias need the alias action on
// the alias and on the (new) key (AWS KMS API Reference, "Required permissions" of each).

import type { IdentifiedRequest } from '../identify.ts';
import type { RuleContext, ServiceRules } from '../rules.ts';
import type { ConditionValue } from '../types.ts';

const KEY_MEMBERS = ['KeyId', 'TargetKeyId', 'SourceKeyId', 'DestinationKeyId'];

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

function encryptionContext(value: unknown, prefix = 'kms:EncryptionContext:'): Record<string, ConditionValue> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const context: Record<string, ConditionValue> = {};
  const keys: string[] = [];
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') continue;
    context[`${prefix}${key}`] = entry;
    keys.push(key);
  }
  context['kms:EncryptionContextKeys'] = keys;
  return context;
}

export const KMS_RULES: ServiceRules = {
  resources: {
    variables: {
      KeyId: KEY_MEMBERS.map((member) => ({ member, read: keyVariables })),
      Alias: [{ member: 'AliasName', read: aliasVariables }, { member: 'KeyId', read: aliasVariables }],
    },
    arnMembers: KEY_MEMBERS,
  },
  operations: {
    ReEncrypt: {
      action: 'ReEncryptFrom',
      also: [{ action: 'ReEncryptTo', resource: (request, context) => keyArn(request, context, 'DestinationKeyId'), resourceDoc: 'the DestinationKeyId key' }],
    },
    CreateAlias: { also: [{ action: 'CreateAlias', resource: (request, context) => keyArn(request, context, 'TargetKeyId'), resourceDoc: 'the TargetKeyId key' }] },
    UpdateAlias: { also: [{ action: 'UpdateAlias', resource: (request, context) => keyArn(request, context, 'TargetKeyId'), resourceDoc: 'the new TargetKeyId key' }] },
  },
  refused: {},
  conditions: {
    'kms:CallerAccount': (_request, context) => ({ 'kms:CallerAccount': context.request.requestAccountId }),
    'kms:EncryptionContext:${EncryptionContextKey}': (request) => encryptionContext(request.input.get('EncryptionContext')),
    'kms:EncryptionContextKeys': (request) => {
      const context = encryptionContext(request.input.get('EncryptionContext'));
      return context === undefined ? undefined : { 'kms:EncryptionContextKeys': context['kms:EncryptionContextKeys']! };
    },
    'kms:RequestAlias': (request) => {
      const value = keyMember(request, 'KeyId');
      if (value === undefined) return undefined;
      const alias = value.startsWith('alias/') ? value : value.startsWith('arn:') ? value.split(':')[5] : undefined;
      return alias?.startsWith('alias/') ? { 'kms:RequestAlias': alias } : undefined;
    },
    'kms:KeyOrigin': (request) => {
      const origin = keyMember(request, 'Origin');
      return origin === undefined ? undefined : { 'kms:KeyOrigin': origin };
    },
    'kms:GrantOperations': (request) => {
      const operations = request.input.get('Operations');
      return Array.isArray(operations) ? { 'kms:GrantOperations': operations.filter((item): item is string => typeof item === 'string') } : undefined;
    },
    'kms:ReEncryptOnSameKey': (request) => {
      const source = keyMember(request, 'SourceKeyId');
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
};
