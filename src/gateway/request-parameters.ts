// The part of a forwarded call's CloudTrail `requestParameters` Tessera records for the JSON,
// Query and REST-JSON services: the members that name what the call is about — its queue,
// topic, table, key, function, secret, parameter, log group or EC2 resources, and a few plain settings — in
// CloudTrail's lowerCamelCase (`tableName`, `queueUrl`, `keyId`, …). Nothing else: never a
// message body, an item, a secret's value, a plaintext, a policy or a tag value, so no secret
// reaches the audit this way. S3's are the server's (bucket, key and Host).

import { identify } from './identify.ts';
import type { GatewayService } from './services.ts';
import type { GatewayRequest } from './types.ts';

/** Per service, the members recorded (each a name, ARN, URL or setting: never content). */
const RECORDED: Partial<Record<GatewayService, readonly string[]>> = {
  sqs: ['QueueUrl', 'QueueName', 'QueueNamePrefix', 'MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds'],
  sns: ['TopicArn', 'Name', 'SubscriptionArn', 'Protocol', 'TargetArn'],
  dynamodb: ['TableName', 'IndexName', 'ConsistentRead', 'Select', 'Limit', 'ReturnValues', 'BackupArn', 'ResourceArn'],
  // An encryption context is no secret: KMS writes it in CloudTrail in plaintext (KMS Developer
  // Guide, "Encryption context"), and its log entries of Encrypt and GenerateDataKey show it.
  kms: ['KeyId', 'AliasName', 'TargetKeyId', 'EncryptionAlgorithm', 'KeySpec', 'KeyUsage', 'NumberOfBytes', 'GrantId', 'SourceKeyId', 'DestinationKeyId', 'SigningAlgorithm', 'MessageType', 'EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext'],
  lambda: ['FunctionName', 'Qualifier', 'InvocationType', 'LogType', 'Runtime', 'Handler', 'Role', 'StatementId'],
  secretsmanager: ['SecretId', 'Name', 'VersionId', 'VersionStage', 'RecoveryWindowInDays', 'ForceDeleteWithoutRecovery'],
  ssm: ['Name', 'Names', 'Path', 'Recursive', 'WithDecryption', 'Type', 'Overwrite', 'Tier', 'DocumentName', 'ResourceId', 'ResourceType'],
  ec2: ['InstanceIds', 'InstanceId', 'ImageId', 'InstanceType', 'VolumeId', 'SnapshotId', 'GroupId', 'SubnetId', 'VpcId', 'KeyName', 'Resources'],
  monitoring: ['Namespace', 'MetricName', 'AlarmName', 'AlarmNames', 'AlarmNamePrefix', 'DashboardName', 'DashboardNames', 'RuleName', 'RuleNames', 'Name', 'Names', 'ResourceARN', 'StateValue'],
  logs: ['logGroupName', 'logGroupIdentifier', 'logStreamName', 'logGroupNamePrefix', 'logStreamNamePrefix', 'filterName', 'destinationName', 'retentionInDays', 'startTime', 'endTime', 'limit'],
};

type Recorded = string | number | boolean | string[] | Record<string, string>;

export function requestParametersOf(service: GatewayService, request: GatewayRequest): Record<string, Recorded> | null {
  if (RECORDED[service] === undefined) return null;
  const identified = identify(service, request);
  return 'kind' in identified ? null : recordedParametersOf(service, identified.input);
}

/** The same, from the input members the mapper already read (the body is not parsed again). */
export function recordedParametersOf(service: GatewayService, input: ReadonlyMap<string, unknown>): Record<string, Recorded> | null {
  const members = RECORDED[service];
  if (members === undefined) return null;
  const recorded: Record<string, Recorded> = {};
  for (const member of members) {
    const raw = input.get(member);
    const value = member.endsWith('EncryptionContext') ? stringMap(raw) : plain(raw);
    if (value !== undefined) recorded[member.charAt(0).toLowerCase() + member.slice(1)] = value;
  }
  return Object.keys(recorded).length > 0 ? recorded : null;
}

/** An encryption context: a map of strings, bounded; anything else is not recorded. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let count = 0;
  // Counted before any is copied: a 10,000-entry map is not recorded, and costs 51 steps.
  for (const key in value) if (Object.hasOwn(value, key) && ++count > 50) return undefined;
  const entries = Object.entries(value);
  if (!entries.every(([key, item]) => key.length <= 2048 && typeof item === 'string' && item.length <= 2048)) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}

/** A string, number, boolean or list of strings, bounded; anything else is not recorded. */
function plain(value: unknown): Recorded | undefined {
  if (typeof value === 'string') return value.length <= 2048 ? value : undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.length <= 50 && value.every((item) => typeof item === 'string' && item.length <= 2048)) return value as string[];
  return undefined;
}
