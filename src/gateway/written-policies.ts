// The resource policy a request writes: an SQS queue's `Policy` attribute (CreateQueue,
// SetQueueAttributes), an SNS topic's (CreateTopic's Attributes, SetTopicAttributes with
// AttributeName Policy), a KMS key's (CreateKey and PutKeyPolicy `Policy`) and a secret's
// (Secrets Manager PutResourcePolicy `ResourcePolicy`). The server validates it before it is
// forwarded (server/gateway/policy-writes.ts), as the service does: an upstream never stores a
// policy the engine would read differently.

import { identify } from './identify.ts';
import type { GatewayService } from './services.ts';
import type { GatewayRequest } from './types.ts';

/** Operations whose policy is a member of its own: `service:Operation` → the member. */
const DOCUMENT_MEMBERS: Readonly<Record<string, string>> = {
  'kms:CreateKey': 'Policy',
  'kms:PutKeyPolicy': 'Policy',
  'secretsmanager:PutResourcePolicy': 'ResourcePolicy',
};

export function writtenPolicy(service: GatewayService, operation: string, request: GatewayRequest): string | undefined {
  const member = DOCUMENT_MEMBERS[`${service}:${operation}`];
  const wanted = member !== undefined
    || (service === 'sqs' && (operation === 'CreateQueue' || operation === 'SetQueueAttributes'))
    || (service === 'sns' && (operation === 'CreateTopic' || operation === 'SetTopicAttributes'));
  if (!wanted) return undefined;
  const identified = identify(service, request);
  if ('kind' in identified) return undefined;
  const { input } = identified;
  if (member !== undefined) {
    const value = input.get(member);
    return typeof value === 'string' ? value : undefined;
  }
  if (operation === 'SetTopicAttributes') {
    const name = input.get('AttributeName');
    const value = input.get('AttributeValue');
    return name === 'Policy' && typeof value === 'string' ? value : undefined;
  }
  const attributes = input.get('Attributes');
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  const policy = (attributes as Record<string, unknown>)['Policy'];
  return typeof policy === 'string' ? policy : undefined;
}
