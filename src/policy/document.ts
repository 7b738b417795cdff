// Parsing policy text into a normalized document.
//
// Never throws, whatever the input: JSON that does not parse, or parses into the wrong
// shapes, yields structural issues (AWS's "Syntax errors in policy.") alongside whatever
// could be salvaged. Kind-specific rules live in validate.ts; compile.ts builds matchers
// from the same normalized form, so the validator and the evaluator can never disagree
// about what a document says.

import { CODE, MSG } from './messages.ts';
import type { PolicyVersion } from './request-types.ts';
import type { RawConditionValue } from './conditions.ts';

export interface Issue {
  readonly code: string;
  readonly message: string;
  readonly path: string;
}

export interface StringList {
  readonly values: readonly string[];
  readonly path: string;
  /** Written as a single string rather than an array (paths then omit the index). */
  readonly single: boolean;
}

export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly RawConditionValue[];
  readonly path: string;
}

export interface StatementDocument {
  readonly index: number;
  readonly path: string;
  readonly sid: string | undefined;
  /** Undefined when Effect is missing or not exactly "Allow" / "Deny". */
  readonly effect: 'Allow' | 'Deny' | undefined;
  readonly effectPresent: boolean;
  /** Effect as written (any JSON value), for telling a wrong case from a wrong word. */
  readonly effectRaw: unknown;
  readonly action: StringList | undefined;
  readonly notAction: StringList | undefined;
  readonly resource: StringList | undefined;
  readonly notResource: StringList | undefined;
  readonly principal: unknown;
  readonly notPrincipal: unknown;
  readonly hasPrincipal: boolean;
  readonly hasNotPrincipal: boolean;
  readonly conditions: readonly ConditionEntry[];
  /** Structural problems of this statement, in the order they were found. */
  readonly issues: readonly Issue[];
}

export interface PolicyDocument {
  readonly text: string;
  readonly version: PolicyVersion;
  readonly versionSpecified: boolean;
  readonly id: string | undefined;
  readonly statements: readonly StatementDocument[];
  /** True when a Statement element was present (even if empty). */
  readonly statementPresent: boolean;
  /** Problems outside any statement. */
  readonly issues: readonly Issue[];
}

export type ParseResult =
  | { readonly ok: true; readonly document: PolicyDocument }
  /** The text is not a JSON object at all; nothing could be salvaged. */
  | { readonly ok: false; readonly issues: readonly Issue[] };

const TOP_LEVEL_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);
const VERSIONS: ReadonlySet<string> = new Set(['2012-10-17', '2008-10-17']);

export function parsePolicyText(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, issues: [{ code: CODE.invalidJson, message: MSG.syntax, path: '' }] };
  }
  return parsePolicyValue(text, json);
}

/** Normalizes an already-parsed JSON value (`text` is kept as the document's source). */
export function parsePolicyValue(text: string, json: unknown): ParseResult {
  if (!isPlainObject(json)) {
    return { ok: false, issues: [{ code: CODE.syntax, message: MSG.syntax, path: '' }] };
  }
  const issues: Issue[] = [];
  for (const key of Object.keys(json)) {
    if (!TOP_LEVEL_FIELDS.has(key)) issues.push({ code: CODE.unknownField, message: MSG.syntax, path: key });
  }

  let version: PolicyVersion = '2008-10-17';
  const versionSpecified = Object.hasOwn(json, 'Version');
  if (versionSpecified) {
    const v = json['Version'];
    if (typeof v === 'string' && VERSIONS.has(v)) version = v as PolicyVersion;
    else issues.push({ code: CODE.invalidVersion, message: MSG.syntax, path: 'Version' });
  }

  let id: string | undefined;
  if (Object.hasOwn(json, 'Id')) {
    if (typeof json['Id'] === 'string') id = json['Id'];
    else issues.push({ code: CODE.syntax, message: MSG.syntax, path: 'Id' });
  }

  const statements: StatementDocument[] = [];
  const statementPresent = Object.hasOwn(json, 'Statement');
  if (!statementPresent) {
    issues.push({ code: CODE.missingStatement, message: MSG.missingStatement, path: 'Statement' });
  } else {
    const raw = json['Statement'];
    if (Array.isArray(raw)) {
      raw.forEach((s, i) => {
        const path = `Statement[${i}]`;
        if (isPlainObject(s)) statements.push(parseStatement(s, i, path));
        else issues.push({ code: CODE.syntax, message: MSG.syntax, path });
      });
    } else if (isPlainObject(raw)) {
      statements.push(parseStatement(raw, 0, 'Statement'));
    } else {
      issues.push({ code: CODE.syntax, message: MSG.syntax, path: 'Statement' });
    }
  }

  return {
    ok: true,
    document: { text, version, versionSpecified, id, statements, statementPresent, issues },
  };
}

function parseStatement(raw: Record<string, unknown>, index: number, path: string): StatementDocument {
  const issues: Issue[] = [];
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_FIELDS.has(key)) issues.push({ code: CODE.unknownField, message: MSG.syntax, path: `${path}.${key}` });
  }

  let sid: string | undefined;
  if (Object.hasOwn(raw, 'Sid')) {
    if (typeof raw['Sid'] === 'string') sid = raw['Sid'];
    else issues.push({ code: CODE.syntax, message: MSG.syntax, path: `${path}.Sid` });
  }

  const effectPresent = Object.hasOwn(raw, 'Effect');
  const effectRaw = raw['Effect'];
  const effect = effectRaw === 'Allow' || effectRaw === 'Deny' ? effectRaw : undefined;

  const list = (field: string): StringList | undefined => {
    if (!Object.hasOwn(raw, field)) return undefined;
    return stringList(raw[field], `${path}.${field}`, issues);
  };

  return {
    index,
    path,
    sid,
    effect,
    effectPresent,
    effectRaw,
    action: list('Action'),
    notAction: list('NotAction'),
    resource: list('Resource'),
    notResource: list('NotResource'),
    principal: raw['Principal'],
    notPrincipal: raw['NotPrincipal'],
    hasPrincipal: Object.hasOwn(raw, 'Principal'),
    hasNotPrincipal: Object.hasOwn(raw, 'NotPrincipal'),
    conditions: Object.hasOwn(raw, 'Condition') ? parseConditions(raw['Condition'], `${path}.Condition`, issues) : [],
    issues,
  };
}

function stringList(value: unknown, path: string, issues: Issue[]): StringList {
  if (typeof value === 'string') return { values: [value], path, single: true };
  if (Array.isArray(value)) {
    const values: string[] = [];
    value.forEach((v, i) => {
      if (typeof v === 'string') values.push(v);
      else issues.push({ code: CODE.syntax, message: MSG.syntax, path: `${path}[${i}]` });
    });
    return { values, path, single: false };
  }
  issues.push({ code: CODE.syntax, message: MSG.syntax, path });
  return { values: [], path, single: false };
}

function parseConditions(value: unknown, path: string, issues: Issue[]): ConditionEntry[] {
  if (!isPlainObject(value)) {
    issues.push({ code: CODE.syntax, message: MSG.syntax, path });
    return [];
  }
  const entries: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const opPath = `${path}.${operator}`;
    if (!isPlainObject(block)) {
      issues.push({ code: CODE.syntax, message: MSG.syntax, path: opPath });
      continue;
    }
    for (const [key, rawValues] of Object.entries(block)) {
      const keyPath = `${opPath}.${key}`;
      const values = conditionValues(rawValues);
      if (values === null) {
        issues.push({ code: CODE.syntax, message: MSG.syntax, path: keyPath });
        continue;
      }
      entries.push({ operator, key, values, path: keyPath });
    }
  }
  return entries;
}

function conditionValues(value: unknown): RawConditionValue[] | null {
  if (isScalar(value)) return [value];
  if (Array.isArray(value) && value.every(isScalar)) return value as RawConditionValue[];
  return null;
}

function isScalar(value: unknown): value is RawConditionValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
