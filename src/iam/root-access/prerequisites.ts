import type { OrganizationMembership } from '../../kernel/operation.ts';

/**
 * What centralized root access needs of the caller's account before anything else (IAM User
 * Guide, "Centrally manage root access for member accounts"): an organization, whose
 * management account the caller is (or a delegated administrator for iam.amazonaws.com), with
 * all features, that gave IAM trusted access (organizations:EnableAWSServiceAccess for
 * iam.amazonaws.com). The first one missing, in that order; undefined when all hold.
 * IAM's operations answer each with the model's error; sts:AssumeRoot with AccessDenied.
 */
export const IAM_SERVICE_PRINCIPAL = 'iam.amazonaws.com';

export type RootAccessGap = 'no-organization' | 'not-management-account' | 'not-all-features' | 'no-trusted-access';

export function rootAccessGap(org: OrganizationMembership | undefined, accountId: string): RootAccessGap | undefined {
  if (!org) return 'no-organization';
  if (org.managementAccountId !== accountId && !org.delegatedServices.includes(IAM_SERVICE_PRINCIPAL)) return 'not-management-account';
  if (org.featureSet !== 'ALL') return 'not-all-features';
  if (!org.trustedServices.includes(IAM_SERVICE_PRINCIPAL)) return 'no-trusted-access';
  return undefined;
}
