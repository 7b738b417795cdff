// The resource ARN(s) a request names, for one action: the action's resource types come from
// the Service Authorization Reference, their ARN formats too; the values of the format's
// variables come from the request's input members — a member named like the variable
// (`TableName`, `LogGroupName`), a service's own reading of a member (an SQS queue URL, a Lambda
// function name that may be an ARN), or a member holding a whole ARN of that type
// (`ResourceArn`, `TopicArn`, a KMS key ARN).

import type { AuthorizationData, SarAction } from './authorization-data.ts';
import { fillTemplate, matchTemplate, templateVariables } from './arn-template.ts';
import type { GatewayService } from './services.ts';
import { LIMITS, wholeList } from './wire/limits.ts';

export interface ResourceContext {
  readonly region: string;
  readonly ownerAccountId: string;
}

/**
 * One way to obtain ARN variables from an input member. `read` turns the member's (string)
 * value into variables, or undefined when the value is not of that form; without it the value
 * is the variable itself.
 */
export interface VariableSource {
  readonly member: string;
  readonly read?: (value: string, input: ReadonlyMap<string, unknown>) => Readonly<Record<string, string>> | undefined;
}

export interface ServiceResources {
  /** Sources per ARN variable, tried in order, before a member of the variable's own name. */
  readonly variables: Readonly<Record<string, readonly VariableSource[]>>;
  /** Members that may hold a whole ARN, besides those whose name ends in `Arn`/`ARN`. */
  readonly arnMembers: readonly string[];
}

const STANDARD = new Set(['Partition', 'Region', 'Account']);

export interface ResolvedResources {
  /** The resource type's key, or undefined for an action on `*`. */
  readonly type?: string;
  /** One ARN, or one per element of a list member (SSM GetParameters' Names). */
  readonly arns: readonly string[];
  /** Whether the request gave the ARN whole (an ARN member) rather than the names that fill its format. */
  readonly named?: 'arn';
}

export function isArnMember(resources: ServiceResources, member: string): boolean {
  return member.endsWith('Arn') || member.endsWith('ARN') || member.endsWith('arn') || resources.arnMembers.includes(member);
}

/** A format's own variables (all but Partition, Region and Account), by format: read once. */
const ownVariablesOf = new Map<string, readonly string[]>();

function ownVariables(template: string): readonly string[] {
  let own = ownVariablesOf.get(template);
  if (own === undefined) {
    own = templateVariables(template).filter((name) => !STANDARD.has(name));
    ownVariablesOf.set(template, own);
  }
  return own;
}

/**
 * The resources of `action` the request names: the most specific of its resource types the
 * request fills (an index over its table, a log stream over its group); `*` when the action
 * takes no resource type; undefined when it takes some but the request names none.
 */
export function resolveResources(
  data: AuthorizationData,
  service: GatewayService,
  action: SarAction,
  input: ReadonlyMap<string, unknown>,
  resources: ServiceResources,
  context: ResourceContext,
): ResolvedResources | undefined {
  if (action.resourceTypes.length === 0) return { arns: ['*'] };
  const types = data.get(service)!.resourceTypes;
  let best: { type: string; arns: string[]; score: number; named?: 'arn' } | undefined;
  for (const ref of action.resourceTypes) {
    const type = types.get(ref.type);
    if (type === undefined) continue;
    const found = fillType(type.arn, input, resources, context);
    if (found === undefined) continue;
    if (best === undefined || found.score > best.score) best = { type: type.key, ...found };
  }
  return best === undefined ? undefined : { type: best.type, arns: best.arns, ...(best.named ? { named: best.named } : {}) };
}

function fillType(template: string, input: ReadonlyMap<string, unknown>, resources: ServiceResources, context: ResourceContext): { arns: string[]; score: number; named?: 'arn' } | undefined {
  const own = ownVariables(template);
  // A member holding a whole ARN of this form names the resource outright.
  for (const [member, value] of input) {
    if (!isArnMember(resources, member)) continue;
    const arns = strings(value).filter((arn) => arn.startsWith('arn:') && matchTemplate(template, arn) !== undefined);
    if (arns.length > 0) return { arns, score: own.length, named: 'arn' };
  }
  // Otherwise every variable from the request (each list element making one ARN).
  let rows: Map<string, string>[] = [new Map([['Partition', 'aws'], ['Region', context.region], ['Account', context.ownerAccountId]])];
  for (const variable of own) {
    if (rows.some((row) => row.has(variable))) continue;
    const sources = sourcesOf(resources, variable, input.keys());
    const next: Map<string, string>[] = [];
    for (const source of sources) {
      const values = strings(input.get(source.member));
      if (values.length === 0) continue;
      for (const row of rows) {
        for (const value of values) {
          // A whole ARN is not a name: it fills a format only through a service's own reading.
          if (source.read === undefined && value.startsWith('arn:')) continue;
          const read = source.read === undefined ? { [variable]: value } : source.read(value, input);
          if (read === undefined || !Object.hasOwn(read, variable)) continue;
          const filled = new Map(row);
          for (const [name, got] of Object.entries(read)) filled.set(name, got);
          next.push(filled);
          if (next.length > LIMITS.fanOut) return undefined;
        }
      }
      if (next.length > 0) break;
    }
    if (next.length === 0) return undefined;
    rows = next;
  }
  const arns: string[] = [];
  for (const row of rows) {
    const arn = fillTemplate(template, row);
    if (arn === undefined) return undefined;
    if (!arns.includes(arn)) arns.push(arn);
  }
  return { arns, score: own.length };
}

/** A member's string value(s): a string, or the strings of a list (BeyondLimit past LIMITS.fanOut: read whole or not at all). */
export function strings(value: unknown, what = 'A list the request gives'): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return wholeList(value, what).filter((item): item is string => typeof item === 'string' && item !== '');
  return [];
}

/** The account of an ARN (its fifth field), when it has one. */
export function arnAccount(arn: string): string | undefined {
  const account = arn.split(':', 5)[4];
  return account === undefined || account === '' ? undefined : account;
}

/** Whether the input shape can fill a resource type at all (for the coverage and the docs). */
export function fillableFrom(template: string, members: readonly string[], resources: ServiceResources): string[] | undefined {
  const used: string[] = [];
  const arnMember = members.find((member) => isArnMember(resources, member));
  for (const variable of templateVariables(template)) {
    if (STANDARD.has(variable)) continue;
    const source = sourcesOf(resources, variable, members).find((candidate) => members.includes(candidate.member));
    if (source === undefined) return arnMember === undefined ? undefined : [arnMember];
    if (!used.includes(source.member)) used.push(source.member);
  }
  return used;
}

/** The member named like `name` regardless of case (`logGroupName` for `LogGroupName`). */
export function sameName(members: Iterable<string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const member of members) if (member.toLowerCase() === lower) return member;
  return undefined;
}

/**
 * The service's sources of a variable, then the member named like it — unless the service
 * already reads that member its own way (KMS's KeyId may be an alias, not a key id).
 */
function sourcesOf(resources: ServiceResources, variable: string, members: Iterable<string>): VariableSource[] {
  const own = resources.variables[variable] ?? [];
  const named = sameName(members, variable) ?? variable;
  return own.some((source) => source.member === named) ? [...own] : [...own, { member: named }];
}
