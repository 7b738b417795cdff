// The "AWS" values of a policy's Principal and NotPrincipal elements, found in its text.
//
// IAM stores a user or role that a resource policy names by its unique ID, and shows the
// entity's ARN again when the policy is read (see principal.ts). Whoever stores policies
// does that rewriting with these two functions: `awsPrincipalValues` lists the values to
// resolve, `replaceAwsPrincipalValues` swaps them in the text. Only the string tokens of
// Statement[*].Principal.AWS and Statement[*].NotPrincipal.AWS are touched: every other
// character of the document — layout, key order, the same ARN in a Condition — stays as
// written.
//
// The scan is one linear pass. Text that is not a JSON object, or a Statement / Principal
// of another shape, yields nothing (such a document never validates, so is never stored).
// Duplicated members are all visited, so a value is found whichever duplicate JSON.parse
// keeps.

interface ValueToken {
  /** Offsets of the JSON string token, quotes included: [start, end). */
  readonly start: number;
  readonly end: number;
  /** The decoded string. */
  readonly value: string;
}

const PRINCIPAL_ELEMENTS: ReadonlySet<string> = new Set(['Principal', 'NotPrincipal']);

/** Every distinct "AWS" principal value of the document, in order of appearance. */
export function awsPrincipalValues(text: string): string[] {
  return [...new Set(scan(text).map((token) => token.value))];
}

/**
 * The document with each "AWS" principal value that `replacements` maps replaced by its
 * mapped value (JSON-encoded); values not in the map stay as written.
 */
export function replaceAwsPrincipalValues(text: string, replacements: ReadonlyMap<string, string>): string {
  const tokens = scan(text).filter((token) => replacements.has(token.value));
  if (tokens.length === 0) return text;
  let out = '';
  let from = 0;
  for (const token of tokens) {
    out += text.slice(from, token.start) + JSON.stringify(replacements.get(token.value));
    from = token.end;
  }
  return out + text.slice(from);
}

function scan(text: string): ValueToken[] {
  const found: ValueToken[] = [];
  try {
    const scanner = new Scanner(text);
    scanner.skipWhitespace();
    scanner.readObject((key) => {
      if (key !== 'Statement') return false;
      scanner.readStatements(found);
      return true;
    });
  } catch {
    // Not JSON: nothing to rewrite (such text never validates as a policy).
    return [];
  }
  return found;
}

class Scanner {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  #peek(): string {
    return this.#text.charAt(this.#pos);
  }

  #expect(char: string): void {
    if (this.#text.charAt(this.#pos) !== char) throw new SyntaxError(`expected ${char} at offset ${this.#pos}`);
    this.#pos++;
  }

  skipWhitespace(): void {
    while (this.#pos < this.#text.length) {
      const c = this.#text.charCodeAt(this.#pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.#pos++;
    }
  }

  /** A JSON string token at the current position. */
  readString(): ValueToken {
    const start = this.#pos;
    this.#expect('"');
    while (this.#pos < this.#text.length) {
      const c = this.#text.charAt(this.#pos);
      if (c === '\\') this.#pos += 2;
      else if (c === '"') {
        this.#pos++;
        return { start, end: this.#pos, value: JSON.parse(this.#text.slice(start, this.#pos)) as string };
      } else this.#pos++;
    }
    throw new SyntaxError('unterminated string');
  }

  /** Skips one value of any kind, nested objects and arrays included. */
  skipValue(): void {
    const c = this.#peek();
    if (c === '"') {
      this.readString();
      return;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      while (this.#pos < this.#text.length) {
        const d = this.#peek();
        if (d === '"') {
          this.readString();
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') depth--;
        this.#pos++;
        if (depth === 0) return;
      }
      throw new SyntaxError('unterminated value');
    }
    const start = this.#pos;
    while (this.#pos < this.#text.length && !',]} \t\r\n'.includes(this.#peek())) this.#pos++;
    if (this.#pos === start) throw new SyntaxError(`unexpected ${c || 'end'} at offset ${start}`);
  }

  /**
   * An object at the current position: for each member, `onMember` may read the value
   * itself (returning true); otherwise the value is skipped. Anything but an object is skipped.
   */
  readObject(onMember: (key: string) => boolean): void {
    if (this.#peek() !== '{') {
      this.skipValue();
      return;
    }
    this.#pos++;
    this.skipWhitespace();
    if (this.#peek() === '}') {
      this.#pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      const key = this.readString().value;
      this.skipWhitespace();
      this.#expect(':');
      this.skipWhitespace();
      if (!onMember(key)) this.skipValue();
      this.skipWhitespace();
      if (this.#peek() === ',') {
        this.#pos++;
        continue;
      }
      this.#expect('}');
      return;
    }
  }

  /** Calls `onItem` at each element of an array at the current position (which reads or skips it). */
  readArray(onItem: () => void): void {
    this.#expect('[');
    this.skipWhitespace();
    if (this.#peek() === ']') {
      this.#pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      onItem();
      this.skipWhitespace();
      if (this.#peek() === ',') {
        this.#pos++;
        continue;
      }
      this.#expect(']');
      return;
    }
  }

  /** The Statement member's value: one statement object, or an array of them. */
  readStatements(found: ValueToken[]): void {
    const statement = () =>
      this.readObject((key) => {
        if (!PRINCIPAL_ELEMENTS.has(key)) return false;
        this.readObject((type) => {
          if (type !== 'AWS') return false;
          this.readAwsValues(found);
          return true;
        });
        return true;
      });
    if (this.#peek() === '[') this.readArray(statement);
    else statement();
  }

  /** "AWS": one string, or an array whose string elements are principals. */
  readAwsValues(found: ValueToken[]): void {
    const one = () => {
      if (this.#peek() === '"') found.push(this.readString());
      else this.skipValue();
    };
    if (this.#peek() === '[') this.readArray(one);
    else one();
  }
}
