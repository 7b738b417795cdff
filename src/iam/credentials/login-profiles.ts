import type { OperationContext } from '../../kernel/operation.ts';
import type { StoreTx } from '../../store/types.ts';
import type { LoginProfile } from '../../protocol/generated/iam.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { StoreConflictError } from '../../store/types.ts';
import { serviceError } from '../../protocol/errors.ts';
import { Kind } from '../kinds.ts';
import type { UserData, UserRecord } from '../records.ts';
import { resolveTargetUser } from '../user-lookup.ts';
import { changePasswordNotForThisCaller, loginProfileExists, missingMember, noSuchLoginProfile, wrongOldPassword } from './errors.ts';
import { verifyPassword } from './password-hash.ts';
import { loadPasswordPolicy } from './password-policy.ts';
import { prepareNewPassword, withNewPassword } from './password-setting.ts';
import type { LoginProfileData, LoginProfileRecord, PasswordPolicyRecord } from './records.ts';
import { commitOnStableSnapshot } from './stable-snapshot.ts';

/**
 * Console passwords of IAM users: CreateLoginProfile, GetLoginProfile, UpdateLoginProfile,
 * DeleteLoginProfile, and ChangePassword (the calling IAM user changes its own). Every
 * password set is held to the account password policy; only hashes are stored.
 */

export async function loadLoginProfile(tx: StoreTx, user: UserRecord): Promise<LoginProfileRecord | undefined> {
  const profile = await tx.get<LoginProfileData>(Kind.loginProfile, user.id);
  return profile && profile.accountId === user.accountId ? profile : undefined;
}

/**
 * The IAM user a login-profile operation acts on. The model lets UserName be omitted (the
 * caller); the root user's own console password is not an IAM login profile, so a root or
 * role caller must name a user.
 */
async function targetUser(tx: StoreTx, ctx: OperationContext, userName: string | undefined): Promise<UserRecord> {
  const target = await resolveTargetUser(tx, ctx, userName);
  if (target.kind === 'root') throw serviceError('iam', 'ValidationError', 'Must specify userName when calling with non-User credentials');
  return target.record;
}

function profileOutput(user: UserRecord, profile: LoginProfileRecord): LoginProfile {
  return { UserName: user.name, CreateDate: new Date(profile.createdAt), PasswordResetRequired: profile.data.passwordResetRequired };
}

interface PasswordState {
  user: UserRecord;
  profile: LoginProfileRecord | undefined;
  policy: PasswordPolicyRecord | undefined;
}

async function readPasswordState(tx: StoreTx, ctx: OperationContext, user: () => Promise<UserRecord>): Promise<PasswordState> {
  const found = await user();
  return { user: found, profile: await loadLoginProfile(tx, found), policy: await loadPasswordPolicy(tx, ctx.principal.accountId) };
}

/** What a password change was decided on: the user, its current password and the policy. */
function fingerprint(state: PasswordState): string {
  return JSON.stringify([state.user.id, state.profile?.version, state.profile?.data.hash, state.policy?.data ?? null]);
}

async function createLoginProfile(input: IamOperations['CreateLoginProfile']['input'], ctx: OperationContext) {
  const password = input.Password;
  if (password === undefined) throw missingMember('password');
  return commitOnStableSnapshot(ctx.store, {
    read: (tx) => readPasswordState(tx, ctx, () => targetUser(tx, ctx, input.UserName)),
    fingerprint,
    async prepare(state) {
      if (state.profile) throw loginProfileExists(state.user.name);
      return prepareNewPassword(password, state.policy?.data, undefined, ctx.random, ctx.clock.now());
    },
    async commit(tx, state, next) {
      if (state.profile) throw loginProfileExists(state.user.name);
      const data: LoginProfileData = {
        hash: next.hash, history: [], passwordResetRequired: input.PasswordResetRequired ?? false, changedAt: next.changedAt,
        ...(next.expiresAt !== undefined ? { expiresAt: next.expiresAt } : {}),
      };
      try {
        const profile = await tx.insert<LoginProfileData>({
          accountId: state.user.accountId, kind: Kind.loginProfile, id: state.user.id, name: state.user.id, parentId: state.user.id,
          path: '/', data, createdAt: next.changedAt,
        });
        return { LoginProfile: profileOutput(state.user, profile) };
      } catch (err) {
        if (err instanceof StoreConflictError) throw loginProfileExists(state.user.name);
        throw err;
      }
    },
  });
}

async function getLoginProfile(input: IamOperations['GetLoginProfile']['input'], ctx: OperationContext) {
  return ctx.store.transaction(async (tx) => {
    const user = await targetUser(tx, ctx, input.UserName);
    const profile = await loadLoginProfile(tx, user);
    if (!profile) throw noSuchLoginProfile(user.name);
    return { LoginProfile: profileOutput(user, profile) };
  });
}

async function updateLoginProfile(input: IamOperations['UpdateLoginProfile']['input'], ctx: OperationContext) {
  const password = input.Password;
  if (password === undefined) {
    await ctx.store.transaction(async (tx) => {
      const user = await targetUser(tx, ctx, input.UserName);
      const profile = await loadLoginProfile(tx, user);
      if (!profile) throw noSuchLoginProfile(user.name);
      if (input.PasswordResetRequired !== undefined && input.PasswordResetRequired !== profile.data.passwordResetRequired) {
        await tx.update({ ...profile, data: { ...profile.data, passwordResetRequired: input.PasswordResetRequired } });
      }
    });
    return {};
  }
  await commitOnStableSnapshot(ctx.store, {
    read: (tx) => readPasswordState(tx, ctx, () => targetUser(tx, ctx, input.UserName)),
    fingerprint,
    async prepare(state) {
      if (!state.profile) throw noSuchLoginProfile(state.user.name);
      return prepareNewPassword(password, state.policy?.data, state.profile.data, ctx.random, ctx.clock.now());
    },
    async commit(tx, state, next) {
      if (!state.profile) throw noSuchLoginProfile(state.user.name);
      const resetRequired = input.PasswordResetRequired ?? state.profile.data.passwordResetRequired;
      await tx.update({ ...state.profile, data: withNewPassword(state.profile.data, next, resetRequired) });
    },
  });
  return {};
}

async function deleteLoginProfile(input: IamOperations['DeleteLoginProfile']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const user = await targetUser(tx, ctx, input.UserName);
    const profile = await loadLoginProfile(tx, user);
    if (!profile) throw noSuchLoginProfile(user.name);
    await tx.delete(Kind.loginProfile, profile.id);
  });
  return {};
}

/**
 * The calling IAM user changes its own password (root, role sessions and federated users get
 * InvalidUserType, as AWS documents). A successful change clears PasswordResetRequired.
 * Whether the caller may call it at all — an explicit iam:ChangePassword permission, or the
 * password policy's AllowUsersToChangePassword — is decided before the handler runs
 * (see self-service-grant.ts).
 */
async function changePassword(input: IamOperations['ChangePassword']['input'], ctx: OperationContext) {
  const { principal } = ctx;
  if (principal.kind !== 'user') throw changePasswordNotForThisCaller();
  const caller = async (tx: StoreTx): Promise<UserRecord> => {
    const user = await tx.get<UserData>(Kind.user, principal.userId);
    if (!user || user.accountId !== principal.accountId) throw noSuchLoginProfile(principal.name ?? principal.userId);
    return user;
  };
  await commitOnStableSnapshot(ctx.store, {
    read: (tx) => readPasswordState(tx, ctx, () => caller(tx)),
    fingerprint,
    async prepare(state) {
      if (!state.profile) throw noSuchLoginProfile(state.user.name);
      if (!(await verifyPassword(input.OldPassword, state.profile.data.hash))) throw wrongOldPassword();
      return prepareNewPassword(input.NewPassword, state.policy?.data, state.profile.data, ctx.random, ctx.clock.now());
    },
    async commit(tx, state, next) {
      if (!state.profile) throw noSuchLoginProfile(state.user.name);
      await tx.update({ ...state.profile, data: withNewPassword(state.profile.data, next, false) });
    },
  });
  return {};
}

export const loginProfileHandlers = {
  CreateLoginProfile: createLoginProfile,
  GetLoginProfile: getLoginProfile,
  UpdateLoginProfile: updateLoginProfile,
  DeleteLoginProfile: deleteLoginProfile,
  ChangePassword: changePassword,
} satisfies IamHandlerTable;
