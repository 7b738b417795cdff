// What the mapper answers for every operation of every protected model, worked out from the
// models, the reference data and the service rules alone (no request): the docs are generated
// from it, and a test requires every operation to be mapped or refused with a reason.

import { sarAction, type AuthorizationData, type SarAction } from './authorization-data.ts';
import { KMS_KEY_PROPERTY_KEYS } from './kms-key-properties.ts';
import { inputMembers, loadGatewayModel } from './model.ts';
import { refusalOf } from './map-request.ts';
import { fillableFrom, isArnMember, sameName } from './resources.ts';
import { SERVICE_RULES } from './services/index.ts';
import { GATEWAY_SERVICES, iamPrefix, type GatewayService } from './services.ts';
import { TAG_ON_CREATE } from './tag-on-create.ts';

export interface PlannedAction {
  /** `s3:GetObject`, with when it applies if not always. */
  readonly action: string;
  readonly when?: string;
  /** `bucket: arn:${Partition}:s3:::${BucketName} (Bucket)`, or `*`. */
  readonly resources: readonly string[];
  /** Keys set from the request. */
  readonly conditionKeys: readonly string[];
  /** Keys the forwarder reads upstream (resource tags, existing object tags). */
  readonly upstreamKeys: readonly string[];
}

export type OperationPlan =
  | { readonly operation: string; readonly status: 'mapped'; readonly actions: readonly PlannedAction[]; readonly note?: string }
  | { readonly operation: string; readonly status: 'refused'; readonly reason: string }
  /** A gap: no action in the reference, or a resource the request cannot name. */
  | { readonly operation: string; readonly status: 'unmapped'; readonly problem: string };

export function planService(data: AuthorizationData, service: GatewayService): OperationPlan[] {
  const model = loadGatewayModel(service);
  const rules = SERVICE_RULES[service];
  const plans: OperationPlan[] = [];
  for (const operation of [...model.operations.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = operation.name;
    const refused = refusalOf(data, service, name);
    if (refused !== undefined) {
      plans.push({ operation: name, status: 'refused', reason: refused });
      continue;
    }
    const rule = Object.hasOwn(rules.operations, name) ? rules.operations[name]! : {};
    const members = Object.keys(inputMembers(model, operation));
    const each = rule.eachResourceType;
    const describe = (action: SarAction, when?: string, resourceDoc?: string): PlannedAction | string => {
      const resources: string[] = [];
      if (resourceDoc !== undefined) resources.push(resourceDoc);
      else if (action.resourceTypes.length === 0) resources.push('*');
      else {
        for (const ref of action.resourceTypes) {
          const type = data.get(service)!.resourceTypes.get(ref.type);
          if (type === undefined) continue;
          const found = fillableFrom(type.arn, members, rules.resources);
          // A member holding some other ARN (EC2's OutpostArn) does not name a resource being created.
          const from = found !== undefined && each?.created?.includes(type.key) && found.every((member) => isArnMember(rules.resources, member)) ? undefined : found;
          if (from !== undefined) resources.push(`${type.arn}${from.length > 0 ? ` (${from.join(', ')})` : ''}`);
          // One check per resource type (EC2): a created one on `<type>/*`; a required one the request cannot name is a gap.
          else if (each?.created?.includes(type.key)) resources.push(`${type.arn.replace(/\$\{[A-Za-z]+\}$/, '*')} (created)`);
          else if (each !== undefined && ref.required && each.input === undefined) return `the request names no ${ref.type}`;
        }
        if (resources.length === 0) {
          if (rules.unresolved === undefined) return `the request names no ${action.resourceTypes.map((ref) => ref.type).join(' or ')}`;
          resources.push('the alias\'s key (resolved upstream)');
        }
      }
      const typeKeys = action.resourceTypes.flatMap((ref) => data.get(service)!.resourceTypes.get(ref.type)?.conditionKeys ?? []);
      const keys = settableKeys({ ...action, conditionKeys: [...new Set([...action.conditionKeys, ...typeKeys.filter(isUpstreamKey)])] }, members, service);
      const extra = rules.checkContextKeys?.(name, action.name, members) ?? [];
      // A KMS key's own properties, read from the upstream for an operation on the key (kms-key-properties.ts).
      const keyProperties = service === 'kms' && resources.some((resource) => resource.includes(':key/'))
        ? typeKeys.filter((key) => KMS_KEY_PROPERTY_KEYS.includes(key.toLowerCase()) && !action.conditionKeys.includes(key))
        : [];
      return { action: `${iamPrefix(service)}:${action.name}`, ...(when ? { when } : {}), resources, conditionKeys: [...new Set([...keys.set, ...extra])], upstreamKeys: [...keys.upstream, ...keyProperties] };
    };

    const actions: PlannedAction[] = [];
    let problem: string | undefined;
    const add = (actionName: string, when?: string, resourceDoc?: string): void => {
      const action = sarAction(data, service, actionName);
      if (action === undefined) {
        problem ??= `no action ${iamPrefix(service)}:${actionName} in the Service Authorization Reference`;
        return;
      }
      const planned = describe(action, when, resourceDoc);
      if (typeof planned === 'string') problem ??= planned;
      else actions.push(planned);
    };
    add(rule.action ?? name, rule.versioned ? 'without a version' : undefined);
    if (rule.versioned) add(rule.versioned, 'with a version');
    for (const also of rule.also ?? []) {
      // A further check on the request's own object is of a version when the request names one.
      const ownVersion = also.versioned !== undefined && also.resource === undefined;
      add(also.action, also.whenDoc ?? (ownVersion ? 'without a version' : undefined), also.resourceDoc);
      if (also.versioned) add(also.versioned, ownVersion ? 'with a version' : 'with a versioned source', also.resourceDoc);
    }
    const tagging = TAG_ON_CREATE[service]?.[name];
    if (tagging !== undefined) add(tagging.action, 'when the request carries tags', 'the main check\'s resource (the new one)');
    if (each !== undefined && members.includes('TagSpecifications')) add('CreateTags', 'on each new resource TagSpecification.N tags', 'each tagged new resource (<type>/*)');
    const note = rule.expandDoc ?? rule.needsBody;
    if (problem !== undefined && rule.expandDoc === undefined) plans.push({ operation: name, status: 'unmapped', problem });
    else plans.push({ operation: name, status: 'mapped', actions, ...(note ? { note: rule.expandDoc ? `one check per item: ${rule.expandDoc}` : `the body is read: ${note}` } : {}) });
  }
  return plans;
}

export function planAll(data: AuthorizationData): Map<GatewayService, OperationPlan[]> {
  return new Map(GATEWAY_SERVICES.map((service) => [service, planService(data, service)]));
}

/** Which of the action's condition keys the request sets, and which the upstream supplies. */
function settableKeys(action: SarAction, members: readonly string[], service: GatewayService): { set: string[]; upstream: string[] } {
  const rules = SERVICE_RULES[service];
  const readers = new Set(Object.keys(rules.conditions).map((key) => key.toLowerCase()));
  const tagMember = members.some((member) => ['tags', 'tag', 'tagkeys', 'tagging'].includes(member.toLowerCase()));
  const set: string[] = [];
  const upstream: string[] = [];
  for (const key of action.conditionKeys) {
    const lower = key.toLowerCase();
    const name = key.slice(key.indexOf(':') + 1);
    if (isUpstreamKey(key)) upstream.push(key);
    else if (lower === 'aws:requesttag/${tagkey}' || lower === 'aws:tagkeys') {
      if (tagMember) set.push(key);
    } else if (lower.startsWith('aws:')) continue;
    else if (readers.has(lower) || rules.headerConditions?.(name.toLowerCase()) !== undefined || sameName(members, name) !== undefined) set.push(key);
  }
  return { set, upstream };
}

/** Keys whose value is the resource's, read from the upstream: its tags, an object's tags, a table's key schema. */
function isUpstreamKey(key: string): boolean {
  const lower = key.toLowerCase();
  return /^[a-z0-9-]+:resourcetag\//.test(lower) || lower.startsWith('s3:existingobjecttag/') || lower.startsWith('s3:buckettag/') || lower === 'dynamodb:leadingkeys';
}
