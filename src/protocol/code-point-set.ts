// Sets of Unicode code points as sorted, disjoint, non-adjacent ranges, flat:
// [lo0, hi0, lo1, hi1, …] with every bound inclusive. The linear pattern
// matcher partitions the code space with them; java-regex.ts builds one per
// character class of a model pattern.

export type CodePointSet = readonly number[];

export const MAX_CODE_POINT = 0x10ffff;

/** The set of the given inclusive ranges, in any order, overlapping or not. */
export function rangesToSet(ranges: readonly (readonly [number, number])[]): CodePointSet {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of sorted) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] as number) + 1) {
      out[last] = Math.max(out[last] as number, hi);
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

export function unionSets(...sets: readonly CodePointSet[]): CodePointSet {
  const ranges: [number, number][] = [];
  for (const set of sets) {
    for (let i = 0; i < set.length; i += 2) ranges.push([set[i] as number, set[i + 1] as number]);
  }
  return rangesToSet(ranges);
}

export function complementSet(set: CodePointSet): CodePointSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i] as number;
    if (lo > next) out.push(next, lo - 1);
    next = (set[i + 1] as number) + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

export function singleton(codePoint: number): CodePointSet {
  return [codePoint, codePoint];
}

export function setContains(set: CodePointSet, codePoint: number): boolean {
  let low = 0;
  let high = set.length / 2 - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (codePoint < (set[2 * mid] as number)) high = mid - 1;
    else if (codePoint > (set[2 * mid + 1] as number)) low = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The code points a one-character RegExp accepts, found by asking it about each
 * one (about 60 ms). Used only for classes with Unicode properties (\p{L}),
 * whose tables live in the JavaScript engine; the result is cached by the caller.
 */
export function enumerateSet(oneCharacter: RegExp): CodePointSet {
  const out: number[] = [];
  let start = -1;
  for (let codePoint = 0; codePoint <= MAX_CODE_POINT + 1; codePoint++) {
    const member = codePoint <= MAX_CODE_POINT && oneCharacter.test(String.fromCodePoint(codePoint));
    if (member && start < 0) start = codePoint;
    if (!member && start >= 0) {
      out.push(start, codePoint - 1);
      start = -1;
    }
  }
  return out;
}
