// Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}` and the escapes
// `${*}`, `${?}`, `${$}`.
//
// AWS substitutes variables only when the policy's Version is 2012-10-17; under
// 2008-10-17 (or no Version) the text is literal, so callers parse templates only for
// 2012-10-17 documents.
//
// A template is split once, at compile time, into parts; evaluation only concatenates.

export type TemplatePart =
  /** Policy text; in a wildcard context its '*' and '?' are wildcards. */
  | { readonly type: 'text'; readonly text: string }
  /** Text that is always literal: an escape (`${*}` → '*'). */
  | { readonly type: 'literal'; readonly text: string }
  /** A variable; `keyLower` is the case-insensitive lookup key. */
  | {
      readonly type: 'variable';
      readonly key: string;
      readonly keyLower: string;
      readonly defaultValue: string | undefined;
    };

export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** True when at least one part is a variable (escapes alone need no request data). */
  readonly hasVariables: boolean;
}

export interface TemplateProblem {
  readonly message: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

/**
 * Splits `source` into parts. With `variablesEnabled` false the whole source is one text
 * part. Malformed `${...}` (no closing brace, empty name, bad default) is kept as text and
 * reported through `problems` so the validator can warn about it.
 */
export function parseTemplate(
  source: string,
  variablesEnabled: boolean,
  problems?: TemplateProblem[],
): Template {
  if (!variablesEnabled || !source.includes('${')) {
    return { source, parts: [{ type: 'text', text: source }], hasVariables: false };
  }
  const parts: TemplatePart[] = [];
  let hasVariables = false;
  let text = '';
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('${', i);
    if (open === -1) {
      text += source.slice(i);
      break;
    }
    const close = source.indexOf('}', open + 2);
    if (close === -1) {
      problems?.push({ message: `Unterminated policy variable in "${source}"` });
      text += source.slice(i);
      break;
    }
    text += source.slice(i, open);
    const body = source.slice(open + 2, close).trim();
    const escaped = ESCAPES[body];
    if (escaped !== undefined) {
      if (text) parts.push({ type: 'text', text });
      text = '';
      parts.push({ type: 'literal', text: escaped });
    } else {
      const variable = parseVariableBody(body);
      if (variable === undefined) {
        problems?.push({ message: `Malformed policy variable "\${${body}}"` });
        text += source.slice(open, close + 1);
      } else {
        if (text) parts.push({ type: 'text', text });
        text = '';
        parts.push({ type: 'variable', ...variable });
        hasVariables = true;
      }
    }
    i = close + 1;
  }
  if (text) parts.push({ type: 'text', text });
  return { source, parts, hasVariables };
}

function parseVariableBody(
  body: string,
): { key: string; keyLower: string; defaultValue: string | undefined } | undefined {
  const comma = body.indexOf(',');
  const key = (comma === -1 ? body : body.slice(0, comma)).trim();
  if (key === '' || /[\s${}]/.test(key)) return undefined;
  if (comma === -1) return { key, keyLower: key.toLowerCase(), defaultValue: undefined };
  // AWS's syntax for a default is `${key, 'value'}`: a single-quoted literal.
  const rest = body.slice(comma + 1).trim();
  if (rest.length < 2 || !rest.startsWith("'") || !rest.endsWith("'")) return undefined;
  return { key, keyLower: key.toLowerCase(), defaultValue: rest.slice(1, -1) };
}

/** Looks up a single value for a variable; undefined when missing or multi-valued. */
export type VariableLookup = (keyLower: string) => string | undefined;

/**
 * Resolves a template to plain text (no wildcard semantics). Returns undefined when a
 * variable has no value and no default: AWS then treats the element as not matching.
 */
export function resolveTemplateText(template: Template, lookup: VariableLookup): string | undefined {
  if (!template.hasVariables && template.parts.length === 1) {
    const only = template.parts[0];
    if (only !== undefined && only.type !== 'variable') return only.text;
  }
  let out = '';
  for (const part of template.parts) {
    if (part.type === 'variable') {
      const value = lookup(part.keyLower) ?? part.defaultValue;
      if (value === undefined) return undefined;
      out += value;
    } else {
      out += part.text;
    }
  }
  return out;
}

/** Every variable key a template references (original spelling). */
export function templateVariableKeys(template: Template): string[] {
  const keys: string[] = [];
  for (const part of template.parts) if (part.type === 'variable') keys.push(part.key);
  return keys;
}
