import type { StoreTx } from '../store/types.ts';
import { activeDelegations } from './delegated-administrators.ts';
import { notManagementAccount } from './errors.ts';
import { organizationOf, requireOrganization } from './lookup.ts';
import { OrgKind, type OrganizationRecord, type ResourcePolicyData, type ResourcePolicyRecord } from './records.ts';

/**
 * Who besides the management account may call a management operation, as AWS decides it
 * ("Delegated administrator for AWS Organizations"):
 *
 * - a member account that is a delegated administrator of any AWS service may call the
 *   read-only operations (AWS's API reference: "This operation can be called only from the
 *   organization's management account or by a member account that is a delegated
 *   administrator");
 * - a member account granted by the organization's resource-based delegation policy
 *   (PutResourcePolicy) may call the operations that policy supports. The authorize stage
 *   decides such a call as a cross-account request against the management account, with
 *   the delegation policy as the resource policy (authorization.ts): the member's own
 *   policies and the delegation policy must both allow it.
 *
 * The resolver and the handlers ask the same question (`delegatedBy`), so a handler lets a
 * member through exactly when the authorize stage decided the call by the delegation policy.
 */

/** The actions AWS's delegation policies support (User Guide, "Create a resource-based delegation policy"). */
export const DELEGATION_POLICY_ACTIONS: readonly string[] = [
  'AttachPolicy', 'CreatePolicy', 'DeletePolicy', 'DescribeAccount', 'DescribeCreateAccountStatus', 'DescribeEffectivePolicy',
  'DescribeHandshake', 'DescribeOrganization', 'DescribeOrganizationalUnit', 'DescribePolicy', 'DescribeResourcePolicy',
  'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'ListAccounts', 'ListAccountsForParent',
  'ListAWSServiceAccessForOrganization', 'ListChildren', 'ListCreateAccountStatus', 'ListDelegatedAdministrators',
  'ListDelegatedServicesForAccount', 'ListHandshakesForAccount', 'ListHandshakesForOrganization',
  'ListOrganizationalUnitsForParent', 'ListParents', 'ListPolicies', 'ListPoliciesForTarget', 'ListRoots',
  'ListTagsForResource', 'ListTargetsForPolicy', 'TagResource', 'UntagResource', 'UpdatePolicy',
];

/**
 * The management-only operations a delegation policy opens to members. (AWS's list also names
 * operations every member may already call for itself — DescribeOrganization,
 * DescribeEffectivePolicy, the handshake and delegated-administrator reads — which keep
 * their own rules here.)
 */
export type DelegatedOperation =
  | 'AttachPolicy' | 'CreatePolicy' | 'DeletePolicy' | 'DescribeAccount' | 'DescribeCreateAccountStatus'
  | 'DescribeOrganizationalUnit' | 'DescribePolicy' | 'DescribeResourcePolicy' | 'DetachPolicy' | 'DisablePolicyType'
  | 'EnablePolicyType' | 'ListAccounts' | 'ListAccountsForParent' | 'ListAWSServiceAccessForOrganization' | 'ListChildren'
  | 'ListCreateAccountStatus' | 'ListHandshakesForOrganization' | 'ListOrganizationalUnitsForParent' | 'ListParents'
  | 'ListPolicies' | 'ListPoliciesForTarget' | 'ListRoots' | 'ListTagsForResource' | 'ListTargetsForPolicy'
  | 'TagResource' | 'UntagResource' | 'UpdatePolicy' | 'ListAccountsWithInvalidEffectivePolicy';

const DELEGATED = new Set<string>([
  'AttachPolicy', 'CreatePolicy', 'DeletePolicy', 'DescribeAccount', 'DescribeCreateAccountStatus',
  'DescribeOrganizationalUnit', 'DescribePolicy', 'DescribeResourcePolicy', 'DetachPolicy', 'DisablePolicyType',
  'EnablePolicyType', 'ListAccounts', 'ListAccountsForParent', 'ListAWSServiceAccessForOrganization', 'ListChildren',
  'ListCreateAccountStatus', 'ListHandshakesForOrganization', 'ListOrganizationalUnitsForParent', 'ListParents',
  'ListPolicies', 'ListPoliciesForTarget', 'ListRoots', 'ListTagsForResource', 'ListTargetsForPolicy',
  'TagResource', 'UntagResource', 'UpdatePolicy',
]);

/** Read-only operations a delegated administrator of any service may call without a delegation policy. */
const READ_ONLY = new Set<string>([
  'DescribeAccount', 'DescribeCreateAccountStatus', 'DescribeOrganizationalUnit', 'DescribePolicy', 'DescribeResourcePolicy',
  'ListAccounts', 'ListAccountsForParent', 'ListAWSServiceAccessForOrganization', 'ListChildren', 'ListCreateAccountStatus',
  'ListHandshakesForOrganization', 'ListOrganizationalUnitsForParent', 'ListParents', 'ListPolicies', 'ListPoliciesForTarget',
  'ListRoots', 'ListTagsForResource', 'ListTargetsForPolicy', 'ListAccountsWithInvalidEffectivePolicy',
]);

/** The organization's delegation policy, if it has one. */
export async function resourcePolicyOf(tx: StoreTx, org: OrganizationRecord): Promise<ResourcePolicyRecord | undefined> {
  const [record] = await tx.list<ResourcePolicyData>(org.data.managementAccountId, OrgKind.resourcePolicy, { limit: 1 });
  return record;
}

async function isDelegatedAdministrator(tx: StoreTx, org: OrganizationRecord, accountId: string): Promise<boolean> {
  return (await activeDelegations(tx, org)).some((delegation) => delegation.accountId === accountId);
}

/**
 * The delegation policy that decides a member's call of `operation`, when one does: the caller
 * is a member (not the management account), the operation is one a delegation policy opens,
 * the organization has a policy, and the caller is not already allowed as a delegated
 * administrator of a service (a read-only operation).
 */
export async function delegatedBy(tx: StoreTx, accountId: string, operation: string): Promise<{ org: OrganizationRecord; policy: ResourcePolicyRecord } | undefined> {
  if (!DELEGATED.has(operation)) return undefined;
  const found = await organizationOf(tx, accountId);
  if (!found || found.org.data.managementAccountId === accountId) return undefined;
  if (READ_ONLY.has(operation) && (await isDelegatedAdministrator(tx, found.org, accountId))) return undefined;
  const policy = await resourcePolicyOf(tx, found.org);
  return policy ? { org: found.org, policy } : undefined;
}

/**
 * The caller's organization for a management operation: the management account's, a
 * delegated administrator's (read-only operations), or a member's whose call the delegation
 * policy decided; AccessDeniedException for any other member.
 */
export async function requireManagedOrDelegated(tx: StoreTx, accountId: string, operation: DelegatedOperation): Promise<OrganizationRecord> {
  const { org } = await requireOrganization(tx, accountId);
  if (org.data.managementAccountId === accountId) return org;
  if (READ_ONLY.has(operation) && (await isDelegatedAdministrator(tx, org, accountId))) return org;
  if (DELEGATED.has(operation) && (await resourcePolicyOf(tx, org))) return org;
  throw notManagementAccount();
}
