import type { RandomSource } from '../kernel/random.ts';

/**
 * Organizations' identifiers, shaped as the model's patterns require: o- and ten characters,
 * r- and four, ou-<root suffix>-<eight>, p- and eight, h- and ten, rp- and eight, car- and eight — lower-case
 * letters and digits, from the injected random source.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function chars(random: RandomSource, n: number): string {
  let out = '';
  for (const b of random.bytes(n)) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export const newOrganizationId = (random: RandomSource) => `o-${chars(random, 10)}`;
export const newRootId = (random: RandomSource) => `r-${chars(random, 4)}`;
export const newOuId = (random: RandomSource, rootId: string) => `ou-${rootId.slice(2)}-${chars(random, 8)}`;
export const newPolicyId = (random: RandomSource) => `p-${chars(random, 8)}`;
export const newHandshakeId = (random: RandomSource) => `h-${chars(random, 10)}`;
export const newResourcePolicyId = (random: RandomSource) => `rp-${chars(random, 8)}`;
export const newCreateRequestId = (random: RandomSource) => `car-${chars(random, 8)}`;
