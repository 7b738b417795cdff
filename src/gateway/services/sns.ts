// SNS. PublishBatch is authorized as sns:Publish (Amazon SNS API Reference, PublishBatch: "the
// same permissions as Publish"). A subscription is authorized on its topic, the resource type
// the Service Authorization Reference gives the subscription calls.

import type { IdentifiedRequest } from '../identify.ts';
import { isRoleArn } from '../passed-roles.ts';
import type { ExpandedCheck, ServiceRules } from '../rules.ts';

/** `arn:aws:sns:<region>:<account>:<topic>:<subscription id>` → the topic's variables. */
function readSubscriptionArn(arn: string): Record<string, string> | undefined {
  const parts = arn.split(':');
  if (parts.length !== 7 || parts[0] !== 'arn' || parts[2] !== 'sns') return undefined;
  return { TopicName: parts[5]!, Region: parts[3]!, Account: parts[4]! };
}

/**
 * The delivery-status logging roles a topic, a platform application or the account's SMS
 * settings are given (`<protocol>SuccessFeedbackRoleArn`, `…FailureFeedbackRoleArn`,
 * `DeliveryStatusIAMRole`; Amazon SNS Developer Guide, "Amazon SNS message delivery status"):
 * in an `Attributes` map, or as SetTopicAttributes' AttributeName / AttributeValue.
 */
function feedbackRoles(request: IdentifiedRequest): string[] {
  const isRoleAttribute = (name: string) => /RoleArn$|^DeliveryStatusIAMRole$/i.test(name);
  const roles: string[] = [];
  const add = (value: unknown) => {
    if (isRoleArn(value) && !roles.includes(value)) roles.push(value);
  };
  for (const member of ['Attributes', 'attributes']) {
    const map = request.input.get(member);
    if (typeof map !== 'object' || map === null) continue;
    for (const [name, value] of Object.entries(map)) if (isRoleAttribute(name)) add(value);
  }
  const name = request.input.get('AttributeName');
  if (typeof name === 'string' && isRoleAttribute(name)) add(request.input.get('AttributeValue'));
  return roles;
}

/**
 * Publish to a topic or a platform endpoint (TopicArn, TargetArn) is authorized on it; an SMS to
 * a PhoneNumber names no resource and is authorized on `*` (Amazon SNS Developer Guide,
 * "Publishing SMS messages": the policy grants sns:Publish on "*"). Exactly one of the three.
 */
function publish(request: IdentifiedRequest): ExpandedCheck[] | undefined {
  const named = ['TopicArn', 'TargetArn', 'PhoneNumber'].filter((member) => {
    const value = request.input.get(member);
    return typeof value === 'string' && value !== '';
  });
  if (named.length !== 1) return undefined;
  return named[0] === 'PhoneNumber' ? [{ action: 'Publish', resources: ['*'] }] : [{ action: 'Publish' }];
}

export const SNS_RULES: ServiceRules = {
  passedRoles: feedbackRoles,
  resources: {
    variables: { TopicName: [{ member: 'SubscriptionArn', read: readSubscriptionArn }, { member: 'Name' }] },
    arnMembers: [],
  },
  operations: {
    PublishBatch: { action: 'Publish' },
    Publish: { expand: publish, expandDoc: 'sns:Publish on TopicArn or TargetArn; a text message to a PhoneNumber on `*`' },
  },
  refused: {},
  conditions: {},
  policyHolders: (type, arn) => (type === 'topic' ? arn : undefined),
};
