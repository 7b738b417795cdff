// Which forwarded calls CloudTrail records as data events (data plane operations) rather than
// management events. Data events are not in CloudTrail's event history (LookupEvents) and a
// trail delivers them only when its event selectors ask for them (cloudtrail/record.ts keeps
// them apart). From the services' CloudTrail pages and CloudTrail's list of data event
// resource types:
//   S3 (AWS::S3::Object): the object-level operations, multipart uploads included;
//   DynamoDB (AWS::DynamoDB::Table): the item operations and PartiQL statements;
//   SQS (AWS::SQS::Queue): sending, receiving, deleting messages and changing their visibility;
//   SNS (AWS::SNS::Topic): Publish and PublishBatch;
//   Lambda (AWS::Lambda::Function): invocations.
// Every call of KMS, Secrets Manager, SSM and CloudWatch Logs that the gateway forwards is a
// management event (KMS's cryptographic operations and GetSecretValue included).

import { loadGatewayModel } from './model.ts';

const S3_DATA_EVENT = /Object|MultipartUpload|^UploadPart|^ListParts$/;

const DATA_EVENTS: Readonly<Record<string, ReadonlySet<string>>> = {
  dynamodb: new Set([
    'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'Query', 'Scan',
    'TransactGetItems', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction',
  ]),
  sqs: new Set(['SendMessage', 'SendMessageBatch', 'ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch']),
  sns: new Set(['Publish', 'PublishBatch']),
  lambda: new Set(['Invoke', 'InvokeWithResponseStream', 'InvokeAsync']),
};

export function isDataEvent(service: string, operation: string): boolean {
  if (service === 's3') return S3_DATA_EVENT.test(operation);
  return Object.hasOwn(DATA_EVENTS, service) && DATA_EVENTS[service]!.has(operation);
}

/** Lambda's operations CloudTrail names with a second version of their API (`GetFunction20150331v2`). */
const LAMBDA_V2_NAMES: ReadonlySet<string> = new Set([
  'GetFunction', 'GetFunctionConfiguration', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'AddPermission', 'RemovePermission', 'GetPolicy',
]);

/**
 * The eventName CloudTrail records for a forwarded operation: its name, except Lambda's
 * management events, which carry the date of their API version as its URI has it
 * (`CreateFunction20150331`, `ListTags20170331`, `ListLayers20181031`; a few a `v2` after it,
 * `GetFunction20150331v2`). Lambda's invocations are `Invoke`.
 */
export function cloudTrailEventName(service: string, operation: string): string {
  if (service !== 'lambda' || DATA_EVENTS['lambda']!.has(operation)) return operation;
  const uri = loadGatewayModel('lambda').operations.get(operation)?.requestUri ?? '';
  const date = /^\/(\d{4})-(\d{2})-(\d{2})\//.exec(uri);
  if (date === null) return operation;
  return `${operation}${date[1]}${date[2]}${date[3]}${LAMBDA_V2_NAMES.has(operation) ? 'v2' : ''}`;
}
