import type { StoreTx } from '../store/types.ts';
import { OrgKind } from './records.ts';

/**
 * Account emails, unique in the store as on AWS (compared in lower case). Tessera's own
 * accounts have no email; one that joins an organization (its management account, or an
 * invited account) is given `<account-id>@accounts.tessera.invalid` — `.invalid` is reserved
 * (RFC 2606), so it never reaches anyone.
 */
export function syntheticEmail(accountId: string): string {
  return `${accountId}@accounts.tessera.invalid`;
}

/** The account an email belongs to, if any. */
export async function emailOwner(tx: StoreTx, email: string): Promise<string | undefined> {
  return (await tx.get<{ accountId: string }>(OrgKind.email, email.toLowerCase()))?.data.accountId;
}

/** Records that the email is the account's (a no-op when it already is). */
export async function claimEmail(tx: StoreTx, email: string, accountId: string, now: string): Promise<void> {
  const id = email.toLowerCase();
  if (await tx.get(OrgKind.email, id)) return;
  await tx.insert({ accountId: '', kind: OrgKind.email, id, name: id, parentId: '', path: '/', data: { accountId }, createdAt: now });
}
