// Wildcard patterns for policy text ('*' = any run of characters, '?' = exactly one).
//
// Policy strings are attacker-influenced (anyone who can write a bucket policy writes
// them), so they are NEVER turned into a RegExp: a pattern is compiled into plain text
// plus a per-character mask saying which positions are wildcards. Patterns with only '*'
// are matched piece by piece with native substring search; patterns with '?' by a greedy
// two-pointer walk that backtracks only to the most recent '*' (worst case
// O(pattern × subject); the usual case is linear).
//
// Keeping the mask separate from the text is what lets a literal '*' (from the `${*}`
// escape or from a substituted variable value) sit inside a pattern without acting as a
// wildcard.

export const LITERAL = 0;
export const STAR = 1;
export const QUESTION = 2;

export interface WildcardPattern {
  /** The pattern text; for case-insensitive patterns already lower-cased. */
  readonly text: string;
  /** One entry per character of `text` (LITERAL / STAR / QUESTION), or null when none is a wildcard. */
  readonly mask: Uint8Array | null;
  /** True when the pattern is a single '*' (matches everything, the common case worth a shortcut). */
  readonly matchesAll: boolean;
  readonly ignoreCase: boolean;
  /**
   * For patterns with '*' but no '?': the literal pieces between the stars (runs of stars
   * collapsed). Such patterns — nearly all in practice — are matched piece by piece with the
   * engine's native substring search, so even `*aaa…ab` against a long run of `a` costs
   * about one pass over the subject instead of pattern × subject steps.
   */
  readonly segments: readonly string[] | null;
}

/** The literal pieces between stars, or null when the pattern has a '?' or no star. */
function starSegments(text: string, mask: Uint8Array | null): string[] | null {
  if (mask === null || mask.includes(QUESTION) || !mask.includes(STAR)) return null;
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    if (mask[i] !== STAR) {
      current += text[i];
    } else if (i === 0 || mask[i - 1] !== STAR) {
      // The first star of a run closes the piece before it; further stars add nothing.
      segments.push(current);
      current = '';
    }
  }
  segments.push(current);
  return segments;
}

/** Compiles `text`, treating every '*' and '?' as a wildcard. */
export function compileWildcard(text: string, ignoreCase = false): WildcardPattern {
  const source = ignoreCase ? text.toLowerCase() : text;
  let mask: Uint8Array | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 42 /* * */ || c === 63 /* ? */) {
      mask ??= new Uint8Array(source.length);
      mask[i] = c === 42 ? STAR : QUESTION;
    }
  }
  return { text: source, mask, matchesAll: source === '*', ignoreCase, segments: starSegments(source, mask) };
}

/** Compiles text in which no character is a wildcard. */
export function compileLiteral(text: string, ignoreCase = false): WildcardPattern {
  const source = ignoreCase ? text.toLowerCase() : text;
  return { text: source, mask: null, matchesAll: false, ignoreCase, segments: null };
}

/**
 * Builds a pattern from pieces, some of whose characters are wildcards and some not.
 * Used when policy variables are substituted: the substituted value is literal.
 */
export class PatternBuilder {
  #text = '';
  #masks: number[] = [];
  #hasWildcard = false;
  readonly #ignoreCase: boolean;

  constructor(ignoreCase = false) {
    this.#ignoreCase = ignoreCase;
  }

  /** Appends text whose '*' and '?' are wildcards. */
  appendPattern(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const kind = c === 42 ? STAR : c === 63 ? QUESTION : LITERAL;
      if (kind !== LITERAL) this.#hasWildcard = true;
      this.#masks.push(kind);
    }
    this.#text += text;
  }

  /** Appends text matched character for character. */
  appendLiteral(text: string): void {
    for (let i = 0; i < text.length; i++) this.#masks.push(LITERAL);
    this.#text += text;
  }

  build(): WildcardPattern {
    const text = this.#ignoreCase ? this.#text.toLowerCase() : this.#text;
    const mask = this.#hasWildcard ? Uint8Array.from(this.#masks) : null;
    const matchesAll = mask !== null && text.length === 1 && mask[0] === STAR;
    return { text, mask, matchesAll, ignoreCase: this.#ignoreCase, segments: starSegments(text, mask) };
  }
}

/**
 * Matches `subject` against `pattern`. For case-insensitive patterns the caller passes
 * the subject already lower-cased (so a request's action is lower-cased once, not once
 * per statement).
 */
export function matchWildcard(pattern: WildcardPattern, subject: string): boolean {
  if (pattern.matchesAll) return true;
  const text = pattern.text;
  const mask = pattern.mask;
  if (mask === null) return text === subject;
  if (pattern.segments !== null) return matchSegments(pattern.segments, subject);

  const n = text.length;
  const m = subject.length;
  let p = 0; // position in pattern
  let s = 0; // position in subject
  let starAt = -1; // pattern index of the most recent '*'
  let resumeAt = 0; // subject index that '*' is currently assumed to have consumed up to

  while (s < m) {
    if (p < n) {
      const kind = mask[p];
      if (kind === STAR) {
        // Collapse runs of stars; remember where to resume if the rest fails.
        while (p < n && mask[p] === STAR) p++;
        if (p === n) return true; // trailing star swallows the rest
        starAt = p;
        resumeAt = s;
        continue;
      }
      if (kind === QUESTION || text.charCodeAt(p) === subject.charCodeAt(s)) {
        p++;
        s++;
        continue;
      }
    }
    if (starAt === -1) return false;
    // Let the last star take one more character and retry from just after it.
    resumeAt++;
    s = resumeAt;
    p = starAt;
  }
  while (p < n && mask[p] === STAR) p++;
  return p === n;
}

/**
 * Star-only patterns: the first piece must start the subject and the last end it; each
 * piece between is placed at its leftmost occurrence after the previous one (leftmost
 * placement never loses a match), inside the span the first and last pieces leave.
 */
function matchSegments(segments: readonly string[], subject: string): boolean {
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (subject.length < first.length + last.length) return false;
  if (!subject.startsWith(first) || !subject.endsWith(last)) return false;
  const end = subject.length - last.length;
  let position = first.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const piece = segments[i]!;
    if (piece === '') continue;
    const at = subject.indexOf(piece, position);
    if (at < 0 || at + piece.length > end) return false;
    position = at + piece.length;
  }
  return true;
}
