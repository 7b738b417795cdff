import type { OperationContext } from '../kernel/operation.ts';
import type { StoreTx } from '../store/types.ts';
import { noSuchUser } from './errors.ts';
import { Kind, type UserRecord } from './records.ts';
import { serviceError } from '../protocol/errors.ts';

/** Loads a user of the caller's account by name (case-insensitive), or fails with NoSuchEntity. */
export async function requireUser(tx: StoreTx, accountId: string, userName: string): Promise<UserRecord> {
  const user = await tx.getByName<UserRecord['data']>(accountId, Kind.user, userName);
  if (!user) throw noSuchUser(userName);
  return user;
}

/**
 * The user an operation with an optional `UserName` acts on. AWS's rule: when the name is
 * omitted, the operation applies to the calling IAM user (or the root user); any other kind of
 * caller must name a user.
 */
export type TargetUser = { kind: 'root' } | { kind: 'user'; record: UserRecord };

export async function resolveTargetUser(tx: StoreTx, ctx: OperationContext, userName: string | undefined): Promise<TargetUser> {
  const { principal } = ctx;
  if (userName !== undefined) return { kind: 'user', record: await requireUser(tx, principal.accountId, userName) };
  if (principal.kind === 'root') return { kind: 'root' };
  if (principal.kind === 'user' && principal.name !== undefined) {
    return { kind: 'user', record: await requireUser(tx, principal.accountId, principal.name) };
  }
  throw serviceError('iam', 'ValidationError', 'Must specify userName when calling with non-User credentials');
}
