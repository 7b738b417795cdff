// Policy size quotas. IAM counts characters excluding white space ("IAM doesn't count
// white space when calculating the size of a policy"); the engine therefore skips every
// JSON white-space character (space, tab, CR, LF), inside strings as well, which is the
// literal reading of that sentence. Organizations is different: "All characters in your
// SCP/RCP count against its maximum size" (its guides suggest deleting white space to
// save room), so SCPs and RCPs count every character.

import { MSG } from './messages.ts';
import type { PolicyKind, ValidateOptions } from './types.ts';

export interface SizeLimit {
  readonly limit: number;
  readonly message: string;
  /** Whether white space counts towards the limit. */
  readonly countsWhiteSpace: boolean;
}

const MANAGED = 6144;
const INLINE = { user: 2048, group: 5120, role: 10240 } as const;
const TRUST = 2048;
const SESSION = 2048;
const ORGANIZATIONS = 5120;

/** The quota for a kind, or null when the engine enforces none (resource policies vary by service). */
export function sizeLimitFor(kind: PolicyKind, options: ValidateOptions = {}): SizeLimit | null {
  switch (kind) {
    case 'identity':
      if (options.inlineFor) {
        const limit = INLINE[options.inlineFor];
        return { limit, message: MSG.inlineSize(limit, options.inlineFor, options.entityName), countsWhiteSpace: false };
      }
      return { limit: MANAGED, message: MSG.managedSize(MANAGED), countsWhiteSpace: false };
    case 'boundary':
      return { limit: MANAGED, message: MSG.managedSize(MANAGED), countsWhiteSpace: false };
    case 'trust':
      return { limit: TRUST, message: MSG.trustSize(TRUST), countsWhiteSpace: false };
    case 'session':
      // Best effort: STS reports an oversized session policy as a PackedPolicyTooLarge or
      // validation error; the quota itself (2,048 characters) is documented.
      return { limit: SESSION, message: MSG.managedSize(SESSION), countsWhiteSpace: false };
    case 'scp':
    case 'rcp':
      // Best effort wording; Organizations documents the 5,120-character quota.
      return { limit: ORGANIZATIONS, message: MSG.managedSize(ORGANIZATIONS), countsWhiteSpace: true };
    case 'resource':
      return null;
  }
}

/** Characters that count towards a quota. */
export function policySize(text: string, limit: SizeLimit): number {
  return limit.countsWhiteSpace ? [...text].length : countPolicyCharacters(text);
}

/** Characters other than white space (IAM's way of counting). */
export function countPolicyCharacters(text: string): number {
  let count = 0;
  for (const ch of text) {
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') count++;
  }
  return count;
}
