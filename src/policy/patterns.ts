// Wildcard patterns that may contain policy variables.
//
// Most patterns have no variables and are compiled once into a static WildcardPattern.
// Patterns with variables are rebuilt per request: policy text keeps its wildcards and the
// substituted values (and `${*}`-style escapes) are literal.

import type { Template, VariableLookup } from './variables.ts';
import { parseTemplate } from './variables.ts';
import type { WildcardPattern } from './wildcard.ts';
import { PatternBuilder, compileWildcard, matchWildcard } from './wildcard.ts';

export interface TemplatePattern {
  readonly source: string;
  /** Set when the pattern needs no request data. */
  readonly fixed: WildcardPattern | null;
  readonly template: Template;
  readonly ignoreCase: boolean;
}

export function compileTemplatePattern(
  source: string,
  variablesEnabled: boolean,
  ignoreCase = false,
): TemplatePattern {
  const template = parseTemplate(source, variablesEnabled);
  return templatePatternFrom(template, ignoreCase);
}

export function templatePatternFrom(template: Template, ignoreCase = false): TemplatePattern {
  const hasEscape = template.parts.some((p) => p.type === 'literal');
  let fixed: WildcardPattern | null = null;
  if (!template.hasVariables) {
    fixed = hasEscape ? buildPattern(template, () => undefined, ignoreCase) ?? null : compileWildcard(template.source, ignoreCase);
  }
  return { source: template.source, fixed, template, ignoreCase };
}

function buildPattern(template: Template, lookup: VariableLookup, ignoreCase: boolean): WildcardPattern | undefined {
  const builder = new PatternBuilder(ignoreCase);
  for (const part of template.parts) {
    if (part.type === 'text') builder.appendPattern(part.text);
    else if (part.type === 'literal') builder.appendLiteral(part.text);
    else {
      const value = lookup(part.keyLower) ?? part.defaultValue;
      if (value === undefined) return undefined;
      builder.appendLiteral(value);
    }
  }
  return builder.build();
}

/** The concrete pattern for this request, or undefined when a variable cannot be resolved. */
export function resolveTemplatePattern(pattern: TemplatePattern, lookup: VariableLookup): WildcardPattern | undefined {
  return pattern.fixed ?? buildPattern(pattern.template, lookup, pattern.ignoreCase);
}

/**
 * Matches with variables resolved: true / false, or undefined when a variable could not be
 * resolved (callers decide what "unresolvable" means for their element).
 */
export function matchTemplatePattern(
  pattern: TemplatePattern,
  subject: string,
  lookup: VariableLookup,
): boolean | undefined {
  const concrete = resolveTemplatePattern(pattern, lookup);
  if (concrete === undefined) return undefined;
  return matchWildcard(concrete, subject);
}
