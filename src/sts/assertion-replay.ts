import { createHash } from 'node:crypto';
import { StoreConflictError, type StoreTx } from '../store/types.ts';
import { assertionReplayed } from './errors.ts';

/** Store kind of a used assertion ID (kept in the shared store so every node refuses a replay). */
export const SAML_ASSERTION_ID_KIND = 'saml-assertion-id';

export interface UsedAssertionData {
  /** The assertion's NotOnOrAfter: after it, the assertion is refused as expired anyway. */
  expiresAt: string;
}

/**
 * Records an assertion as used, or refuses it as replayed. The record's id and name are a
 * digest of the provider and the assertion ID (an ID is only unique per issuer, and may be
 * long); the store's unique id makes two concurrent uses of one assertion end in one success.
 */
export async function consumeAssertionId(
  tx: StoreTx,
  provider: { arn: string; accountId: string },
  assertionId: string,
  expiresAt: Date,
  now: Date,
): Promise<void> {
  const key = createHash('sha256').update(`${provider.arn}\n${assertionId}`, 'utf8').digest('hex');
  try {
    await tx.insert<UsedAssertionData>({
      accountId: provider.accountId,
      kind: SAML_ASSERTION_ID_KIND,
      id: key,
      name: key,
      parentId: '',
      path: '/',
      data: { expiresAt: expiresAt.toISOString() },
      createdAt: now.toISOString(),
    });
  } catch (err) {
    if (err instanceof StoreConflictError) throw assertionReplayed();
    throw err;
  }
}
