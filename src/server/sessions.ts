import type { SessionIssuer } from '../kernel/operation.ts';

/**
 * The session issuer while the token key ring is being wired: any attempt to issue
 * temporary credentials fails loudly (InternalFailure) rather than returning something
 * that is not a real sealed token.
 */
export const sessionsUnavailable: SessionIssuer = {
  async issue() {
    throw new Error('session tokens are not available: the token key ring is not wired');
  },
};
