// Wildcard patterns for policy text ('*' = any run of characters, '?' = exactly one).
//
// Policy strings are attacker-influenced (anyone who can write a bucket policy writes
// them), so they are NEVER turned into a RegExp: a pattern is compiled into plain text
// plus a per-character mask saying which positions are wildcards, and matched by a greedy
// two-pointer walk that backtracks only to the most recent '*'. Worst case is
// O(pattern × subject); the usual case is linear.
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
  return { text: source, mask, matchesAll: source === '*', ignoreCase };
}

/** Compiles text in which no character is a wildcard. */
export function compileLiteral(text: string, ignoreCase = false): WildcardPattern {
  const source = ignoreCase ? text.toLowerCase() : text;
  return { text: source, mask: null, matchesAll: false, ignoreCase };
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
    return { text, mask, matchesAll, ignoreCase: this.#ignoreCase };
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
