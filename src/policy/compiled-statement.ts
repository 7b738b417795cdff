// A statement prepared for evaluation: wildcard matchers built, principals indexed,
// conditions compiled, and the keys it references listed (for missingContextKeys).

import type { ArnSubject, ResourcePattern } from './arn.ts';
import { compileResourcePattern, matchResourcePattern } from './arn.ts';
import type { CompiledCondition } from './conditions.ts';
import { compileCondition, evaluateCondition } from './conditions.ts';
import type { StatementDocument } from './document.ts';
import type { CompiledPrincipals, PrincipalKeys } from './principal.ts';
import { compilePrincipals, matchPrincipals, notPrincipalApplies } from './principal.ts';
import type { RequestContext } from './request-context.ts';
import type { EvaluationPrincipal, PolicyVersion, ResourceGrant } from './request-types.ts';
import type { VariableLookup } from './variables.ts';
import { parseTemplate, templateVariableKeys } from './variables.ts';
import type { WildcardPattern } from './wildcard.ts';
import { compileWildcard, matchWildcard } from './wildcard.ts';

export interface ActionMatcher {
  readonly negated: boolean;
  /** Lower-cased patterns. */
  readonly patterns: readonly WildcardPattern[];
  /** Service prefixes this element can match, or null when it can match any service. */
  readonly services: readonly string[] | null;
}

export interface ResourceMatcher {
  readonly negated: boolean;
  readonly patterns: readonly ResourcePattern[];
}

export interface PrincipalMatcher {
  readonly negated: boolean;
  readonly principals: CompiledPrincipals;
}

export interface ReferencedKey {
  /** As first written in the policy. */
  readonly key: string;
  readonly lower: string;
}

export interface CompiledStatement {
  /** Position in the document's Statement array. */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: ActionMatcher;
  /** Null when the statement has neither Resource nor NotResource (trust policies). */
  readonly resources: ResourceMatcher | null;
  /** Null when the statement has neither Principal nor NotPrincipal. */
  readonly principals: PrincipalMatcher | null;
  readonly conditions: readonly CompiledCondition[];
  /** Condition keys and variable keys this statement reads (unique, case-insensitively). */
  readonly referencedKeys: readonly ReferencedKey[];
}

/** Compiles one statement; null when its Effect is unusable (such a statement never applies). */
export function compileStatement(s: StatementDocument, version: PolicyVersion): CompiledStatement | null {
  if (s.effect === undefined) return null;
  const variables = version === '2012-10-17';
  const referenced = new Map<string, string>();
  const reference = (key: string) => {
    const lower = key.toLowerCase();
    if (!referenced.has(lower)) referenced.set(lower, key);
  };

  const actionList = s.action ?? s.notAction;
  const patterns = (actionList?.values ?? []).map((a) => compileWildcard(a, true));
  const actions: ActionMatcher = {
    negated: s.action === undefined && s.notAction !== undefined,
    patterns,
    services: s.action === undefined ? null : servicesOf(patterns),
  };

  let resources: ResourceMatcher | null = null;
  const resourceList = s.resource ?? s.notResource;
  if (resourceList) {
    resources = {
      negated: s.resource === undefined,
      // The Resource element lets a segment-final '*' cross colons (see arn.ts).
      patterns: resourceList.values.map((r) => compileResourcePattern(r, variables, { segmentFinalStarSpansColons: true })),
    };
    for (const r of resourceList.values) for (const key of templateVariableKeys(parseTemplate(r, variables))) reference(key);
  }

  let principals: PrincipalMatcher | null = null;
  if (s.hasPrincipal || s.hasNotPrincipal) {
    principals = {
      negated: !s.hasPrincipal,
      principals: compilePrincipals(s.hasPrincipal ? s.principal : s.notPrincipal, s.path, []),
    };
  }

  const conditions = s.conditions.map((c) => compileCondition(c.operator, c.key, c.values, variables));
  for (const c of conditions) {
    reference(c.key);
    for (const key of c.variableKeys) reference(key);
  }

  return {
    index: s.index,
    sid: s.sid,
    effect: s.effect,
    actions,
    resources,
    principals,
    conditions,
    referencedKeys: [...referenced].map(([lower, key]) => ({ key, lower })),
  };
}

function servicesOf(patterns: readonly WildcardPattern[]): string[] | null {
  const services = new Set<string>();
  for (const p of patterns) {
    const colon = p.text.indexOf(':');
    const service = colon === -1 ? p.text : p.text.slice(0, colon);
    // A wildcard in the service part ("*", "s3*:Get*") could match any service.
    if (p.mask !== null && p.mask.subarray(0, colon === -1 ? p.text.length : colon).some((m) => m !== 0)) return null;
    services.add(service);
  }
  return [...services];
}

// ---------------------------------------------------------------------------------------
// Matching one statement against one request

/** The parts of a request every statement looks at, prepared once per request. */
export interface PreparedRequest {
  /** Lower-cased action. */
  readonly action: string;
  readonly service: string;
  readonly resource: ArnSubject;
  readonly principal: EvaluationPrincipal;
  /** The caller's account/name keys, computed the first time a Principal element is checked. */
  principalKeys: PrincipalKeys | null;
  readonly context: RequestContext;
}

export function actionMatches(statement: CompiledStatement, action: string): boolean {
  const { patterns, negated } = statement.actions;
  let matched = false;
  for (const p of patterns) {
    if (matchWildcard(p, action)) {
      matched = true;
      break;
    }
  }
  return negated ? !matched : matched;
}

export function resourceMatches(statement: CompiledStatement, resource: ArnSubject, lookup: VariableLookup): boolean {
  const matcher = statement.resources;
  if (matcher === null) return true;
  if (!matcher.negated) {
    for (const p of matcher.patterns) if (matchResourcePattern(p, resource, lookup) === true) return true;
    return false;
  }
  // NotResource: the statement applies to resources matching none of the entries. An
  // entry whose variable has no value matches nothing, as in Resource and Condition.
  for (const p of matcher.patterns) if (matchResourcePattern(p, resource, lookup) === true) return false;
  return true;
}

/**
 * How the statement's Principal names the caller: a grant strength, or null when the
 * statement does not apply to this caller. Statements without a principal element
 * (identity-side policies) apply to the caller they are attached to: 'direct'.
 */
/**
 * How a statement of a policy with a Principal element (resource, trust, RCP) applies to the
 * caller, or null when it does not. A statement with neither Principal nor NotPrincipal names
 * no one, so it applies to no one: it neither allows nor denies ("You must use the Principal
 * element in resource-based policies"; such a statement only survives lenient compilation).
 */
export function principalGrant(statement: CompiledStatement, keys: PrincipalKeys): ResourceGrant | null {
  const matcher = statement.principals;
  if (matcher === null) return null;
  if (matcher.negated) return notPrincipalApplies(matcher.principals, keys, statement.effect) ? 'direct' : null;
  return matchPrincipals(matcher.principals, keys);
}

export function conditionsHold(statement: CompiledStatement, context: RequestContext): boolean {
  for (const c of statement.conditions) if (!evaluateCondition(c, context)) return false;
  return true;
}
