// Service condition keys the Service Authorization Reference lists for an action whose value is
// in the request, but under another name than the key's — so conditions.ts (which matches a key
// to an input member of the same name) never sets them, and a Deny conditioned on them
// (`NumericLessThan kms:ScheduleKeyDeletionPendingWindowInDays 30`, `StringEquals
// lambda:FunctionUrlAuthType NONE`, `Bool ec2:Encrypted false`, …) silently did not apply: an
// absent key fails every non-negated operator. Each was a confirmed bypass against moto
// (test/integration/gateway-services-advisory-sweep.test.ts).
//
// `withRequestConditionKeys(rules)` returns the rules with these readers added: service keys as
// `conditions` readers (decided for the action's own key list), EC2's as a `checkContext` laid
// over the service's own (EC2 lists them under resource types: the instance, volume and network
// interface checks), in src/gateway/services/index.ts.
//
// Choices (stricter where the request does not say):
// - secretsmanager:KmsKeyArn is the KmsKeyId given as a key ARN, or a bare key ID as its ARN in the
//   request's account and region; an alias (whose key only the upstream knows) is set as the
//   alias ARN, which no policy naming key ARNs matches (a `StringNotEquals` Deny then applies).
// - ec2:Encrypted of a new volume is `false` unless the request says `true` (moto's default, and
//   AWS's without encryption by default), and RunInstances' volume check is `false` when any
//   block device mapping is not encrypted; ec2:VolumeSize is the largest size; ec2:VolumeType
//   every type named (a multi-valued context value: a StringEquals Deny on any of them applies).
// - ec2:AssociatePublicIpAddress is `true` when any network interface asks for one.

import type { ConditionReader, RuleContext, ServiceRules } from '../rules.ts';
import type { IdentifiedRequest } from '../identify.ts';
import type { GatewayService } from '../services.ts';
import type { ConditionValue } from '../types.ts';

type Context = Record<string, ConditionValue>;

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record).filter((item): item is Record<string, unknown> => item !== undefined) : [];
}

/** A reader setting `key` from the input member `member` (a scalar). */
function fromMember(key: string, member: string): ConditionReader {
  return (request) => {
    const value = scalar(request.input.get(member));
    return value === undefined ? undefined : { [key]: value };
  };
}

const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** secretsmanager:KmsKeyArn from KmsKeyId: an ARN as given; a key ID or alias as its ARN in the request's account and region. */
export function secretKmsKeyArn(request: IdentifiedRequest, context: RuleContext): Context | undefined {
  const value = scalar(request.input.get('KmsKeyId'));
  if (value === undefined) return undefined;
  if (value.startsWith('arn:')) return { 'secretsmanager:KmsKeyArn': value };
  const account = context.request.requestAccountId || context.ownerAccountId;
  if (KEY_ID.test(value)) return { 'secretsmanager:KmsKeyArn': `arn:aws:kms:${context.region}:${account}:key/${value}` };
  if (value.startsWith('alias/')) return { 'secretsmanager:KmsKeyArn': `arn:aws:kms:${context.region}:${account}:${value}` };
  return { 'secretsmanager:KmsKeyArn': value };
}

export const REQUEST_CONDITION_READERS: Readonly<Partial<Record<GatewayService, Readonly<Record<string, ConditionReader>>>>> = {
  kms: {
    // "kms:DataKeyPairSpec": the KeyPairSpec parameter of GenerateDataKeyPair(WithoutPlaintext).
    'kms:DataKeyPairSpec': fromMember('kms:DataKeyPairSpec', 'KeyPairSpec'),
    // "kms:GrantConstraintType": EncryptionContextEquals or EncryptionContextSubset, by the
    // constraint CreateGrant's Constraints carries.
    'kms:GrantConstraintType': (request) => {
      const constraints = record(request.input.get('Constraints'));
      if (constraints === undefined) return undefined;
      const types = ['EncryptionContextEquals', 'EncryptionContextSubset'].filter((name) => record(constraints[name]) !== undefined);
      return types.length === 0 ? undefined : { 'kms:GrantConstraintType': types.length === 1 ? types[0]! : types };
    },
  },
  lambda: {
    // Lambda Developer Guide, "Control access to function URLs": lambda:FunctionUrlAuthType is
    // the AuthType of CreateFunctionUrlConfig / UpdateFunctionUrlConfig (AddPermission's own
    // FunctionUrlAuthType member is already read by name).
    'lambda:FunctionUrlAuthType': (request) => {
      const value = scalar(request.input.get('AuthType')) ?? scalar(request.input.get('FunctionUrlAuthType'));
      return value === undefined ? undefined : { 'lambda:FunctionUrlAuthType': value };
    },
  },
  secretsmanager: {
    'secretsmanager:KmsKeyArn': (request, context) => secretKmsKeyArn(request, context),
  },
  logs: {
    // The resource whose logs a delivery source sends (PutDeliverySource's resourceArn), and the
    // resource a delivery destination writes to (PutDeliveryDestination's
    // deliveryDestinationConfiguration.destinationResourceArn).
    'logs:LogGeneratingResourceArns': (request) => {
      const value = scalar(request.input.get('resourceArn'));
      return value === undefined ? undefined : { 'logs:LogGeneratingResourceArns': [value] };
    },
    'logs:DeliveryDestinationResourceArn': (request) => {
      const value = scalar(record(request.input.get('deliveryDestinationConfiguration'))?.['destinationResourceArn']);
      return value === undefined ? undefined : { 'logs:DeliveryDestinationResourceArn': value };
    },
  },
};

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

function numbers(values: unknown[]): number[] {
  return values.map((value) => (typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN)).filter((value) => Number.isFinite(value));
}

function distinct(values: unknown[]): string[] {
  return [...new Set(values.map(scalar).filter((value): value is string => value !== undefined))];
}

/** The EC2 keys of a new volume's attributes, from CreateVolume's members or RunInstances' block device mappings. */
function volumeKeys(volumes: Record<string, unknown>[], zone: unknown, defaults: { type?: string }): Context {
  const result: Context = {};
  if (volumes.length === 0) return result;
  result['ec2:Encrypted'] = volumes.every((volume) => truthy(volume['Encrypted'])) ? 'true' : 'false';
  const sizes = numbers(volumes.map((volume) => volume['Size'] ?? volume['VolumeSize']));
  if (sizes.length > 0) result['ec2:VolumeSize'] = String(Math.max(...sizes));
  const types = distinct(volumes.map((volume) => volume['VolumeType'] ?? defaults.type));
  if (types.length > 0) result['ec2:VolumeType'] = types.length === 1 ? types[0]! : types;
  const iops = numbers(volumes.map((volume) => volume['Iops']));
  if (iops.length > 0) result['ec2:VolumeIops'] = String(Math.max(...iops));
  const throughput = numbers(volumes.map((volume) => volume['Throughput']));
  if (throughput.length > 0) result['ec2:VolumeThroughput'] = String(Math.max(...throughput));
  const keys = distinct(volumes.map((volume) => volume['KmsKeyId']));
  if (keys.length > 0) result['ec2:KmsKeyId'] = keys.length === 1 ? keys[0]! : keys;
  const az = scalar(zone);
  if (az !== undefined) result['ec2:AvailabilityZone'] = az;
  return result;
}

/** EC2 keys of the instance, volume and network-interface checks that the request's members say. */
export function ec2RequestContext(request: IdentifiedRequest, check: { action: string; resourceType?: string; created: boolean }): Context | undefined {
  const input = request.input;
  const operation = request.operation.name;
  if (operation === 'CreateVolume' && check.action === 'CreateVolume' && check.resourceType === 'volume') {
    return volumeKeys([Object.fromEntries(input)], input.get('AvailabilityZone'), { type: 'gp2' });
  }
  if (operation !== 'RunInstances' || check.action !== 'RunInstances') return undefined;
  const placement = record(input.get('Placement')) ?? {};
  if (check.resourceType === 'instance') {
    const result: Context = {};
    const metadata = record(input.get('MetadataOptions')) ?? {};
    const pairs: [string, unknown][] = [
      ['ec2:MetadataHttpTokens', metadata['HttpTokens']],
      ['ec2:MetadataHttpPutResponseHopLimit', metadata['HttpPutResponseHopLimit']],
      ['ec2:MetadataHttpEndpoint', metadata['HttpEndpoint']],
      ['ec2:InstanceMetadataTags', metadata['InstanceMetadataTags']],
      ['ec2:EbsOptimized', input.get('EbsOptimized')],
      ['ec2:AvailabilityZone', placement['AvailabilityZone']],
    ];
    for (const [key, value] of pairs) {
      const text = scalar(value);
      if (text !== undefined) result[key] = text;
    }
    result['ec2:Tenancy'] = scalar(placement['Tenancy']) ?? 'default';
    const market = scalar(record(input.get('InstanceMarketOptions'))?.['MarketType']);
    result['ec2:InstanceMarketType'] = market ?? 'on-demand';
    return result;
  }
  if (check.resourceType === 'network-interface') {
    const interfaces = list(input.get('NetworkInterfaces'));
    if (interfaces.length === 0) return undefined;
    return { 'ec2:AssociatePublicIpAddress': interfaces.some((item) => truthy(item['AssociatePublicIpAddress'])) ? 'true' : 'false' };
  }
  if (check.resourceType === 'volume') {
    const volumes = list(input.get('BlockDeviceMappings')).map((mapping) => record(mapping['Ebs'])).filter((ebs): ebs is Record<string, unknown> => ebs !== undefined);
    return volumeKeys(volumes, placement['AvailabilityZone'], {});
  }
  return undefined;
}

/** The rules with the readers above added (a service's own reader of a key wins). */
export function withRequestConditionKeys<T extends Readonly<Record<GatewayService, ServiceRules>>>(rules: T): T {
  const result: Record<string, ServiceRules> = {};
  for (const [service, own] of Object.entries(rules) as [GatewayService, ServiceRules][]) {
    const readers = REQUEST_CONDITION_READERS[service];
    let next: ServiceRules = readers === undefined ? own : { ...own, conditions: { ...readers, ...own.conditions } };
    if (service === 'ec2') {
      const base = own.checkContext;
      const baseKeys = own.checkContextKeys;
      next = {
        ...next,
        checkContext: (request, check, context) => ({ ...(ec2RequestContext(request, check) ?? {}), ...(base?.(request, check, context) ?? {}) }),
        checkContextKeys: (operation, action, members) => {
          const keys = [...(baseKeys?.(operation, action, members) ?? [])];
          if (operation === 'CreateVolume' && action === 'CreateVolume') keys.push('ec2:Encrypted', 'ec2:VolumeSize', 'ec2:VolumeType', 'ec2:VolumeIops', 'ec2:VolumeThroughput', 'ec2:KmsKeyId', 'ec2:AvailabilityZone');
          if (operation === 'RunInstances' && action === 'RunInstances') keys.push('ec2:MetadataHttpTokens', 'ec2:MetadataHttpPutResponseHopLimit', 'ec2:MetadataHttpEndpoint', 'ec2:InstanceMetadataTags', 'ec2:EbsOptimized', 'ec2:Tenancy', 'ec2:InstanceMarketType', 'ec2:AssociatePublicIpAddress', 'ec2:Encrypted (and the other volume keys of BlockDeviceMappings)');
          return keys;
        },
      };
    }
    result[service] = next;
  }
  return result as T;
}
