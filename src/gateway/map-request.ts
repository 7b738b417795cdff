// A request for a protected service → what it must be authorized against: the operation, every
// check (action on resource with its condition keys), the resource's account, and what the
// forwarder must read upstream first. Never a `*` in place of a resource the action takes: an
// operation that cannot be mapped is refused, naming it.

import type { AuthorizationCheck } from '../authz/target.ts';
import { sarAction, type AuthorizationData, type SarAction } from './authorization-data.ts';
import { conditionContext } from './conditions.ts';
import { identify, type IdentifiedRequest } from './identify.ts';
import { accountsAmbiguity, resourceNameAmbiguity } from './resource-name-ambiguity.ts';
import { fillTemplate, matchTemplate, templateVariables } from './arn-template.ts';
import { arnAccount, resolveResources } from './resources.ts';
import type { ExpandedCheck, OperationRule, RuleContext, ServiceRules } from './rules.ts';
import { bucketConfigurationMembers, deleteObjectsChecks, isMalformedXml, objectLockMembers, objectTaggingContext } from './services/s3-body.ts';
import { SERVICE_RULES } from './services/index.ts';
import { tagOnCreate } from './tag-on-create.ts';
import { iamPrefix, isGatewayService, type GatewayService } from './services.ts';
import type { GatewayRequest, Lookup, MapResult, MappedRequest, Unmapped } from './types.ts';
import { BeyondLimit, LIMITS } from './wire/limits.ts';

/** One check before its condition keys: an action (as the reference spells it) on resources. */
interface PlannedCheck {
  action: SarAction;
  resourceType?: string;
  arns: readonly string[];
  request: IdentifiedRequest;
  extraContext?: ExpandedCheck['context'];
  resolve?: 'kms-alias';
  /** The request gave the ARN whole. */
  named?: 'arn';
  /** A resource the operation creates (`instance/*`): no tags to read. */
  created?: boolean;
}

/** What the mapper may ask of Tessera itself (the server wires it; tests may leave it out). */
export interface MapperHooks {
  /** The role an instance profile holds (`arn:aws:iam::<account>:instance-profile/<path><name>`), from Tessera's IAM store. */
  readonly instanceProfileRole?: (profileArn: string) => Promise<string | undefined>;
}

/** Why an operation is refused outright, if it is: the service's list, or (EC2) not listed and taking a resource. */
export function refusalOf(data: AuthorizationData, service: GatewayService, operation: string): string | undefined {
  const rules = SERVICE_RULES[service];
  if (Object.hasOwn(rules.refused, operation)) return rules.refused[operation];
  if (rules.refuseUnlisted === undefined || Object.hasOwn(rules.operations, operation)) return undefined;
  const action = sarAction(data, service, operation);
  return action !== undefined && action.resourceTypes.length === 0 ? undefined : rules.refuseUnlisted(operation);
}

export function mapRequest(data: AuthorizationData, request: GatewayRequest, hooks: MapperHooks = {}): MapResult {
  const service = typeof request.service === 'string' ? request.service.toLowerCase() : '';
  if (!isGatewayService(service)) {
    return { kind: 'unmapped', reason: 'unknown-service', service: String(request.service).slice(0, 64), message: `The gateway does not protect the service ${String(request.service).slice(0, 64)}` };
  }
  const identified = identify(service, request);
  if ('kind' in identified) return identified;
  try {
    return mapIdentified(data, service, request, identified, hooks);
  } catch (error) {
    if (!(error instanceof BeyondLimit)) throw error;
    return { kind: 'unmapped', reason: 'invalid-request', service, protocol: identified.protocol, operation: identified.operation.name, message: error.message, input: identified.input };
  }
}

/** The checks of an identified request; BeyondLimit where a list or map it authorizes is too long to read whole. */
function mapIdentified(data: AuthorizationData, service: GatewayService, request: GatewayRequest, given: IdentifiedRequest, hooks: MapperHooks): MapResult {
  let identified = given;
  // A resource the upstream would find otherwise than the gateway names it is refused (resource-name-ambiguity.ts).
  const ambiguous = resourceNameAmbiguity(identified, request);
  if (ambiguous !== undefined) return { kind: 'unmapped', reason: 'invalid-request', service, protocol: identified.protocol, operation: identified.operation.name, message: ambiguous };
  const rules = SERVICE_RULES[service];
  const operation = identified.operation.name;
  const protocol = identified.protocol;
  const unmapped = (reason: Unmapped['reason'], message: string): Unmapped => ({ kind: 'unmapped', reason, service, protocol, operation, message });
  const malformedXml = (): Unmapped => ({ ...unmapped('invalid-request', 'The XML you provided was not well-formed or did not validate against our published schema'), code: 'MalformedXML' });

  const refused = refusalOf(data, service, operation);
  if (refused !== undefined) return unmapped('refused-operation', `${operation} is not forwarded: ${refused}`);
  const rule: OperationRule = Object.hasOwn(rules.operations, operation) ? rules.operations[operation]! : {};
  const context: RuleContext = { request, region: request.region, ownerAccountId: request.ownerAccountId };
  const invalid = rule.invalid?.(identified);
  if (invalid !== undefined) return unmapped('invalid-request', invalid);
  const refusal = rule.refuse?.(identified, context);
  if (refusal !== undefined) return unmapped('refused-operation', `${operation} is not forwarded: ${refusal}`);
  if (rule.needsBody !== undefined && request.body === undefined) {
    return { kind: 'needs-body', service, protocol, operation, reason: rule.needsBody, maxBytes: LIMITS.body };
  }
  // A bucket configuration whose document says what is authorized (the replication role passed
  // to S3, the inventory's optional fields, a new bucket's Region): its members join the
  // request's, for every check.
  if (service === 's3' && (operation === 'PutBucketReplication' || operation === 'PutBucketInventoryConfiguration' || operation === 'CreateBucket')) {
    const members = bucketConfigurationMembers(request.body!, operation);
    if (typeof members === 'string') return isMalformedXml(members) ? malformedXml() : unmapped('invalid-request', members);
    identified = { ...identified, input: new Map([...identified.input, ...members]) };
  }

  const planned = planChecks(data, service, rules, rule, identified, context, request.body);
  if (typeof planned === 'string') {
    if (planned.startsWith('no action')) return unmapped('refused-operation', planned);
    // S3 answers a body that is not its document MalformedXML; SQS's Query form a request
    // without its QueueUrl MissingParameter (the Query APIs' common error).
    if (service === 's3' && isMalformedXml(planned)) return malformedXml();
    if (service === 'sqs' && protocol === 'query' && identified.input.get('QueueUrl') === undefined && takesMember(identified, 'QueueUrl')) {
      return { ...unmapped('invalid-request', 'The request must contain the parameter QueueUrl.'), code: 'MissingParameter' };
    }
    return unmapped('invalid-request', planned);
  }

  const targets: AuthorizationCheck[] = [];
  const lookups: Lookup[] = [];
  const mainAccount = arnAccount(planned[0]!.arns[0]!) ?? request.ownerAccountId;
  for (const check of planned) {
    for (const built of check.arns) {
      const arn = rules.canonicalArn?.(built) ?? built;
      const index = targets.length;
      const resourceAccountId = arnAccount(arn) ?? request.ownerAccountId;
      const conditions = {
        ...conditionContext(check.action, check.request, rules, { ...context, resourceAccountId, action: check.action.name }),
        ...rules.checkContext?.(check.request, { action: check.action.name, arn, created: check.created === true, ...(check.resourceType ? { resourceType: check.resourceType } : {}) }, context),
        ...check.extraContext,
      };
      // The resource the service authorizes may be written otherwise than the one it reads (a
      // CloudWatch Logs group is authorized as `…:log-group:<name>:log-stream:`); lookups read the resource itself.
      const authorized = rules.authorizedAs?.({ action: check.action.name, arn, named: check.named, ...(check.resourceType ? { resourceType: check.resourceType } : {}) }, context) ?? arn;
      targets.push({ action: `${iamPrefix(service)}:${check.action.name}`, resource: authorized, context: conditions });
      lookups.push(...lookupsFor(data, service, rules, check, index, arn));
      if (targets.length > LIMITS.fanOut) return unmapped('invalid-request', `${operation} names more than ${LIMITS.fanOut} resources`);
    }
  }
  // Resources of several accounts in one request: the upstream acts in one of them (resource-name-ambiguity.ts).
  const accounts = accountsAmbiguity(service, targets, request.ownerAccountId);
  if (accounts !== undefined) return unmapped('invalid-request', accounts);
  // A role handed to the service for it to assume later needs iam:PassRole on that role.
  for (const role of rules.passedRoles?.(identified) ?? []) {
    targets.push({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': rules.passedToService ?? `${service}.amazonaws.com` } });
  }
  // An instance profile: iam:PassRole on the role it holds (resolved in Tessera's IAM store).
  for (const profile of rules.passedInstanceProfiles?.(identified, context) ?? []) {
    const read = hooks.instanceProfileRole;
    lookups.push({ kind: 'instance-profile-role', check: targets.length, profile, ...(read ? { read: () => read(profile) } : {}) });
    targets.push({ action: 'iam:PassRole', resource: profile, context: { 'iam:PassedToService': `${service}.amazonaws.com` } });
  }
  const mapped: MappedRequest = { kind: 'mapped', service, protocol, operation, targets, resourceAccountId: mainAccount, lookups, input: identified.input };
  if (rule.unreadKeys !== undefined) mapped.unread = { keys: rule.unreadKeys, why: rule.unreadWhy ?? `Tessera does not read them from a ${operation} request` };
  return mapped;
}

/** The checks of the request, or why there are none (an operation without an action, a request naming no resource). */
function planChecks(
  data: AuthorizationData,
  service: GatewayService,
  rules: ServiceRules,
  rule: OperationRule,
  request: IdentifiedRequest,
  context: RuleContext,
  body: Buffer | undefined,
): PlannedCheck[] | string {
  const operation = request.operation.name;
  const lookup = (name: string): SarAction | string => sarAction(data, service, name) ?? `no action ${iamPrefix(service)}:${name} in the Service Authorization Reference for ${operation}`;

  if (service === 's3' && operation === 'DeleteObjects') {
    const checks = deleteObjectsChecks(body!, request);
    if (typeof checks === 'string') return checks;
    return checksFromExpanded(data, service, rules, request, context, checks);
  }
  if (rule.eachResourceType !== undefined) return eachTypeChecks(data, service, rules, rule, request, context);
  if (rule.expand !== undefined) {
    const expanded = rule.expand(request, context);
    if (expanded === undefined || expanded.length === 0) return `${operation} names no resource the gateway can authorize`;
    return checksFromExpanded(data, service, rules, request, context, expanded);
  }

  const versioned = request.input.get('VersionId') !== undefined && request.input.get('VersionId') !== '';
  const mainName = versioned && rule.versioned !== undefined ? rule.versioned : (rule.action ?? operation);
  const main = lookup(mainName);
  if (typeof main === 'string') return main;
  let mainRequest = request;
  if (service === 's3' && operation === 'PutObjectTagging') {
    const tags = objectTaggingContext(body!);
    if (typeof tags === 'string') return tags;
    mainRequest = { ...request, input: new Map([...request.input, ['Tagging', new URLSearchParams(tags).toString()]]) };
  }
  if (service === 's3' && (operation === 'PutObjectRetention' || operation === 'PutObjectLegalHold')) {
    const members = objectLockMembers(body!, operation);
    if (typeof members === 'string') return members;
    mainRequest = { ...request, input: new Map([...request.input, ...members]) };
  }
  const resolved = resolveResources(data, service, main, mainRequest.input, rules.resources, context);
  let mainCheck: PlannedCheck;
  if (resolved !== undefined) {
    mainCheck = { action: main, arns: resolved.arns, request: mainRequest, ...(resolved.type ? { resourceType: resolved.type } : {}), ...(resolved.named ? { named: resolved.named } : {}) };
  } else {
    const stand = rules.unresolved?.(request, context);
    if (stand === undefined) return `${operation} does not name the ${describeTypes(main)} that ${iamPrefix(service)}:${main.name} is authorized on`;
    mainCheck = { action: main, arns: stand.arns, request: mainRequest, resolve: stand.resolve };
  }
  const checks: PlannedCheck[] = [mainCheck];
  for (const also of rule.also ?? []) {
    if (also.when !== undefined && !also.when(request)) continue;
    // A check on another resource (a copy source) is of a version when that resource names one;
    // a further check on the request's own resource, when the request does (GetObjectAttributes).
    const useVersioned = also.versioned !== undefined && (also.resource !== undefined ? copySourceVersioned(request) : versioned);
    const action = lookup(useVersioned ? also.versioned! : also.action);
    if (typeof action === 'string') return action;
    if (also.resource !== undefined) {
      const arns = also.resource(request, context);
      if (arns === undefined || arns.length === 0) return `${operation} does not name ${also.resourceDoc ?? 'the resource'} that ${iamPrefix(service)}:${action.name} is authorized on`;
      // A KMS key named by an alias: resolved to the key before deciding, as a main check's.
      const resolve = also.resolve?.(arns[0]!);
      if (resolve !== undefined) {
        checks.push({ action, arns, request, resolve });
        continue;
      }
      // Its resource type, from the ARN: what its lookups read (a copy source's bucket policy and tags).
      const resourceType = typeOfArn(data, service, action, arns[0]!);
      checks.push({ action, arns, request, ...(resourceType !== undefined ? { resourceType } : {}) });
    } else {
      checks.push({ ...mainCheck, action });
    }
  }
  // A resource tagged as it is created: the tagging action too (tag-on-create.ts).
  const tagging = tagOnCreate(service, operation, request);
  if (tagging !== undefined) {
    const action = lookup(tagging.action);
    if (typeof action === 'string') return action;
    if (tagging.resourceContext !== undefined) checks[0] = { ...mainCheck, extraContext: { ...mainCheck.extraContext, ...tagging.resourceContext } };
    checks.push({ ...checks[0]!, action });
  }
  return checks;
}

function checksFromExpanded(
  data: AuthorizationData,
  service: GatewayService,
  rules: ServiceRules,
  request: IdentifiedRequest,
  context: RuleContext,
  expanded: readonly ExpandedCheck[],
): PlannedCheck[] | string {
  const checks: PlannedCheck[] = [];
  for (const item of expanded) {
    const action = sarAction(data, service, item.action);
    if (action === undefined) return `no action ${iamPrefix(service)}:${item.action} in the Service Authorization Reference for ${request.operation.name}`;
    const itemRequest: IdentifiedRequest = item.input === undefined ? request : { ...request, input: item.input };
    if (item.resources !== undefined) {
      checks.push({ action, arns: item.resources, request: itemRequest, ...(item.resourceType ? { resourceType: item.resourceType } : {}), ...(item.context ? { extraContext: item.context } : {}) });
      continue;
    }
    const resolved = resolveResources(data, service, action, itemRequest.input, rules.resources, context);
    if (resolved === undefined) return `${request.operation.name} does not name the ${describeTypes(action)} that ${iamPrefix(service)}:${action.name} is authorized on`;
    checks.push({ action, arns: resolved.arns, request: itemRequest, ...(resolved.type ? { resourceType: resolved.type } : {}), ...(resolved.named ? { named: resolved.named } : {}), ...(item.context ? { extraContext: item.context } : {}) });
  }
  return checks;
}

/**
 * One check per resource type of the action (EC2): each type the request names gets its ARNs (one
 * per ID); a type the operation creates, or picks itself, is checked on `<type>/*`; a required type
 * the request does not name makes the request unauthorizable. A request tagging what it creates
 * (EC2's TagSpecifications) also needs the tagging action on each tagged new resource, with
 * `<service>:CreateAction` naming the operation (the service's `checkContext` adds the tags).
 */
function eachTypeChecks(data: AuthorizationData, service: GatewayService, rules: ServiceRules, rule: OperationRule, request: IdentifiedRequest, context: RuleContext): PlannedCheck[] | string {
  const operation = request.operation.name;
  const each = rule.eachResourceType!;
  const action = sarAction(data, service, rule.action ?? operation);
  if (action === undefined) return `no action ${iamPrefix(service)}:${rule.action ?? operation} in the Service Authorization Reference for ${operation}`;
  const types = data.get(service)!.resourceTypes;
  const input = each.input?.(request) ?? request.input;
  const checks: PlannedCheck[] = [];
  for (const ref of action.resourceTypes) {
    const type = types.get(ref.type);
    if (type === undefined) continue;
    const resolved = resolveResources(data, service, { ...action, resourceTypes: [ref] }, input, rules.resources, context);
    if (resolved !== undefined) {
      checks.push({ action, arns: resolved.arns, request, resourceType: type.key, ...(resolved.named ? { named: resolved.named } : {}) });
    } else if (each.created?.includes(type.key)) {
      const arn = wildcardArn(type.arn, context);
      if (arn === undefined) return `${operation}: the ${type.key} resource type has no ARN format the gateway can fill`;
      checks.push({ action, arns: [arn], request, resourceType: type.key, created: true });
    } else if (ref.required) {
      return `${operation} does not name the ${type.key} that ${iamPrefix(service)}:${action.name} is authorized on`;
    }
  }
  if (checks.length === 0) return `${operation} does not name the ${describeTypes(action)} that ${iamPrefix(service)}:${action.name} is authorized on`;
  const main = checks.findIndex((check) => check.resourceType === each.main);
  if (main > 0) checks.unshift(...checks.splice(main, 1));
  // Tagging on create: the tagging action on each new resource the request tags.
  const tagged = taggedTypes(request.input);
  if (tagged.length > 0) {
    const createTags = sarAction(data, service, 'CreateTags');
    if (createTags === undefined) return `no action ${service}:CreateTags in the Service Authorization Reference for ${operation}`;
    for (const typeName of tagged) {
      const created = checks.find((check) => check.created && check.resourceType === typeName);
      const type = types.get(typeName);
      const arn = created?.arns[0] ?? (type === undefined ? undefined : wildcardArn(type.arn, context));
      if (arn === undefined) return `${operation} tags a ${typeName}, a resource type the gateway cannot name`;
      checks.push({ action: createTags, arns: [arn], request, resourceType: typeName, created: true, extraContext: { [`${service}:CreateAction`]: operation } });
    }
  }
  return checks;
}

/** The ARN of every resource of a type in the request's region and account (`…:instance/*`). */
function wildcardArn(template: string, context: RuleContext): string | undefined {
  const own = templateVariables(template).filter((name) => name !== 'Partition' && name !== 'Region' && name !== 'Account');
  if (own.length !== 1) return undefined;
  return fillTemplate(template, new Map([['Partition', 'aws'], ['Region', context.region], ['Account', context.ownerAccountId], [own[0]!, '*']]));
}

/** The resource types a request's TagSpecifications tag (EC2), in order, once each. */
function taggedTypes(input: ReadonlyMap<string, unknown>): string[] {
  const specs = input.get('TagSpecifications');
  if (!Array.isArray(specs)) return [];
  const types: string[] = [];
  for (const spec of specs) {
    const type = (spec as Record<string, unknown> | null)?.['ResourceType'];
    const tags = (spec as Record<string, unknown> | null)?.['Tags'];
    if (typeof type === 'string' && Array.isArray(tags) && tags.length > 0 && !types.includes(type)) types.push(type);
  }
  return types;
}

function copySourceVersioned(request: IdentifiedRequest): boolean {
  const source = request.input.get('CopySource');
  return typeof source === 'string' && source.includes('versionId=');
}

function describeTypes(action: SarAction): string {
  return action.resourceTypes.map((ref) => ref.type).join(' or ');
}

/** The resource type of the action whose ARN format `arn` has, if one has. */
function typeOfArn(data: AuthorizationData, service: GatewayService, action: SarAction, arn: string): string | undefined {
  const types = data.get(service)!.resourceTypes;
  for (const ref of action.resourceTypes) {
    const type = types.get(ref.type);
    if (type !== undefined && matchTemplate(type.arn, arn) !== undefined) return type.key;
  }
  return undefined;
}

/** What the forwarder must read before deciding a check: the resource's tags and policy, and the service's own. */
function lookupsFor(data: AuthorizationData, service: GatewayService, rules: ServiceRules, check: PlannedCheck, index: number, arn: string): Lookup[] {
  const lookups: Lookup[] = [];
  if (arn === '*') return lookups;
  if (check.resolve !== undefined) lookups.push({ kind: 'resolve-resource', check: index, resource: arn, how: check.resolve });
  const type = check.resourceType === undefined ? undefined : data.get(service)?.resourceTypes.get(check.resourceType);
  const keys = [...check.action.conditionKeys, ...(type?.conditionKeys ?? [])];
  if (!check.created && (keys.some((key) => /^[a-z0-9-]+:ResourceTag\//i.test(key) || /^s3:BucketTag\//i.test(key)) || check.resolve !== undefined)) {
    lookups.push({ kind: 'resource-tags', check: index, resource: arn });
  }
  const holder = check.resourceType === undefined ? (check.resolve === 'kms-alias' ? arn : undefined) : rules.policyHolders?.(check.resourceType, arn);
  if (holder !== undefined) lookups.push({ kind: 'resource-policy', check: index, resource: holder });
  lookups.push(...(rules.lookups?.(check.request, { index, action: check.action.name, resource: arn, conditionKeys: check.action.conditionKeys }) ?? []));
  return lookups;
}

/** Whether the operation's input has the member (its model's input shape). */
function takesMember(identified: IdentifiedRequest, member: string): boolean {
  const { operation } = identified;
  const members = operation.inputShape === undefined ? undefined : operation.shapes.get(operation.inputShape)?.members;
  return members !== undefined && Object.hasOwn(members, member);
}
