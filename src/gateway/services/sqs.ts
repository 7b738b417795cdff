// SQS. Batch calls are authorized as their single-message action ("Amazon SQS API permissions:
// Actions and resource reference" in the Amazon SQS Developer Guide: SendMessageBatch needs
// sqs:SendMessage, DeleteMessageBatch sqs:DeleteMessage, ChangeMessageVisibilityBatch
// sqs:ChangeMessageVisibility).

import type { ServiceRules } from '../rules.ts';

/** A queue URL (`https://host/123456789012/name`, or its path alone) → its name and account. */
export function readQueueUrl(url: string): Record<string, string> | undefined {
  let path = url;
  const scheme = url.indexOf('://');
  if (scheme >= 0) {
    const slash = url.indexOf('/', scheme + 3);
    if (slash < 0) return undefined;
    path = url.slice(slash);
  }
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length !== 2) return undefined;
  const [account = '', name = ''] = parts;
  return /^\d{12}$/.test(account) ? { QueueName: name, Account: account } : { QueueName: name };
}

export const SQS_RULES: ServiceRules = {
  resources: {
    variables: { QueueName: [{ member: 'QueueUrl', read: readQueueUrl }, { member: 'QueueName' }] },
    arnMembers: [],
  },
  operations: {
    SendMessageBatch: { action: 'SendMessage' },
    DeleteMessageBatch: { action: 'DeleteMessage' },
    ChangeMessageVisibilityBatch: { action: 'ChangeMessageVisibility' },
  },
  refused: {
    CancelMessageMoveTask: 'the task handle, not a parameter, names the source queue, and the gateway does not decode it',
  },
  conditions: {},
  policyHolders: (type, arn) => (type === 'queue' ? arn : undefined),
};
