// AWS's models carry Java (java.util.regex) patterns, and AWS validates with
// Java's full-string match. This reads those patterns, which come only from the
// models and never from requests, into tokens: each one carries its JavaScript
// (`u` mode) spelling and, for a character, the exact set of code points it
// accepts. pattern-matcher.ts runs the tokens on a linear-time automaton;
// compileJavaPattern joins their spellings into the equivalent RegExp, which
// stays the reference the automaton is tested against.
//
// Where the two dialects differ, Java's meaning wins:
// - `\s` is ASCII whitespace only in Java ([ \t\n\x0B\f\r]); JavaScript's is Unicode-wide.
// - `.` also excludes U+0085 in Java.
// - `\uXXXX` takes exactly four hex digits in both, so `\u10000` is U+1000 then "0"
//   (AWS's patterns contain this; it is kept as Java reads it).
// - identity escapes such as `\:` are legal in Java, not in JavaScript's `u` mode.
// - an escaped surrogate pair (`\uD800\uDC00`) is the code point it encodes, as in Java;
// - a leading `(?s)` (DOTALL) makes `.` match every code point.
// Constructs with no faithful translation (possessive quantifiers, atomic groups,
// other inline flags, class intersection) are refused at load rather than approximated.

import {
  complementSet,
  rangesToSet,
  singleton,
  unionSets,
  type CodePointSet,
} from './code-point-set.ts';
import { GENERAL_CATEGORY_NAMES, generalCategory } from './unicode-category-codec.ts';

export type JavaToken =
  /** Exactly one code point out of `set`. */
  | { readonly kind: 'char'; readonly js: string; readonly set: CodePointSet }
  | { readonly kind: 'start' | 'end' | 'alternation' | 'close'; readonly js: string }
  /** `\b`, `\B`, back references: only a backtracking engine runs these. */
  | { readonly kind: 'boundary' | 'backReference'; readonly js: string }
  | { readonly kind: 'open'; readonly js: string; readonly lookaround: boolean }
  /** `max` is Infinity for an open repetition; `lazy` is a `?` after a quantifier. */
  | { readonly kind: 'quantifier'; readonly js: string; readonly min: number; readonly max: number };

const JS_SYNTAX_CHARS = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

const JAVA_WHITESPACE = '\\t\\n\\x0B\\f\\r ';
const JAVA_NON_WHITESPACE_RANGES = '\\x00-\\x08\\x0E-\\x1F\\x21-\\u{10FFFF}';
const JAVA_DOT = '[^\\n\\r\\u0085\\u2028\\u2029]';

const WHITESPACE_SET = rangesToSet([[0x09, 0x0d], [0x20, 0x20]]);
const DIGIT_SET = rangesToSet([[0x30, 0x39]]);
const WORD_SET = rangesToSet([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]);
const DOT_SET = complementSet(rangesToSet([[0x0a, 0x0a], [0x0d, 0x0d], [0x85, 0x85], [0x2028, 0x2029]]));
/** `.` under `(?s)`. */
const ANY_SET = rangesToSet([[0, 0x10ffff]]);

const GENERAL_CATEGORIES = new Set(GENERAL_CATEGORY_NAMES);

const compiled = new Map<string, RegExp>();
const tokenized = new Map<string, readonly JavaToken[]>();

/**
 * A RegExp that matches exactly the strings Java's `Pattern.matches(pattern, s)`
 * accepts. It backtracks: run it only on input of bounded length (pattern-matcher.ts
 * does), never on a whole request value.
 */
export function compileJavaPattern(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${translateJavaPattern(pattern)})$`, 'u');
    compiled.set(pattern, regex);
  }
  return regex;
}

class UnsupportedPatternError extends Error {
  constructor(pattern: string, what: string) {
    super(`Java pattern ${JSON.stringify(pattern)}: ${what} has no JavaScript translation`);
  }
}

/** The body of the JavaScript `u`-mode equivalent of a Java pattern (no anchors added). */
export function translateJavaPattern(pattern: string): string {
  return tokenizeJavaPattern(pattern).map((token) => token.js).join('');
}

/** The tokens of a Java pattern, cached per pattern. */
export function tokenizeJavaPattern(pattern: string): readonly JavaToken[] {
  let tokens = tokenized.get(pattern);
  if (tokens === undefined) {
    tokens = new Tokenizer(pattern).tokens();
    tokenized.set(pattern, tokens);
  }
  return tokens;
}

/** One item inside `[...]`: a character (may end a range), a set, or an unescaped `-`. */
type ClassItem =
  | { readonly kind: 'char'; readonly js: string; readonly codePoint: number }
  | { readonly kind: 'set'; readonly js: string; readonly set: CodePointSet }
  | { readonly kind: 'dash'; readonly js: string };

/** What an escape stands for. */
type Escape =
  | { readonly kind: 'char'; readonly js: string; readonly codePoint: number }
  | { readonly kind: 'set'; readonly js: string; readonly set: CodePointSet }
  | { readonly kind: 'quote'; readonly codePoints: readonly number[] }
  | { readonly kind: 'start' | 'end' | 'boundary' | 'backReference'; readonly js: string };

class Tokenizer {
  readonly #pattern: string;
  #at = 0;
  readonly #out: JavaToken[] = [];

  constructor(pattern: string) {
    this.#pattern = pattern;
  }

  #refuse(what: string): never {
    throw new UnsupportedPatternError(this.#pattern, what);
  }

  tokens(): JavaToken[] {
    const pattern = this.#pattern;
    // `(?s)` leading the whole pattern (DOTALL): `.` is every code point. Flags anywhere else
    // are refused below.
    let dotAll = false;
    if (pattern.startsWith('(?s)')) {
      dotAll = true;
      this.#at = 4;
    }
    while (this.#at < pattern.length) {
      const ch = String.fromCodePoint(pattern.codePointAt(this.#at) as number);
      if (ch === '\\') {
        this.#pushEscape(this.#escape(false));
        continue;
      }
      switch (ch) {
        case '[':
          this.#out.push(this.#characterClass());
          continue;
        case ']':
        case '}':
          this.#out.push({ kind: 'char', js: `\\${ch}`, set: singleton(ch.codePointAt(0) as number) });
          break;
        case '{': {
          const quantifier = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(this.#at));
          if (quantifier === null) {
            this.#out.push({ kind: 'char', js: '\\{', set: singleton(0x7b) });
            break;
          }
          const min = Number(quantifier[1]);
          const max = quantifier[2] === undefined ? min : quantifier[3] === '' ? Infinity : Number(quantifier[3]);
          this.#out.push({ kind: 'quantifier', js: quantifier[0], min, max });
          this.#at += quantifier[0].length;
          if (pattern[this.#at] === '+') this.#refuse('a possessive quantifier');
          continue;
        }
        case '.':
          this.#out.push(dotAll ? { kind: 'char', js: '[^]', set: ANY_SET } : { kind: 'char', js: JAVA_DOT, set: DOT_SET });
          break;
        case '(': {
          if (pattern[this.#at + 1] !== '?') {
            this.#out.push({ kind: 'open', js: '(', lookaround: false });
            break;
          }
          const group = /^\(\?(?::|=|!|<=|<!|<[A-Za-z][A-Za-z0-9]*>)/.exec(pattern.slice(this.#at));
          if (group === null) this.#refuse('an inline flag or atomic group');
          const js = group[0];
          this.#out.push({ kind: 'open', js, lookaround: /^\(\?(?:=|!|<=|<!)$/.test(js) });
          this.#at += js.length;
          continue;
        }
        case '*':
        case '+':
        case '?':
          if (pattern[this.#at + 1] === '+') this.#refuse('a possessive quantifier');
          this.#out.push({ kind: 'quantifier', js: ch, min: ch === '+' ? 1 : 0, max: ch === '?' ? 1 : Infinity });
          break;
        case '^':
          this.#out.push({ kind: 'start', js: '^' });
          break;
        case '$':
          this.#out.push({ kind: 'end', js: '$' });
          break;
        case '|':
          this.#out.push({ kind: 'alternation', js: '|' });
          break;
        case ')':
          this.#out.push({ kind: 'close', js: ')' });
          break;
        default:
          this.#out.push({ kind: 'char', js: ch, set: singleton(ch.codePointAt(0) as number) });
      }
      this.#at += ch.length;
    }
    return this.#out;
  }

  #pushEscape(escape: Escape): void {
    switch (escape.kind) {
      case 'char':
        this.#out.push({ kind: 'char', js: escape.js, set: singleton(escape.codePoint) });
        return;
      case 'set':
        this.#out.push({ kind: 'char', js: escape.js, set: escape.set });
        return;
      case 'quote':
        for (const codePoint of escape.codePoints) {
          this.#out.push({ kind: 'char', js: literal(codePoint, false), set: singleton(codePoint) });
        }
        return;
      default:
        this.#out.push({ kind: escape.kind, js: escape.js });
    }
  }

  /** `[...]`, starting at its `[`: one character token. */
  #characterClass(): JavaToken {
    const pattern = this.#pattern;
    const negated = pattern[this.#at + 1] === '^';
    this.#at += negated ? 2 : 1;
    const items: ClassItem[] = [];
    let first = true;
    for (;;) {
      if (this.#at >= pattern.length) this.#refuse('an unterminated character class');
      const ch = String.fromCodePoint(pattern.codePointAt(this.#at) as number);
      if (ch === '\\') {
        const escape = this.#escape(true);
        if (escape.kind === 'quote') {
          for (const codePoint of escape.codePoints) items.push({ kind: 'char', js: literal(codePoint, true), codePoint });
        } else if (escape.kind === 'char' || escape.kind === 'set') {
          items.push(escape);
        } else {
          this.#refuse(`${escape.js} inside a character class`);
        }
        first = false;
        continue;
      }
      if (ch === '[') this.#refuse('a nested character class');
      if (ch === '&' && pattern[this.#at + 1] === '&') this.#refuse('character class intersection');
      this.#at += ch.length;
      if (ch === ']' && !first) break;
      if (ch === ']') items.push({ kind: 'char', js: '\\]', codePoint: 0x5d });
      else if (ch === '-') items.push({ kind: 'dash', js: '-' });
      else items.push({ kind: 'char', js: ch, codePoint: ch.codePointAt(0) as number });
      first = false;
    }
    const js = `[${negated ? '^' : ''}${items.map((item) => item.js).join('')}]`;
    const members = classMembers(items, () => this.#refuse('a range with a class escape or out of order'));
    return { kind: 'char', js, set: negated ? complementSet(members) : members };
  }

  /** The escape at the current `\`, consumed. */
  #escape(inClass: boolean): Escape {
    const pattern = this.#pattern;
    const at = this.#at;
    const next = pattern.codePointAt(at + 1);
    if (next === undefined) this.#refuse('a trailing backslash');
    const c = String.fromCodePoint(next);
    const take = (length: number): void => {
      this.#at += length;
    };
    const char = (js: string, codePoint: number, length: number): Escape => {
      take(length);
      return { kind: 'char', js, codePoint };
    };
    const set = (js: string, members: CodePointSet, length: number): Escape => {
      take(length);
      return { kind: 'set', js, set: members };
    };
    switch (c) {
      case 'u': {
        const hex = pattern.slice(at + 2, at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.#refuse('a malformed \\u escape');
        const unit = parseInt(hex, 16);
        // Java reads a high surrogate escape followed by a low one as the one code point they
        // encode (`\uD800\uDC00` is U+10000).
        const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(pattern.slice(at + 6));
        if (unit >= 0xd800 && unit <= 0xdbff && low !== null) {
          const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (parseInt(low[1] as string, 16) - 0xdc00);
          return char(`\\u{${codePoint.toString(16)}}`, codePoint, 12);
        }
        return char(`\\u${hex}`, unit, 6);
      }
      case 'x': {
        const braced = /^\{([0-9a-fA-F]+)\}/.exec(pattern.slice(at + 2));
        if (braced !== null) return char(`\\u{${braced[1]}}`, parseInt(braced[1] as string, 16), 2 + braced[0].length);
        const hex = pattern.slice(at + 2, at + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.#refuse('a malformed \\x escape');
        return char(`\\x${hex}`, parseInt(hex, 16), 4);
      }
      case '0': {
        const octal = /^[0-7]{1,3}/.exec(pattern.slice(at + 2));
        if (octal === null) this.#refuse('a malformed octal escape');
        const digits = octal[0];
        const used = digits.length === 3 && digits > '377' ? 2 : digits.length;
        const value = parseInt(digits.slice(0, used), 8);
        return char(`\\u{${value.toString(16)}}`, value, 2 + used);
      }
      case 't':
        return char('\\t', 0x09, 2);
      case 'n':
        return char('\\n', 0x0a, 2);
      case 'r':
        return char('\\r', 0x0d, 2);
      case 'f':
        return char('\\f', 0x0c, 2);
      case 'd':
        return set('\\d', DIGIT_SET, 2);
      case 'D':
        return set('\\D', complementSet(DIGIT_SET), 2);
      case 'w':
        return set('\\w', WORD_SET, 2);
      case 'W':
        return set('\\W', complementSet(WORD_SET), 2);
      case 'a':
        return char('\\x07', 0x07, 2);
      case 'e':
        return char('\\x1B', 0x1b, 2);
      case 'c': {
        const control = pattern[at + 2];
        if (control === undefined || !/^[A-Za-z]$/.test(control)) this.#refuse('a malformed \\c escape');
        return char(`\\c${control}`, (control.codePointAt(0) as number) % 32, 3);
      }
      case 's':
        return set(inClass ? JAVA_WHITESPACE : `[${JAVA_WHITESPACE}]`, WHITESPACE_SET, 2);
      case 'S':
        return set(inClass ? JAVA_NON_WHITESPACE_RANGES : `[^${JAVA_WHITESPACE}]`, complementSet(WHITESPACE_SET), 2);
      case 'p':
      case 'P': {
        const braced = /^\{(?:Is)?([A-Za-z]+)\}/.exec(pattern.slice(at + 2));
        const name = braced !== null ? braced[1] : pattern[at + 2];
        if (name === undefined || !GENERAL_CATEGORIES.has(name)) this.#refuse(`the property class \\${c}${braced?.[0] ?? name ?? ''}`);
        take(braced !== null ? 2 + braced[0].length : 3);
        // The category's code points from the generated table (the JavaScript engine's own, as
        // of its generation; unicode-categories.test.ts checks they still agree).
        const members = generalCategory(name);
        return { kind: 'set', js: `\\${c}{${name}}`, set: c === 'P' ? complementSet(members) : members };
      }
      case 'b':
      case 'B':
        if (inClass) this.#refuse('a boundary inside a character class');
        take(2);
        return { kind: 'boundary', js: `\\${c}` };
      case 'A':
        if (inClass) this.#refuse('\\A inside a character class');
        take(2);
        return { kind: 'start', js: '^' };
      case 'z':
        if (inClass) this.#refuse('\\z inside a character class');
        take(2);
        return { kind: 'end', js: '$' };
      case 'k': {
        const named = /^<[A-Za-z][A-Za-z0-9]*>/.exec(pattern.slice(at + 2));
        if (named === null || inClass) this.#refuse('a malformed named back reference');
        take(2 + named[0].length);
        return { kind: 'backReference', js: `\\k${named[0]}` };
      }
      case 'Q': {
        const end = pattern.indexOf('\\E', at + 2);
        const quoted = pattern.slice(at + 2, end === -1 ? pattern.length : end);
        take(2 + quoted.length + (end === -1 ? 0 : 2));
        return { kind: 'quote', codePoints: [...quoted].map((q) => q.codePointAt(0) as number) };
      }
      default:
        break;
    }
    if (/^[1-9]$/.test(c)) {
      if (inClass) this.#refuse('a back reference inside a character class');
      take(2);
      return { kind: 'backReference', js: `\\${c}` };
    }
    if (/^[A-Za-z]$/.test(c)) this.#refuse(`the escape \\${c}`);
    // Java reads a backslash before any other character as that character.
    return char(literal(next, inClass), next, 1 + c.length);
  }
}

/**
 * The members of a class's items, read as JavaScript's `u` mode reads them:
 * `a-z` is a range, a `-` first, last or right after a range is itself.
 */
function classMembers(items: readonly ClassItem[], refuse: () => never): CodePointSet {
  const sets: CodePointSet[] = [];
  const codePointOf = (item: ClassItem): number | undefined =>
    item.kind === 'char' ? item.codePoint : item.kind === 'dash' ? 0x2d : undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as ClassItem;
    const to = items[i + 2];
    if (items[i + 1]?.kind === 'dash' && to !== undefined) {
      const low = codePointOf(item);
      const high = codePointOf(to);
      if (low === undefined || high === undefined || low > high) refuse();
      sets.push(rangesToSet([[low, high]]));
      i += 2;
      continue;
    }
    sets.push(item.kind === 'set' ? item.set : singleton(codePointOf(item) as number));
  }
  return unionSets(...sets);
}

function literal(codePoint: number, inClass: boolean): string {
  const ch = String.fromCodePoint(codePoint);
  if (JS_SYNTAX_CHARS.has(ch) || (inClass && ch === '-')) return `\\${ch}`;
  if (/^[A-Za-z0-9_]$/.test(ch)) return ch;
  return `\\u{${codePoint.toString(16)}}`;
}
