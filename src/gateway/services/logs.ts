// CloudWatch Logs. Log groups are named by logGroupName or logGroupIdentifier (a name or an
// ARN); a log group ARN may end in `:*`, which names the same group.

import type { ServiceRules } from '../rules.ts';

/** A log group name, or a log group ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`). */
function groupName(value: string): Record<string, string> | undefined {
  if (!value.startsWith('arn:')) return { LogGroupName: value };
  const parts = value.split(':');
  if (parts[2] !== 'logs' || parts[5] !== 'log-group' || !parts[6] || parts.length > 8 || (parts.length === 8 && parts[7] !== '*')) return undefined;
  return { LogGroupName: parts[6], Region: parts[3]!, Account: parts[4]! };
}

export const LOGS_RULES: ServiceRules = {
  resources: {
    variables: {
      LogGroupName: [{ member: 'logGroupName' }, { member: 'logGroupIdentifier', read: groupName }, { member: 'logGroupNames' }, { member: 'logGroupIdentifiers', read: groupName }],
      LogStreamName: [{ member: 'logStreamName' }],
      DestinationName: [{ member: 'destinationName' }],
      DeliveryDestinationName: [{ member: 'name' }, { member: 'deliveryDestinationName' }],
      DeliverySourceName: [{ member: 'name' }, { member: 'deliverySourceName' }],
      DeliveryName: [{ member: 'id' }],
      ScheduledQueryId: [{ member: 'identifier', read: (value) => (value.startsWith('arn:') ? undefined : { ScheduledQueryId: value }) }],
    },
    arnMembers: ['resourceIdentifier', 'logGroupArnList', 'identifier'],
  },
  operations: {},
  refused: {
    GetLogObject: 'the Service Authorization Reference has no action for GetLogObject yet',
    GetLogRecord: 'a log record pointer, not a parameter, names the log group, and the gateway does not decode it',
    GetQueryResults: 'a query id does not name the log groups the query read; only the upstream knows them',
  },
  conditions: {},
  policyHolders: () => undefined,
};
