import { deflateRawSync } from 'node:zlib';
import type { SessionPolicies } from './session-policies.ts';
import { packedPolicyTooLarge, packedTagsTooLarge } from './errors.ts';

/**
 * PackedPolicySize: STS compresses the session policies and session tags into the token, in
 * a packed form with a limit of its own, and reports how much of it a request uses, in
 * percent ("Packed policy consumes n% of allotted space"). AWS does not publish its packing,
 * so Tessera's is its own: the raw-deflated JSON of the inline policy (white space removed),
 * the managed policy ARNs and the tags, against a budget of 2,048 bytes. That keeps every
 * token far under the token size limit while a full 2,048-character policy still fits, as on
 * AWS, and 50 tags of maximal random keys and values do not.
 */
export const PACKED_BUDGET_BYTES = 2048;

/**
 * The percentage the session's policies and tags use, or undefined when it has none (AWS then
 * reports no PackedPolicySize). Throws PackedPolicyTooLarge over 100%: naming the tags when
 * they alone are too large.
 */
export function packedPolicySize(policies: SessionPolicies | undefined, tags: Readonly<Record<string, string>>): number | undefined {
  const tagEntries = Object.entries(tags);
  if (policies === undefined && tagEntries.length === 0) return undefined;
  if (tagEntries.length > 0) {
    const tagsPercent = percentOf(packedBytes([tagEntries]));
    if (tagsPercent > 100) throw packedTagsTooLarge(tagsPercent);
  }
  const percent = percentOf(packedBytes([compactPolicy(policies?.inline), policies?.arns ?? [], tagEntries]));
  if (percent > 100) throw packedPolicyTooLarge(percent);
  return percent;
}

function packedBytes(parts: unknown[]): number {
  return deflateRawSync(Buffer.from(JSON.stringify(parts), 'utf8'), { level: 9 }).length;
}

function percentOf(bytes: number): number {
  return Math.ceil((100 * bytes) / PACKED_BUDGET_BYTES);
}

/** The document without insignificant white space (it has been validated, so it parses). */
function compactPolicy(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}
