// Unicode general categories (\p{L}, \p{Nd}, …) as code point sets, from the table generated
// into unicode-categories.ts. Enumerating a category through the RegExp engine costs 60–190 ms
// per class (each of 1.1 million code points tested), which the first request that checked a
// tag value used to pay; decoding the table costs well under a millisecond.

import type { CodePointSet } from './code-point-set.ts';
import { ENCODED_CATEGORIES } from './unicode-categories.ts';

/** The general categories Java's `\p{…}` (and JavaScript's) accept by their short names. */
export const GENERAL_CATEGORY_NAMES: readonly string[] = [
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'S', 'Sm', 'Sc', 'Sk', 'So',
  'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn',
];

/** A set as the table writes it: each bound as its distance from the previous one, base 36. */
export function encodeCategory(set: CodePointSet): string {
  let previous = 0;
  return set.map((bound) => {
    const delta = bound - previous;
    previous = bound;
    return delta.toString(36);
  }).join(',');
}

export function decodeCategory(encoded: string): CodePointSet {
  if (encoded === '') return [];
  let bound = 0;
  return encoded.split(',').map((delta) => (bound += parseInt(delta, 36)));
}

const decoded = new Map<string, CodePointSet>();

/** The code points of a general category (a name from GENERAL_CATEGORY_NAMES). */
export function generalCategory(name: string): CodePointSet {
  let set = decoded.get(name);
  if (set === undefined) {
    const encoded = ENCODED_CATEGORIES[name];
    if (encoded === undefined) throw new Error(`no Unicode general category '${name}'`);
    set = decodeCategory(encoded);
    decoded.set(name, set);
  }
  return set;
}
