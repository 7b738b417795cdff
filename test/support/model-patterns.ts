// Every pattern of every AWS model Tessera ships (each service file in
// models/aws, read from the directory so a model added later is covered), with
// the longest value that can reach it, and strings to try it on.

import { readdirSync, readFileSync } from 'node:fs';
import { complementSet, setContains, type CodePointSet } from '../../src/protocol/code-point-set.ts';
import { loadServiceModel, SERVICE_NAMES } from '../../src/protocol/model.ts';
import { parsePattern, type PatternTree } from '../../src/protocol/pattern-matcher.ts';

/** The server's request body limit (src/server/http-server.ts): the longest value a member without a maximum can get. */
export const BODY_LIMIT = 1024 * 1024;

export interface PatternUse {
  readonly pattern: string;
  /** The largest `max` of the string shapes that carry it; undefined when one has none. */
  readonly maxLength: number | undefined;
  /** `file:Shape` of each shape that carries it. */
  readonly shapes: readonly string[];
}

const MODELS_DIR = new URL('../../models/aws/', import.meta.url);

/** The model files of models/aws (paginators and other side files have no shapes). */
export function modelFiles(): string[] {
  return readdirSync(MODELS_DIR)
    .filter((file) => file.endsWith('.json'))
    .filter((file) => (JSON.parse(readFileSync(new URL(file, MODELS_DIR), 'utf8')) as { shapes?: unknown }).shapes !== undefined);
}

/** Every distinct pattern, from the files as shipped and from the models as loaded (with models/patches.json). */
export function modelPatternUses(): PatternUse[] {
  const uses = new Map<string, { maxLength: number | undefined; shapes: string[] }>();
  const add = (where: string, shape: { type?: string; pattern?: string; max?: number }): void => {
    if (shape.type !== 'string' || shape.pattern === undefined) return;
    const use = uses.get(shape.pattern);
    if (use === undefined) {
      uses.set(shape.pattern, { maxLength: shape.max, shapes: [where] });
      return;
    }
    use.maxLength = use.maxLength === undefined || shape.max === undefined ? undefined : Math.max(use.maxLength, shape.max);
    use.shapes.push(where);
  };
  for (const file of modelFiles()) {
    const model = JSON.parse(readFileSync(new URL(file, MODELS_DIR), 'utf8')) as { shapes: Record<string, { type?: string; pattern?: string; max?: number }> };
    for (const [name, shape] of Object.entries(model.shapes)) add(`${file}:${name}`, shape);
  }
  for (const service of SERVICE_NAMES) {
    for (const shape of loadServiceModel(service).shapes.values()) add(`${service} (loaded):${shape.name}`, shape);
  }
  return [...uses].map(([pattern, use]) => ({ pattern, ...use }));
}

/** A small deterministic PRNG (mulberry32), so a failure names a sample that reproduces. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The character sets of a pattern's tree. */
export function patternSets(tree: PatternTree): CodePointSet[] {
  switch (tree.type) {
    case 'char':
      return [tree.set];
    case 'sequence':
    case 'alternation':
      return tree.items.flatMap(patternSets);
    case 'repeat':
      return patternSets(tree.item);
    default:
      return [];
  }
}

/** Characters that probe each set's edges: bounds, their neighbours, and classics of trouble. */
export function probeCharacters(pattern: string): string[] {
  const codePoints = new Set<number>([
    0x61, 0x41, 0x30, 0x2d, 0x2e, 0x2f, 0x3a, 0x40, 0x20, 0x0a, 0x00, 0x85, 0xa0, 0xe9, 0x2028, 0xd800, 0xdc00, 0x1f600, 0x10ffff,
  ]);
  for (const set of patternSets(parsePattern(pattern))) {
    for (let i = 0; i < Math.min(set.length, 8); i += 2) {
      const low = set[i] as number;
      const high = set[i + 1] as number;
      for (const c of [low - 1, low, high, high + 1]) if (c >= 0 && c <= 0x10ffff) codePoints.add(c);
    }
  }
  // Two code points that every set of the pattern treats alike are the same probe.
  const sets = patternSets(parsePattern(pattern));
  const perSignature = new Map<string, number>();
  const probes: string[] = [];
  for (const c of codePoints) {
    const signature = `${sets.map((set) => (setContains(set, c) ? 1 : 0)).join('')}${c > 0xffff ? 'astral' : c >= 0xd800 && c <= 0xdfff ? 'lone' : ''}`;
    const seen = perSignature.get(signature) ?? 0;
    if (seen >= 2) continue;
    perSignature.set(signature, seen + 1);
    probes.push(String.fromCodePoint(c));
  }
  return probes;
}

/** A character no set of the pattern holds, or undefined when every code point is taken. */
export function outsider(pattern: string): string | undefined {
  const sets = patternSets(parsePattern(pattern));
  for (const c of [0x00, 0x0a, 0x20, 0x7f, 0x85, 0x2028, 0xfffe, 0x1f600]) {
    if (!sets.some((set) => setContains(set, c))) return String.fromCodePoint(c);
  }
  for (const set of sets) {
    const rest = complementSet(set);
    const c = rest[0];
    if (c !== undefined && !sets.some((other) => setContains(other, c))) return String.fromCodePoint(c);
  }
  return undefined;
}

/** A string the tree should accept (assertions in odd places aside), with repetitions between min and `spread` more. */
export function generate(tree: PatternTree, random: () => number, spread = 3): string {
  switch (tree.type) {
    case 'char':
      return String.fromCodePoint(pick(tree.set, random));
    case 'sequence':
      return tree.items.map((item) => generate(item, random, spread)).join('');
    case 'alternation':
      return generate(tree.items[Math.floor(random() * tree.items.length)] as PatternTree, random, spread);
    case 'repeat': {
      const upper = Math.min(tree.max, tree.min + spread);
      const count = tree.min + Math.floor(random() * (upper - tree.min + 1));
      let out = '';
      for (let i = 0; i < count; i++) out += generate(tree.item, random, spread);
      return out;
    }
    default:
      return '';
  }
}

/** A code point of the set: often a range bound, otherwise anywhere in a range. */
function pick(set: CodePointSet, random: () => number): number {
  const range = Math.floor(random() * (set.length / 2));
  const low = set[2 * range] as number;
  const high = set[2 * range + 1] as number;
  const roll = random();
  if (roll < 0.2) return low;
  if (roll < 0.4) return high;
  // Lean towards ASCII where the range reaches it, as real values do.
  const top = roll < 0.8 ? Math.min(high, Math.max(low, 0x7e)) : high;
  return low + Math.floor(random() * (top - low + 1));
}

export interface HostileInput {
  readonly name: string;
  readonly value: string;
}

/**
 * Strings built to make a backtracking matcher slow, about `length` UTF-16
 * units long: runs of each probe character; near-misses (a valid prefix, a
 * long run, then a character the pattern has no place for); and alternations
 * of a probe with each literal of the pattern (`a.a.a.…@` against an email pattern).
 */
export function hostileInputs(pattern: string, length: number, seed = 1): HostileInput[] {
  const random = seededRandom(seed);
  const tree = parsePattern(pattern);
  // Long inputs are costly to build and run: a spread of the probes and fewer literals there.
  const long = length > 65_536;
  const allProbes = probeCharacters(pattern);
  const step = long ? Math.max(1, Math.ceil(allProbes.length / 8)) : 1;
  const probes = allProbes.filter((_, i) => i % step === 0);
  const end = outsider(pattern) ?? '\u0000';
  const prefix = generate(tree, random, 0);
  const literals = [...new Set(patternSets(tree).filter((set) => set.length === 2 && set[0] === set[1]).map((set) => String.fromCodePoint(set[0] as number)))].slice(0, long ? 3 : 6);
  const fill = (unit: string, room: number): string => unit.repeat(Math.max(0, Math.floor(room / unit.length)));
  const inputs: HostileInput[] = [];
  for (const probe of probes) {
    const label = `U+${(probe.codePointAt(0) as number).toString(16)}`;
    inputs.push({ name: `run of ${label}`, value: fill(probe, length) });
    inputs.push({ name: `valid prefix, run of ${label}, outsider`, value: prefix + fill(probe, length - prefix.length - end.length) + end });
    for (const literal of literals) {
      inputs.push({ name: `valid prefix, (${label} ${JSON.stringify(literal)})*, outsider`, value: prefix + fill(probe + literal, length - prefix.length - end.length) + end });
    }
  }
  // Flat strings, as a parsed request's values are (a repeat() result is a rope, slower to
  // read); UTF-16 through a Buffer keeps every code unit, lone surrogates included.
  return inputs.map(({ name, value }) => ({ name, value: Buffer.from(value, 'utf16le').toString('utf16le') }));
}

// The fastest of several timings: shared with the other timing tests.
export { bestTime } from './timing.ts';
