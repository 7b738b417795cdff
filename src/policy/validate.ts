// Validation of a policy document for the place it is used (identity, resource, trust,
// boundary, SCP, RCP, session), with AWS's MalformedPolicyDocument wording (messages.ts).
//
// AWS stops at the first problem and reports one message. The engine reports the first
// error of each statement plus the document-level errors, so a document with a single
// mistake yields exactly AWS's single message, and a document with several shows them all
// without one mistake cascading into follow-on errors of the same statement.
//
// Errors come out in the order IAM's parser checks a document (PHASE below), so the first
// error is the one IAM answers with: syntax, then the version a managed policy needs, then
// the legacy parser (Effect's case, Date values, abbreviated resources), duplicate Sids,
// missing actions, missing resources, resource formats, action formats, and last the rules
// of each kind (principals, trust-policy fields, Sid characters). Within a phase, statements
// keep their order.

import { splitArn } from './arn.ts';
import type { ConditionProblem } from './conditions.ts';
import { compileCondition } from './conditions.ts';
import { parseOperator } from './condition-operators.ts';
import type { ParseResult, PolicyDocument, StatementDocument, StringList } from './document.ts';
import { parsePolicyText } from './document.ts';
import { failsLegacyResourceParsing, reportedResourceProblem } from './iam-resource-format.ts';
import { isLegacyDateValue } from './legacy-date.ts';
import { CODE, MSG } from './messages.ts';
import type { PrincipalProblem } from './principal.ts';
import { compilePrincipals } from './principal.ts';
import { policySize, sizeLimitFor } from './size-limits.ts';
import type { Diagnostic, PolicyKind, ValidateOptions } from './types.ts';
import type { TemplateProblem } from './variables.ts';
import { parseTemplate } from './variables.ts';

const IDENTITY_LIKE: ReadonlySet<PolicyKind> = new Set(['identity', 'boundary', 'session', 'scp']);
const NEEDS_PRINCIPAL: ReadonlySet<PolicyKind> = new Set(['resource', 'trust', 'rcp']);
/** Kinds IAM's own parser reads (IAM's documents and STS session policies), with its texts. */
const IAM_PARSED: ReadonlySet<PolicyKind> = new Set(['identity', 'boundary', 'trust', 'session']);
const SID_ALPHANUMERIC = /^[0-9A-Za-z]*$/;
/**
 * Characters IAM allows in an action's vendor (`s3`, `s3-outposts`, `execute-api`, `a.b`).
 * The wildcards `*` and `?` are allowed too (`s*:Get*`): AWS matches the whole action with
 * them, and no recorded answer shows IAM refusing them — a choice written down in
 * docs/differences-from-aws.md.
 */
const VENDOR_CHARACTERS = /^[a-zA-Z0-9.*?-]*$/;

/** IAM's order of checks; a lower phase is reported first. */
const PHASE = {
  size: 0,
  syntax: 1,
  version: 2,
  principalNotAllowed: 3,
  legacy: 4,
  sidUnique: 5,
  actionsRequired: 6,
  resourcesRequired: 7,
  resourceFormat: 8,
  actionFormat: 9,
  element: 10,
} as const;

interface Found {
  readonly diagnostic: Diagnostic;
  readonly phase: number;
}

/** Validates policy text; [] when valid. Never throws. */
export function validatePolicy(text: string, kind: PolicyKind, options: ValidateOptions = {}): Diagnostic[] {
  if (typeof text !== 'string') return [error(CODE.syntax, MSG.syntax, '')];
  return validateParsed(text, parsePolicyText(text), kind, options);
}

/** Validates an already-parsed document (compile.ts parses once and reuses the result). */
export function validateParsed(text: string, parsed: ParseResult, kind: PolicyKind, options: ValidateOptions = {}): Diagnostic[] {
  const errors: Found[] = [];
  const warnings: Diagnostic[] = [];
  const iam = IAM_PARSED.has(kind);

  const limit = sizeLimitFor(kind, options);
  if (limit !== null && policySize(text, limit) > limit.limit) {
    errors.push(found(PHASE.size, CODE.policySize, limit.message, ''));
  }

  if (!parsed.ok) {
    for (const issue of parsed.issues) {
      const message = kind === 'trust' && issue.code === CODE.invalidJson ? MSG.trustInvalidJson : issue.message;
      errors.push(found(PHASE.syntax, issue.code, message, issue.path));
    }
    return ordered(errors, warnings);
  }
  const doc = parsed.document;
  for (const issue of doc.issues) {
    const message = iam && issue.code === CODE.missingStatement ? MSG.syntax : issue.message;
    errors.push(found(PHASE.syntax, issue.code, message, issue.path));
  }

  if (options.managed && doc.version !== '2012-10-17' && !doc.issues.some((i) => i.code === CODE.invalidVersion)) {
    errors.push(found(PHASE.version, CODE.versionTooOld, MSG.versionTooOld, 'Version'));
  }
  if (!doc.versionSpecified) {
    warnings.push(
      warning(CODE.versionMissing, 'No Version element: the policy is read as 2008-10-17 and policy variables are literal text', 'Version'),
    );
  }
  if (doc.statementPresent && doc.statements.length === 0 && !doc.issues.some((i) => i.path.startsWith('Statement'))) {
    if (iam) errors.push(found(PHASE.syntax, CODE.emptyStatement, MSG.syntax, 'Statement'));
    else warnings.push(warning(CODE.emptyStatement, 'The policy has no statements and allows nothing', 'Statement'));
  }

  // IAM's legacy parser looks at resources only while no resource format problem has been
  // found in this or an earlier statement.
  let resourceFormatSeen = false;
  for (const statement of doc.statements) {
    const candidates = statementErrors(doc, statement, kind, warnings, resourceFormatSeen);
    if (candidates.some((c) => c.phase === PHASE.resourceFormat)) resourceFormatSeen = true;
    const first = lowestPhase(candidates);
    if (first) errors.push(first);
  }

  const seen = new Set<string>();
  for (const statement of doc.statements) {
    if (statement.sid === undefined || statement.sid === '') continue;
    if (seen.has(statement.sid)) {
      errors.push(found(PHASE.sidUnique, CODE.sidUnique, MSG.sidUnique, `${statement.path}.Sid`));
      break;
    }
    seen.add(statement.sid);
  }
  return ordered(errors, warnings);
}

/** Errors by phase (stable, so statements keep their order), then warnings. */
function ordered(errors: Found[], warnings: Diagnostic[]): Diagnostic[] {
  const sorted = errors.map((e, i) => ({ e, i })).sort((a, b) => a.e.phase - b.e.phase || a.i - b.i);
  return [...sorted.map(({ e }) => e.diagnostic), ...warnings];
}

function lowestPhase(candidates: readonly Found[]): Found | undefined {
  let best: Found | undefined;
  for (const c of candidates) if (!best || c.phase < best.phase) best = c;
  return best;
}

/** Every error a statement has, each with its phase; the caller keeps the first IAM reports. */
function statementErrors(doc: PolicyDocument, s: StatementDocument, kind: PolicyKind, warnings: Diagnostic[], resourceFormatSeen: boolean): Found[] {
  const out: Found[] = [];
  const iam = IAM_PARSED.has(kind);
  for (const structural of s.issues) out.push(found(PHASE.syntax, structural.code, structural.message, structural.path));

  const effectText = typeof s.effectRaw === 'string' ? s.effectRaw : undefined;
  if (!s.effectPresent) {
    out.push(found(PHASE.syntax, CODE.missingEffect, iam ? MSG.syntax : MSG.missingEffect, `${s.path}.Effect`));
  } else if (s.effect === undefined) {
    const lower = effectText?.toLowerCase();
    const wrongCase = lower === 'allow' || lower === 'deny';
    if (iam && !wrongCase) out.push(found(PHASE.syntax, CODE.invalidEffect, MSG.syntax, `${s.path}.Effect`));
    else out.push(found(PHASE.legacy, CODE.invalidEffect, MSG.legacyParsing, `${s.path}.Effect`));
  }

  if (s.action && s.notAction) out.push(found(PHASE.syntax, CODE.syntax, MSG.syntax, s.notAction.path));
  if (kind !== 'trust' && s.resource && s.notResource) out.push(found(PHASE.syntax, CODE.syntax, MSG.syntax, s.notResource.path));

  const principal = checkPrincipal(s, kind, warnings);
  if (principal) out.push(principal);

  checkConditions(doc, s, kind, out, warnings);

  const actions = s.action ?? s.notAction;
  if (!actions || actions.values.length === 0) {
    out.push(found(PHASE.actionsRequired, CODE.missingActions, MSG.missingActions, actions?.path ?? `${s.path}.Action`));
  } else {
    const actionError = checkActions(actions, kind);
    if (actionError) out.push(actionError);
  }

  checkResources(doc, s, kind, out, warnings, resourceFormatSeen);

  if (kind !== 'resource' && s.sid !== undefined && !SID_ALPHANUMERIC.test(s.sid)) {
    out.push(found(PHASE.element, CODE.sidAlphanumeric, MSG.sidAlphanumeric, `${s.path}.Sid`));
  }
  return out;
}

function checkPrincipal(s: StatementDocument, kind: PolicyKind, warnings: Diagnostic[]): Found | undefined {
  if (IDENTITY_LIKE.has(kind)) {
    if (s.hasPrincipal || s.hasNotPrincipal) {
      return found(PHASE.principalNotAllowed, CODE.principalNotAllowed, MSG.principalNotAllowed, `${s.path}.${s.hasPrincipal ? 'Principal' : 'NotPrincipal'}`);
    }
    return undefined;
  }
  if (!NEEDS_PRINCIPAL.has(kind)) return undefined;
  if (!s.hasPrincipal && !s.hasNotPrincipal) {
    return found(PHASE.element, CODE.principalRequired, kind === 'resource' ? MSG.missingPrincipal : MSG.principalRequired, `${s.path}.Principal`);
  }
  if (s.hasPrincipal && s.hasNotPrincipal) return found(PHASE.syntax, CODE.syntax, MSG.syntax, `${s.path}.NotPrincipal`);
  // "You cannot use the NotPrincipal element in … an IAM role trust policy" (IAM User Guide,
  // NotPrincipal): refused with either Effect, so CreateRole / UpdateAssumeRolePolicy never
  // store one (an Allow + NotPrincipal trust would otherwise name every principal but those
  // listed, in every account).
  if (kind === 'trust' && s.hasNotPrincipal) return found(PHASE.element, CODE.trustNotPrincipal, MSG.trustNotPrincipal, `${s.path}.NotPrincipal`);

  const field = s.hasPrincipal ? 'Principal' : 'NotPrincipal';
  const value = s.hasPrincipal ? s.principal : s.notPrincipal;
  const problems: PrincipalProblem[] = [];
  compilePrincipals(value, `${s.path}.${field}`, problems);
  const problem = problems[0];
  if (problem) {
    // IAM (trust policies) quotes the offending value; resource-policy services do not.
    const message =
      kind === 'trust' && problem.type === 'Federated'
        ? MSG.federatedPrincipalInvalid
        : kind === 'trust' && problem.type !== undefined && problem.value !== undefined
          ? MSG.invalidPrincipalQuoted(problem.type, problem.value)
          : MSG.invalidPrincipal;
    return found(PHASE.element, CODE.invalidPrincipal, message, problem.path);
  }

  if (kind === 'rcp' && !(s.hasPrincipal && isEveryone(value))) {
    return found(PHASE.element, CODE.rcpPrincipal, MSG.rcpPrincipal, `${s.path}.${field}`);
  }
  if (kind === 'rcp' && s.effect === 'Allow') {
    warnings.push(warning(CODE.rcpAllow, MSG.rcpAllow, `${s.path}.Effect`));
  }
  if (s.hasNotPrincipal && s.effect === 'Allow') {
    warnings.push(
      warning(CODE.notPrincipalAllow, 'NotPrincipal with "Effect": "Allow" grants access to everyone not listed, including anonymous callers', `${s.path}.NotPrincipal`),
    );
  }
  return undefined;
}

function isEveryone(value: unknown): boolean {
  if (value === '*') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length === 1 && entries[0]![0] === 'AWS' && (entries[0]![1] === '*' || (Array.isArray(entries[0]![1]) && entries[0]![1].length === 1 && entries[0]![1][0] === '*'));
}

/** The first action IAM refuses: no vendor, more than one colon, or a vendor it cannot read. */
function checkActions(list: StringList, kind: PolicyKind): Found | undefined {
  for (let i = 0; i < list.values.length; i++) {
    const action = list.values[i]!;
    const path = list.single ? list.path : `${list.path}[${i}]`;
    if (action === '*') continue;
    const colons = action.split(':').length - 1;
    if (colons === 0) return found(PHASE.actionFormat, CODE.vendorPrefix, MSG.vendorPrefix, path);
    if (colons > 1) return found(PHASE.actionFormat, CODE.oneColon, MSG.oneColon, path);
    const vendor = action.slice(0, action.indexOf(':'));
    if (vendor === '') return found(PHASE.actionFormat, CODE.vendorPrefix, MSG.vendorPrefix, path);
    if (!VENDOR_CHARACTERS.test(vendor)) return found(PHASE.actionFormat, CODE.vendorInvalid, MSG.vendorInvalid(vendor), path);
    if (kind === 'trust' && vendor.toLowerCase() !== 'sts') {
      return found(PHASE.element, CODE.trustActions, MSG.trustActions, path);
    }
  }
  return undefined;
}

function checkResources(
  doc: PolicyDocument,
  s: StatementDocument,
  kind: PolicyKind,
  out: Found[],
  warnings: Diagnostic[],
  resourceFormatSeen: boolean,
): void {
  if (kind === 'trust') {
    if (s.resource) out.push(found(PHASE.element, CODE.trustResource, MSG.trustResource, s.resource.path));
    else if (s.notResource) out.push(found(PHASE.element, CODE.trustResource, MSG.trustNotResource, s.notResource.path));
    return;
  }
  const list = s.resource ?? s.notResource;
  if (!list || list.values.length === 0) {
    out.push(found(PHASE.resourcesRequired, CODE.missingResources, MSG.missingResources, list?.path ?? `${s.path}.Resource`));
    return;
  }
  if (IAM_PARSED.has(kind)) {
    const problem = reportedResourceProblem(list.values);
    if (problem !== undefined) {
      out.push(found(PHASE.resourceFormat, CODE.resourceFormat, problem, list.path));
    } else if (!resourceFormatSeen && list.values.some(failsLegacyResourceParsing)) {
      out.push(found(PHASE.legacy, CODE.legacyResource, MSG.legacyParsing, list.path));
    }
  } else {
    for (let i = 0; i < list.values.length; i++) {
      const resource = list.values[i]!;
      if (resource === '*') continue;
      if (!resource.startsWith('arn:') || splitArn(resource) === null) {
        out.push(found(PHASE.resourceFormat, CODE.resourceFormat, MSG.resourceFormat(resource), list.single ? list.path : `${list.path}[${i}]`));
        break;
      }
    }
  }
  for (let i = 0; i < list.values.length; i++) {
    const resource = list.values[i]!;
    if (resource !== '*') warnAboutVariables(doc, resource, list.single ? list.path : `${list.path}[${i}]`, warnings);
  }
}

/**
 * Unknown operators are syntax errors (an operator with an empty block is accepted: it has
 * nothing to check); Date values the legacy parser cannot read fail legacy parsing; other
 * values an operator cannot read make the condition never true, which is a warning. Keys
 * need no vendor prefix: IAM accepts `{"StringEquals": {"a": "b"}}`.
 */
function checkConditions(doc: PolicyDocument, s: StatementDocument, kind: PolicyKind, out: Found[], warnings: Diagnostic[]): void {
  const variables = doc.version === '2012-10-17';
  for (const entry of s.conditions) {
    const problems: ConditionProblem[] = [];
    compileCondition(entry.operator, entry.key, entry.values, variables, problems);
    if (problems.some((p) => p.kind === 'unknown-operator')) {
      out.push(found(PHASE.syntax, CODE.conditionOperator, MSG.syntax, entry.path));
      continue;
    }
    const operator = parseOperator(entry.operator);
    if (IAM_PARSED.has(kind) && operator?.info.family === 'date' && !entry.values.every((v) => isLegacyDateValue(String(v)))) {
      out.push(found(PHASE.legacy, CODE.legacyDate, MSG.legacyParsing, entry.path));
      continue;
    }
    for (const problem of problems) {
      warnings.push(warning(CODE.conditionValue, `${problem.message}; the condition can never be true`, entry.path));
    }
    for (const value of entry.values) {
      if (typeof value === 'string') warnAboutVariables(doc, value, entry.path, warnings);
    }
  }
}

function warnAboutVariables(doc: PolicyDocument, value: string, path: string, warnings: Diagnostic[]): void {
  if (doc.version !== '2012-10-17') return;
  const problems: TemplateProblem[] = [];
  parseTemplate(value, true, problems);
  for (const p of problems) warnings.push(warning(CODE.variable, p.message, path));
}

function found(phase: number, code: string, message: string, path: string): Found {
  return { phase, diagnostic: error(code, message, path) };
}

function error(code: string, message: string, path: string): Diagnostic {
  return path ? { code, message, path, severity: 'error' } : { code, message, severity: 'error' };
}

function warning(code: string, message: string, path: string): Diagnostic {
  return { code, message, path, severity: 'warning' };
}
