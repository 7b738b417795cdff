// Amazon CloudWatch, signed as `monitoring`, authorized as `cloudwatch:` actions (services.ts,
// IAM_PREFIXES). Alarms are `…:alarm:<name>`, dashboards `arn:aws:cloudwatch::<account>:dashboard/<name>`
// (no region), Contributor Insights rules `…:insight-rule/<name>`, metric streams
// `…:metric-stream/<name>`, alarm mute rules `…:alarm-mute-rule:<name>` — each named by the
// request's name member(s), one check per name of a list (DeleteAlarms' AlarmNames, …), or by a
// whole ARN (ResourceARN of the tagging calls).
//
// Where the request names no resource of a type the action requires (DescribeAlarms without
// AlarmNames, DescribeAlarmHistory without AlarmName, ListAlarmMuteRules), the check is on every
// resource of the type in the account and region (`…:alarm:*`): which alarms the answer holds
// only the upstream knows, so only a grant on every alarm allows it (stricter than AWS, which
// does not document it). PutMetricData, GetMetricData and ListMetrics list the `dataset` resource
// type as optional in the Service Authorization Reference; their requests name no dataset, so
// they are on `*` (what the CloudWatch User Guide's policies grant them).

import { requestTags } from '../conditions.ts';
import type { IdentifiedRequest } from '../identify.ts';
import { rolesInMembers } from '../passed-roles.ts';
import type { ExpandedCheck, RuleContext, ServiceRules } from '../rules.ts';
import type { ConditionValue } from '../types.ts';
import { strings } from '../resources.ts';
import { wholeList } from '../wire/limits.ts';

/** Every resource of a type in the request's region and account: `arn:aws:cloudwatch:<region>:<account>:alarm:*`. */
function every(type: 'alarm:' | 'alarm-mute-rule:', context: RuleContext): string {
  return `arn:aws:cloudwatch:${context.region}:${context.ownerAccountId}:${type}*`;
}

/** The action on the resources the request names, or on every one of the type when it names none. */
function namedOrEvery(action: string, member: string, type: 'alarm:' | 'alarm-mute-rule:', others: readonly string[] = []) {
  return (request: IdentifiedRequest, context: RuleContext): ExpandedCheck[] => {
    const selects = others.some((name) => strings(request.input.get(name)).length > 0);
    if (strings(request.input.get(member)).length > 0 && !selects) return [{ action }];
    return [{ action, resources: [every(type, context)] }];
  };
}

/** An action whose only resource type (a `dataset`) is optional and never named by the request: on `*`. */
const onAny = (action: string) => ({ expand: () => [{ action, resources: ['*'] }], expandDoc: `cloudwatch:${action} on \`*\` (the reference's optional dataset resource is not named by the request)` });

/**
 * cloudwatch:AlarmActions — the actions an alarm takes. CloudWatch documents the key as the
 * alarm's actions; Tessera gives it every action the request sets (AlarmActions, OKActions,
 * InsufficientDataActions), so a policy limiting the actions cannot be passed by the other two
 * lists (stricter).
 */
function alarmActions(request: IdentifiedRequest): Record<string, ConditionValue> | undefined {
  const members = ['AlarmActions', 'OKActions', 'InsufficientDataActions'];
  if (!members.some((member) => request.input.has(member))) return undefined;
  const actions = [...new Set(members.flatMap((member) => strings(request.input.get(member))))];
  return { 'cloudwatch:AlarmActions': actions };
}

/** cloudwatch:requestInsightRuleLogGroups — the log groups of PutInsightRule's RuleDefinition (its `LogGroupNames`). */
function insightRuleLogGroups(request: IdentifiedRequest): Record<string, ConditionValue> | undefined {
  const definition = request.input.get('RuleDefinition');
  if (typeof definition !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch {
    return undefined;
  }
  const groups = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['LogGroupNames'] : undefined;
  return Array.isArray(groups) ? { 'cloudwatch:requestInsightRuleLogGroups': strings(groups) } : undefined;
}

/** The ManagedRules of PutManagedInsightRules (each `{ TemplateName, ResourceARN, Tags }`). */
function managedRules(request: IdentifiedRequest): Record<string, unknown>[] {
  const rules = request.input.get('ManagedRules');
  return Array.isArray(rules) ? wholeList(rules, 'ManagedRules').filter((rule): rule is Record<string, unknown> => typeof rule === 'object' && rule !== null) : [];
}

/** cloudwatch:requestManagedResourceARNs — the resources managed rules are (or would be) made for. */
function managedResourceArns(request: IdentifiedRequest): Record<string, ConditionValue> | undefined {
  const arns = request.operation.name === 'PutManagedInsightRules' ? managedRules(request).flatMap((rule) => strings(rule['ResourceARN'])) : strings(request.input.get('ResourceARN'));
  return arns.length > 0 ? { 'cloudwatch:requestManagedResourceARNs': [...new Set(arns)] } : undefined;
}

export const CLOUDWATCH_RULES: ServiceRules = {
  resources: {
    variables: {
      AlarmName: [{ member: 'AlarmName' }, { member: 'AlarmNames' }],
      DashboardName: [{ member: 'DashboardName' }, { member: 'DashboardNames' }],
      InsightRuleName: [{ member: 'RuleName' }, { member: 'RuleNames' }],
      MetricStreamName: [{ member: 'Name' }, { member: 'Names' }],
      AlarmMuteRuleName: [{ member: 'AlarmMuteRuleName' }, { member: 'Name' }],
    },
    arnMembers: [],
  },
  operations: {
    DescribeAlarms: {
      expand: namedOrEvery('DescribeAlarms', 'AlarmNames', 'alarm:', ['AlarmNamePrefix', 'ChildrenOfAlarmName', 'ParentsOfAlarmName']),
      expandDoc: 'cloudwatch:DescribeAlarms on each alarm of AlarmNames; with AlarmNamePrefix, ChildrenOfAlarmName or ParentsOfAlarmName, or none of them, on `…:alarm:*`',
    },
    DescribeAlarmHistory: {
      expand: namedOrEvery('DescribeAlarmHistory', 'AlarmName', 'alarm:'),
      expandDoc: 'cloudwatch:DescribeAlarmHistory on the AlarmName alarm; without one on `…:alarm:*`',
    },
    ListAlarmMuteRules: {
      expand: (_request, context) => [{ action: 'ListAlarmMuteRules', resources: [every('alarm-mute-rule:', context)] }],
      expandDoc: 'cloudwatch:ListAlarmMuteRules on `…:alarm-mute-rule:*` (the rules listed are the upstream\'s)',
    },
    // Muting alarms: the rule, and each alarm it mutes (the reference lists the alarm type too).
    PutAlarmMuteRule: {
      also: [{
        action: 'PutAlarmMuteRule',
        when: (request) => strings((request.input.get('MuteTargets') as Record<string, unknown> | undefined)?.['AlarmNames']).length > 0,
        whenDoc: 'with MuteTargets.AlarmNames',
        resource: (request, context) => strings((request.input.get('MuteTargets') as Record<string, unknown> | undefined)?.['AlarmNames'])
          .map((name) => `arn:aws:cloudwatch:${context.region}:${context.ownerAccountId}:alarm:${name}`),
        resourceDoc: 'each alarm of MuteTargets.AlarmNames',
      }],
    },
    PutMetricData: onAny('PutMetricData'),
    GetMetricData: onAny('GetMetricData'),
    ListMetrics: onAny('ListMetrics'),
  },
  refused: {
    DescribeAlarmContributors: 'the Service Authorization Reference has no action for DescribeAlarmContributors yet',
  },
  conditions: {
    'cloudwatch:AlarmActions': alarmActions,
    'cloudwatch:requestInsightRuleLogGroups': insightRuleLogGroups,
    'cloudwatch:requestManagedResourceARNs': managedResourceArns,
  },
  // PutManagedInsightRules tags each managed rule it makes: their tags are its aws:RequestTag/… and aws:TagKeys.
  checkContext: (request) => {
    if (request.operation.name !== 'PutManagedInsightRules') return undefined;
    const context: Record<string, ConditionValue> = {};
    const keys: string[] = [];
    for (const rule of managedRules(request)) {
      const tags = requestTags(new Map([['Tags', rule['Tags']]]));
      for (const [key, value] of tags.pairs) context[`aws:RequestTag/${key}`] = value;
      for (const key of tags.keys) if (!keys.includes(key)) keys.push(key);
    }
    if (keys.length > 0) context['aws:TagKeys'] = keys;
    return context;
  },
  checkContextKeys: (operation) => (operation === 'PutManagedInsightRules' ? ['aws:RequestTag/<key>', 'aws:TagKeys'] : []),
  // A metric stream's role is assumed by CloudWatch's metric streams (its trust policy's principal).
  passedRoles: (request) => rolesInMembers(request, ['RoleArn']),
  passedToService: 'streams.metrics.cloudwatch.amazonaws.com',
  policyHolders: () => undefined,
};
