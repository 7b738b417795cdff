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
