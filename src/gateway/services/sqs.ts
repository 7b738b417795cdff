// SQS. Batch calls are authorized as their single-message action ("Amazon SQS API permissions:
// Actions and resource reference" in the Amazon SQS Developer Guide: SendMessageBatch needs
// sqs:SendMessage, DeleteMessageBatch sqs:DeleteMessage, ChangeMessageVisibilityBatch
// sqs:ChangeMessageVisibility).

import type { IdentifiedRequest } from '../identify.ts';
import type { ExpandedCheck, ServiceRules } from '../rules.ts';

/** A queue URL (`https://host/123456789012/name`, or its path alone) → its name and account. */
export function readQueueUrl(url: string): Record<string, string> | undefined {
  let path = url;
  const scheme = url.indexOf('://');
  if (scheme >= 0) {
    const slash = url.indexOf('/', scheme + 3);
    if (slash < 0) return undefined;
    path = url.slice(slash);
  }
  // A query or fragment is no part of a queue's name; SQS has no such URL (stricter: refused
  // rather than authorized on a name the upstream may read otherwise).
  if (path.includes('?') || path.includes('#')) return undefined;
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length !== 2) return undefined;
  const [account = '', name = ''] = parts;
  return /^\d{12}$/.test(account) ? { QueueName: name, Account: account } : { QueueName: name };
}

/**
 * GetQueueUrl names another account's queue by QueueName and QueueOwnerAWSAccountId (Amazon SQS
 * API Reference, GetQueueUrl): the queue is that account's.
 */
function queueByName(name: string, input: ReadonlyMap<string, unknown>): Record<string, string> {
  const owner = input.get('QueueOwnerAWSAccountId');
  return typeof owner === 'string' && /^\d{12}$/.test(owner) ? { QueueName: name, Account: owner } : { QueueName: name };
}

/**
 * StartMessageMoveTask moves messages out of its source queue (a dead-letter queue) into
 * DestinationArn or, without one, back to the queues they came from: authorized on the source
 * (Amazon SQS Developer Guide, "Configure a dead-letter queue redrive"), plus sqs:SendMessage on
 * a named destination — stricter where AWS does not say, as the task writes there.
 */
function moveTask(request: IdentifiedRequest): ExpandedCheck[] | undefined {
  const source = request.input.get('SourceArn');
  if (typeof source !== 'string' || !source.startsWith('arn:')) return undefined;
  const checks: ExpandedCheck[] = [{ action: 'StartMessageMoveTask', input: new Map<string, unknown>([['SourceArn', source]]) }];
  const destination = request.input.get('DestinationArn');
  if (typeof destination === 'string' && destination !== '') checks.push({ action: 'SendMessage', input: new Map<string, unknown>([['DestinationArn', destination]]) });
  return checks;
}

export const SQS_RULES: ServiceRules = {
  resources: {
    variables: { QueueName: [{ member: 'QueueUrl', read: readQueueUrl }, { member: 'QueueName', read: queueByName }] },
    arnMembers: [],
  },
  operations: {
    SendMessageBatch: { action: 'SendMessage' },
    DeleteMessageBatch: { action: 'DeleteMessage' },
    ChangeMessageVisibilityBatch: { action: 'ChangeMessageVisibility' },
    StartMessageMoveTask: { expand: moveTask, expandDoc: 'sqs:StartMessageMoveTask on SourceArn, and sqs:SendMessage on DestinationArn when given' },
  },
  refused: {
    CancelMessageMoveTask: 'the task handle, not a parameter, names the source queue, and the gateway does not decode it',
  },
  conditions: {},
  policyHolders: (type, arn) => (type === 'queue' ? arn : undefined),
};
