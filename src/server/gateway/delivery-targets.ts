// Deliveries between services: a call that makes one AWS service write into another resource
// for the caller later (an S3 event notification into a queue, a topic or a function; a
// CloudWatch Logs export into a bucket; an SNS topic into a subscribed queue). On AWS the
// writing service is a principal of its own (`s3.amazonaws.com`, `logs.<region>.amazonaws.com`,
// `sns.amazonaws.com`), and the TARGET's resource policy must allow it, with the source
// resource as aws:SourceArn / aws:SourceAccount. moto checks none of this, so through the
// gateway a caller with no right on a queue or bucket could push data into it: the target's
// policy is read from its upstream and decided here by the policy engine (the same
// compile + evaluate the CloudTrail bucket check uses), for the service principal. Each refusal
// is the answer the service itself gives (docs/gateway.md, "Deliveries between services"):
//
//   - S3 PutBucketNotificationConfiguration: 400 InvalidArgument "Unable to validate the
//     following destination configurations", one <ArgumentNameN>/<ArgumentValueN> pair per
//     destination that does not allow S3 (S3 API Reference, PutBucketNotificationConfiguration:
//     S3 verifies each SNS/SQS destination and the Lambda function's permission first).
//   - CloudWatch Logs CreateExportTask: 400 InvalidParameterException "GetBucketAcl call on the
//     given bucket failed. Please check if CloudWatch Logs has been granted permission to
//     perform this operation." (for the bucket's own account too).
//   - SNS Subscribe (Protocol sqs; sns-deliveries.ts): refused while the queue's policy does not allow the topic —
//     stricter than AWS, which accepts the subscription and then fails each delivery — and
//     Publish / PublishBatch to a topic with such a subscription refused too, because moto
//     cannot be made to skip one subscriber.
//
// Two rules are moto's, not AWS's: moto delivers into the same-named queue or function of the
// *delivering* account whatever account the ARN names (motoTwin), and to the ARN's last `:`
// segment (wellFormedTarget) — either would let a check of the named resource approve a write
// into another one. What moto delivers later on its own (S3 events after a policy changed, S3 →
// SNS → SQS fan-out inside moto) never passes through the gateway: see docs/gateway.md.

import { compilePolicy, evaluate, type ContextValue, type EvaluationPrincipal } from '../../policy/index.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { gatewayError, GatewayError, type GatewayFailure } from '../../gateway/errors.ts';
import type { GatewayService, MappedRequest } from '../../gateway/index.ts';
import { identify } from '../../gateway/identify.ts';
import type { TargetSources } from '../../gateway/resolve-target.ts';
import { errorCodeOf, readResourcePolicy, s3Parts, UpstreamReadError, type ReadContext } from '../../gateway/upstream-reads.ts';
import { childText, descendants, xmlRoot } from '../../gateway/upstream-xml.ts';
import { upstreamFor } from '../../gateway/upstreams.ts';
import type { Flow } from './flow.ts';

/** S3 bucket policy quota: a longer document allows nothing (as for CloudTrail's check). */
const MAX_POLICY_BYTES = 20 * 1024;
/** ListSubscriptionsByTopic pages read before a Publish (100 subscriptions a page). */
export const MAX_SUBSCRIPTION_PAGES = 50;

export const S3_UNVALIDATED = 'Unable to validate the following destination configurations';
export const LOGS_BUCKET_REFUSAL = 'GetBucketAcl call on the given bucket failed. Please check if CloudWatch Logs has been granted permission to perform this operation.';

/** One request the delivering service makes to the target, decided against the target's policy. */
export interface DeliveryRequest {
  action: string;
  resource: string;
  context?: Readonly<Record<string, ContextValue>>;
}

/** Where a delivery goes, as named in the request. */
export interface Destination {
  kind: 'sqs' | 'sns' | 'lambda';
  arn: string;
}

/**
 * Whether `policyText` (a resource policy) allows one of `principals` — the service's names —
 * every request, and none of them is explicitly denied any. No policy, an invalid or oversized
 * one: nothing is allowed (a service principal has no identity policy to fall back on).
 */
export function serviceMayDeliver(policyText: string | undefined, principals: readonly string[], requests: readonly DeliveryRequest[], resourceAccount: string, base: Readonly<Record<string, ContextValue>>): boolean {
  if (policyText === undefined || Buffer.byteLength(policyText, 'utf8') > MAX_POLICY_BYTES) return false;
  const compiled = compilePolicy(policyText, 'resource', 'delivery target policy');
  if (!compiled.ok) return false;
  for (const request of requests) {
    let allowed = false;
    for (const serviceName of principals) {
      const principal: EvaluationPrincipal = { kind: 'service', serviceName };
      const context = { ...base, 'aws:PrincipalServiceName': serviceName, ...request.context };
      const decision = evaluate({ principal, action: request.action, resource: request.resource, context, resourceAccount }, { resource: compiled.policy }).decision;
      if (decision === 'ExplicitDeny') return false;
      if (decision === 'Allowed') allowed = true;
    }
    if (!allowed) return false;
  }
  return true;
}

/** The condition keys a service principal's own request carries, with its source. */
export function deliveryContext(source: { arn: string; account: string }, now: Date): Record<string, ContextValue> {
  return {
    'aws:SourceArn': source.arn,
    'aws:SourceAccount': source.account,
    'aws:PrincipalIsAWSService': 'true',
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': 'false',
    'aws:CurrentTime': isoSeconds(now),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
  };
}

const NOTIFICATION_ELEMENTS: Readonly<Record<string, Destination['kind']>> = { Queue: 'sqs', Topic: 'sns', CloudFunction: 'lambda' };

/**
 * Every destination a NotificationConfiguration names: each element called Queue, Topic or
 * CloudFunction (by local name, wherever it is — more than the upstream reads, never fewer),
 * in document order. 'malformed' for a body that is not XML (or declares a document type).
 */
export function notificationDestinations(body: Buffer): Destination[] | 'malformed' {
  let root;
  try {
    root = xmlRoot(body);
  } catch {
    return 'malformed';
  }
  const found: Destination[] = [];
  for (const element of descendants(root, '*')) {
    const kind = NOTIFICATION_ELEMENTS[element.localName ?? ''];
    if (kind !== undefined) found.push({ kind, arn: (element.textContent ?? '').trim() });
  }
  return found;
}

/** S3's reason for one destination, as its answer's ArgumentNameN / ArgumentValueN. */
export function notificationArgument(destination: Destination): { name: string; value: string } {
  switch (destination.kind) {
    case 'sqs':
      return { name: destination.arn, value: 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket' };
    case 'sns':
      return { name: destination.arn, value: 'Permissions on the destination topic do not allow S3 to publish notifications from this bucket' };
    case 'lambda':
      return { name: `${destination.arn}, null`, value: `Not authorized to invoke function [${destination.arn}]` };
  }
}

/** S3's refusal naming each destination it could not validate. */
export function notificationRefusal(destinations: readonly Destination[]): GatewayFailure {
  const fields: Record<string, string> = {};
  destinations.forEach((destination, index) => {
    const argument = notificationArgument(destination);
    fields[`ArgumentName${index + 1}`] = argument.name;
    fields[`ArgumentValue${index + 1}`] = argument.value;
  });
  return gatewayError('InvalidArgument', S3_UNVALIDATED, 400, fields).failure;
}

/** `arn:<partition>:<service>:<region>:<account>:…` → its parts, when it is one. */
export function arnParts(arn: string): { partition: string; service: string; region: string; account: string; rest: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { partition: parts[1]!, service: parts[2]!, region: parts[3]!, account: parts[4]!, rest: parts.slice(5).join(':') };
}

/**
 * The ARN of a queue, a topic or a function, whole and nothing more: moto delivers to the
 * ARN's last `:` segment (a queue or topic name) while the policy would be read for another
 * segment, so any other shape is refused rather than checked on the wrong resource.
 */
export function wellFormedTarget(kind: Destination['kind'], arn: string): boolean {
  const parts = arnParts(arn);
  if (parts === undefined || parts.service !== kind || !/^aws[a-z-]*$/.test(parts.partition) || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(parts.region) || !/^\d{12}$/.test(parts.account)) return false;
  if (kind === 'lambda') return /^function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/.test(parts.rest);
  return /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(parts.rest);
}

/** Reads in `service`'s upstream, in `accountId` (as kmsReadsOf reads KMS). */
export function readsIn(flow: Flow, service: GatewayService, region: string): (accountId: string) => ReadContext {
  const { deps } = flow;
  const upstream = upstreamFor(deps.gateway.settings, service);
  return (accountId) => {
    if (upstream === undefined) throw new UpstreamReadError(`no ${service} upstream to read the delivery target from`);
    return {
      upstream,
      accountId,
      call: (call) => deps.gateway.client.call(upstream, { service, region, accountId, method: call.method, path: call.path, query: call.query ?? '', headers: call.headers ?? {}, ...(call.body ? { body: call.body } : {}) }),
    };
  };
}

/** The target's policy, through the lookups' cache under the key the decision's own lookups use (forgotten by a write through Tessera). */
export function targetPolicy(flow: Flow, service: GatewayService, arn: string, account: string, region: string): Promise<string | undefined> {
  const holder = service === 's3' ? `arn:aws:s3:::${s3Parts(arn).bucket}` : arn;
  return flow.deps.gateway.cache.get('policy', account, holder, () => readResourcePolicy(service, holder, readsIn(flow, service, region)(account)));
}

/**
 * moto delivers into the queue or function *of the delivering resource's account* (the bucket's
 * for an S3 notification, the topic's for an SNS subscription) that has the target's name,
 * whatever account its ARN names: when the accounts differ, that resource (if it exists) must
 * allow the service too, or a caller could name an open queue of another account to write into
 * a closed one of its own. (A topic is published to by its ARN: never another one.)
 */
async function motoTwin(flow: Flow, destination: Destination, deliveringAccount: string): Promise<string | undefined> {
  const parts = arnParts(destination.arn);
  if (parts === undefined || destination.kind === 'sns' || parts.account === deliveringAccount) return undefined;
  const twin = `arn:${parts.partition}:${parts.service}:${parts.region}:${deliveringAccount}:${parts.rest}`;
  const reads = readsIn(flow, destination.kind, parts.region)(deliveringAccount);
  const response = destination.kind === 'sqs'
    ? await reads.call({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' }, body: Buffer.from(JSON.stringify({ QueueName: parts.rest, QueueOwnerAWSAccountId: deliveringAccount })) })
    : await reads.call({ method: 'GET', path: `/2015-03-31/functions/${encodeURIComponent(parts.rest.split(':')[1] ?? '')}`, query: '' });
  if (response.status >= 200 && response.status < 300) return twin;
  const code = errorCodeOf(response);
  if (response.status === 404 || code === 'QueueDoesNotExist' || code === 'AWS.SimpleQueueService.NonExistentQueue' || code === 'ResourceNotFoundException') return undefined;
  throw new UpstreamReadError(`the ${destination.kind} upstream answered ${response.status}${code ? ` ${code}` : ''} to a lookup of ${twin}`);
}

/**
 * Whether `servicePrincipal` (one of its names, as serviceMayDeliver reads them) may do
 * `action` on the destination — and on the resource moto would deliver into instead
 * (motoTwin) — by their policies. A malformed ARN: no.
 */
export async function mayDeliver(flow: Flow, destination: Destination, deliveringAccount: string, servicePrincipal: string | readonly string[], action: string, source: Readonly<Record<string, ContextValue>>): Promise<boolean> {
  if (!wellFormedTarget(destination.kind, destination.arn)) return false;
  // aws:SourceOrgID and aws:SourceOrgPaths: the organization (and the path in it) of the account
  // whose resource makes the service's request (IAM User Guide, global condition keys; the
  // confused-deputy guard "StringEquals aws:SourceOrgID o-…" in a queue's or topic's policy).
  const organization = await flow.deps.organizationPolicies(deliveringAccount);
  const base = organization === undefined ? source : { ...source, 'aws:SourceOrgID': organization.orgId, 'aws:SourceOrgPaths': [organization.orgPath] };
  const targets = [destination.arn];
  const twin = await motoTwin(flow, destination, deliveringAccount);
  if (twin !== undefined) targets.push(twin);
  for (const target of targets) {
    const { account, region } = arnParts(target)!;
    const policy = await targetPolicy(flow, destination.kind, target, account, region);
    if (!serviceMayDeliver(policy, typeof servicePrincipal === 'string' ? [servicePrincipal] : servicePrincipal, [{ action, resource: target }], account, base)) return false;
  }
  return true;
}

const NOTIFICATION_ACTION: Readonly<Record<Destination['kind'], string>> = { sqs: 'sqs:SendMessage', sns: 'sns:Publish', lambda: 'lambda:InvokeFunction' };

async function s3NotificationRefusal(flow: Flow, mapped: MappedRequest, sources: TargetSources, now: Date): Promise<GatewayFailure | undefined> {
  const body = flow.ctx.http.body;
  if (body === undefined) throw new GatewayError({ code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500 });
  const destinations = notificationDestinations(body);
  if (destinations === 'malformed') return gatewayError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400).failure;
  const bucket = s3Parts(mapped.targets[0]!.resource).bucket;
  const bucketAccount = sources.accounts[0] ?? mapped.resourceAccountId;
  const base = deliveryContext({ arn: `arn:aws:s3:::${bucket}`, account: bucketAccount }, now);
  const failed: Destination[] = [];
  for (const destination of destinations) {
    if (!(await mayDeliver(flow, destination, bucketAccount, 's3.amazonaws.com', NOTIFICATION_ACTION[destination.kind], base))) failed.push(destination);
  }
  return failed.length > 0 ? notificationRefusal(failed) : undefined;
}

/** The members of a JSON or Query request, as the mapper read them. */
export function inputOf(_flow: Flow, mapped: MappedRequest): ReadonlyMap<string, unknown> {
  return mapped.input;
}

export function stringMember(input: ReadonlyMap<string, unknown>, name: string): string | undefined {
  const value = input.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function exportTaskRefusal(flow: Flow, mapped: MappedRequest, now: Date): Promise<GatewayFailure | undefined> {
  const { ctx, deps } = flow;
  const input = inputOf(flow, mapped);
  const bucket = stringMember(input, 'destination');
  const group = stringMember(input, 'logGroupName');
  if (bucket === undefined || group === undefined) return undefined;
  const region = ctx.region ?? 'us-east-1';
  const account = mapped.resourceAccountId;
  const refused = gatewayError('InvalidParameterException', LOGS_BUCKET_REFUSAL, 400).failure;
  let owner;
  try {
    owner = await deps.gateway.owners.ownerOf(bucket, account);
  } catch (err) {
    deps.logger.warn('gateway bucket owner lookup failed', { requestId: ctx.requestId, bucket, error: String(err) });
    throw gatewayError('ServiceUnavailable', `Tessera could not learn which account owns the bucket ${bucket} from the S3 upstream; the request was not forwarded.`, 503);
  }
  // No such bucket: the upstream answers it ("The given bucket does not exist").
  if (owner.kind === 'absent') return undefined;
  // A bucket Tessera cannot place: its policy cannot be read, so CloudWatch Logs could not either.
  if (owner.kind !== 'owned') return refused;
  const prefix = (stringMember(input, 'destinationPrefix') ?? 'exportedlogs').replace(/^\/+|\/+$/g, '');
  const base = deliveryContext({ arn: `arn:aws:logs:${region}:${account}:log-group:${group}`, account }, now);
  const policy = await targetPolicy(flow, 's3', `arn:aws:s3:::${bucket}`, owner.accountId, region);
  // CloudWatch Logs checks the bucket's ACL, then writes a test object under the prefix (and
  // the export's objects after it) with the owner given full control.
  const requests: DeliveryRequest[] = [
    { action: 's3:GetBucketAcl', resource: `arn:aws:s3:::${bucket}` },
    { action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/${prefix === '' ? '' : `${prefix}/`}aws-logs-write-test`, context: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
  ];
  return serviceMayDeliver(policy, [`logs.${region}.amazonaws.com`, 'logs.amazonaws.com'], requests, owner.accountId, base) ? undefined : refused;
}

/** The endpoints of `protocol` (sqs, or lambda: invocation-and-log-deliveries.ts) subscribed to the topic (ListSubscriptionsByTopic, page by page), cached under the topic. */
export function topicSubscriptions(flow: Flow, topicArn: string, region: string, protocol: 'sqs' | 'lambda' = 'sqs'): Promise<string[]> {
  const account = arnParts(topicArn)?.account ?? '';
  return flow.deps.gateway.cache.get(`${protocol}-subscriptions`, account, topicArn, async () => {
    const reads = readsIn(flow, 'sns', region)(account);
    const endpoints: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_SUBSCRIPTION_PAGES; page++) {
      const params = new URLSearchParams({ Action: 'ListSubscriptionsByTopic', Version: '2010-03-31', TopicArn: topicArn, ...(token ? { NextToken: token } : {}) });
      const response = await reads.call({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: Buffer.from(params.toString()) });
      // No such topic: nothing is delivered; the upstream answers the Publish itself.
      if (response.status === 404 || errorCodeOf(response) === 'NotFound') return endpoints;
      if (response.status < 200 || response.status >= 300) throw new UpstreamReadError(`the sns upstream answered ${response.status} to ListSubscriptionsByTopic`);
      const root = xmlRoot(response.body);
      for (const member of descendants(root, 'member')) {
        const endpoint = childText(member, 'Endpoint');
        if (childText(member, 'Protocol')?.toLowerCase() === protocol && endpoint !== undefined && !endpoints.includes(endpoint)) endpoints.push(endpoint);
      }
      token = descendants(root, 'NextToken')[0]?.textContent ?? undefined;
      if (token === undefined || token === '') return endpoints;
    }
    throw new UpstreamReadError(`the topic ${topicArn} has more than ${MAX_SUBSCRIPTION_PAGES} pages of subscriptions`);
  });
}

/**
 * The service's refusal when the request would have a service deliver into a resource whose
 * policy does not allow it; undefined for every other request. Reads the targets' policies
 * upstream (an UpstreamReadError when it cannot: the caller answers 503).
 */
export async function deliveryRefusal(flow: Flow, mapped: MappedRequest, sources: TargetSources, now: Date): Promise<GatewayFailure | undefined> {
  switch (`${mapped.service}:${mapped.operation}`) {
    case 's3:PutBucketNotification':
    case 's3:PutBucketNotificationConfiguration':
      return s3NotificationRefusal(flow, mapped, sources, now);
    case 'logs:CreateExportTask':
      return exportTaskRefusal(flow, mapped, now);
    default:
      return undefined;
  }
}
