import type { EntityRecord } from '../../store/types.ts';
import type { Tag } from '../tags.ts';

/**
 * The stored shapes of the credentials module's kinds (see ../kinds.ts for the names).
 *
 * login-profile   id = name = parent = the user's id (one per user; a second insert clashes).
 * password-policy id = the account id, name 'password-policy', parent '' (one per account).
 * mfa-device      id = the serial number lower-cased (serials embed the account, so the id is
 *                 globally unique and a clash means "same path and name, in any case");
 *                 name = path + device name (unique per account, so keyset paging over all
 *                 devices of an account is total); parent = the id of the user the device is
 *                 enabled for ('root' for the root user), '' while unassigned.
 */

export interface LoginProfileData {
  /** The current password's hash (see password-hash.ts); never the password. */
  hash: string;
  /** Hashes of earlier passwords, newest first, for PasswordReusePrevention (at most 24). */
  history: string[];
  passwordResetRequired: boolean;
  /** When the current password was set (ISO seconds). */
  changedAt: string;
  /** When the current password expires, from the MaxPasswordAge in force when it was set. */
  expiresAt?: string;
}

/** The account password policy as set by UpdateAccountPasswordPolicy (unset members omitted). */
export interface PasswordPolicyData {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  allowUsersToChangePassword: boolean;
  maxPasswordAge?: number;
  passwordReusePrevention?: number;
  hardExpiry?: boolean;
}

export interface MfaDeviceData {
  /** The device's serial number (its ARN) as created, the spelling every response uses. */
  serialNumber: string;
  /** The Base32 TOTP seed, sealed with the server's master key (context: the serial number). */
  sealedSeed: string;
  tags: Tag[];
  /** When the device was enabled for its current user (ISO seconds); absent while unassigned. */
  enabledAt?: string;
  /**
   * The last TOTP time step accepted from this device. A code at or before it is refused,
   * so an observed code cannot be replayed (RFC 6238 §5.2).
   */
  lastUsedStep?: number;
  /** Time steps the device's clock runs ahead (+) or behind (-), learnt by ResyncMFADevice. */
  driftSteps?: number;
}

export type LoginProfileRecord = EntityRecord<LoginProfileData>;
export type PasswordPolicyRecord = EntityRecord<PasswordPolicyData>;
export type MfaDeviceRecord = EntityRecord<MfaDeviceData>;

/** Parent id of a virtual MFA device that is not enabled for anyone. */
export const UNASSIGNED = '';
