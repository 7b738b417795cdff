/**
 * "Did you mean …?" for mistyped flags and commands: the known name at the smallest edit
 * distance (insertions, deletions, substitutions and swaps of neighbours each count one),
 * offered only when it is close enough to be a typo rather than a different word.
 */

/** Longer input is not a typo of any of our names; comparing it would only cost time. */
const MAX_COMPARED_LENGTH = 64;

export function closestName(input: string, known: readonly string[]): string | undefined {
  if (input.length === 0 || input.length > MAX_COMPARED_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(input, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  // A third of the input's length, and at least one: "prot" → "port", "lgo-level" →
  // "log-level"; "x" is not taken for "host".
  const allowed = Math.max(1, Math.floor(input.length / 3));
  if (bestDistance <= allowed) return best;
  // A clipped prefix is a typo too: "--data" for "--data-dir".
  const prefixed = known.filter((name) => input.length >= 3 && name.startsWith(input));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits), O(n·m). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[rows - 1]![cols - 1]!;
}
