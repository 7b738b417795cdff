import type { StoreTx } from '../../store/types.ts';
import type { UserRecord } from '../records.ts';
import { loadLoginProfile } from './login-profiles.ts';
import { verifyPassword } from './password-hash.ts';

/**
 * Whether `password` is the console password of `user` (false when the user has no login
 * profile). For console sign-in; expiry and PasswordResetRequired are the caller's to act on
 * (they are in the login profile record: `expiresAt`, `passwordResetRequired`).
 */
export async function verifyUserPassword(tx: StoreTx, user: UserRecord, password: string): Promise<boolean> {
  const profile = await loadLoginProfile(tx, user);
  if (!profile) return false;
  return verifyPassword(password, profile.data.hash);
}
