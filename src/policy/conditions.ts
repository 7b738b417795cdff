// Condition blocks: compiled once per statement, evaluated against a RequestContext.
//
// The rules, from AWS's condition-operator and multivalued-key documentation:
//  * several operators in a block, and several keys under one operator, are ANDed;
//  * several values for one key are ORed;
//  * a key absent from the request makes a positive operator false and a negated
//    operator (StringNotEquals, NotIpAddress, ArnNotLike, ...) true;
//  * ...IfExists makes an absent key true (with or without a set qualifier);
//  * ForAllValues: true when every request value matches (vacuously true when the key is
//    absent or empty, an empty string included); ForAnyValue: true when at least one does
//    (false when absent or empty);
//    with a negated operator "matches" means "matches none of the policy values";
//  * Null: {"key": "true"} holds when the key is absent, "false" when present.
//
// Choices where AWS is silent (also in docs/policy-engine.md):
//  * an unqualified operator on a multi-valued key behaves like ForAnyValue (negated:
//    true only when no request value matches);
//  * an empty multi-valued key counts as absent;
//  * a policy value or request value that the operator cannot parse (a number that is not
//    a number, a malformed date or IP, a non-ARN for an Arn operator) makes the whole
//    condition false, whatever the polarity, so a typo can neither grant nor bypass;
//  * a policy variable with no value and no default is null: that policy value equals and
//    is like nothing, so a positive operator cannot match it and a negated operator
//    (with the key present) holds — AWS's "policy variables with no value";
//  * an unknown operator (only reachable through lenient compilation) is false.

import type { ResourcePattern } from './arn.ts';
import { compileResourcePattern, matchResourcePattern } from './arn.ts';
import type { Comparison, OperatorInfo, ParsedOperator, SetQualifier } from './condition-operators.ts';
import { parseOperator } from './condition-operators.ts';
import type { IpBlock } from './ip.ts';
import { ipInBlock, parseIpBlock } from './ip.ts';
import type { TemplatePattern } from './patterns.ts';
import { compileTemplatePattern, resolveTemplatePattern } from './patterns.ts';
import type { ContextEntry, RequestContext } from './request-context.ts';
import { decodeBase64, parseBool, parseDate, parseNumber } from './typed-values.ts';
import type { Template } from './variables.ts';
import { parseTemplate, resolveTemplateText, templateVariableKeys } from './variables.ts';
import type { WildcardPattern } from './wildcard.ts';
import { matchWildcard } from './wildcard.ts';

type CompiledValues =
  | { readonly family: 'string' | 'stringIgnoreCase'; readonly templates: readonly Template[]; readonly fixed: readonly string[] | null }
  | { readonly family: 'stringLike'; readonly patterns: readonly TemplatePattern[] }
  | { readonly family: 'numeric' | 'date'; readonly numbers: readonly number[] }
  | { readonly family: 'bool'; readonly bools: readonly boolean[]; readonly templates: readonly Template[] | null }
  | { readonly family: 'binary'; readonly bytes: readonly string[] }
  | { readonly family: 'ip'; readonly blocks: readonly IpBlock[] }
  | { readonly family: 'arn'; readonly patterns: readonly ResourcePattern[] }
  | { readonly family: 'null'; readonly wantAbsent: readonly boolean[] };

export interface CompiledCondition {
  /** The operator as written, e.g. "ForAnyValue:StringLikeIfExists". */
  readonly operator: string;
  /** The key as written, and lower-cased for lookup. */
  readonly key: string;
  readonly keyLower: string;
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
  readonly info: OperatorInfo | null;
  readonly values: CompiledValues | null;
  /** Set when the condition can never hold (unknown operator, unparseable policy value). */
  readonly brokenReason: string | null;
  /** Keys referenced by policy variables in the values. */
  readonly variableKeys: readonly string[];
}

export interface ConditionProblem {
  readonly kind: 'unknown-operator' | 'bad-value';
  readonly operator: string;
  readonly key: string;
  readonly message: string;
}

/** A condition value as JSON allows it: AWS accepts strings, numbers and booleans. */
export type RawConditionValue = string | number | boolean;

export function compileCondition(
  operator: string,
  key: string,
  rawValues: readonly RawConditionValue[],
  variablesEnabled: boolean,
  problems?: ConditionProblem[],
): CompiledCondition {
  const parsed = parseOperator(operator);
  const base = { operator, key, keyLower: key.toLowerCase() };
  if (parsed === null) {
    const message = `Unknown condition operator ${operator}`;
    problems?.push({ kind: 'unknown-operator', operator, key, message });
    return { ...base, qualifier: 'none', ifExists: false, info: null, values: null, brokenReason: message, variableKeys: [] };
  }
  const texts = rawValues.map(rawToText);
  const compiled = compileValues(parsed, texts, variablesEnabled);
  if (compiled.bad !== null) {
    problems?.push({ kind: 'bad-value', operator, key, message: compiled.bad });
  }
  return {
    ...base,
    qualifier: parsed.qualifier,
    ifExists: parsed.ifExists,
    info: parsed.info,
    values: compiled.values,
    brokenReason: compiled.bad,
    variableKeys: compiled.variableKeys,
  };
}

function rawToText(value: RawConditionValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

function compileValues(
  parsed: ParsedOperator,
  texts: readonly string[],
  variablesEnabled: boolean,
): { values: CompiledValues; bad: string | null; variableKeys: string[] } {
  const family = parsed.info.family;
  const name = parsed.info.name;
  const variableKeys: string[] = [];
  const badValue = (what: string, value: string) => `${name} cannot compare with ${what} "${value}"`;
  switch (family) {
    case 'string':
    case 'stringIgnoreCase': {
      const templates = texts.map((t) => parseTemplate(t, variablesEnabled));
      for (const t of templates) variableKeys.push(...templateVariableKeys(t));
      const dynamic = templates.some((t) => t.hasVariables);
      const fixed = dynamic ? null : templates.map((t) => resolveTemplateText(t, () => undefined) ?? '');
      const lowered = fixed && family === 'stringIgnoreCase' ? fixed.map((s) => s.toLowerCase()) : fixed;
      return { values: { family, templates, fixed: lowered }, bad: null, variableKeys };
    }
    case 'stringLike': {
      const patterns = texts.map((t) => compileTemplatePattern(t, variablesEnabled));
      for (const p of patterns) variableKeys.push(...templateVariableKeys(p.template));
      return { values: { family, patterns }, bad: null, variableKeys };
    }
    case 'arn': {
      const patterns = texts.map((t) => compileResourcePattern(t, variablesEnabled));
      for (const t of texts) variableKeys.push(...templateVariableKeys(parseTemplate(t, variablesEnabled)));
      return { values: { family, patterns }, bad: null, variableKeys };
    }
    case 'numeric':
    case 'date': {
      const numbers: number[] = [];
      let bad: string | null = null;
      for (const t of texts) {
        const n = family === 'numeric' ? parseNumber(t) : parseDate(t);
        if (n === null) bad ??= badValue(family === 'numeric' ? 'the non-number' : 'the non-date', t);
        else numbers.push(n);
      }
      return { values: { family, numbers }, bad, variableKeys };
    }
    case 'bool': {
      // "You can use a policy variable with the Boolean condition operator" (IAM User Guide,
      // condition operators): a value with a variable is read as a boolean once substituted.
      const templates = texts.map((t) => parseTemplate(t, variablesEnabled));
      if (templates.some((t) => t.hasVariables)) {
        for (const t of templates) variableKeys.push(...templateVariableKeys(t));
        return { values: { family, bools: [], templates }, bad: null, variableKeys };
      }
      const bools: boolean[] = [];
      let bad: string | null = null;
      for (const t of texts) {
        const b = parseBool(t);
        if (b === null) bad ??= badValue('the non-boolean', t);
        else bools.push(b);
      }
      return { values: { family, bools, templates: null }, bad, variableKeys };
    }
    case 'binary': {
      const bytes: string[] = [];
      let bad: string | null = null;
      for (const t of texts) {
        const b = decodeBase64(t);
        if (b === null) bad ??= badValue('the non-base64 value', t);
        else bytes.push(b);
      }
      return { values: { family, bytes }, bad, variableKeys };
    }
    case 'ip': {
      const blocks: IpBlock[] = [];
      let bad: string | null = null;
      for (const t of texts) {
        const b = parseIpBlock(t);
        if (b === null) bad ??= badValue('the invalid IP address or CIDR block', t);
        else blocks.push(b);
      }
      return { values: { family, blocks }, bad, variableKeys };
    }
    case 'null': {
      const wantAbsent: boolean[] = [];
      let bad: string | null = null;
      for (const t of texts) {
        const b = parseBool(t);
        if (b === null) bad ??= badValue('the non-boolean', t);
        else wantAbsent.push(b);
      }
      return { values: { family, wantAbsent }, bad, variableKeys };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Evaluation

/** Per-request-value outcome: matches some policy value, matches none, or cannot be compared. */
const MATCH = 1;
const NO_MATCH = 0;
const UNCOMPARABLE = -1;
type ValueOutcome = typeof MATCH | typeof NO_MATCH | typeof UNCOMPARABLE;

export function evaluateCondition(condition: CompiledCondition, context: RequestContext): boolean {
  const { info, values } = condition;
  if (condition.brokenReason !== null || info === null || values === null) return false;

  const entry = context.get(condition.keyLower);
  // For the set qualifiers an empty string is an empty data set, as no values are: "If the
  // key values in the request resolve to an empty data set (for example, an empty string), a
  // condition operator modified by ForAllValues returns true, and a condition operator
  // modified by ForAnyValue returns false" (IAM User Guide, multivalued conditions). An
  // unqualified operator still compares "" as a value (AWS's s3:prefix example lists "").
  const absent =
    entry === undefined || entry.isEmpty || (condition.qualifier !== 'none' && entry.strings.every((s) => s === ''));

  if (values.family === 'null') {
    return values.wantAbsent.some((wantAbsent) => wantAbsent === absent);
  }
  if (absent) {
    // IfExists wins over the qualifier: "If the key is not present, evaluate the
    // condition element as true".
    if (condition.ifExists) return true;
    if (condition.qualifier === 'ForAllValues') return true;
    if (condition.qualifier === 'ForAnyValue') return false;
    return info.negated;
  }

  const compare = valueComparer(values, info.comparison, entry, context);

  const count = entry.strings.length;
  let anyMatch = false;
  let allMatch = true;
  for (let i = 0; i < count; i++) {
    const outcome = compare(i);
    if (outcome === UNCOMPARABLE) return false;
    // For a negated operator a request value "satisfies" the condition when it matches
    // none of the policy values.
    const satisfied = info.negated ? outcome === NO_MATCH : outcome === MATCH;
    if (satisfied) anyMatch = true;
    else allMatch = false;
  }
  switch (condition.qualifier) {
    case 'ForAllValues':
      return allMatch;
    case 'ForAnyValue':
      return anyMatch;
    case 'none':
      // Unqualified: positive operators need some request value to match; negated ones
      // need no request value to match, i.e. every value satisfies the negation.
      return info.negated ? allMatch : anyMatch;
  }
}

function valueComparer(
  values: Exclude<CompiledValues, { family: 'null' }>,
  comparison: Comparison,
  entry: ContextEntry,
  context: RequestContext,
): (i: number) => ValueOutcome {
  switch (values.family) {
    case 'string':
    case 'stringIgnoreCase': {
      const ignoreCase = values.family === 'stringIgnoreCase';
      let policyValues = values.fixed;
      if (policyValues === null) {
        const resolved: string[] = [];
        for (const t of values.templates) {
          // A variable with no value (and no default) is null: it equals nothing.
          const text = resolveTemplateText(t, context.variable);
          if (text !== undefined) resolved.push(ignoreCase ? text.toLowerCase() : text);
        }
        policyValues = resolved;
      }
      const requestValues = ignoreCase ? entry.lower() : entry.strings;
      const pv = policyValues;
      return (i) => (pv.includes(requestValues[i]!) ? MATCH : NO_MATCH);
    }
    case 'stringLike': {
      const patterns: WildcardPattern[] = [];
      for (const p of values.patterns) {
        const concrete = resolveTemplatePattern(p, context.variable);
        if (concrete !== undefined) patterns.push(concrete); // an unresolved pattern is like nothing
      }
      return (i) => {
        const s = entry.strings[i]!;
        for (const p of patterns) if (matchWildcard(p, s)) return MATCH;
        return NO_MATCH;
      };
    }
    case 'arn': {
      const subjects = entry.arns();
      return (i) => {
        const subject = subjects[i]!;
        if (subject.segments === null) return UNCOMPARABLE;
        // matchResourcePattern answers undefined for a pattern whose variable has no
        // value; such a pattern matches nothing.
        for (const p of values.patterns) if (matchResourcePattern(p, subject, context.variable) === true) return MATCH;
        return NO_MATCH;
      };
    }
    case 'numeric':
    case 'date': {
      const requestValues = values.family === 'numeric' ? entry.numbers() : entry.dates();
      const policyValues = values.numbers;
      return (i) => {
        const v = requestValues[i];
        if (v === null || v === undefined) return UNCOMPARABLE;
        for (const p of policyValues) if (compareNumbers(v, p, comparison)) return MATCH;
        return NO_MATCH;
      };
    }
    case 'bool': {
      const requestValues = entry.bools();
      const policyValues = values.templates === null ? values.bools : substitutedBools(values.templates, context);
      return (i) => {
        const v = requestValues[i];
        if (v === null || v === undefined) return UNCOMPARABLE;
        return policyValues.includes(v) ? MATCH : NO_MATCH;
      };
    }
    case 'binary': {
      const requestValues = entry.binaries();
      return (i) => {
        const v = requestValues[i];
        if (v === null || v === undefined) return UNCOMPARABLE;
        return values.bytes.includes(v) ? MATCH : NO_MATCH;
      };
    }
    case 'ip': {
      const requestValues = entry.ips();
      return (i) => {
        const v = requestValues[i];
        if (v === null || v === undefined) return UNCOMPARABLE;
        for (const block of values.blocks) if (ipInBlock(v, block)) return MATCH;
        return NO_MATCH;
      };
    }
  }
}

function compareNumbers(requestValue: number, policyValue: number, comparison: Comparison): boolean {
  switch (comparison) {
    case 'eq':
      return requestValue === policyValue;
    case 'lt':
      return requestValue < policyValue;
    case 'lte':
      return requestValue <= policyValue;
    case 'gt':
      return requestValue > policyValue;
    case 'gte':
      return requestValue >= policyValue;
  }
}

/** A Bool condition's values with their variables substituted: one with no value, or one that is then not a boolean, matches nothing. */
function substitutedBools(templates: readonly Template[], context: RequestContext): boolean[] {
  const bools: boolean[] = [];
  for (const template of templates) {
    const text = resolveTemplateText(template, context.variable);
    const bool = text === undefined ? null : parseBool(text);
    if (bool !== null) bools.push(bool);
  }
  return bools;
}
