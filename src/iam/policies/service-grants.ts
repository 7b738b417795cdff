import type { CompiledPolicy, CompiledStatement } from '../../policy/index.ts';

/**
 * Whether a policy grants some action of a service (ListPoliciesGrantingServiceAccess): an
 * Allow statement whose Action can match an action `<service>:<Name>`, or whose NotAction
 * leaves at least one such action out. Deny statements, resources and conditions do not
 * matter: the question is which policies the entity could use to reach the service, not
 * whether a given request would be allowed.
 *
 * Tessera has no catalog of every service's actions, so "an action of the service" means
 * any syntactically possible one: the service prefix, a colon and a name of letters and
 * digits (compared case-insensitively, as the engine compares actions). So `s3:Get*`
 * grants s3, and so does `s3:NoSuchAction`.
 *
 * The decision is exact, never a guess from the pattern's spelling: each pattern is read as
 * a small automaton (one state per pattern position; `*` loops, `?` and literals advance)
 * run over the fixed prefix `<service>:` and then over the name. A wildcard may span the
 * colon (`s3*`, `*:Get*`, `?3:*` all reach s3).
 *
 *   - Action: does some name lead a pattern to its end? (reachability over single states)
 *   - NotAction: does every name lead some pattern to its end? (reachability over sets of
 *     states, i.e. the subset construction; only the characters the patterns spell matter,
 *     plus one standing for all others)
 */

/** Characters of an action name, lower-cased (patterns and actions compare lower-cased). */
const NAME_CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Subset-construction bound for NotAction lists. Real lists need a handful of sets; a list
 * built to need more is treated as not excluding the whole service (the policy is listed),
 * since listing a policy that may grant access is the safer error for an access review.
 */
const MAX_STATE_SETS = 4096;

type ActionPattern = CompiledStatement['actions']['patterns'][number];

const LITERAL = 0;
const STAR = 1;
const QUESTION = 2;

/** The automaton of one pattern: `kinds[i]` says what position i matches; position `length` accepts. */
interface PatternAutomaton {
  text: string;
  kinds: Uint8Array;
}

function automatonOf(pattern: ActionPattern): PatternAutomaton {
  const kinds = new Uint8Array(pattern.text.length);
  // The compiled mask marks wildcard positions; which wildcard it is, is the character itself.
  for (let i = 0; i < kinds.length; i++) {
    if (pattern.mask !== null && pattern.mask[i] !== 0) kinds[i] = pattern.text[i] === '*' ? STAR : QUESTION;
  }
  return { text: pattern.text, kinds };
}

/**
 * States of several automata at once: state `offsets[k] + i` is position i of pattern k.
 * Sets of states are kept as sorted arrays so they can be compared by key.
 */
class PatternSet {
  readonly #automata: PatternAutomaton[];
  readonly #offsets: number[] = [];
  readonly #owner: number[] = [];

  constructor(patterns: readonly ActionPattern[]) {
    this.#automata = patterns.map(automatonOf);
    let offset = 0;
    this.#automata.forEach((automaton, k) => {
      this.#offsets.push(offset);
      for (let i = 0; i <= automaton.text.length; i++) this.#owner.push(k);
      offset += automaton.text.length + 1;
    });
  }

  /** Every pattern at its first position (stars may already be skipped). */
  initial(): number[] {
    const states = new Set<number>();
    this.#automata.forEach((_, k) => this.#enter(states, k, 0));
    return sorted(states);
  }

  accepts(states: readonly number[]): boolean {
    return states.some((state) => {
      const k = this.#owner[state]!;
      return state - this.#offsets[k]! === this.#automata[k]!.text.length;
    });
  }

  /** The states after reading one character. */
  step(states: readonly number[], c: string): number[] {
    const next = new Set<number>();
    for (const state of states) {
      const k = this.#owner[state]!;
      const automaton = this.#automata[k]!;
      const i = state - this.#offsets[k]!;
      if (i === automaton.text.length) continue;
      const kind = automaton.kinds[i];
      if (kind === STAR) this.#enter(next, k, i);
      else if (kind === QUESTION || automaton.text[i] === c) this.#enter(next, k, i + 1);
    }
    return sorted(next);
  }

  /** The characters worth trying in a name: each one a pattern spells, and one other. */
  nameAlphabet(): string[] {
    const spelled = new Set<string>();
    for (const { text, kinds } of this.#automata) {
      for (let i = 0; i < text.length; i++) if (kinds[i] === LITERAL && NAME_CHARACTERS.includes(text[i]!)) spelled.add(text[i]!);
    }
    const other = [...NAME_CHARACTERS].find((c) => !spelled.has(c));
    return other === undefined ? [...spelled] : [...spelled, other];
  }

  /** Adds position i of pattern k, and the positions after any stars there (a star may match nothing). */
  #enter(states: Set<number>, k: number, i: number): void {
    const automaton = this.#automata[k]!;
    let position = i;
    states.add(this.#offsets[k]! + position);
    while (position < automaton.text.length && automaton.kinds[position] === STAR) {
      position++;
      states.add(this.#offsets[k]! + position);
    }
  }
}

function sorted(states: Set<number>): number[] {
  return [...states].sort((a, b) => a - b);
}

/** The states after `<service>:`, or an empty set when no pattern can begin that way. */
function afterServicePrefix(set: PatternSet, service: string): number[] {
  let states = set.initial();
  for (const c of `${service.toLowerCase()}:`) {
    states = set.step(states, c);
    if (states.length === 0) break;
  }
  return states;
}

/** Whether some pattern matches some action of the service. */
export function patternsMatchSomeServiceAction(patterns: readonly ActionPattern[], service: string): boolean {
  const set = new PatternSet(patterns);
  const start = afterServicePrefix(set, service);
  if (start.length === 0) return false;
  // Single states suffice: a name exists iff an accepting state is reachable after at least one character.
  const alphabet = set.nameAlphabet();
  const seen = new Set<number>();
  let frontier = [start];
  while (frontier.length > 0) {
    const next: number[][] = [];
    for (const states of frontier) {
      for (const c of alphabet) {
        const after = set.step(states, c).filter((state) => !seen.has(state));
        if (after.length === 0) continue;
        if (set.accepts(after)) return true;
        for (const state of after) seen.add(state);
        next.push(after);
      }
    }
    frontier = next;
  }
  return false;
}

/** Whether the patterns together match every action of the service (a NotAction excluding all of it). */
export function patternsCoverService(patterns: readonly ActionPattern[], service: string): boolean {
  const set = new PatternSet(patterns);
  const start = afterServicePrefix(set, service);
  if (start.length === 0) return false;
  const alphabet = set.nameAlphabet();
  const seen = new Set<string>([start.join(',')]);
  const queue = [start];
  while (queue.length > 0) {
    const states = queue.pop()!;
    for (const c of alphabet) {
      const after = set.step(states, c);
      // A name that no pattern matches: this action is outside the NotAction list.
      if (!set.accepts(after)) return false;
      const key = after.join(',');
      if (seen.has(key)) continue;
      if (seen.size >= MAX_STATE_SETS) return false;
      seen.add(key);
      queue.push(after);
    }
  }
  return true;
}

/** Whether the statement allows some action of the service. */
export function statementGrantsService(statement: CompiledStatement, service: string): boolean {
  if (statement.effect !== 'Allow') return false;
  const { patterns, negated } = statement.actions;
  return negated ? !patternsCoverService(patterns, service) : patternsMatchSomeServiceAction(patterns, service);
}

/** Whether some statement of the policy allows some action of the service. */
export function policyGrantsService(policy: CompiledPolicy, service: string): boolean {
  // Not the engine's statementsForService: it memoizes per service, and namespaces here are
  // arbitrary request input that would grow that memo on a cached policy without bound.
  const lower = service.toLowerCase();
  return policy.statements.some(
    (statement) => (statement.actions.services === null || statement.actions.services.includes(lower)) && statementGrantsService(statement, lower),
  );
}
