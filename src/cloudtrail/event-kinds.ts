/**
 * What CloudTrail says about an API call that does not depend on the request: whether it is
 * read-only, and the `AWS::Service::Type` of a resource by its ARN.
 *
 * readOnly: calls that change nothing — Get*, List*, Describe*, Lookup*, Simulate* and
 * Decode* — and STS's AssumeRole* (CloudTrail records them read-only: they issue credentials
 * but change no resource). Everything else is a write.
 */
const READ_ONLY_PREFIXES = ['Get', 'List', 'Describe', 'Lookup', 'Simulate', 'Decode', 'AssumeRole', 'Head'];

export function isReadOnly(eventName: string): boolean {
  return READ_ONLY_PREFIXES.some((prefix) => eventName.startsWith(prefix) && (eventName.length === prefix.length || isUpper(eventName.charAt(prefix.length))));
}

/**
 * Calls of the protected services that CloudTrail records read-only though no prefix says so:
 * KMS's cryptographic operations (the KMS Developer Guide's log entries of Encrypt, Decrypt and
 * GenerateDataKey show "readOnly": true — they use a key, they change none) and DynamoDB's
 * item reads (CloudTrail: read-only events "read your resources, but don't make changes").
 */
const READ_ONLY_CALLS: ReadonlySet<string> = new Set([
  'kms.amazonaws.com:Encrypt', 'kms.amazonaws.com:Decrypt', 'kms.amazonaws.com:ReEncrypt',
  'kms.amazonaws.com:GenerateDataKey', 'kms.amazonaws.com:GenerateDataKeyWithoutPlaintext',
  'kms.amazonaws.com:GenerateDataKeyPair', 'kms.amazonaws.com:GenerateDataKeyPairWithoutPlaintext',
  'kms.amazonaws.com:GenerateRandom', 'kms.amazonaws.com:Sign', 'kms.amazonaws.com:Verify',
  'kms.amazonaws.com:GenerateMac', 'kms.amazonaws.com:VerifyMac',
  'dynamodb.amazonaws.com:Query', 'dynamodb.amazonaws.com:Scan', 'dynamodb.amazonaws.com:BatchGetItem',
  'dynamodb.amazonaws.com:TransactGetItems',
]);

/** Whether CloudTrail records a call of `eventSource` read-only: by its name's prefix, or as one of {@link READ_ONLY_CALLS}. */
export function isReadOnlyCall(eventSource: string, eventName: string): boolean {
  return isReadOnly(eventName) || READ_ONLY_CALLS.has(`${eventSource}:${eventName}`);
}

function isUpper(char: string): boolean {
  return char >= 'A' && char <= 'Z';
}

/** STS calls whose response elements CloudTrail records although they are read-only: they issue credentials. */
const RESPONSE_RECORDED_READS: ReadonlySet<string> = new Set([
  'sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:GetSessionToken', 'sts:GetFederationToken', 'sts:AssumeRoot',
]);

/** CloudTrail records no responseElements for read-only calls (GetUser, ListRoles, LookupEvents…), except STS's credential issuers. */
export function recordsResponse(service: string, eventName: string): boolean {
  return !isReadOnly(eventName) || RESPONSE_RECORDED_READS.has(`${service}:${eventName}`);
}

const SERVICE_TITLES: Readonly<Record<string, string>> = {
  iam: 'IAM', sts: 'STS', s3: 'S3', sqs: 'SQS', sns: 'SNS', kms: 'KMS', dynamodb: 'DynamoDB', lambda: 'Lambda',
  organizations: 'Organizations', cloudtrail: 'CloudTrail', secretsmanager: 'SecretsManager', ssm: 'SSM', logs: 'Logs',
  ec2: 'EC2', cloudwatch: 'CloudWatch',
};

const TYPE_TITLES: Readonly<Record<string, string>> = {
  'instance-profile': 'InstanceProfile', 'oidc-provider': 'OIDCProvider', 'saml-provider': 'SAMLProvider',
  'server-certificate': 'ServerCertificate', mfa: 'MFADevice', 'assumed-role': 'AssumedRole', 'federated-user': 'FederatedUser',
  ou: 'OrganizationalUnit', 'log-group': 'LogGroup', vpc: 'VPC',
};

/**
 * `arn:aws:iam::123456789012:role/x` → `AWS::IAM::Role`; an S3 ARN is a bucket, or an object
 * when it has a key; an SQS ARN a queue, an SNS ARN a topic (a subscription with its ID), whose
 * ARNs name no type.
 */
export function resourceTypeOf(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const service = parts[2]!;
  const resource = parts.slice(5).join(':');
  const title = SERVICE_TITLES[service] ?? pascal(service);
  if (service === 's3') return resource.includes('/') ? 'AWS::S3::Object' : 'AWS::S3::Bucket';
  if (service === 'sqs' && resource !== '') return 'AWS::SQS::Queue';
  if (service === 'sns' && resource !== '') return parts.length > 6 ? 'AWS::SNS::Subscription' : 'AWS::SNS::Topic';
  const type = resource.split(/[/:]/, 1)[0] ?? '';
  if (type === '') return undefined;
  return `AWS::${title}::${TYPE_TITLES[type] ?? pascal(type)}`;
}

/** The name a resource is known by: what follows the last `/` (or `:`) of its ARN. */
export function resourceNameOf(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const slash = resource.lastIndexOf('/');
  return slash >= 0 ? resource.slice(slash + 1) : resource.slice(resource.lastIndexOf(':') + 1);
}

export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

function pascal(text: string): string {
  return text.split(/[-_]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}
