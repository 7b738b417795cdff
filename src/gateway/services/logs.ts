// CloudWatch Logs. Log groups are named by logGroupName or logGroupIdentifier (a name or an
// ARN); a log group ARN may end in `:*`, which names the same group.

import type { OperationRule, ServiceRules } from '../rules.ts';
import { rolesInMembers } from '../passed-roles.ts';

/** A log group name, or a log group ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`) — also the name an identifier is forwarded as (logs-group-identifier.ts). */
export function groupName(value: string): Record<string, string> | undefined {
  if (!value.startsWith('arn:')) return { LogGroupName: value };
  const parts = value.split(':');
  if (parts[2] !== 'logs' || parts[5] !== 'log-group' || !parts[6] || parts.length > 8 || (parts.length === 8 && parts[7] !== '*')) return undefined;
  return { LogGroupName: parts[6], Region: parts[3]!, Account: parts[4]! };
}

/**
 * CloudWatch Logs DescribeMetricFilters without `logGroupName` (by `metricName` /
 * `metricNamespace`, or nothing: every metric filter of the account) is a valid request that
 * was refused as naming no log group. With a group: the group, as before; without one: the
 * nameless group DescribeLogGroups is decided on (`arn:…:log-group::log-stream:`), which only a
 * grant on every log group (`log-group:*`) matches — the filters listed are the upstream's.
 */
const describeMetricFiltersRule: OperationRule = {
  expand: (request, context) => {
    const group = request.input.get('logGroupName');
    if (typeof group === 'string' && group !== '') return [{ action: 'DescribeMetricFilters' }];
    return [{ action: 'DescribeMetricFilters', resources: [`arn:aws:logs:${context.region}:${context.ownerAccountId}:log-group::log-stream:`] }];
  },
  expandDoc: 'logs:DescribeMetricFilters on the logGroupName group; without one on `…:log-group::log-stream:` (only `log-group:*` grants it)',
};

/**
 * GetQueryResults names only its query, and is authorized on the log groups the query read.
 * Those are the groups its StartQuery was decided on, remembered when it passed through this
 * gateway (server/gateway/logs-queries.ts) and given as `queryLogGroups`: each must allow
 * logs:GetQueryResults. A query the gateway did not see start is refused, never forwarded.
 */
const getQueryResultsRule: OperationRule = {
  refuse: (_request, context) => (context.request.queryLogGroups === undefined || context.request.queryLogGroups.length === 0
    ? 'the query was not started through this gateway in the last 7 days, so the log groups it read (on which logs:GetQueryResults is authorized) are not known'
    : undefined),
  expand: (_request, context) => [{ action: 'GetQueryResults', resources: context.request.queryLogGroups ?? [], resourceType: 'log-group' }],
  expandDoc: 'logs:GetQueryResults on each log group the query read, as its StartQuery through this gateway named them; a query not started through the gateway (or more than 7 days ago) is refused',
};

/**
 * PutSubscriptionFilter into a CloudWatch Logs destination is authorized on the destination and
 * on the log group (the Service Authorization Reference: log-group required, destination too);
 * into another service's resource (a stream, a function), on the log group alone.
 */
const putSubscriptionFilterRule: OperationRule = {
  also: [{
    action: 'PutSubscriptionFilter',
    when: (request) => /^arn:[^:]+:logs:[^:]*:[^:]*:destination:/.test(String(request.input.get('destinationArn') ?? '')),
    whenDoc: 'into a CloudWatch Logs destination',
    resource: (request, context) => {
      const name = request.input.get('logGroupName');
      return typeof name === 'string' && name !== '' ? [`arn:aws:logs:${context.region}:${context.ownerAccountId}:log-group:${name}`] : undefined;
    },
    resourceDoc: 'the logGroupName group',
  }],
};

/** CreateDelivery connects a delivery source to a delivery destination: authorized on both (and the reference lists both required). */
const createDeliveryRule: OperationRule = {
  also: [{
    action: 'CreateDelivery',
    when: (request) => typeof request.input.get('deliveryDestinationArn') === 'string',
    whenDoc: 'with a deliveryDestinationArn (the main check is then on it)',
    resource: (request, context) => {
      const name = request.input.get('deliverySourceName');
      return typeof name === 'string' && name !== '' ? [`arn:aws:logs:${context.region}:${context.ownerAccountId}:delivery-source:${name}`] : undefined;
    },
    resourceDoc: 'the deliverySourceName delivery source',
  }],
};

export const LOGS_RULES: ServiceRules = {
  passedRoles: (request) => rolesInMembers(request, ['roleArn', 'importRoleArn', 'executionRoleArn']),
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
  operations: {
    DescribeMetricFilters: describeMetricFiltersRule,
    GetQueryResults: getQueryResultsRule,
    PutSubscriptionFilter: putSubscriptionFilterRule,
    CreateDelivery: createDeliveryRule,
  },
  refused: {
    GetLogObject: 'the Service Authorization Reference has no action for GetLogObject yet',
    GetLogRecord: 'a log record pointer, not a parameter, names the log group, and the gateway does not decode it',
  },
  conditions: {},
  policyHolders: () => undefined,
  // CloudWatch Logs authorizes an action on a log group named by its name as the group's
  // empty log stream, `arn:…:log-group:<name>:log-stream:` — its refusals name that ARN, and a
  // policy must write `log-group:<name>:*` (or `log-group:*`) to match it; `log-group:<name>`
  // alone does not. DescribeLogGroups (no resource in the reference) is authorized on the
  // nameless group, `arn:…:log-group::log-stream:`, so that `log-group:*` grants it.
  authorizedAs: (check, context) => {
    if (check.action === 'DescribeLogGroups' && check.arn === '*') return `arn:aws:logs:${context.region}:${context.ownerAccountId}:log-group::log-stream:`;
    if (check.resourceType === 'log-group' && check.named === undefined) return `${check.arn}:log-stream:`;
    return undefined;
  },
};
