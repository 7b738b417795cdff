// Requests naming one resource in a form that the gateway and the upstream resolve to different
// resources ("one resource named two ways"): the gateway authorizes what it reads, so a request
// whose resource the upstream would find otherwise is refused — in the service's own validation
// error (ValidationException, or InvalidParameterValue for the Query services) — rather than
// authorized on one resource and performed on another. Each was a bypass against moto_server
// (docs/gateway.md, "Ambiguous requests"):
//
//   CloudWatch Logs: logGroupIdentifier where the operation also takes logGroupName is forwarded
//     as logGroupName (moto's lookup of an identifier kept the last log group of the region:
//     GetLogEvents by the ARN of one group read the newest group's events); one naming a group of
//     another partition, region or account is refused (logs-group-identifier.ts).
//   KMS, Lambda: a key or function ARN of another partition (or, KMS, region) than the
//     request's, or whose account is no account ID (`xyz`, empty, padded). moto keeps only what
//     follows `:key/` or the function name and acts in the request's own region, partition and
//     account, where the gateway decided on the ARN as written — so a Deny on
//     `arn:aws:kms:us-east-1:<account>:key/<id>` did not apply to `arn:aws-cn:…:key/<id>`, and
//     DeleteFunction by `arn:aws:lambda:us-east-1:xyz:function:<name>` deleted a function a Deny
//     protected. A key ARN whose resource is not `key/<id>` or `alias/<name>` likewise
//     (`…:key/<id>:key/x` was key `<id>` to moto, another resource to the gateway). (Lambda's other region: parser-differential.ts.) Any other service's resource
//     ARN whose account is neither empty nor an account ID is refused too: the request is
//     forwarded to act in the caller's account.
//   SSM: a parameter name under `/aws/reference/` (`/aws/reference/secretsmanager/<secret>`),
//     which Parameter Store answers with a Secrets Manager secret: authorized as
//     ssm:GetParameter on a parameter, it read the secret without secretsmanager:GetSecretValue.
//     And a parameter ARN holding more than a selector's `:` (`…:parameter/secret` followed by
//     `arn:…:parameter`): moto strips the prefix wherever it occurs and read `secret`, the gateway
//     decided `parameter/secretarn`.
//   DynamoDB: RestoreTableToPointInTime's source table named by SourceTableArn and
//     SourceTableName both: the gateway decided on the ARN, moto copied the table the name names.
//   Several accounts in one request (DynamoDB's batches and transactions, SSM's lists): the
//     upstream acts in one account — the first resource's — and finds every name there, where
//     the gateway decided each name in the caller's own account. A table another account shared,
//     by its ARN, then a bare table name: the caller's own table of that name was authorized, the
//     other account's read and overwritten.
//   EC2: a security group named by GroupName as well as GroupId, or by GroupName on an
//     operation whose input has no GroupName (the egress rules): the gateway authorizes GroupId;
//     moto takes GroupName first — and finds a group by ID under it — so a rule was added to, or
//     DeleteSecurityGroup deleted, another group. And RunInstances naming security groups by
//     name (SecurityGroup.N) beside IDs: the gateway checked the IDs alone, moto launched the
//     instance into the named groups too.
//
// (Secrets Manager's ARN with the form of a full one is resolved upstream instead of refused:
// services/secretsmanager.ts.)

import type { AuthorizationCheck } from '../authz/target.ts';
import type { IdentifiedRequest } from './identify.ts';
import { dynamodbExpressionAmbiguity } from './dynamodb-expression-ambiguity.ts';
import { logGroupIdentifierRefusal } from './logs-group-identifier.ts';
import { inputMembers, loadGatewayModel } from './model.ts';
import { arnAccount, strings } from './resources.ts';
import { iamPrefix, type GatewayService } from './services.ts';
import type { GatewayRequest } from './types.ts';
import { parseQueryString } from './wire/query-string.ts';

const ACCOUNT_ID = /^\d{12}$/;

/** Why the request names its resource ambiguously, or undefined. */
export function resourceNameAmbiguity(identified: IdentifiedRequest, request: GatewayRequest): string | undefined {
  switch (identified.service) {
    case 'logs':
      return logGroupIdentifierRefusal(identified, request);
    case 'kms':
      return arnElsewhere(identified, request.region, 'kms', ['KeyId', 'TargetKeyId', 'SourceKeyId', 'DestinationKeyId'], true);
    case 'lambda':
      return arnElsewhere(identified, request.region, 'lambda', ['FunctionName', 'Resource'], false);
    case 'ssm':
      return parameterNameAmbiguity(identified);
    case 'dynamodb':
      return sourceTableNamedTwice(identified) ?? dynamodbExpressionAmbiguity(identified.input);
    case 'ec2':
      return securityGroupNamedTwice(identified, request) ?? runInstancesGroupNames(identified);
    default:
      return undefined;
  }
}

/**
 * An ARN of another partition (or region) than the request's, or of no account ID, in a member
 * naming the resource; for KMS, also a resource part other than `key/<id>` or `alias/<name>`.
 * The gateway's own ARNs are `arn:aws:…` in the request's region, and the upstream keeps only
 * the resource's name or id from an ARN — so such an ARN is decided on one resource while the
 * upstream acts on the request's own resource of that name or id.
 */
function arnElsewhere(identified: IdentifiedRequest, region: string, service: string, members: readonly string[], checkRegion: boolean): string | undefined {
  for (const member of members) {
    for (const value of strings(identified.input.get(member))) {
      const parts = value.split(':');
      // A partial function ARN, `<account>:function:<name>`, carries an account too.
      if (service === 'lambda' && parts[0] !== 'arn' && parts[1] === 'function' && !ACCOUNT_ID.test(parts[0]!)) return `${member} names a function of the account ${clipped(parts[0]!)}, which is no account ID`;
      // `function:<x>` and `<account>:<x>`: Lambda's name pattern takes the first part for an
      // optional prefix (the function <x>); moto, and the gateway, for the function's name
      // (the function `function` or `<account>`, qualifier <x>).
      if (service === 'lambda' && parts.length === 2 && (parts[0] === 'function' || ACCOUNT_ID.test(parts[0]!))) {
        return `${member} ${clipped(value)} is the function ${clipped(parts[1]!)} to Lambda but the function ${parts[0]} with the qualifier ${clipped(parts[1]!)} to other implementations: name the function by its ARN`;
      }
      if (parts[0] !== 'arn') continue;
      const [, partition = '', named = '', arnRegion = '', account = ''] = parts;
      if (named !== service) continue;
      if (partition !== 'aws') return `${member} names a resource in the partition ${clipped(partition)}: Tessera acts in the aws partition`;
      if (checkRegion && arnRegion !== region) return `${member} names a resource in the region ${clipped(arnRegion)}: this request is signed for ${clipped(region)}`;
      if (!ACCOUNT_ID.test(account)) return `${member} names a resource of the account "${clipped(account)}", which is no account ID`;
      // moto reads a key ARN's id up to the next `:key/` and an alias ARN from its first
      // `:alias/`, where the gateway read the whole rest (`key/<id>:key/x` was key `<id>` to moto).
      if (service === 'kms' && !/^(?:key\/[^:/]+|alias\/[^:]+)$/.test(parts.slice(5).join(':'))) return `${member} names the key ARN ${clipped(value)}, whose resource is neither key/<id> nor alias/<name>`;
    }
  }
  return undefined;
}

/**
 * A parameter name under `/aws/reference/` — by name or in a parameter ARN, with or without a
 * selector: Parameter Store answers `/aws/reference/secretsmanager/<secret>` with the secret's
 * value, a resource of Secrets Manager that ssm:GetParameter does not authorize. And a parameter
 * ARN with more than one `:` after its name's start: a name holds none, a selector is one. moto
 * removes every occurrence of the account's `arn:…:parameter` prefix from an ARN, so
 * `arn:…:parameter/secret` + `arn:…:parameter` was `/secret` to moto, and `parameter/secretarn` (a
 * selector cut at the first `:`) to the gateway: a Deny on `parameter/secret` did not apply.
 */
function parameterNameAmbiguity(identified: IdentifiedRequest): string | undefined {
  for (const member of ['Name', 'Names']) {
    for (const value of strings(identified.input.get(member))) {
      let name = value;
      if (name.startsWith('arn:')) {
        const at = name.indexOf(':parameter');
        if (at < 0) continue;
        name = name.slice(at + ':parameter'.length);
        if (name.split(':').length > 2) return `${member} names the parameter ARN ${clipped(value)}, whose name holds a \`:\` besides a version or label selector`;
      }
      if (name.toLowerCase().startsWith('/aws/reference/')) {
        return `${member} names ${clipped(value)}, a Secrets Manager secret read through Parameter Store: Tessera does not forward it; call Secrets Manager's GetSecretValue, which is authorized on the secret`;
      }
    }
  }
  return undefined;
}

/**
 * Why a request acting in another account also names resources outside it, or undefined. The
 * request is forwarded to act in the account of its first resource, and the upstream finds every
 * resource named by name in that one — where the gateway decided a name in the caller's own
 * account. So when the first resource is another account's, the service's other checks must be
 * of that account too. (Acting in the caller's own account, another account's resource can only
 * be named by its ARN, which moto does not find there: left as it is.) Not S3 (a bucket's name
 * is global) nor KMS (a key is named by an ID no other account has; cross-account ReEncrypt and
 * grants are ordinary).
 */
export function accountsAmbiguity(service: GatewayService, targets: readonly AuthorizationCheck[], ownerAccountId: string): string | undefined {
  if (service === 's3') return undefined;
  // An account field that is no account ID: the request would act in the caller's account on
  // a resource decided as another's (empty is some formats' own: `…::image/ami-…`).
  for (const target of targets) {
    const account = target.resource.split(':')[4];
    if (account !== undefined && account !== '' && !ACCOUNT_ID.test(account)) return `The request names a resource of the account "${clipped(account)}", which is no account ID`;
  }
  if (service === 'kms') return undefined;
  const first = targets[0];
  if (first === undefined || first.resource === '*') return undefined;
  const acting = arnAccount(first.resource) ?? ownerAccountId;
  if (acting === ownerAccountId) return undefined;
  const prefix = `${iamPrefix(service)}:`;
  for (const target of targets) {
    if (!target.action.startsWith(prefix) || target.resource === '*') continue;
    const account = arnAccount(target.resource) ?? ownerAccountId;
    if (account !== acting) return `The request names a resource of the account ${acting} first, then one of ${account}: the service acts in one account; name each by its ARN in one account, or send one request per account`;
  }
  return undefined;
}

/**
 * RestoreTableToPointInTime names its source by SourceTableArn or SourceTableName. The gateway
 * reads the ARN (a whole ARN names a resource outright), moto only the name: given both, the
 * ARN's table was authorized and the name's copied into the new table.
 */
function sourceTableNamedTwice(identified: IdentifiedRequest): string | undefined {
  const given = (member: string) => strings(identified.input.get(member)).length > 0;
  if (!given('SourceTableArn') || !given('SourceTableName')) return undefined;
  return `${identified.operation.name} names its source table by both SourceTableArn and SourceTableName: name it by one`;
}

/** The EC2 operations moto reads a security group's GroupName for before its GroupId. */
const GROUP_NAME_FIRST = new Set([
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'UpdateSecurityGroupRuleDescriptionsIngress',
  'UpdateSecurityGroupRuleDescriptionsEgress',
  'DeleteSecurityGroup',
]);

/**
 * GroupName beside GroupId, or GroupName where the operation's input has none. Read from the
 * request's parameters as sent (the egress operations' input has no GroupName, so it is not
 * among the members the gateway read). A GroupName alone, where the input has one, is refused
 * by the EC2 rules already (services/ec2.ts: its ID only the upstream knows).
 */
function securityGroupNamedTwice(identified: IdentifiedRequest, request: GatewayRequest): string | undefined {
  const operation = identified.operation.name;
  if (!GROUP_NAME_FIRST.has(operation)) return undefined;
  const params = new Map(identified.query);
  if (request.body !== undefined && request.body.length > 0) {
    for (const [name, values] of parseQueryString(request.body.toString('utf8')) ?? []) params.set(name, values);
  }
  let groupName = false;
  let groupId = false;
  for (const [name, values] of params) {
    const lower = name.toLowerCase();
    const given = values.some((value) => value !== '');
    if (lower === 'groupname' && given) groupName = true;
    if (lower === 'groupid' && given) groupId = true;
  }
  if (!groupName) return undefined;
  const takesName = Object.hasOwn(inputMembers(loadGatewayModel('ec2'), identified.operation), 'GroupName');
  if (groupId) return `${operation} names its security group by both GroupId and GroupName: name it by GroupId alone`;
  if (!takesName) return `${operation} takes no GroupName: name the security group by GroupId`;
  return undefined;
}

/**
 * RunInstances with security groups by name (SecurityGroup.N) and by ID (SecurityGroupId.N, or a
 * network interface's SecurityGroupId.N). The gateway checks the IDs — names alone are checked as
 * `security-group/*`, as it cannot tell which groups they are — while moto attaches the named
 * groups as well: an instance went into a group the policy did not allow.
 */
function runInstancesGroupNames(identified: IdentifiedRequest): string | undefined {
  if (identified.operation.name !== 'RunInstances' || strings(identified.input.get('SecurityGroups')).length === 0) return undefined;
  const interfaces = identified.input.get('NetworkInterfaces');
  if (strings(identified.input.get('SecurityGroupIds')).length === 0 && !(Array.isArray(interfaces) && interfaces.length > 0)) return undefined;
  return 'RunInstances names security groups by both name (SecurityGroup.N) and ID: name them all by SecurityGroupId.N';
}

function clipped(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
