import type { OperationContext } from '../../kernel/operation.ts';
import type { StoreTx } from '../../store/types.ts';
import { StoreConflictError } from '../../store/types.ts';
import type { PasswordPolicy } from '../../protocol/generated/iam.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { Kind } from '../kinds.ts';
import { noSuchPasswordPolicy } from './errors.ts';
import type { PasswordPolicyData, PasswordPolicyRecord } from './records.ts';

/**
 * The account password policy: UpdateAccountPasswordPolicy (replaces the whole policy: every
 * member left out takes its default), GetAccountPasswordPolicy, DeleteAccountPasswordPolicy.
 * An account without one answers NoSuchEntity, and passwords are then held to AWS's default
 * policy (password-rules.ts).
 */

/** UpdateAccountPasswordPolicy's default for MinimumPasswordLength, as AWS documents it. */
export const DEFAULT_MINIMUM_PASSWORD_LENGTH = 6;

const POLICY_NAME = 'password-policy';

export async function loadPasswordPolicy(tx: StoreTx, accountId: string): Promise<PasswordPolicyRecord | undefined> {
  const record = await tx.get<PasswordPolicyData>(Kind.passwordPolicy, accountId);
  return record && record.accountId === accountId ? record : undefined;
}

export function passwordPolicyOutput(policy: PasswordPolicyData): PasswordPolicy {
  return {
    MinimumPasswordLength: policy.minimumPasswordLength,
    RequireSymbols: policy.requireSymbols,
    RequireNumbers: policy.requireNumbers,
    RequireUppercaseCharacters: policy.requireUppercaseCharacters,
    RequireLowercaseCharacters: policy.requireLowercaseCharacters,
    AllowUsersToChangePassword: policy.allowUsersToChangePassword,
    ExpirePasswords: policy.maxPasswordAge !== undefined,
    ...(policy.maxPasswordAge !== undefined ? { MaxPasswordAge: policy.maxPasswordAge } : {}),
    ...(policy.passwordReusePrevention !== undefined ? { PasswordReusePrevention: policy.passwordReusePrevention } : {}),
    ...(policy.hardExpiry !== undefined ? { HardExpiry: policy.hardExpiry } : {}),
  };
}

function policyFrom(input: IamOperations['UpdateAccountPasswordPolicy']['input']): PasswordPolicyData {
  return {
    minimumPasswordLength: input.MinimumPasswordLength ?? DEFAULT_MINIMUM_PASSWORD_LENGTH,
    requireSymbols: input.RequireSymbols ?? false,
    requireNumbers: input.RequireNumbers ?? false,
    requireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
    requireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
    allowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
    ...(input.MaxPasswordAge !== undefined ? { maxPasswordAge: input.MaxPasswordAge } : {}),
    ...(input.PasswordReusePrevention !== undefined ? { passwordReusePrevention: input.PasswordReusePrevention } : {}),
    ...(input.HardExpiry !== undefined ? { hardExpiry: input.HardExpiry } : {}),
  };
}

async function updateAccountPasswordPolicy(input: IamOperations['UpdateAccountPasswordPolicy']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const data = policyFrom(input);
  const upsert = () => ctx.store.transaction(async (tx) => {
    const existing = await loadPasswordPolicy(tx, accountId);
    if (existing) {
      await tx.update({ ...existing, data });
      return;
    }
    await tx.insert<PasswordPolicyData>({
      accountId, kind: Kind.passwordPolicy, id: accountId, name: POLICY_NAME, parentId: '', path: '/',
      data, createdAt: isoSeconds(ctx.clock.now()),
    });
  });
  try {
    await upsert();
  } catch (err) {
    // A concurrent first UpdateAccountPasswordPolicy inserted the policy: run again to update it.
    if (!(err instanceof StoreConflictError)) throw err;
    await upsert();
  }
  return {};
}

async function getAccountPasswordPolicy(_input: IamOperations['GetAccountPasswordPolicy']['input'], ctx: OperationContext) {
  const policy = await loadPasswordPolicy(ctx.store, ctx.principal.accountId);
  if (!policy) throw noSuchPasswordPolicy(ctx.principal.accountId);
  return { PasswordPolicy: passwordPolicyOutput(policy.data) };
}

async function deleteAccountPasswordPolicy(_input: IamOperations['DeleteAccountPasswordPolicy']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  await ctx.store.transaction(async (tx) => {
    const policy = await loadPasswordPolicy(tx, accountId);
    if (!policy) throw noSuchPasswordPolicy(accountId);
    await tx.delete(Kind.passwordPolicy, policy.id);
  });
  return {};
}

export const passwordPolicyHandlers = {
  UpdateAccountPasswordPolicy: updateAccountPasswordPolicy,
  GetAccountPasswordPolicy: getAccountPasswordPolicy,
  DeleteAccountPasswordPolicy: deleteAccountPasswordPolicy,
} satisfies IamHandlerTable;
