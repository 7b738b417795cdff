// Deliveries that invoke a function or write logs (docs/gateway.md, "Deliveries between services"), beside
// delivery-targets.ts and decided the same way, once the caller is authorized: a call that has
// a service write into another resource later is accepted only when that resource's policy
// lets the service do it, as AWS checks it when the call is made. Each is a delivery moto
// really makes and checks nothing about:
//
//   - CloudWatch Logs PutSubscriptionFilter to a Lambda function: moto invokes the function
//     with every PutLogEvents of the group. AWS first checks that the function's policy lets
//     `logs.<region>.amazonaws.com` (or `logs.amazonaws.com`) lambda:InvokeFunction with
//     aws:SourceArn `arn:aws:logs:<region>:<account>:log-group:<name>:*` — the ARN with `:*`,
//     as the Lambda permission must name it (hashicorp/terraform-provider-aws#16162, which quotes
//     the refusal below for a permission without it) — and answers 400 InvalidParameterException
//     "Could not execute the lambda function. Make sure you have given CloudWatch Logs
//     permission to execute your function." (quoted in hashicorp/terraform#5996,
//     localstack/localstack#2653, newrelic/aws-log-ingestion#1; moto answers the same text when
//     the function does not exist).
//   - PutSubscriptionFilter to a `logs` ARN: AWS delivers only to a destination
//     (`…:destination:<name>`, made by PutDestination), whose access policy must let the caller
//     logs:PutSubscriptionFilter — AccessDeniedException "User with accountId: <caller's> is not
//     authorized to perform: logs:PutSubscriptionFilter on resource: <destination ARN>"
//     (aws/aws-cli#4422, which also says it is the same in the destination's own account;
//     CloudSnorkel/CloudWatch2S3#19); the request's decision already authorizes the caller on the
//     ARN. moto instead writes every event into the LOG GROUP of the ARN's account named by its
//     last part, whatever the ARN's type, and never to a destination: a caller allowed
//     logs:PutSubscriptionFilter on a log group (`log-group:*`, say) could fill it without any
//     right to write its events. A `logs` ARN that is not a destination's is refused, and so
//     is a destination the upstream does not have (moto would write into a log group of its
//     name).
//   - Secrets Manager RotateSecret: moto invokes the rotation function (each rotation step).
//     AWS checks the function's policy for `secretsmanager.amazonaws.com` and answers
//     AccessDeniedException "Secrets Manager cannot invoke the specified Lambda function.
//     Ensure that the function policy grants access to the principal
//     secretsmanager.amazonaws.com." (the comment beside RotateSecret's retry in
//     hashicorp/terraform-provider-aws, and CloudFormation failures quoting it whole).
//   - S3 PutBucketLogging: moto writes a log object into the target bucket for each request to
//     the logged bucket, after a check of its own that reads only a bucket-policy statement's
//     Principal, Action and Resource — not its Condition, nor any Deny. AWS's recommended
//     grant (Amazon S3 User Guide, "Permissions for log delivery") is for
//     `logging.s3.amazonaws.com` s3:PutObject on `<target>/<prefix>*` with aws:SourceArn the
//     logged bucket and aws:SourceAccount its owner, so a target open to one source bucket was
//     open to every bucket of the account. Decided here by the policy engine (or the
//     log-delivery group's WRITE and READ_ACP grant, which has no conditions), refused with S3's
//     400 InvalidTargetBucketForLogging and the text moto answers for its own check (AWS's
//     older text, before bucket policies served, is quoted in s3tools/s3cmd#614: "You must give
//     the log-delivery group WRITE and READ_ACP permissions to the target bucket"), with the
//     <TargetBucket> element S3 adds (zalando-stups/sevenseconds#29).
//   - SNS to a Lambda function (Subscribe with Protocol lambda, then every Publish): moto
//     invokes the same-named function of the topic's account in the ARN's region. AWS needs
//     the function's policy to let `sns.amazonaws.com` lambda:InvokeFunction with aws:SourceArn
//     the topic (Lambda Developer Guide, "Using Lambda with Amazon SNS"), else its delivery
//     fails. Checked with SQS subscriptions in sns-deliveries.ts: Subscribe and Publish are refused
//     instead — stricter than AWS, whose Subscribe succeeds — with Tessera's own answers.
//
// Kinesis and Firehose destinations need a roleArn, which the gateway already authorizes as
// iam:PassRole (services/logs.ts); moto delivers only to a stream of the caller's own account.

import { GatewayError, gatewayError, type GatewayFailure } from '../../gateway/errors.ts';
import type { MappedRequest } from '../../gateway/index.ts';
import type { TargetSources } from '../../gateway/resolve-target.ts';
import { errorCodeOf, s3Parts, UpstreamReadError } from '../../gateway/upstream-reads.ts';
import { childText, descendants, xmlRoot } from '../../gateway/upstream-xml.ts';
import { arnParts, deliveryContext, inputOf, mayDeliver, readsIn, serviceMayDeliver, stringMember, targetPolicy } from './delivery-targets.ts';
import type { Flow } from './flow.ts';

export const LOGS_LAMBDA_REFUSAL = 'Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.';
export const ROTATION_REFUSAL = 'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.';
export const LOGGING_REFUSAL = 'You must either provide the necessary permissions to the logging service using a bucket policy or give the log-delivery group WRITE and READ_ACP permissions to the target bucket';
export const LOG_DELIVERY_GROUP = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
/** DescribeDestinations pages read to find one destination by name. */
export const MAX_DESTINATION_PAGES = 20;

/** The log group's ARN as CloudWatch Logs gives it as aws:SourceArn: with `:*`. */
export function logGroupSourceArn(region: string, account: string, group: string): string {
  return `arn:aws:logs:${region}:${account}:log-group:${group}:*`;
}

/** A destination's ARN (`arn:aws:logs:<region>:<account>:destination:<name>`), whole: its parts; anything else: undefined. */
export function logsDestination(arn: string): { region: string; account: string; name: string } | undefined {
  const parts = arnParts(arn);
  if (parts === undefined || parts.service !== 'logs' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(parts.region) || !/^\d{12}$/.test(parts.account)) return undefined;
  // A destination's name has no `:` (PutDestination: [^:*]*); moto would take the segment after it.
  const match = /^destination:([^:*]{1,512})$/.exec(parts.rest);
  return match ? { region: parts.region, account: parts.account, name: match[1]! } : undefined;
}

/** Whether the upstream has the destination (DescribeDestinations by its name as prefix, page by page). */
async function destinationExists(flow: Flow, destination: { region: string; account: string; name: string }): Promise<boolean> {
  const reads = readsIn(flow, 'logs', destination.region)(destination.account);
  let token: string | undefined;
  for (let page = 0; page < MAX_DESTINATION_PAGES; page++) {
    const body = Buffer.from(JSON.stringify({ DestinationNamePrefix: destination.name, ...(token ? { nextToken: token } : {}) }));
    const response = await reads.call({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.DescribeDestinations' }, body });
    if (response.status < 200 || response.status >= 300) throw new UpstreamReadError(`the logs upstream answered ${response.status}${errorCodeOf(response) ? ` ${errorCodeOf(response)}` : ''} to DescribeDestinations`);
    const answer = JSON.parse(response.body.toString('utf8')) as { destinations?: { destinationName?: string }[]; nextToken?: string | null };
    if ((answer.destinations ?? []).some((candidate) => candidate.destinationName === destination.name)) return true;
    // The last page: no token (moto answers null).
    if (typeof answer.nextToken !== 'string' || answer.nextToken === '' || answer.nextToken === token) return false;
    token = answer.nextToken;
  }
  throw new UpstreamReadError(`more than ${MAX_DESTINATION_PAGES} pages of destinations named ${destination.name}*`);
}

async function subscriptionFilterRefusal(flow: Flow, mapped: MappedRequest, now: Date): Promise<GatewayFailure | undefined> {
  const input = inputOf(flow, mapped);
  const destinationArn = stringMember(input, 'destinationArn');
  const group = stringMember(input, 'logGroupName');
  if (destinationArn === undefined || group === undefined) return undefined;
  const vendor = arnParts(destinationArn)?.service;
  const region = flow.ctx.region ?? 'us-east-1';
  const account = mapped.resourceAccountId;
  if (vendor === 'lambda') {
    const base = deliveryContext({ arn: logGroupSourceArn(region, account, group), account }, now);
    if (await mayDeliver(flow, { kind: 'lambda', arn: destinationArn }, account, [`logs.${region}.amazonaws.com`, 'logs.amazonaws.com'], 'lambda:InvokeFunction', base)) return undefined;
    return gatewayError('InvalidParameterException', LOGS_LAMBDA_REFUSAL, 400).failure;
  }
  if (vendor !== 'logs') return undefined;
  const destination = logsDestination(destinationArn);
  // Tessera's wording: AWS's for an ARN that names no destination is not on record.
  if (destination === undefined) return gatewayError('InvalidParameterException', `Tessera refuses ${destinationArn}: a CloudWatch Logs subscription delivers only to a destination (arn:aws:logs:<region>:<account>:destination:<name>), and the upstream would write into a log group named by the ARN instead.`, 400).failure;
  // No such destination: the upstream would still write into a log group of that name. (The
  // destination's access policy is not read here: the request's own decision already
  // authorized logs:PutSubscriptionFilter on the destination's ARN, as another account's
  // resource without a policy — stricter than AWS, see docs/gateway.md.)
  if (!(await destinationExists(flow, destination))) return gatewayError('ResourceNotFoundException', 'The specified destination does not exist.', 400).failure;
  return undefined;
}

/** The rotation function a RotateSecret invokes: the one it names, else the one the secret keeps (DescribeSecret upstream). */
async function rotationFunction(flow: Flow, input: ReadonlyMap<string, unknown>, secretArn: string, region: string, account: string): Promise<string | undefined> {
  const named = stringMember(input, 'RotationLambdaARN');
  if (named !== undefined) return named;
  const reads = readsIn(flow, 'secretsmanager', region)(account);
  const response = await reads.call({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.DescribeSecret' }, body: Buffer.from(JSON.stringify({ SecretId: secretArn })) });
  // No such secret: the upstream answers the RotateSecret itself.
  if (response.status === 404 || errorCodeOf(response) === 'ResourceNotFoundException') return undefined;
  if (response.status < 200 || response.status >= 300) throw new UpstreamReadError(`the secretsmanager upstream answered ${response.status} to DescribeSecret`);
  const described = JSON.parse(response.body.toString('utf8')) as { RotationLambdaARN?: string };
  return typeof described.RotationLambdaARN === 'string' && described.RotationLambdaARN !== '' ? described.RotationLambdaARN : undefined;
}

async function rotationRefusal(flow: Flow, mapped: MappedRequest, secretArn: string, now: Date): Promise<GatewayFailure | undefined> {
  const input = inputOf(flow, mapped);
  const region = flow.ctx.region ?? 'us-east-1';
  const account = mapped.resourceAccountId;
  const fn = await rotationFunction(flow, input, secretArn, region, account);
  if (fn === undefined) return undefined;
  const base = deliveryContext({ arn: secretArn, account }, now);
  if (await mayDeliver(flow, { kind: 'lambda', arn: fn }, account, 'secretsmanager.amazonaws.com', 'lambda:InvokeFunction', base)) return undefined;
  return gatewayError('AccessDeniedException', ROTATION_REFUSAL, 400).failure;
}

/** The target bucket and prefix a BucketLoggingStatus enables; undefined when it disables logging; 'malformed' for what is not XML. */
export function loggingTarget(body: Buffer): { bucket: string; prefix: string } | undefined | 'malformed' {
  let root;
  try {
    root = xmlRoot(body);
  } catch {
    return 'malformed';
  }
  const enabled = descendants(root, 'LoggingEnabled')[0];
  if (enabled === undefined) return undefined;
  const bucket = childText(enabled, 'TargetBucket')?.trim() ?? '';
  return bucket === '' ? undefined : { bucket, prefix: childText(enabled, 'TargetPrefix') ?? '' };
}

/** Whether an AccessControlPolicy grants the log-delivery group WRITE and READ_ACP (FULL_CONTROL serving for both). */
export function aclGrantsLogDelivery(acl: Buffer): boolean {
  const permissions = new Set<string>();
  for (const grant of descendants(xmlRoot(acl), 'Grant')) {
    const grantee = descendants(grant, 'Grantee')[0];
    if (grantee === undefined || childText(grantee, 'URI')?.trim() !== LOG_DELIVERY_GROUP) continue;
    permissions.add(childText(grant, 'Permission')?.trim() ?? '');
  }
  return permissions.has('FULL_CONTROL') || (permissions.has('WRITE') && permissions.has('READ_ACP'));
}

/** The policy with one more statement allowing the service everything: what it still refuses, it denies explicitly. */
function withServiceAllowed(policyText: string, service: string): string | undefined {
  try {
    const policy = JSON.parse(policyText) as { Statement?: unknown };
    const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement === undefined ? [] : [policy.Statement];
    return JSON.stringify({ ...policy, Statement: [...statements, { Effect: 'Allow', Principal: { Service: service }, Action: '*', Resource: '*' }] });
  } catch {
    return undefined;
  }
}

async function bucketLoggingRefusal(flow: Flow, mapped: MappedRequest, sources: TargetSources, now: Date): Promise<GatewayFailure | undefined> {
  const { ctx, deps } = flow;
  const body = ctx.http.body;
  if (body === undefined) throw new GatewayError({ code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500 });
  const target = loggingTarget(body);
  if (target === 'malformed') return gatewayError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400).failure;
  if (target === undefined) return undefined;
  const source = s3Parts(mapped.targets[0]!.resource).bucket;
  const sourceAccount = sources.accounts[0] ?? mapped.resourceAccountId;
  let owner;
  try {
    owner = await deps.gateway.owners.ownerOf(target.bucket, sourceAccount);
  } catch (err) {
    deps.logger.warn('gateway bucket owner lookup failed', { requestId: ctx.requestId, bucket: target.bucket, error: String(err) });
    throw gatewayError('ServiceUnavailable', `Tessera could not learn which account owns the bucket ${target.bucket} from the S3 upstream; the request was not forwarded.`, 503);
  }
  // Absent, or another account's: the upstream refuses it itself (it logs only into a bucket
  // of the logged bucket's account, as S3 does: "The owner for the bucket to be logged and the
  // target bucket must be the same.").
  if (owner.kind !== 'owned' || owner.accountId !== sourceAccount) return undefined;
  const region = ctx.region ?? 'us-east-1';
  const service = 'logging.s3.amazonaws.com';
  const base = deliveryContext({ arn: `arn:aws:s3:::${source}`, account: sourceAccount }, now);
  // One of the objects S3 (and moto) writes: `<prefix><YYYY-mm-DD-HH-MM-SS>-<unique>`.
  const key = `${target.prefix}${now.toISOString().slice(0, 19).replace(/[T:]/g, '-')}-0123456789ABCDEF`;
  const requests = [{ action: 's3:PutObject', resource: `arn:aws:s3:::${target.bucket}/${key}` }];
  const policy = await targetPolicy(flow, 's3', `arn:aws:s3:::${target.bucket}`, owner.accountId, region);
  if (serviceMayDeliver(policy, [service], requests, owner.accountId, base)) return undefined;
  const refused = gatewayError('InvalidTargetBucketForLogging', LOGGING_REFUSAL, 400, { TargetBucket: target.bucket }).failure;
  // The log-delivery group's grant serves as well — unless the bucket policy denies the service.
  const explicit = policy === undefined ? undefined : withServiceAllowed(policy, service);
  if (explicit !== undefined && !serviceMayDeliver(explicit, [service], requests, owner.accountId, base)) return refused;
  const reads = readsIn(flow, 's3', region)(owner.accountId);
  const acl = await reads.call({ method: 'GET', path: `/${encodeURIComponent(target.bucket)}`, query: 'acl' });
  if (acl.status < 200 || acl.status >= 300) throw new UpstreamReadError(`the s3 upstream answered ${acl.status} to GetBucketAcl of ${target.bucket}`);
  return aclGrantsLogDelivery(acl.body) ? undefined : refused;
}

/**
 * The service's refusal when the request would have it deliver where the target does not
 * allow it (the deliveries of this file); undefined for every other request. `resource` is
 * the request's resource as authorized (a secret's full ARN). Reads upstream: an
 * UpstreamReadError when it cannot (the caller answers 503).
 */
export async function invocationOrLogDeliveryRefusal(flow: Flow, mapped: MappedRequest, sources: TargetSources, resource: string, now: Date): Promise<GatewayFailure | undefined> {
  switch (`${mapped.service}:${mapped.operation}`) {
    case 's3:PutBucketLogging':
      return bucketLoggingRefusal(flow, mapped, sources, now);
    case 'logs:PutSubscriptionFilter':
      return subscriptionFilterRefusal(flow, mapped, now);
    case 'secretsmanager:RotateSecret':
      return rotationRefusal(flow, mapped, resource, now);
    default:
      return undefined;
  }
}
