// SNS. PublishBatch is authorized as sns:Publish (Amazon SNS API Reference, PublishBatch: "the
// same permissions as Publish"). A subscription is authorized on its topic, the resource type
// the Service Authorization Reference gives the subscription calls.

import type { ServiceRules } from '../rules.ts';

/** `arn:aws:sns:<region>:<account>:<topic>:<subscription id>` → the topic's variables. */
function readSubscriptionArn(arn: string): Record<string, string> | undefined {
  const parts = arn.split(':');
  if (parts.length !== 7 || parts[0] !== 'arn' || parts[2] !== 'sns') return undefined;
  return { TopicName: parts[5]!, Region: parts[3]!, Account: parts[4]! };
}

export const SNS_RULES: ServiceRules = {
  resources: {
    variables: { TopicName: [{ member: 'SubscriptionArn', read: readSubscriptionArn }, { member: 'Name' }] },
    arnMembers: [],
  },
  operations: { PublishBatch: { action: 'Publish' } },
  refused: {},
  conditions: {},
  policyHolders: (type, arn) => (type === 'topic' ? arn : undefined),
};
