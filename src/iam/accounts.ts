import type { Store, StoreTx } from '../store/types.ts';
import { StoreConflictError } from '../store/types.ts';
import type { Clock } from '../kernel/clock.ts';
import { isoSeconds } from '../kernel/clock.ts';
import type { RandomSource } from '../kernel/random.ts';
import type { SecretSealer } from '../kernel/operation.ts';
import { bumpEpoch } from './authorization-epoch.ts';
import { accessKeyId as newAccessKeyId, isAccountId, randomAccountId, secretAccessKey } from '../kernel/ids.ts';
import { Kind, ROOT_PARENT, type AccessKeyData, type AccountData } from './records.ts';

/**
 * Accounts and their root users' access keys. Accounts are created by the server at first
 * start (the default account) and by `tessera account create` / the admin API; requests are
 * always scoped to the caller's account.
 */

export interface AccountDeps {
  store: Store;
  secrets: SecretSealer;
  clock: Clock;
  random: RandomSource;
}

export interface RootCredentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Records that belong to no account (accounts themselves, server settings). */
const GLOBAL = '';
const SETTING = 'server-setting';
const DEFAULT_ACCOUNT = 'default-account';

export class AccountExistsError extends Error {
  override readonly name = 'AccountExistsError';
}

export async function createAccount(
  deps: AccountDeps,
  options: { accountId?: string; rootAccessKeyId?: string; rootSecretAccessKey?: string } = {},
): Promise<RootCredentials> {
  if (options.accountId !== undefined && !isAccountId(options.accountId)) {
    throw new Error(`Account ID must be 12 digits, got '${options.accountId}'`);
  }
  const now = isoSeconds(deps.clock.now());
  for (let attempt = 0; ; attempt++) {
    const accountId = options.accountId ?? randomAccountId(deps.random);
    try {
      await deps.store.transaction((tx) => insertAccountRecord(tx, accountId, now));
    } catch (err) {
      if (err instanceof StoreConflictError) {
        if (options.accountId !== undefined) throw new AccountExistsError(`Account ${accountId} already exists`);
        if (attempt < 5) continue;
      }
      throw err;
    }
    const accessKeyId = options.rootAccessKeyId ?? newAccessKeyId(deps.random, 'AKIA', accountId);
    const secret = options.rootSecretAccessKey ?? secretAccessKey(deps.random);
    await putRootKey(deps, accountId, accessKeyId, secret);
    return { accountId, accessKeyId, secretAccessKey: secret };
  }
}

/**
 * The account's own record, in the caller's transaction (AWS Organizations' CreateAccount
 * makes an account together with its organization records). Throws StoreConflictError when
 * the ID is taken.
 */
export async function insertAccountRecord(tx: StoreTx, accountId: string, now: string): Promise<void> {
  await tx.insert<AccountData>({
    // Accounts are global records (accountId ''), so they can be listed together.
    accountId: GLOBAL, kind: Kind.account, id: accountId, name: accountId, parentId: '', path: '/',
    data: { rootCreatedAt: now }, createdAt: now,
  });
}

/** Makes (id, secret) an active root key of the account, replacing the secret if the ID exists. */
export async function putRootKey(deps: AccountDeps, accountId: string, accessKeyId: string, secret: string): Promise<void> {
  const data: AccessKeyData = { status: 'Active', sealedSecret: deps.secrets.seal(secret, accessKeyId) };
  await retryOnConflict(() => deps.store.transaction(async (tx) => {
    const existing = await tx.get<AccessKeyData>(Kind.accessKey, accessKeyId);
    if (existing) {
      if (existing.accountId !== accountId || existing.parentId !== ROOT_PARENT) {
        throw new Error(`Access key ${accessKeyId} already belongs to another identity`);
      }
      await tx.update({ ...existing, data: { ...existing.data, ...data } });
    } else {
      await tx.insert<AccessKeyData>({
        accountId, kind: Kind.accessKey, id: accessKeyId, name: accessKeyId, parentId: ROOT_PARENT, path: '/',
        data, createdAt: isoSeconds(deps.clock.now()),
      });
    }
    // A running node may hold the key resolved with its old secret (credentials/access-key-cache.ts).
    await bumpEpoch(tx, accountId, isoSeconds(deps.clock.now()));
  }));
}

export async function accountExists(store: Store, accountId: string): Promise<boolean> {
  return (await store.get(Kind.account, accountId)) !== undefined;
}

export async function getDefaultAccountId(store: Store): Promise<string | undefined> {
  const setting = await store.get<{ accountId: string }>(SETTING, DEFAULT_ACCOUNT);
  return setting?.data.accountId;
}

export async function setDefaultAccountId(deps: AccountDeps, accountId: string): Promise<void> {
  await retryOnConflict(() => deps.store.transaction(async (tx) => {
    const existing = await tx.get<{ accountId: string }>(SETTING, DEFAULT_ACCOUNT);
    if (existing) {
      await tx.update({ ...existing, data: { accountId } });
    } else {
      await tx.insert({
        accountId: GLOBAL, kind: SETTING, id: DEFAULT_ACCOUNT, name: DEFAULT_ACCOUNT, parentId: '', path: '/',
        data: { accountId }, createdAt: isoSeconds(deps.clock.now()),
      });
    }
  }));
}

/**
 * Runs an upsert again when a concurrent insert won the race (its second run sees the row
 * and updates it). Used where several nodes may bootstrap one store at the same moment.
 */
async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof StoreConflictError) || i >= attempts) throw err;
    }
  }
}

export async function listAccountIds(store: Store, options: { after?: string; limit: number }): Promise<string[]> {
  const page = await store.list(GLOBAL, Kind.account, { parentId: '', after: options.after, limit: options.limit });
  return page.map((record) => record.id);
}
