// AWS's models carry Java (java.util.regex) patterns, and AWS validates with
// Java's full-string match. This translates those patterns, which come only
// from the models and never from requests, into equivalent JavaScript RegExps
// (`u` flag, anchored), compiled once and cached.
//
// Where the two dialects differ, Java's meaning wins:
// - `\s` is ASCII whitespace only in Java ([ \t\n\x0B\f\r]); JavaScript's is Unicode-wide.
// - `.` also excludes U+0085 in Java.
// - `\uXXXX` takes exactly four hex digits in both, so `\u10000` is U+1000 then "0"
//   (AWS's patterns contain this; it is kept as Java reads it).
// - identity escapes such as `\:` are legal in Java, not in JavaScript's `u` mode.
// Constructs with no faithful translation (possessive quantifiers, atomic groups,
// inline flags, class intersection) are refused at load rather than approximated.

const JS_SYNTAX_CHARS = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

const JAVA_WHITESPACE = '\\t\\n\\x0B\\f\\r ';
const JAVA_NON_WHITESPACE_RANGES = '\\x00-\\x08\\x0E-\\x1F\\x21-\\u{10FFFF}';
const JAVA_DOT = '[^\\n\\r\\u0085\\u2028\\u2029]';

const GENERAL_CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'S', 'Sm', 'Sc', 'Sk', 'So',
  'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn',
]);

const compiled = new Map<string, RegExp>();

/** A RegExp that matches exactly the strings Java's `Pattern.matches(pattern, s)` accepts. */
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
  let out = '';
  let i = 0;
  let inClass = false;
  let atClassStart = false;
  const refuse = (what: string): never => {
    throw new UnsupportedPatternError(pattern, what);
  };

  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const [text, consumed] = translateEscape(pattern, i, inClass, refuse);
      out += text;
      i += consumed;
      atClassStart = false;
      continue;
    }
    if (inClass) {
      if (ch === '[') refuse('a nested character class');
      if (ch === '&' && pattern[i + 1] === '&') refuse('character class intersection');
      if (ch === ']' && !atClassStart) {
        inClass = false;
        out += ']';
      } else if (ch === ']') {
        out += '\\]';
      } else {
        out += ch;
      }
      atClassStart = false;
      i += 1;
      continue;
    }
    switch (ch) {
      case '[':
        inClass = true;
        atClassStart = true;
        if (pattern[i + 1] === '^') {
          out += '[^';
          i += 2;
        } else {
          out += '[';
          i += 1;
        }
        continue;
      case ']':
      case '}':
        out += `\\${ch}`;
        break;
      case '{': {
        const quantifier = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
        if (quantifier === null) {
          out += '\\{';
          break;
        }
        out += quantifier[0];
        i += quantifier[0].length;
        if (pattern[i] === '+') refuse('a possessive quantifier');
        continue;
      }
      case '.':
        out += JAVA_DOT;
        break;
      case '(': {
        if (pattern[i + 1] !== '?') {
          out += '(';
          break;
        }
        const group = /^\(\?(?::|=|!|<=|<!|<[A-Za-z][A-Za-z0-9]*>)/.exec(pattern.slice(i));
        if (group === null) refuse('an inline flag or atomic group');
        out += (group as RegExpExecArray)[0];
        i += (group as RegExpExecArray)[0].length;
        continue;
      }
      case '*':
      case '+':
      case '?':
        if (pattern[i + 1] === '+') refuse('a possessive quantifier');
        out += ch;
        break;
      default:
        out += ch;
    }
    i += 1;
  }
  if (inClass) refuse('an unterminated character class');
  return out;
}

function literal(codePoint: number, inClass: boolean): string {
  const ch = String.fromCodePoint(codePoint);
  if (JS_SYNTAX_CHARS.has(ch) || (inClass && ch === '-')) return `\\${ch}`;
  if (/^[A-Za-z0-9_]$/.test(ch)) return ch;
  return `\\u{${codePoint.toString(16)}}`;
}

function translateEscape(
  pattern: string,
  at: number,
  inClass: boolean,
  refuse: (what: string) => never,
): [string, number] {
  const next = pattern.codePointAt(at + 1);
  if (next === undefined) return refuse('a trailing backslash');
  const c = String.fromCodePoint(next);
  switch (c) {
    case 'u': {
      const hex = pattern.slice(at + 2, at + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) refuse('a malformed \\u escape');
      return [`\\u${hex}`, 6];
    }
    case 'x': {
      const braced = /^\{([0-9a-fA-F]+)\}/.exec(pattern.slice(at + 2));
      if (braced !== null) return [`\\u{${braced[1]}}`, 2 + braced[0].length];
      const hex = pattern.slice(at + 2, at + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) refuse('a malformed \\x escape');
      return [`\\x${hex}`, 4];
    }
    case '0': {
      const octal = /^[0-7]{1,3}/.exec(pattern.slice(at + 2));
      if (octal === null) refuse('a malformed octal escape');
      const digits = (octal as RegExpExecArray)[0];
      const value = parseInt(digits.length === 3 && digits > '377' ? digits.slice(0, 2) : digits, 8);
      const used = digits.length === 3 && digits > '377' ? 2 : digits.length;
      return [`\\u{${value.toString(16)}}`, 2 + used];
    }
    case 't':
    case 'n':
    case 'r':
    case 'f':
    case 'd':
    case 'D':
    case 'w':
    case 'W':
      return [`\\${c}`, 2];
    case 'a':
      return ['\\x07', 2];
    case 'e':
      return ['\\x1B', 2];
    case 'c': {
      const control = pattern[at + 2];
      if (control === undefined || !/^[A-Za-z]$/.test(control)) refuse('a malformed \\c escape');
      return [`\\c${control}`, 3];
    }
    case 's':
      return [inClass ? JAVA_WHITESPACE : `[${JAVA_WHITESPACE}]`, 2];
    case 'S':
      return [inClass ? JAVA_NON_WHITESPACE_RANGES : `[^${JAVA_WHITESPACE}]`, 2];
    case 'p':
    case 'P': {
      const braced = /^\{(?:Is)?([A-Za-z]+)\}/.exec(pattern.slice(at + 2));
      const name = braced !== null ? braced[1] : pattern[at + 2];
      if (name === undefined || !GENERAL_CATEGORIES.has(name)) refuse(`the property class \\${c}${braced?.[0] ?? name ?? ''}`);
      return [`\\${c}{${name}}`, braced !== null ? 2 + braced[0].length : 3];
    }
    case 'b':
    case 'B':
      if (inClass) refuse('a boundary inside a character class');
      return [`\\${c}`, 2];
    case 'A':
      if (inClass) refuse('\\A inside a character class');
      return ['^', 2];
    case 'z':
      if (inClass) refuse('\\z inside a character class');
      return ['$', 2];
    case 'k': {
      const named = /^<[A-Za-z][A-Za-z0-9]*>/.exec(pattern.slice(at + 2));
      if (named === null || inClass) refuse('a malformed named back reference');
      return [`\\k${(named as RegExpExecArray)[0]}`, 2 + (named as RegExpExecArray)[0].length];
    }
    case 'Q': {
      const end = pattern.indexOf('\\E', at + 2);
      const quoted = pattern.slice(at + 2, end === -1 ? pattern.length : end);
      let text = '';
      for (const q of quoted) text += literal(q.codePointAt(0) as number, inClass);
      return [text, 2 + quoted.length + (end === -1 ? 0 : 2)];
    }
    default:
      break;
  }
  if (/^[1-9]$/.test(c)) {
    if (inClass) refuse('a back reference inside a character class');
    return [`\\${c}`, 2];
  }
  if (/^[A-Za-z]$/.test(c)) return refuse(`the escape \\${c}`);
  // Java reads a backslash before any other character as that character.
  return [literal(next, inClass), 1 + c.length];
}
