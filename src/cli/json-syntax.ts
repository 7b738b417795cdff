/**
 * Where a JSON text stops being JSON, for messages a person can act on ("p.json:4:59:
 * expected a value, found ']'"). JSON.parse decides whether the text is JSON; it names a
 * position for some mistakes only (not for a trailing comma in a list, or single quotes),
 * so the first mistake is found here by one linear pass over the grammar of RFC 8259,
 * with an explicit stack: deep nesting cannot overflow the call stack.
 */
export interface JsonSyntaxError {
  /** 1-based; the column counts characters (UTF-16 code units) from the start of the line. */
  line: number;
  column: number;
  reason: string;
}

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const found = firstMistake(text) ?? { offset: text.length, reason: err instanceof Error ? err.message : String(err) };
    return { ...lineAndColumn(text, found.offset), reason: found.reason };
  }
}

interface Mistake {
  offset: number;
  reason: string;
}

/** What the grammar allows next. */
type Expect = 'value' | 'value or ]' | 'key or }' | 'key' | ':' | ', or close' | 'end';

function firstMistake(text: string): Mistake | undefined {
  const containers: ('[' | '{')[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const n = text.length;
  const afterValue = (): Expect => (containers.length === 0 ? 'end' : ', or close');
  while (true) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) return expect === 'end' ? undefined : { offset: n, reason: `the text ends early: ${ENDED[expect]}` };
    const c = text[i]!;
    switch (expect) {
      case 'end':
        return { offset: i, reason: `unexpected ${show(c)} after the end of the JSON document` };
      case ':':
        if (c !== ':') return { offset: i, reason: `expected ':' after the property name, found ${show(c)}` };
        i++;
        expect = 'value';
        continue;
      case ', or close': {
        const close = containers[containers.length - 1] === '[' ? ']' : '}';
        if (c === ',') {
          i++;
          expect = close === ']' ? 'value' : 'key';
        } else if (c === close) {
          i++;
          containers.pop();
          expect = afterValue();
        } else {
          return { offset: i, reason: `expected ',' or '${close}', found ${show(c)}` };
        }
        continue;
      }
      case 'key or }':
      case 'key':
        if (c === '}' && expect === 'key or }') {
          i++;
          containers.pop();
          expect = afterValue();
          continue;
        }
        if (c !== '"') {
          const trailing = c === '}' ? ' (a comma before it?)' : '';
          return { offset: i, reason: `expected a property name in double quotes, found ${show(c)}${trailing}` };
        }
        {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
        }
        expect = ':';
        continue;
      case 'value':
      case 'value or ]':
        if (c === ']' && expect === 'value or ]') {
          i++;
          containers.pop();
          expect = afterValue();
          continue;
        }
        if (c === '{' || c === '[') {
          containers.push(c);
          i++;
          expect = c === '{' ? 'key or }' : 'value or ]';
          continue;
        }
        {
          const end = c === '"' ? scanString(text, i) : c === '-' || (c >= '0' && c <= '9') ? scanNumber(text, i) : scanLiteral(text, i);
          if (typeof end !== 'number') return end;
          i = end;
        }
        expect = afterValue();
        continue;
    }
  }
}

const ENDED: Record<Expect, string> = {
  'value': 'expected a value',
  'value or ]': "expected a value or ']'",
  'key or }': "expected a property name or '}'",
  'key': 'expected a property name',
  ':': "expected ':'",
  ', or close': "expected ',' or a closing bracket",
  'end': '',
};

/** The offset after the string that starts at `start` (a '"'), or the mistake in it. */
function scanString(text: string, start: number): number | Mistake {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { offset: i, reason: `a string cannot hold ${show(text[i]!)} as it is; write it as an escape (\\n, \\t, \\u00XX)` };
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
      else if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else return { offset: i + 1, reason: `invalid escape ${next === undefined ? '\\' : `\\${next}`} in a string` };
      continue;
    }
    i++;
  }
  return { offset: start, reason: 'this string is not closed with a double quote' };
}

function scanNumber(text: string, start: number): number | Mistake {
  let i = start;
  const digits = () => {
    const from = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    return i - from;
  };
  if (text[i] === '-') i++;
  if (text[i] === '0') {
    i++;
    if (text[i]! >= '0' && text[i]! <= '9') return { offset: i, reason: 'a number cannot have a leading 0' };
  } else if (digits() === 0) {
    return { offset: i, reason: `expected a digit, found ${i < text.length ? show(text[i]!) : 'the end'}` };
  }
  if (text[i] === '.') {
    i++;
    if (digits() === 0) return { offset: i, reason: "expected a digit after '.'" };
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (digits() === 0) return { offset: i, reason: 'expected a digit in the exponent' };
  }
  return i;
}

function scanLiteral(text: string, start: number): number | Mistake {
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, start)) return start + word.length;
  }
  const c = text[start]!;
  const hint = c === "'" ? ' (strings take double quotes)' : '';
  return { offset: start, reason: `expected a value, found ${show(c)}${hint}` };
}

function show(c: string): string {
  const code = c.charCodeAt(0);
  if (c === "'") return `"'"`;
  if (code === 0xfeff) return 'U+FEFF (a byte order mark: save the file as UTF-8 without one)';
  return code < 0x20 || code === 0x7f || code === 0xfeff ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${c}'`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
