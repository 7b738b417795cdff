// ARNs and ARN patterns, matched segment by segment.
//
// An ARN is `arn:partition:service:region:account:resource`; the resource part may itself
// contain ':' and '/'. A wildcard in the partition, service, region or account segment
// stays inside that segment (it cannot swallow a ':'), while a wildcard in the resource
// part can span the rest of the string — that is how AWS compares `arn:aws:s3:::bucket/*`
// with `arn:aws:s3:::bucket/a:b/c`.
//
// One exception, for the Resource / NotResource element only: "If the * wildcard is the last
// character of a resource ARN segment, it can expand to match beyond the colon boundaries"
// (IAM User Guide, "IAM JSON policy elements: Resource", wildcards). So `arn:aws:sqs:*:q` and
// `arn:aws:sqs:*` cover `arn:aws:sqs:us-east-1:111122223333:q`. Arn condition operators keep
// strict segments: "Each of the six colon-delimited components of the ARN is checked
// separately", and the operator page's example has a segment-final `*` fail to cross.

import type { TemplatePattern } from './patterns.ts';
import { matchTemplatePattern, resolveTemplatePattern, templatePatternFrom } from './patterns.ts';
import type { Template, TemplatePart, VariableLookup } from './variables.ts';
import { parseTemplate } from './variables.ts';
import type { WildcardPattern } from './wildcard.ts';
import { matchWildcard } from './wildcard.ts';

export const ARN_SEGMENTS = 6;

// Segments compared most-selective first (resource part, service, account, region), so a
// non-matching ARN is usually rejected by the first comparison.
const SEGMENT_ORDER = [5, 2, 4, 3, 1, 0] as const;

export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits at the first five colons; null when `value` is not shaped like an ARN. */
export function splitArn(value: string): string[] | null {
  if (!value.startsWith('arn:')) return null;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < ARN_SEGMENTS - 1; i++) {
    const colon = value.indexOf(':', start);
    if (colon === -1) return null;
    out.push(value.slice(start, colon));
    start = colon + 1;
  }
  out.push(value.slice(start));
  return out;
}

export function parseArn(value: string): ArnParts | null {
  const parts = splitArn(value);
  if (parts === null) return null;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = parts;
  return { partition, service, region, account, resource };
}

export type ResourcePattern =
  | { readonly kind: 'any'; readonly source: string }
  | { readonly kind: 'arn'; readonly source: string; readonly segments: readonly TemplatePattern[] }
  /** Non-ARN text (or an ARN pattern with fewer than six segments): matched as one string. */
  | { readonly kind: 'whole'; readonly source: string; readonly pattern: TemplatePattern; readonly arnLike: boolean }
  /**
   * A Resource-element ARN pattern in which some segment before the resource part ends with
   * '*': that '*' may also take whole colon-separated pieces of the subject. `segments` has up
   * to six entries; `spans[i]` says whether segment i (< 5) ends with such a '*'.
   */
  | {
      readonly kind: 'spanning';
      readonly source: string;
      readonly segments: readonly TemplatePattern[];
      readonly spans: readonly boolean[];
    };

export interface ResourcePatternOptions {
  /**
   * True for the Resource / NotResource element: a '*' ending a segment before the resource
   * part may cross colons. False (the default) for the Arn condition operators.
   */
  readonly segmentFinalStarSpansColons?: boolean;
}

/** A request resource (or an ARN-typed context value) split once per request. */
export interface ArnSubject {
  readonly raw: string;
  readonly segments: readonly string[] | null;
}

export function arnSubject(raw: string): ArnSubject {
  return { raw, segments: splitArn(raw) };
}

/**
 * Compiles a Resource / NotResource entry or an Arn-operator condition value.
 * Colons inside `${...}` (as in `${aws:username}`) do not split segments.
 */
export function compileResourcePattern(
  source: string,
  variablesEnabled: boolean,
  options: ResourcePatternOptions = {},
): ResourcePattern {
  if (source === '*') return { kind: 'any', source };
  const template = parseTemplate(source, variablesEnabled);
  if (source.startsWith('arn:')) {
    const segments = splitTemplateAtColons(template);
    if (options.segmentFinalStarSpansColons === true) {
      const spans = segments.map((t, i) => i < ARN_SEGMENTS - 1 && endsWithWildcardStar(t));
      if (spans.some(Boolean)) {
        return { kind: 'spanning', source, segments: segments.map((t) => templatePatternFrom(t)), spans };
      }
    }
    if (segments.length === ARN_SEGMENTS) {
      return { kind: 'arn', source, segments: segments.map((t) => templatePatternFrom(t)) };
    }
    return { kind: 'whole', source, pattern: templatePatternFrom(template), arnLike: true };
  }
  return { kind: 'whole', source, pattern: templatePatternFrom(template), arnLike: false };
}

/**
 * True / false, or undefined when a policy variable in the pattern has no value.
 */
export function matchResourcePattern(
  pattern: ResourcePattern,
  subject: ArnSubject,
  lookup: VariableLookup,
): boolean | undefined {
  switch (pattern.kind) {
    case 'any':
      return true;
    case 'arn': {
      const segments = subject.segments;
      if (segments === null) return false;
      let unresolved = false;
      for (let k = 0; k < ARN_SEGMENTS; k++) {
        const i = SEGMENT_ORDER[k]!;
        const result = matchTemplatePattern(pattern.segments[i]!, segments[i]!, lookup);
        if (result === false) return false;
        if (result === undefined) unresolved = true;
      }
      return unresolved ? undefined : true;
    }
    case 'whole':
      // A truncated ARN pattern never matches a well-formed ARN: its wildcards would have
      // to cross segment boundaries to do so.
      if (pattern.arnLike && subject.segments !== null) return false;
      return matchTemplatePattern(pattern.pattern, subject.raw, lookup);
    case 'spanning':
      return matchSpanning(pattern.segments, pattern.spans, subject, lookup);
  }
}

/** True when the template's last character is a '*' written in policy text (a wildcard). */
function endsWithWildcardStar(template: Template): boolean {
  const last = template.parts[template.parts.length - 1];
  return last !== undefined && last.type === 'text' && last.text.endsWith('*');
}

/**
 * Matches a spanning pattern. The subject is cut at every ':' into pieces; each pattern
 * segment before the resource part takes one piece (its wildcards never see a ':'), a
 * spanning one may take further whole pieces after it (its final '*' runs on across the
 * colons), and the resource part takes all the rest as one string. Decided by a table over
 * (segment, piece) filled from the right, so the cost stays linear in the number of pieces
 * for each segment whatever the pattern — no backtracking.
 */
function matchSpanning(
  segmentPatterns: readonly TemplatePattern[],
  spans: readonly boolean[],
  subject: ArnSubject,
  lookup: VariableLookup,
): boolean | undefined {
  if (subject.segments === null) return false;
  const concrete: WildcardPattern[] = [];
  for (const p of segmentPatterns) {
    const c = resolveTemplatePattern(p, lookup);
    if (c === undefined) return undefined;
    concrete.push(c);
  }
  const raw = subject.raw;
  const pieces = raw.split(':');
  const starts: number[] = [];
  let offset = 0;
  for (const piece of pieces) {
    starts.push(offset);
    offset += piece.length + 1;
  }
  const n = pieces.length;
  const last = concrete.length - 1;
  // ok[j]: segments i.. match pieces j..; anyFrom[j]: ok[k] for some k >= j (next row).
  let nextOk: boolean[] = [];
  let nextAnyFrom: boolean[] = [];
  for (let i = last; i >= 0; i--) {
    const ok = new Array<boolean>(n + 1).fill(false);
    const anyFrom = new Array<boolean>(n + 2).fill(false);
    for (let j = n - 1; j >= i; j--) {
      const pattern = concrete[i]!;
      if (i === last) {
        if (i === ARN_SEGMENTS - 1) ok[j] = matchWildcard(pattern, raw.slice(starts[j]));
        else if (spans[i]) ok[j] = matchWildcard(pattern, pieces[j]!);
        else ok[j] = j === n - 1 && matchWildcard(pattern, pieces[j]!);
      } else if (matchWildcard(pattern, pieces[j]!)) {
        ok[j] = spans[i] ? nextAnyFrom[j + 1] === true : nextOk[j + 1] === true;
      }
      anyFrom[j] = ok[j] || anyFrom[j + 1] === true;
    }
    nextOk = ok;
    nextAnyFrom = anyFrom;
  }
  return nextOk[0] === true;
}

/** Splits a template at the first five ':' that lie in plain text parts. */
function splitTemplateAtColons(template: Template): Template[] {
  const pieces: TemplatePart[][] = [[]];
  let splits = 0;
  for (const part of template.parts) {
    if (part.type !== 'text' || splits >= ARN_SEGMENTS - 1) {
      pieces[pieces.length - 1]!.push(part);
      continue;
    }
    let rest = part.text;
    while (splits < ARN_SEGMENTS - 1) {
      const colon = rest.indexOf(':');
      if (colon === -1) break;
      const before = rest.slice(0, colon);
      if (before) pieces[pieces.length - 1]!.push({ type: 'text', text: before });
      pieces.push([]);
      splits++;
      rest = rest.slice(colon + 1);
    }
    if (rest) pieces[pieces.length - 1]!.push({ type: 'text', text: rest });
  }
  return pieces.map((parts) => ({
    source: parts.map((p) => (p.type === 'variable' ? `\${${p.key}}` : p.text)).join(''),
    parts: parts.length > 0 ? parts : [{ type: 'text', text: '' }],
    hasVariables: parts.some((p) => p.type === 'variable'),
  }));
}
