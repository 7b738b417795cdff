import type { StoreTx } from '../../store/types.ts';
import { Kind } from '../kinds.ts';

/**
 * The account's alias, if it has one (an account has at most one). Read by other modules too:
 * the virtual MFA device QR code names the account by its alias.
 */
export async function accountAliasOf(tx: StoreTx, accountId: string): Promise<string | undefined> {
  const [alias] = await tx.list(accountId, Kind.accountAlias, { parentId: '', limit: 1 });
  return alias?.name;
}
