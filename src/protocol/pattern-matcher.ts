// Full-string matching of the models' Java patterns in time linear in the
// input: the pattern's tokens (java-regex.ts) become a Thompson automaton,
// run as a DFA built lazily, one state per new set of automaton positions, as
// RE2 does. A request value of any length is judged in one pass with two
// array reads per character; nothing backtracks.
//
// A pattern with a lookaround, boundary or back reference has no such
// automaton. It is accepted only when the longest string it can match is
// bounded: a longer value cannot match and is refused without running
// anything, and a shorter one runs on the backtracking RegExp over at most
// that many characters. (One model pattern is of this kind, an Organizations
// name of at most 63 characters with `-(?!-)`.) Any other pattern is refused
// at load, so an unbounded backtracking match can never be reached.

import { setContains, type CodePointSet } from './code-point-set.ts';
import { compileJavaPattern, tokenizeJavaPattern, type JavaToken } from './java-regex.ts';

export interface PatternMatcher {
  /** Whether the whole value matches, as Java's `Pattern.matches` decides. */
  matches(value: string): boolean;
  /** `automaton`: linear time; `bounded`: a backtracking RegExp on at most `maxLength` code points. */
  readonly engine: 'automaton' | 'bounded';
  /** Fewest and most code points a match can have (Infinity when unbounded). */
  readonly minLength: number;
  readonly maxLength: number;
}

/** Automata above this size are refused; the models' largest has a few hundred nodes. */
const MAX_NODES = 20_000;
/** DFA states kept per pattern before the cache starts over (memory stays bounded). */
const MAX_STATES = 2_000;
/** Self-loops in a row before a state's run is skipped by its sticky RegExp. */
const SKIP_AFTER = 16;
/** Skippers are built only for self-loop sets of at most this many ranges. */
const MAX_SKIP_RANGES = 32;

const matchers = new Map<string, PatternMatcher>();

/** The matcher of a model pattern, compiled once and cached. Throws for a pattern it cannot bound. */
export function compilePatternMatcher(pattern: string): PatternMatcher {
  let matcher = matchers.get(pattern);
  if (matcher === undefined) {
    // The reference translation must compile too: it defines what the pattern means.
    const reference = compileJavaPattern(pattern);
    const tree = parsePattern(pattern);
    const [minLength, maxLength] = lengthBounds(tree);
    if (!needsBacktracking(tree)) {
      matcher = new AutomatonMatcher(tree, minLength, maxLength);
    } else if (Number.isFinite(maxLength)) {
      matcher = new BoundedMatcher(reference, minLength, maxLength);
    } else {
      throw new Error(`Java pattern ${JSON.stringify(pattern)}: a lookaround, boundary or back reference with no bound on the match length`);
    }
    matchers.set(pattern, matcher);
  }
  return matcher;
}

// ---- syntax tree -------------------------------------------------------------

/** The structure of a pattern, for tests that generate strings from it. */
export function parsePattern(pattern: string): PatternTree {
  return new Parser(pattern, tokenizeJavaPattern(pattern)).parse();
}

export type PatternTree = Tree;

type Tree =
  | { readonly type: 'char'; readonly set: CodePointSet; readonly js: string }
  | { readonly type: 'sequence' | 'alternation'; readonly items: readonly Tree[] }
  | { readonly type: 'repeat'; readonly item: Tree; readonly min: number; readonly max: number }
  | { readonly type: 'start' | 'end' }
  /** Lookarounds and boundaries (zero width) and back references (unknown width). */
  | { readonly type: 'opaque'; readonly zeroWidth: boolean };

class Parser {
  readonly #pattern: string;
  readonly #tokens: readonly JavaToken[];
  #at = 0;

  constructor(pattern: string, tokens: readonly JavaToken[]) {
    this.#pattern = pattern;
    this.#tokens = tokens;
  }

  #fail(what: string): never {
    throw new Error(`Java pattern ${JSON.stringify(this.#pattern)}: ${what}`);
  }

  parse(): Tree {
    const tree = this.#alternation();
    if (this.#at < this.#tokens.length) this.#fail('an unmatched )');
    return tree;
  }

  #alternation(): Tree {
    const items = [this.#sequence()];
    while (this.#tokens[this.#at]?.kind === 'alternation') {
      this.#at += 1;
      items.push(this.#sequence());
    }
    return items.length === 1 ? (items[0] as Tree) : { type: 'alternation', items };
  }

  #sequence(): Tree {
    const items: Tree[] = [];
    for (;;) {
      const token = this.#tokens[this.#at];
      if (token === undefined || token.kind === 'alternation' || token.kind === 'close') break;
      this.#at += 1;
      let [term, quantifiable] = this.#term(token);
      for (let next = this.#tokens[this.#at]; next?.kind === 'quantifier'; next = this.#tokens[this.#at]) {
        if (!quantifiable) this.#fail(`nothing to repeat before ${next.js}`);
        if (next.min > next.max) this.#fail(`the quantifier ${next.js} is out of order`);
        this.#at += 1;
        term = { type: 'repeat', item: term, min: next.min, max: next.max };
        // A `?` right after a quantifier makes it lazy: the same strings match in full.
        if (this.#tokens[this.#at]?.js === '?') this.#at += 1;
        quantifiable = false;
      }
      items.push(term);
    }
    return items.length === 1 ? (items[0] as Tree) : { type: 'sequence', items };
  }

  /** A term and whether a quantifier may follow it (JavaScript's `u` mode refuses one after an assertion). */
  #term(token: JavaToken): [Tree, boolean] {
    switch (token.kind) {
      case 'char':
        return [{ type: 'char', set: token.set, js: token.js }, true];
      case 'start':
      case 'end':
        return [{ type: token.kind }, false];
      case 'boundary':
        return [{ type: 'opaque', zeroWidth: true }, false];
      case 'backReference':
        return [{ type: 'opaque', zeroWidth: false }, true];
      case 'open': {
        const inner = this.#alternation();
        if (this.#tokens[this.#at]?.kind !== 'close') this.#fail('an unclosed group');
        this.#at += 1;
        return token.lookaround ? [{ type: 'opaque', zeroWidth: true }, false] : [inner, true];
      }
      default:
        return this.#fail(`an unexpected ${token.js}`);
    }
  }
}

function lengthBounds(tree: Tree): [min: number, max: number] {
  switch (tree.type) {
    case 'char':
      return [1, 1];
    case 'start':
    case 'end':
      return [0, 0];
    case 'opaque':
      return tree.zeroWidth ? [0, 0] : [0, Infinity];
    case 'sequence':
      return tree.items.map(lengthBounds).reduce(([a, b], [c, d]) => [a + c, b + d], [0, 0]);
    case 'alternation': {
      const bounds = tree.items.map(lengthBounds);
      return [Math.min(...bounds.map(([min]) => min)), Math.max(...bounds.map(([, max]) => max))];
    }
    case 'repeat': {
      const [min, max] = lengthBounds(tree.item);
      return [min * tree.min, max === 0 || tree.max === 0 ? 0 : max * tree.max];
    }
  }
}

function needsBacktracking(tree: Tree): boolean {
  switch (tree.type) {
    case 'opaque':
      return true;
    case 'sequence':
    case 'alternation':
      return tree.items.some(needsBacktracking);
    case 'repeat':
      return needsBacktracking(tree.item);
    default:
      return false;
  }
}

// ---- the bounded fallback ----------------------------------------------------

class BoundedMatcher implements PatternMatcher {
  readonly engine = 'bounded';
  readonly #regex: RegExp;
  readonly minLength: number;
  readonly maxLength: number;

  constructor(regex: RegExp, minLength: number, maxLength: number) {
    this.#regex = regex;
    this.minLength = minLength;
    this.maxLength = maxLength;
  }

  matches(value: string): boolean {
    // Code points never outnumber UTF-16 units, and never fall below half of them.
    if (value.length > 2 * this.maxLength || value.length < this.minLength) return false;
    const length = codePointLength(value);
    if (length > this.maxLength || length < this.minLength) return false;
    return this.#regex.test(value);
  }
}

// ---- the automaton -----------------------------------------------------------

const CHAR = 0;
const SPLIT = 1;
const EMPTY = 2;
const START = 3;
const END = 4;
const MATCH = 5;

/** State 0 is dead: no position left, not accepting. */
const DEAD = 0;
const UNKNOWN = -1;

interface DfaState {
  /** The automaton's CHAR nodes this state stands for, sorted. */
  readonly chars: readonly number[];
  readonly accepting: boolean;
}

class AutomatonMatcher implements PatternMatcher {
  readonly engine = 'automaton';
  readonly minLength: number;
  readonly maxLength: number;

  // The Thompson automaton, one entry per node.
  readonly #kind: number[] = [];
  readonly #out1: number[] = [];
  readonly #out2: number[] = [];
  /** For a CHAR node: the index of its character set in #sets. */
  readonly #setOf: number[] = [];
  readonly #sets: CodePointSet[] = [];
  readonly #setIndex = new Map<string, number>();
  readonly #entry: number;

  // The code space split into classes whose members every set treats alike.
  readonly #bmpClass: Uint16Array;
  /** Every interval of the partition, as its first code point and its class. */
  readonly #intervalStarts: number[] = [];
  readonly #intervalClasses: number[] = [];
  readonly #astralStarts: number[] = [];
  readonly #astralClasses: number[] = [];
  /** classMembers[class][set]: whether that set holds that class's code points. */
  readonly #classMembers: Uint8Array[] = [];

  // The lazily built DFA. Transitions are one flat table, `state * classCount + class`,
  // UNKNOWN until first taken; `accepting[state]` is 1 for a state that may end the input.
  readonly #classCount: number;
  #table: Int32Array = new Int32Array(0);
  #accepting: Uint8Array = new Uint8Array(0);
  #states: DfaState[] = [];
  /** Per state, once it has looped on itself a while: a sticky RegExp that skips its self-loop run. */
  #skippers: (RegExp | null)[] = [];
  #stateIndex = new Map<string, number>();
  #start = UNKNOWN;
  #mark: Int32Array = new Int32Array(0);
  #generation = 0;

  constructor(tree: Tree, minLength: number, maxLength: number) {
    this.minLength = minLength;
    this.maxLength = maxLength;
    const match = this.#node(MATCH, -1, -1);
    this.#entry = this.#compile(tree, match);
    this.#mark = new Int32Array(this.#kind.length);
    this.#bmpClass = this.#partition();
    this.#classCount = this.#classMembers.length;
    this.#reset();
  }

  matches(value: string): boolean {
    if (this.#start === UNKNOWN) this.#start = this.#intern([this.#entry], true);
    // Locals, not fields, in the loop: it runs once per character of a request value.
    const bmpClass = this.#bmpClass;
    const classCount = this.#classCount;
    let table = this.#table;
    const length = value.length;
    let state = this.#start;
    let loops = 0;
    for (let i = 0; i < length; i++) {
      const unit = value.charCodeAt(i);
      let cls: number;
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
        const low = value.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cls = this.#astralClass(((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000);
          i += 1;
        } else {
          cls = bmpClass[unit] as number;
        }
      } else {
        cls = bmpClass[unit] as number;
      }
      let next = table[state * classCount + cls] as number;
      if (next === UNKNOWN) {
        next = this.#step(state, cls);
        table = this.#table;
      }
      if (next === DEAD) return false;
      if (next !== state) {
        state = next;
        loops = 0;
      } else if (++loops === SKIP_AFTER) {
        // A long run that keeps the state where it is (`x{n}` in `[^@]+`): let a one-class
        // sticky RegExp, which cannot backtrack, cross the rest of it at native speed.
        const skipper = this.#skipper(state);
        if (skipper !== null) {
          skipper.lastIndex = i + 1;
          skipper.test(value);
          i = skipper.lastIndex - 1;
          table = this.#table;
        }
      }
    }
    return this.#accepting[state] === 1;
  }

  /** The skipper of a state: its self-loop characters as `[...]*`, sticky. Null when it has none. */
  #skipper(state: number): RegExp | null {
    const known = this.#skippers[state];
    if (known !== undefined) return known;
    let skipper: RegExp | null = null;
    // Taking every class from here may add states; never let that start the cache over.
    if (this.#states.length + this.#classCount < MAX_STATES) {
      const loops = new Uint8Array(this.#classCount);
      for (let cls = 0; cls < this.#classCount; cls++) {
        let next = this.#table[state * this.#classCount + cls] as number;
        if (next === UNKNOWN) next = this.#step(state, cls);
        loops[cls] = next === state ? 1 : 0;
      }
      const ranges: string[] = [];
      this.#intervalStarts.forEach((start, i) => {
        if (loops[this.#intervalClasses[i] as number] !== 1) return;
        const end = (this.#intervalStarts[i + 1] ?? 0x110000) - 1;
        ranges.push(`\\u{${start.toString(16)}}-\\u{${end.toString(16)}}`);
      });
      // Built from the pattern's own code-point sets, never from input. A class of many
      // ranges (\p{L}) is slower in the RegExp engine than the loop here: no skipper.
      if (ranges.length > 0 && ranges.length <= MAX_SKIP_RANGES) skipper = new RegExp(`[${ranges.join('')}]*`, 'uy');
    }
    this.#skippers[state] = skipper;
    return skipper;
  }

  #node(kind: number, out1: number, out2: number, set = -1): number {
    if (this.#kind.length >= MAX_NODES) throw new Error(`pattern automaton larger than ${MAX_NODES} nodes`);
    this.#kind.push(kind);
    this.#out1.push(out1);
    this.#out2.push(out2);
    this.#setOf.push(set);
    return this.#kind.length - 1;
  }

  /** Nodes for `tree` that continue to `next`; returns the entry node. Built back to front. */
  #compile(tree: Tree, next: number): number {
    switch (tree.type) {
      case 'char': {
        let set = this.#setIndex.get(tree.js);
        if (set === undefined) {
          set = this.#sets.push(tree.set) - 1;
          this.#setIndex.set(tree.js, set);
        }
        return this.#node(CHAR, next, -1, set);
      }
      case 'start':
        return this.#node(START, next, -1);
      case 'end':
        return this.#node(END, next, -1);
      case 'sequence': {
        let entry = next;
        for (let i = tree.items.length - 1; i >= 0; i--) entry = this.#compile(tree.items[i] as Tree, entry);
        return entry;
      }
      case 'alternation': {
        let entry = this.#compile(tree.items[tree.items.length - 1] as Tree, next);
        for (let i = tree.items.length - 2; i >= 0; i--) entry = this.#node(SPLIT, this.#compile(tree.items[i] as Tree, next), entry);
        return entry;
      }
      case 'repeat': {
        let entry = next;
        if (tree.max === Infinity) {
          const loop = this.#node(SPLIT, -1, next);
          this.#out1[loop] = this.#compile(tree.item, loop);
          entry = loop;
        } else {
          // x{2,4} is x x (x (x)?)?: each optional copy may stop straight at `next`.
          for (let i = tree.min; i < tree.max; i++) entry = this.#node(SPLIT, this.#compile(tree.item, entry), next);
        }
        for (let i = 0; i < tree.min; i++) entry = this.#compile(tree.item, entry);
        return entry;
      }
      case 'opaque':
        throw new Error('an opaque construct has no automaton');
    }
  }

  /** Split the code space at every bound of every set; code points of one class go the same way everywhere. */
  #partition(): Uint16Array {
    const bounds = new Set<number>([0]);
    for (const set of this.#sets) {
      for (let i = 0; i < set.length; i += 2) {
        bounds.add(set[i] as number);
        bounds.add((set[i + 1] as number) + 1);
      }
    }
    const starts = [...bounds].filter((b) => b <= 0x10ffff).sort((a, b) => a - b);
    const classOf = new Map<string, number>();
    const intervalClasses = starts.map((start) => {
      const members = Uint8Array.from(this.#sets, (set) => (setContains(set, start) ? 1 : 0));
      const key = members.join('');
      let cls = classOf.get(key);
      if (cls === undefined) {
        cls = this.#classMembers.push(members) - 1;
        classOf.set(key, cls);
      }
      return cls;
    });
    const bmp = new Uint16Array(0x10000);
    this.#intervalStarts.push(...starts);
    this.#intervalClasses.push(...intervalClasses);
    starts.forEach((start, i) => {
      const end = (starts[i + 1] ?? 0x110000) - 1;
      const cls = intervalClasses[i] as number;
      if (start <= 0xffff) bmp.fill(cls, start, Math.min(end, 0xffff) + 1);
      if (end >= 0x10000) {
        this.#astralStarts.push(Math.max(start, 0x10000));
        this.#astralClasses.push(cls);
      }
    });
    return bmp;
  }

  #astralClass(codePoint: number): number {
    const starts = this.#astralStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= codePoint) low = mid;
      else high = mid - 1;
    }
    return this.#astralClasses[low] as number;
  }

  #reset(): void {
    this.#states = [{ chars: [], accepting: false }];
    this.#skippers = [];
    this.#stateIndex = new Map([['|R', DEAD]]);
    this.#table = new Int32Array(64 * this.#classCount).fill(UNKNOWN);
    this.#table.fill(DEAD, 0, this.#classCount);
    this.#accepting = new Uint8Array(64);
    this.#start = UNKNOWN;
  }

  #step(state: number, cls: number): number {
    const members = this.#classMembers[cls] as Uint8Array;
    const seeds: number[] = [];
    for (const node of (this.#states[state] as DfaState).chars) {
      if (members[this.#setOf[node] as number] === 1) seeds.push(this.#out1[node] as number);
    }
    if (this.#states.length >= MAX_STATES) {
      // Start over rather than grow without bound; the states needed are rebuilt as met.
      this.#reset();
      return this.#intern(seeds, false);
    }
    const next = this.#intern(seeds, false);
    this.#table[state * this.#classCount + cls] = next;
    return next;
  }

  /** The DFA state for the closure of `seeds`. */
  #intern(seeds: readonly number[], atStart: boolean): number {
    const chars = this.#closure(seeds, atStart, false).chars.sort((a, b) => a - b);
    const accepting = this.#closure(seeds, atStart, true).match;
    const key = `${chars.join(',')}|${accepting ? 'A' : 'R'}`;
    let state = this.#stateIndex.get(key);
    if (state === undefined) {
      state = this.#states.push({ chars, accepting }) - 1;
      this.#stateIndex.set(key, state);
      if (state >= this.#accepting.length) this.#grow();
      this.#accepting[state] = accepting ? 1 : 0;
    }
    return state;
  }

  #grow(): void {
    const table = new Int32Array(this.#table.length * 2).fill(UNKNOWN);
    table.set(this.#table);
    this.#table = table;
    const accepting = new Uint8Array(this.#accepting.length * 2);
    accepting.set(this.#accepting);
    this.#accepting = accepting;
  }

  /** CHAR nodes reachable without input; `atEnd` lets `$` through, `atStart` lets `^` through. */
  #closure(seeds: readonly number[], atStart: boolean, atEnd: boolean): { chars: number[]; match: boolean } {
    const generation = ++this.#generation;
    const chars: number[] = [];
    let match = false;
    const stack = [...seeds];
    while (stack.length > 0) {
      const node = stack.pop() as number;
      if (this.#mark[node] === generation) continue;
      this.#mark[node] = generation;
      switch (this.#kind[node]) {
        case CHAR:
          chars.push(node);
          break;
        case SPLIT:
          stack.push(this.#out1[node] as number, this.#out2[node] as number);
          break;
        case EMPTY:
          stack.push(this.#out1[node] as number);
          break;
        case START:
          if (atStart) stack.push(this.#out1[node] as number);
          break;
        case END:
          if (atEnd) stack.push(this.#out1[node] as number);
          break;
        case MATCH:
          match = true;
          break;
      }
    }
    return { chars, match };
  }
}

function codePointLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length -= 1;
        i += 1;
      }
    }
  }
  return length;
}
