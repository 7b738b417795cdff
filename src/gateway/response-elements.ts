// The part of a forwarded call's CloudTrail `responseElements` Tessera records: for the calls
// that create or change something, the members of the answer that name what they made or
// changed — a queue's URL, a message's ID and body digest, a topic's or a subscription's ARN, a
// table's, key's, secret's or function's name and ARN, a parameter's version — in CloudTrail's
// lowerCamelCase (`queueUrl`, `mD5OfMessageBody`, `keyMetadata`, `aRN`), as the services' own
// CloudTrail examples show them (SQS Developer Guide, "Logging Amazon SQS API calls": SendMessage's
// `"responseElements": {"mD5OfMessageBody": …, "messageId": …}`). Nothing else: never a message,
// an item, a plaintext or ciphertext, a secret's value, a grant token, a function's code or
// environment — a member is recorded only if it is named below. Read-only calls record none, as
// CloudTrail records none for them, and neither do the data calls on items (DynamoDB's
// PutItem…, Lambda's Invoke), whose answers are content.
//
// Timestamps are left out (their formats differ between the protocols' answers).

import { DOMParser, type Element } from '@xmldom/xmldom';
import type { WireProtocol } from './model.ts';
import type { GatewayService } from './services.ts';

/**
 * Per service and operation, the answer's members recorded: `Name`, `Outer.Name` (a member of a
 * structure member), `List[].Name` (a member of each structure of a list member).
 */
const RECORDED: Partial<Record<GatewayService, Readonly<Record<string, readonly string[]>>>> = {
  sqs: {
    CreateQueue: ['QueueUrl'],
    SendMessage: ['MessageId', 'MD5OfMessageBody', 'MD5OfMessageAttributes', 'MD5OfMessageSystemAttributes', 'SequenceNumber'],
    SendMessageBatch: ['Successful[].Id', 'Successful[].MessageId', 'Successful[].MD5OfMessageBody', 'Successful[].SequenceNumber', 'Failed[].Id', 'Failed[].Code', 'Failed[].SenderFault'],
  },
  sns: {
    CreateTopic: ['TopicArn'],
    Subscribe: ['SubscriptionArn'],
    Publish: ['MessageId', 'SequenceNumber'],
    CreatePlatformApplication: ['PlatformApplicationArn'],
    CreatePlatformEndpoint: ['EndpointArn'],
  },
  dynamodb: Object.fromEntries(['CreateTable', 'DeleteTable', 'UpdateTable'].map((operation) => [operation, ['TableDescription.TableName', 'TableDescription.TableArn', 'TableDescription.TableId', 'TableDescription.TableStatus']])),
  kms: {
    CreateKey: ['KeyMetadata.AWSAccountId', 'KeyMetadata.KeyId', 'KeyMetadata.Arn', 'KeyMetadata.Enabled', 'KeyMetadata.Description', 'KeyMetadata.KeyUsage', 'KeyMetadata.KeyState', 'KeyMetadata.Origin', 'KeyMetadata.KeyManager', 'KeyMetadata.CustomerMasterKeySpec', 'KeyMetadata.KeySpec', 'KeyMetadata.MultiRegion'],
    CreateGrant: ['GrantId'],
    ScheduleKeyDeletion: ['KeyId', 'KeyState', 'PendingWindowInDays'],
    CancelKeyDeletion: ['KeyId'],
    ReplicateKey: ['ReplicaKeyMetadata.KeyId', 'ReplicaKeyMetadata.Arn'],
  },
  secretsmanager: {
    CreateSecret: ['ARN', 'Name', 'VersionId'],
    PutSecretValue: ['ARN', 'Name', 'VersionId', 'VersionStages'],
    UpdateSecret: ['ARN', 'Name', 'VersionId'],
    DeleteSecret: ['ARN', 'Name'],
    RestoreSecret: ['ARN', 'Name'],
    RotateSecret: ['ARN', 'Name', 'VersionId'],
    CancelRotateSecret: ['ARN', 'Name', 'VersionId'],
    UpdateSecretVersionStage: ['ARN', 'Name'],
    PutResourcePolicy: ['ARN', 'Name'],
    DeleteResourcePolicy: ['ARN', 'Name'],
  },
  ssm: {
    PutParameter: ['Version', 'Tier'],
    LabelParameterVersion: ['ParameterVersion', 'InvalidLabels'],
  },
  lambda: {
    CreateFunction: ['FunctionName', 'FunctionArn', 'Runtime', 'Role', 'Handler', 'Version', 'PackageType', 'State'],
    UpdateFunctionCode: ['FunctionName', 'FunctionArn', 'Version'],
    UpdateFunctionConfiguration: ['FunctionName', 'FunctionArn', 'Runtime', 'Role', 'Handler', 'Version'],
    PublishVersion: ['FunctionName', 'FunctionArn', 'Version'],
    CreateAlias: ['AliasArn', 'Name', 'FunctionVersion'],
    UpdateAlias: ['AliasArn', 'Name', 'FunctionVersion'],
    AddPermission: ['Statement'],
    CreateEventSourceMapping: ['UUID', 'EventSourceArn', 'FunctionArn', 'State'],
    DeleteEventSourceMapping: ['UUID', 'EventSourceArn', 'FunctionArn', 'State'],
    CreateFunctionUrlConfig: ['FunctionUrl', 'FunctionArn', 'AuthType'],
  },
};

/** The largest answer read for its responseElements (the members recorded are names and IDs). */
export const MAX_RECORDED_ANSWER_BYTES = 64 * 1024;

/** Whether the call's answer has members recorded: only then is its body kept as it passes. */
export function recordsAnswer(service: GatewayService, operation: string): boolean {
  return RECORDED[service]?.[operation] !== undefined;
}

type Value = string | number | boolean | string[] | Value[] | { [name: string]: Value };

/** The recorded members of a successful answer's body, or null. */
export function responseElementsOf(service: GatewayService, operation: string, protocol: WireProtocol, body: Buffer): Record<string, Value> | null {
  const paths = RECORDED[service]?.[operation];
  if (paths === undefined || body.length === 0 || body.length > MAX_RECORDED_ANSWER_BYTES) return null;
  const answer = protocol === 'query' ? xmlAnswer(body, operation) : jsonAnswer(body);
  if (answer === undefined) return null;
  const recorded: Record<string, Value> = {};
  for (const path of paths) copyPath(answer, recorded, path.split('.'));
  return Object.keys(recorded).length > 0 ? recorded : null;
}

/** A member read from the answer (JSON object, or the XML result element). */
interface Answer {
  get(name: string): Answer | Value | undefined;
  list(name: string): Answer[];
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function copyPath(from: Answer, to: Record<string, Value>, path: readonly string[]): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (head.endsWith('[]')) {
    const name = head.slice(0, -2);
    const items = from.list(name);
    if (items.length === 0 || rest.length === 0) return;
    const target = (to[lowerFirst(name)] ??= items.map(() => ({}))) as Record<string, Value>[];
    items.forEach((item, index) => copyPath(item, target[index]!, rest));
    return;
  }
  const value = from.get(head);
  if (value === undefined) return;
  if (rest.length === 0) {
    if (!isAnswer(value)) to[lowerFirst(head)] = value;
    return;
  }
  if (!isAnswer(value)) return;
  const inner = (to[lowerFirst(head)] ??= {}) as Record<string, Value>;
  copyPath(value, inner, rest);
  if (Object.keys(inner).length === 0) delete to[lowerFirst(head)];
}

function isAnswer(value: unknown): value is Answer {
  return typeof value === 'object' && value !== null && typeof (value as Answer).get === 'function';
}

function scalar(value: unknown): Value | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

function jsonAnswer(body: Buffer): Answer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  return isObject(parsed) ? jsonObject(parsed) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonObject(object: Record<string, unknown>): Answer {
  return {
    get: (name) => {
      if (!Object.hasOwn(object, name)) return undefined;
      const value = object[name];
      return isObject(value) ? jsonObject(value) : scalar(value);
    },
    list: (name) => (Array.isArray(object[name]) ? (object[name] as unknown[]).filter(isObject).map(jsonObject) : []),
  };
}

/** A Query answer: `<OperationResponse><OperationResult>…`; a list member's items are `<member>` (or flattened, repeated elements). */
function xmlAnswer(body: Buffer, operation: string): Answer | undefined {
  let document;
  try {
    document = new DOMParser({ onError: (level) => {
      if (level !== 'warning') throw new Error('malformed');
    } }).parseFromString(body.toString('utf8'), 'text/xml');
  } catch {
    return undefined;
  }
  const result = children(document.documentElement, `${operation}Result`)[0];
  return result === undefined ? undefined : xmlElement(result);
}

function children(element: Element | null, name?: string): Element[] {
  const found: Element[] = [];
  for (let node = element?.firstChild ?? null; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1 && (name === undefined || (node as Element).localName === name)) found.push(node as Element);
  }
  return found;
}

function xmlElement(element: Element): Answer {
  return {
    get: (name) => {
      const child = children(element, name)[0];
      if (child === undefined) return undefined;
      const members = children(child, 'member');
      if (members.length > 0) return members.map((member) => member.textContent ?? '');
      return children(child).length > 0 ? xmlElement(child) : (child.textContent ?? '');
    },
    list: (name) => {
      const child = children(element, name)[0];
      if (child === undefined) return [];
      const members = children(child, 'member');
      // A flattened list repeats its elements in place of <member>s (SQS's Query answers).
      return (members.length > 0 ? members : children(element, name).filter((item) => children(item).length > 0)).map(xmlElement);
    },
  };
}
