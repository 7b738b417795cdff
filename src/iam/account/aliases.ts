import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { StoreConflictError } from '../../store/types.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import { accountAliasOf } from './alias-lookup.ts';
import { aliasTaken, noSuchAlias } from './errors.ts';

/**
 * Account aliases: CreateAccountAlias, DeleteAccountAlias, ListAccountAliases. An account has
 * at most one alias, and an alias names one account in the whole partition: the record's id
 * is the alias itself, so the store's global id uniqueness settles races between accounts.
 * The model's pattern already limits aliases to lower-case letters, digits and single hyphens.
 *
 * Record: kind account-alias, id = name = the alias, parent '', data {}.
 */

/** AWS allows one alias per account ("Cannot exceed quota for AccountAliasesPerAccount: 1"). */
const ALIASES_PER_ACCOUNT = 1;

async function createAccountAlias(input: IamOperations['CreateAccountAlias']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const alias = input.AccountAlias;
  await ctx.store.transaction(async (tx) => {
    const current = await accountAliasOf(tx, accountId);
    // Asking again for the alias the account already has changes nothing.
    if (current === alias) return;
    if (current !== undefined) throw quotaExceeded('AccountAliasesPerAccount', ALIASES_PER_ACCOUNT);
    try {
      await tx.insert({
        accountId, kind: Kind.accountAlias, id: alias, name: alias, parentId: '', path: '/', data: {}, createdAt: isoSeconds(ctx.clock.now()),
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw aliasTaken(alias);
      throw err;
    }
  });
  return {};
}

async function deleteAccountAlias(input: IamOperations['DeleteAccountAlias']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const record = await tx.get(Kind.accountAlias, input.AccountAlias);
    // Another account's alias is as unknown to this caller as one that does not exist.
    if (!record || record.accountId !== ctx.principal.accountId) throw noSuchAlias(input.AccountAlias);
    await tx.delete(Kind.accountAlias, record.id);
  });
  return {};
}

async function listAccountAliases(input: IamOperations['ListAccountAliases']['input'], ctx: OperationContext) {
  const page = await pageOf(
    (after, limit) => ctx.store.list(ctx.principal.accountId, Kind.accountAlias, { parentId: '', after, limit }),
    (record) => record.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  return {
    AccountAliases: page.items.map((record) => record.name),
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

export const aliasHandlers = {
  CreateAccountAlias: createAccountAlias,
  DeleteAccountAlias: deleteAccountAlias,
  ListAccountAliases: listAccountAliases,
} satisfies IamHandlerTable;
