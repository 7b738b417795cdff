import type { AuthorizationTarget, TargetTable } from '../authorization/target.ts';
import { createTarget } from '../authorization/request-tags.ts';
import { userTarget } from '../user-authorization.ts';
import { mfaDeviceTags } from './mfa-device-tags.ts';
import { mfaSerialNumber } from './mfa-records.ts';

/**
 * How each operation of the credentials module is authorized (see ../authorization/target.ts),
 * per AWS's Service Authorization Reference: login profiles, ChangePassword and the
 * user-facing MFA operations act on the user (`user/<path><name>`); virtual MFA devices as
 * entities on `mfa/<path><name>` (their serial number), with their tags; the account password
 * policy and ListVirtualMFADevices name no resource ("*").
 */

/** A device named by serial number: its ARN as stored (or as given, when it does not exist). */
const mfaTarget = mfaDeviceTags.target;

const anyResource = async (): Promise<AuthorizationTarget> => ({ resource: '*' });

export const targets = {
  CreateLoginProfile: (input, ctx) => userTarget(ctx, input.UserName),
  GetLoginProfile: (input, ctx) => userTarget(ctx, input.UserName),
  UpdateLoginProfile: (input, ctx) => userTarget(ctx, input.UserName),
  DeleteLoginProfile: (input, ctx) => userTarget(ctx, input.UserName),
  // The caller's own user.
  ChangePassword: (_input, ctx) => userTarget(ctx, undefined),
  UpdateAccountPasswordPolicy: anyResource,
  GetAccountPasswordPolicy: anyResource,
  DeleteAccountPasswordPolicy: anyResource,
  CreateVirtualMFADevice: async (input, ctx) => createTarget(mfaSerialNumber(ctx.accountId, input.Path ?? '/', input.VirtualMFADeviceName), 'iam:TagMFADevice', input.Tags),
  DeleteVirtualMFADevice: (input, ctx) => mfaTarget(ctx, input.SerialNumber),
  ListVirtualMFADevices: anyResource,
  ...mfaDeviceTags.targets,
  EnableMFADevice: (input, ctx) => userTarget(ctx, input.UserName),
  DeactivateMFADevice: (input, ctx) => userTarget(ctx, input.UserName),
  ResyncMFADevice: (input, ctx) => userTarget(ctx, input.UserName),
  ListMFADevices: (input, ctx) => userTarget(ctx, input.UserName),
  GetMFADevice: (input, ctx) => userTarget(ctx, input.UserName),
} satisfies TargetTable;
