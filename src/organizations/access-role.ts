import type { RandomSource } from '../kernel/random.ts';
import { uniqueId } from '../kernel/ids.ts';
import type { StoreTx } from '../store/types.ts';
import { bumpEpoch } from '../iam/authorization-epoch.ts';
import { Kind, Link } from '../iam/kinds.ts';
import { preloadManagedPolicy } from '../iam/policies/lookup.ts';
import { DEFAULT_MAX_SESSION_DURATION, type RoleData } from '../iam/roles/records.ts';

/**
 * The role CreateAccount puts in every new account, as AWS does: named
 * OrganizationAccountAccessRole unless the request names another, trusted by the management
 * account (its root ARN: any principal of the management account whose own policies allow
 * sts:AssumeRole on it), with the AWS managed AdministratorAccess policy attached.
 */
export const DEFAULT_ACCESS_ROLE = 'OrganizationAccountAccessRole';
const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';

export function accessRoleTrustPolicy(management: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${management}:root` }, Action: 'sts:AssumeRole' }],
  });
}

/** Loads AWS's managed policy catalog outside any transaction (see iam/policies/lookup.ts). */
export function prepareAccessRole(): Promise<void> {
  return preloadManagedPolicy(ADMINISTRATOR_ACCESS);
}

export async function createAccessRole(tx: StoreTx, random: RandomSource, accountId: string, management: string, roleName: string, now: string): Promise<void> {
  const role = await tx.insert<RoleData>({
    accountId, kind: Kind.role, id: uniqueId(random, 'AROA'), name: roleName, parentId: '', path: '/',
    data: { assumeRolePolicyDocument: accessRoleTrustPolicy(management), maxSessionDuration: DEFAULT_MAX_SESSION_DURATION, tags: [] },
    createdAt: now,
  });
  await tx.link(Link.rolePolicy, accountId, role.id, ADMINISTRATOR_ACCESS);
  // IAM state of the new account changed: its authorization epoch moves like any IAM write's.
  await bumpEpoch(tx, accountId, now);
}
