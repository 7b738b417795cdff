import type { Principal } from '../../kernel/principal.ts';
import type { StoreTx } from '../../store/types.ts';
import { userArn } from '../../kernel/arns.ts';
import { Kind } from '../kinds.ts';
import type { UserData } from '../records.ts';
import { loadPasswordPolicy } from './password-policy.ts';

/**
 * The password policy's AllowUsersToChangePassword, as AWS describes it: it "gives IAM users
 * permissions to iam:ChangePassword for only their user and to the
 * iam:GetAccountPasswordPolicy action … the permissions are applied at the account-level for
 * all users by IAM", without a policy attached to anyone.
 *
 * So it is an identity-based permission every IAM user of the account holds while the setting
 * is on: the authorize stage adds this document to the caller's identity policies (an explicit
 * deny, a permissions boundary or an SCP still limit it, as for any identity policy).
 * Undefined for any caller but an IAM user, or when the setting is off or there is no policy.
 */
export interface SelfServiceGrant {
  /** The name explanations cite. */
  name: string;
  /** An identity policy document (JSON). */
  document: string;
}

export const SELF_SERVICE_GRANT_NAME = 'AccountPasswordPolicy/AllowUsersToChangePassword';

export async function passwordSelfServiceGrant(tx: StoreTx, principal: Principal): Promise<SelfServiceGrant | undefined> {
  if (principal.kind !== 'user') return undefined;
  const policy = await loadPasswordPolicy(tx, principal.accountId);
  if (!policy?.data.allowUsersToChangePassword) return undefined;
  const user = await tx.get<UserData>(Kind.user, principal.userId);
  if (!user || user.accountId !== principal.accountId) return undefined;
  const document = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iam:ChangePassword', Resource: userArn(user.accountId, user.path, user.name) },
      { Effect: 'Allow', Action: 'iam:GetAccountPasswordPolicy', Resource: '*' },
    ],
  };
  return { name: SELF_SERVICE_GRANT_NAME, document: JSON.stringify(document) };
}
