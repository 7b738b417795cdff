import type { OperationContext } from '../kernel/operation.ts';
import type { ListPublicKeysRequest, ListPublicKeysResponse } from '../protocol/generated/cloudtrail.ts';
import { invalidTimeRange } from './errors.ts';
import { publicKeysOf } from './signing-keys.ts';

/**
 * ListPublicKeys: the public keys that sign the caller's account's digest files, valid within
 * the requested window (a key has no end: Tessera does not rotate them).
 */
async function listPublicKeys(input: ListPublicKeysRequest, ctx: OperationContext): Promise<ListPublicKeysResponse> {
  if (input.StartTime && input.EndTime && input.StartTime.getTime() > input.EndTime.getTime()) throw invalidTimeRange();
  const keys = await publicKeysOf(ctx.store, ctx.principal.accountId);
  const end = input.EndTime?.getTime() ?? Number.POSITIVE_INFINITY;
  return {
    PublicKeyList: keys
      .filter((key) => new Date(key.validityStart).getTime() <= end)
      .map((key) => ({ Value: key.der, ValidityStartTime: new Date(key.validityStart), Fingerprint: key.fingerprint })),
  };
}

export const publicKeyHandlers = {
  ListPublicKeys: listPublicKeys,
};
