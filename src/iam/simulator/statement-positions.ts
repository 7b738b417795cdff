/**
 * Where each statement of a policy document sits in its text, for the simulator's
 * `MatchedStatements[].StartPosition` / `EndPosition`.
 *
 * AWS reports 1-based lines and the 1-based column just past the statement's opening and
 * closing braces: for the one-line document of the CLI's simulate-custom-policy example,
 * `{"Version":"2012-10-17","Statement":{…}}` with the statement's `{` at column 37 and its
 * `}` at column 166, AWS answers Start {Line 1, Column 38} and End {Line 1, Column 167}.
 * Lines end at `\n`, `\r\n` or a lone `\r`.
 *
 * The scanner only walks text that JSON.parse accepted (the policy compiled), so it skips
 * values without validating them. Like JSON.parse, it uses the last of duplicated
 * "Statement" members. Statement indexes match the compiled statements' `index`.
 */

export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

export interface StatementSpan {
  start: TextPosition;
  end: TextPosition;
}

/**
 * The span of each statement by its index in the Statement array (a single statement
 * object has index 0); null for array elements that are not objects. Empty when the text
 * has no top-level Statement member.
 */
export function statementSpans(text: string): (StatementSpan | null)[] {
  try {
    return scanStatements(new Scanner(text));
  } catch {
    // Only reachable for text that is not JSON, which never compiles into a policy.
    return [];
  }
}

function scanStatements(scanner: Scanner): (StatementSpan | null)[] {
  scanner.skipWhitespace();
  if (scanner.peek() !== '{') return [];
  let found: (StatementSpan | null)[] = [];
  scanner.pos++;
  scanner.skipWhitespace();
  if (scanner.peek() === '}') return [];
  for (;;) {
    scanner.skipWhitespace();
    const key = scanner.readString();
    scanner.skipWhitespace();
    scanner.expect(':');
    scanner.skipWhitespace();
    if (key === 'Statement') found = scanner.readStatements();
    else scanner.skipValue();
    scanner.skipWhitespace();
    if (scanner.peek() === ',') {
      scanner.pos++;
      continue;
    }
    break;
  }
  return found;
}

class Scanner {
  readonly text: string;
  pos = 0;
  /** Offsets at which each line starts, computed on first use. */
  #lineStarts: number[] | undefined;

  constructor(text: string) {
    this.text = text;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  expect(char: string): void {
    if (this.text.charAt(this.pos) !== char) throw new Error(`expected ${char} at offset ${this.pos}`);
    this.pos++;
  }

  skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  /** Reads a JSON string token and returns its decoded value. */
  readString(): string {
    const start = this.pos;
    this.expect('"');
    while (this.pos < this.text.length) {
      const c = this.text.charAt(this.pos);
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      } else this.pos++;
    }
    throw new Error('unterminated string');
  }

  /** Skips one value of any kind, nested objects and arrays included. */
  skipValue(): void {
    const c = this.peek();
    if (c === '"') {
      this.readString();
      return;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      while (this.pos < this.text.length) {
        const d = this.peek();
        if (d === '"') {
          this.readString();
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') depth--;
        this.pos++;
        if (depth === 0) return;
      }
      throw new Error('unterminated value');
    }
    // Number, true, false, null: up to the next delimiter.
    while (this.pos < this.text.length && !',]} \t\r\n'.includes(this.peek())) this.pos++;
  }

  /** The Statement member's value: one object, or an array of statements. */
  readStatements(): (StatementSpan | null)[] {
    if (this.peek() === '{') return [this.readObjectSpan()];
    if (this.peek() !== '[') {
      this.skipValue();
      return [];
    }
    const spans: (StatementSpan | null)[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.peek() === ']') {
      this.pos++;
      return spans;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.peek() === '{') spans.push(this.readObjectSpan());
      else {
        spans.push(null);
        this.skipValue();
      }
      this.skipWhitespace();
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return spans;
    }
  }

  readObjectSpan(): StatementSpan {
    const open = this.pos;
    this.skipValue();
    const close = this.pos - 1;
    return { start: this.positionAfter(open), end: this.positionAfter(close) };
  }

  /** The position of the character following `offset`. */
  positionAfter(offset: number): TextPosition {
    const starts = (this.#lineStarts ??= lineStarts(this.text));
    const target = offset + 1;
    // The last line start at or before the target.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= target) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: target - starts[lo]! + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) starts.push(i + 1);
    else if (c === 0x0d) {
      if (text.charCodeAt(i + 1) === 0x0a) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}
