// SNS deliveries (docs/gateway.md, "Deliveries between services"): a topic delivers to its SQS
// queues and invokes its Lambda functions as `sns.amazonaws.com`, and on AWS each target's
// policy must allow that with aws:SourceArn the topic — else AWS accepts the subscription and
// fails each delivery. moto delivers regardless, and cannot be made to skip one subscriber, so
// Tessera is stricter: a Subscribe to a target that does not allow the topic is refused, and so
// is a Publish to a topic that has such a subscription (one made before the target's policy
// changed, or directly upstream).

import { gatewayError, type GatewayFailure } from '../../gateway/errors.ts';
import type { MappedRequest } from '../../gateway/index.ts';
import { arnParts, deliveryContext, inputOf, mayDeliver, stringMember, topicSubscriptions, wellFormedTarget, type Destination } from './delivery-targets.ts';
import type { Flow } from './flow.ts';

/** What each subscription protocol the gateway checks delivers, in the words of its refusals. */
const PROTOCOLS = {
  sqs: { action: 'sqs:SendMessage', target: 'queue', endpoint: 'SQS', delivers: 'deliver to it' },
  lambda: { action: 'lambda:InvokeFunction', target: 'function', endpoint: 'Lambda', delivers: 'invoke it' },
} as const;
type Protocol = keyof typeof PROTOCOLS;

function protocolOf(name: string | undefined): Protocol | undefined {
  const lower = name?.toLowerCase();
  return lower === 'sqs' || lower === 'lambda' ? lower : undefined;
}

/** Whether the target's policy (and that of the one moto would deliver to instead) lets the topic deliver to it. */
async function topicMayDeliver(flow: Flow, protocol: Protocol, topicArn: string, targetArn: string, now: Date): Promise<boolean> {
  const topic = arnParts(topicArn);
  if (topic === undefined) return false;
  const base = deliveryContext({ arn: topicArn, account: topic.account }, now);
  return mayDeliver(flow, { kind: protocol satisfies Destination['kind'], arn: targetArn }, topic.account, 'sns.amazonaws.com', PROTOCOLS[protocol].action, base);
}

async function subscribeRefusal(flow: Flow, mapped: MappedRequest, now: Date): Promise<GatewayFailure | undefined> {
  const input = inputOf(flow, mapped);
  const protocol = protocolOf(stringMember(input, 'Protocol'));
  const topicArn = stringMember(input, 'TopicArn');
  const endpoint = stringMember(input, 'Endpoint');
  if (protocol === undefined || topicArn === undefined || endpoint === undefined) return undefined;
  const { action, target, endpoint: label } = PROTOCOLS[protocol];
  // Not a whole queue or function ARN: refused as SNS refuses one (moto would deliver to its last segment).
  if (!wellFormedTarget(protocol, endpoint)) return gatewayError('InvalidParameter', `Invalid parameter: ${label} endpoint ARN`, 400).failure;
  if (await topicMayDeliver(flow, protocol, topicArn, endpoint, now)) return undefined;
  return gatewayError('AuthorizationError', `Tessera refuses to subscribe ${endpoint} to ${topicArn}: the ${target}'s policy does not allow sns.amazonaws.com to ${action} with aws:SourceArn ${topicArn}, so Amazon SNS could not deliver to it.`, 403).failure;
}

async function publishRefusal(flow: Flow, mapped: MappedRequest, now: Date): Promise<GatewayFailure | undefined> {
  // TargetArn may name a topic too (Publish's reference; moto publishes to it as to TopicArn);
  // a platform endpoint (`…:endpoint/…`) has no subscriptions.
  const input = inputOf(flow, mapped);
  const topicArn = stringMember(input, 'TopicArn') ?? stringMember(input, 'TargetArn');
  if (topicArn === undefined || topicArn.includes(':endpoint/')) return undefined;
  for (const protocol of Object.keys(PROTOCOLS) as Protocol[]) {
    const { action, target, delivers } = PROTOCOLS[protocol];
    for (const targetArn of await topicSubscriptions(flow, topicArn, flow.ctx.region ?? 'us-east-1', protocol)) {
      if (await topicMayDeliver(flow, protocol, topicArn, targetArn, now)) continue;
      return gatewayError('AuthorizationError', `Tessera refuses to publish to ${topicArn}: it has a subscription to ${targetArn}, whose policy no longer allows sns.amazonaws.com to ${action} with aws:SourceArn ${topicArn}, and the upstream would ${delivers} anyway. Unsubscribe the ${target} (or let its policy allow the topic) to publish.`, 403).failure;
    }
  }
  return undefined;
}

/** SNS's refusal when a Subscribe or Publish would deliver where the target does not allow the topic; undefined otherwise. */
export function snsDeliveryRefusal(flow: Flow, mapped: MappedRequest, now: Date): Promise<GatewayFailure | undefined> | undefined {
  if (mapped.service !== 'sns') return undefined;
  if (mapped.operation === 'Subscribe') return subscribeRefusal(flow, mapped, now);
  if (mapped.operation === 'Publish' || mapped.operation === 'PublishBatch') return publishRefusal(flow, mapped, now);
  return undefined;
}
