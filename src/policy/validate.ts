// Validation of a policy document for the place it is used (identity, resource, trust,
// boundary, SCP, RCP, session), with AWS's MalformedPolicyDocument wording (messages.ts).
//
// AWS stops at the first problem and reports one message. The engine reports the first
// error of each statement plus the document-level errors, so a document with a single
// mistake yields exactly AWS's single message, and a document with several shows them all
// without one mistake cascading into follow-on errors of the same statement.

import { splitArn } from './arn.ts';
import type { ConditionProblem } from './conditions.ts';
import { compileCondition } from './conditions.ts';
import type { ParseResult, PolicyDocument, StatementDocument } from './document.ts';
import { parsePolicyText } from './document.ts';
import { CODE, MSG } from './messages.ts';
import type { PrincipalProblem } from './principal.ts';
import { compilePrincipals } from './principal.ts';
import { policySize, sizeLimitFor } from './size-limits.ts';
import type { Diagnostic, PolicyKind, ValidateOptions } from './types.ts';
import type { TemplateProblem } from './variables.ts';
import { parseTemplate } from './variables.ts';

const IDENTITY_LIKE: ReadonlySet<PolicyKind> = new Set(['identity', 'boundary', 'session', 'scp']);
const NEEDS_PRINCIPAL: ReadonlySet<PolicyKind> = new Set(['resource', 'trust', 'rcp']);
const SID_ALPHANUMERIC = /^[0-9A-Za-z]*$/;

/** Validates policy text; [] when valid. Never throws. */
export function validatePolicy(text: string, kind: PolicyKind, options: ValidateOptions = {}): Diagnostic[] {
  if (typeof text !== 'string') return [error(CODE.syntax, MSG.syntax, '')];
  return validateParsed(text, parsePolicyText(text), kind, options);
}

/** Validates an already-parsed document (compile.ts parses once and reuses the result). */
export function validateParsed(text: string, parsed: ParseResult, kind: PolicyKind, options: ValidateOptions = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];

  const limit = sizeLimitFor(kind, options);
  if (limit !== null && policySize(text, limit) > limit.limit) {
    diagnostics.push(error(CODE.policySize, limit.message, ''));
  }

  if (!parsed.ok) {
    for (const issue of parsed.issues) diagnostics.push(error(issue.code, issue.message, issue.path));
    return diagnostics;
  }
  const doc = parsed.document;
  for (const issue of doc.issues) diagnostics.push(error(issue.code, issue.message, issue.path));

  if (!doc.versionSpecified) {
    diagnostics.push(
      warning(CODE.versionMissing, 'No Version element: the policy is read as 2008-10-17 and policy variables are literal text', 'Version'),
    );
  }
  if (doc.statementPresent && doc.statements.length === 0 && !doc.issues.some((i) => i.path.startsWith('Statement'))) {
    diagnostics.push(warning(CODE.emptyStatement, 'The policy has no statements and allows nothing', 'Statement'));
  }

  for (const statement of doc.statements) {
    const found = validateStatement(doc, statement, kind);
    if (found.error) diagnostics.push(found.error);
    diagnostics.push(...found.warnings);
  }

  const seen = new Set<string>();
  for (const statement of doc.statements) {
    if (statement.sid === undefined || statement.sid === '') continue;
    if (seen.has(statement.sid)) {
      diagnostics.push(error(CODE.sidUnique, MSG.sidUnique, `${statement.path}.Sid`));
      break;
    }
    seen.add(statement.sid);
  }
  return diagnostics;
}

function validateStatement(
  doc: PolicyDocument,
  s: StatementDocument,
  kind: PolicyKind,
): { error: Diagnostic | undefined; warnings: Diagnostic[] } {
  const warnings: Diagnostic[] = [];
  const first = (): Diagnostic | undefined => {
    const structural = s.issues[0];
    if (structural) return error(structural.code, structural.message, structural.path);

    if (!s.effectPresent) return error(CODE.missingEffect, MSG.missingEffect, `${s.path}.Effect`);
    if (s.effect === undefined) return error(CODE.invalidEffect, MSG.legacyParsing, `${s.path}.Effect`);

    const principalError = checkPrincipal(s, kind, warnings);
    if (principalError) return principalError;

    const actionError = checkActions(s, kind);
    if (actionError) return actionError;

    const resourceError = checkResources(doc, s, kind, warnings);
    if (resourceError) return resourceError;

    const conditionError = checkConditions(doc, s, warnings);
    if (conditionError) return conditionError;

    if (kind !== 'resource' && s.sid !== undefined && !SID_ALPHANUMERIC.test(s.sid)) {
      return error(CODE.sidAlphanumeric, MSG.sidAlphanumeric, `${s.path}.Sid`);
    }
    return undefined;
  };
  return { error: first(), warnings };
}

function checkPrincipal(s: StatementDocument, kind: PolicyKind, warnings: Diagnostic[]): Diagnostic | undefined {
  if (IDENTITY_LIKE.has(kind)) {
    if (s.hasPrincipal || s.hasNotPrincipal) {
      return error(CODE.principalNotAllowed, MSG.principalNotAllowed, `${s.path}.${s.hasPrincipal ? 'Principal' : 'NotPrincipal'}`);
    }
    return undefined;
  }
  if (!NEEDS_PRINCIPAL.has(kind)) return undefined;
  if (!s.hasPrincipal && !s.hasNotPrincipal) {
    return error(CODE.principalRequired, kind === 'resource' ? MSG.missingPrincipal : MSG.principalRequired, `${s.path}.Principal`);
  }
  if (s.hasPrincipal && s.hasNotPrincipal) return error(CODE.syntax, MSG.syntax, `${s.path}.NotPrincipal`);

  const field = s.hasPrincipal ? 'Principal' : 'NotPrincipal';
  const value = s.hasPrincipal ? s.principal : s.notPrincipal;
  const problems: PrincipalProblem[] = [];
  compilePrincipals(value, `${s.path}.${field}`, problems);
  const problem = problems[0];
  if (problem) {
    // IAM (trust policies) quotes the offending value; resource-policy services do not.
    const message =
      kind === 'trust' && problem.type !== undefined && problem.value !== undefined
        ? MSG.invalidPrincipalQuoted(problem.type, problem.value)
        : MSG.invalidPrincipal;
    return error(CODE.invalidPrincipal, message, problem.path);
  }

  if (kind === 'rcp' && !(s.hasPrincipal && isEveryone(value))) {
    return error(CODE.rcpPrincipal, MSG.rcpPrincipal, `${s.path}.${field}`);
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

function checkActions(s: StatementDocument, kind: PolicyKind): Diagnostic | undefined {
  if (s.action && s.notAction) return error(CODE.syntax, MSG.syntax, `${s.notAction.path}`);
  const list = s.action ?? s.notAction;
  if (!list || list.values.length === 0) return error(CODE.missingActions, MSG.missingActions, list?.path ?? `${s.path}.Action`);
  for (let i = 0; i < list.values.length; i++) {
    const action = list.values[i]!;
    const path = list.single ? list.path : `${list.path}[${i}]`;
    if (action === '*') continue;
    const colons = action.split(':').length - 1;
    if (colons === 0 || action.startsWith(':')) return error(CODE.vendorPrefix, MSG.vendorPrefix, path);
    if (colons > 1) return error(CODE.oneColon, MSG.oneColon, path);
    if (kind === 'trust' && action.slice(0, action.indexOf(':')).toLowerCase() !== 'sts') {
      return error(CODE.trustActions, MSG.trustActions, path);
    }
  }
  return undefined;
}

function checkResources(doc: PolicyDocument, s: StatementDocument, kind: PolicyKind, warnings: Diagnostic[]): Diagnostic | undefined {
  if (kind === 'trust') {
    if (s.resource) return error(CODE.trustResource, MSG.trustResource, s.resource.path);
    if (s.notResource) return error(CODE.trustResource, MSG.trustNotResource, s.notResource.path);
    return undefined;
  }
  if (s.resource && s.notResource) return error(CODE.syntax, MSG.syntax, s.notResource.path);
  const list = s.resource ?? s.notResource;
  if (!list || list.values.length === 0) return error(CODE.missingResources, MSG.missingResources, list?.path ?? `${s.path}.Resource`);
  for (let i = 0; i < list.values.length; i++) {
    const resource = list.values[i]!;
    const path = list.single ? list.path : `${list.path}[${i}]`;
    if (resource === '*') continue;
    if (!resource.startsWith('arn:') || splitArn(resource) === null) {
      return error(CODE.resourceFormat, MSG.resourceFormat(resource), path);
    }
    warnAboutVariables(doc, resource, path, warnings);
  }
  return undefined;
}

function checkConditions(doc: PolicyDocument, s: StatementDocument, warnings: Diagnostic[]): Diagnostic | undefined {
  const variables = doc.version === '2012-10-17';
  for (const entry of s.conditions) {
    const problems: ConditionProblem[] = [];
    compileCondition(entry.operator, entry.key, entry.values, variables, problems);
    for (const problem of problems) {
      if (problem.kind === 'unknown-operator') {
        return error(CODE.conditionOperator, MSG.conditionOperator(entry.operator), entry.path);
      }
      warnings.push(warning(CODE.conditionValue, `${problem.message}; the condition can never be true`, entry.path));
    }
    const colon = entry.key.indexOf(':');
    if (colon <= 0) return error(CODE.vendorPrefix, MSG.vendorPrefix, entry.path);
    for (const value of entry.values) {
      if (typeof value === 'string') warnAboutVariables(doc, value, entry.path, warnings);
    }
  }
  return undefined;
}

function warnAboutVariables(doc: PolicyDocument, value: string, path: string, warnings: Diagnostic[]): void {
  if (doc.version !== '2012-10-17') return;
  const problems: TemplateProblem[] = [];
  parseTemplate(value, true, problems);
  for (const p of problems) warnings.push(warning(CODE.variable, p.message, path));
}

function error(code: string, message: string, path: string): Diagnostic {
  return path ? { code, message, path, severity: 'error' } : { code, message, severity: 'error' };
}

function warning(code: string, message: string, path: string): Diagnostic {
  return { code, message, path, severity: 'warning' };
}
