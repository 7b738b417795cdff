// Compiling a policy: parse once, validate, build matchers, and index statements by the
// service prefix of their actions so an evaluation for "s3:GetObject" never looks at a
// statement that can only match "ec2:*".

import type { CompiledStatement } from './compiled-statement.ts';
import { compileStatement } from './compiled-statement.ts';
import type { PolicyDocument } from './document.ts';
import { parsePolicyText, parsePolicyValue } from './document.ts';
import type { CompiledPolicy, Diagnostic, PolicyKind, ValidateOptions } from './types.ts';
import { validateParsed, validatePolicy } from './validate.ts';

export type CompileResult = { ok: true; policy: CompiledPolicy } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Compiles a policy that must be valid for `kind`: diagnostics with severity "error"
 * make the result `{ ok: false }`. Warnings are kept on the compiled policy.
 */
export function compilePolicy(text: string, kind: PolicyKind, name?: string, options?: ValidateOptions): CompileResult {
  if (typeof text !== 'string') return { ok: false, diagnostics: validatePolicy(text, kind, options) };
  const parsed = parsePolicyText(text);
  const diagnostics = validateParsed(text, parsed, kind, options);
  if (!parsed.ok || diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  return { ok: true, policy: buildPolicy(parsed.document, kind, name ?? defaultName(kind), diagnostics) };
}

/**
 * Compiles whatever can be salvaged from a document, errors included: statements with an
 * unusable Effect are dropped and unknown operators make their condition false. Used
 * for scenarios and simulations, where a stored policy is evaluated as it is. Returns
 * null only when the text is not a JSON object.
 */
export function compilePolicyLenient(
  source: string | object,
  kind: PolicyKind,
  name?: string,
): { policy: CompiledPolicy | null; diagnostics: Diagnostic[] } {
  const text = typeof source === 'string' ? source : safeStringify(source);
  const parsed = typeof source === 'string' ? parsePolicyText(source) : parsePolicyValue(text, source);
  const diagnostics = validateParsed(text, parsed, kind);
  if (!parsed.ok) return { policy: null, diagnostics };
  return { policy: buildPolicy(parsed.document, kind, name ?? defaultName(kind), diagnostics), diagnostics };
}

function buildPolicy(doc: PolicyDocument, kind: PolicyKind, name: string, diagnostics: readonly Diagnostic[]): CompiledPolicy {
  const statements: CompiledStatement[] = [];
  for (const s of doc.statements) {
    const compiled = compileStatement(s, doc.version);
    if (compiled !== null) statements.push(compiled);
  }
  const byService = new Map<string, readonly CompiledStatement[]>();
  const anyService = statements.filter((s) => s.actions.services === null);
  const statementsForService = (service: string): readonly CompiledStatement[] => {
    let list = byService.get(service);
    if (list === undefined) {
      list =
        anyService.length === statements.length
          ? statements
          : statements.filter((s) => s.actions.services === null || s.actions.services.includes(service));
      byService.set(service, list);
    }
    return list;
  };
  return {
    kind,
    name,
    text: doc.text,
    version: doc.version,
    versionSpecified: doc.versionSpecified,
    id: doc.id,
    statements,
    diagnostics: Object.freeze([...diagnostics]),
    statementsForService,
  };
}

/** The same compiled policy under another display name (shares all compiled state). */
export function renamePolicy(policy: CompiledPolicy, name: string): CompiledPolicy {
  return policy.name === name ? policy : { ...policy, name };
}

function defaultName(kind: PolicyKind): string {
  return `${kind}-policy`;
}

function safeStringify(value: object): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
