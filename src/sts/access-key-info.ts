import type { OperationContext } from '../kernel/operation.ts';
import { accountOfAccessKeyId } from '../kernel/ids.ts';
import { Kind, type AccessKeyData } from '../iam/records.ts';
import type { GetAccessKeyInfoRequest, GetAccessKeyInfoResponse } from '../protocol/generated/sts.ts';
import type { StsHandlerTable } from './handler.ts';
import { unknownAccessKeyId } from './errors.ts';

/**
 * sts:GetAccessKeyInfo: the account an access key belongs to. Tessera's key IDs carry their
 * account (kernel/ids.ts), so any of them — long-term or temporary, active, inactive or
 * deleted — answers without a lookup, as AWS's do ("This operation does not indicate the
 * state of the access key"). A key ID of another shape (one given in configuration) is looked
 * up in the store.
 */
async function getAccessKeyInfo(input: GetAccessKeyInfoRequest, ctx: OperationContext): Promise<GetAccessKeyInfoResponse> {
  const encoded = accountOfAccessKeyId(input.AccessKeyId);
  if (encoded !== undefined) return { Account: encoded };
  const stored = await ctx.store.get<AccessKeyData>(Kind.accessKey, input.AccessKeyId);
  if (!stored) throw unknownAccessKeyId();
  return { Account: stored.accountId };
}

export const accessKeyInfoHandlers = {
  GetAccessKeyInfo: getAccessKeyInfo,
} satisfies StsHandlerTable;
