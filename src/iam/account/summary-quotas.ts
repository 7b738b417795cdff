import type { Quotas } from '../../kernel/quotas.ts';
import type { summaryKeyType } from '../../protocol/generated/iam.ts';

/**
 * The quota half of GetAccountSummary's SummaryMap. A quota the server is configured with
 * (`--quota`) is reported as configured; the others are AWS's defaults, which Tessera either
 * enforces elsewhere (policy sizes, in the policy engine) or does not limit yet.
 *
 * Quotas added to `Quotas` by other modules are looked up by name, so a module adding one
 * (e.g. `versionsPerPolicy`) makes the summary report the configured value without a change
 * here.
 */
const QUOTA_KEYS: ReadonlyArray<readonly [summaryKeyType, string, number]> = [
  ['UsersQuota', 'usersPerAccount', 5000],
  ['GroupsQuota', 'groupsPerAccount', 300],
  ['RolesQuota', 'rolesPerAccount', 1000],
  ['InstanceProfilesQuota', 'instanceProfilesPerAccount', 1000],
  ['ServerCertificatesQuota', 'serverCertificatesPerAccount', 20],
  ['PoliciesQuota', 'customerManagedPoliciesPerAccount', 1500],
  ['PolicyVersionsInUseQuota', 'policyVersionsInUsePerAccount', 10000],
  ['VersionsPerPolicyQuota', 'versionsPerPolicy', 5],
  ['AccessKeysPerUserQuota', 'accessKeysPerUser', 2],
  ['SigningCertificatesPerUserQuota', 'signingCertificatesPerUser', 2],
  ['GroupsPerUserQuota', 'groupsPerUser', 10],
  ['AttachedPoliciesPerUserQuota', 'managedPoliciesPerUser', 10],
  ['AttachedPoliciesPerGroupQuota', 'managedPoliciesPerGroup', 10],
  ['AttachedPoliciesPerRoleQuota', 'managedPoliciesPerRole', 10],
  // Policy sizes in characters (white space excluded), as the policy engine enforces them.
  ['UserPolicySizeQuota', 'userPolicySize', 2048],
  ['GroupPolicySizeQuota', 'groupPolicySize', 5120],
  ['RolePolicySizeQuota', 'rolePolicySize', 10240],
  ['PolicySizeQuota', 'managedPolicySize', 6144],
  ['AssumeRolePolicySizeQuota', 'assumeRolePolicySize', 2048],
];

export function summaryQuotas(quotas: Quotas): Partial<Record<summaryKeyType, number>> {
  const configured = quotas as unknown as Readonly<Record<string, unknown>>;
  const out: Partial<Record<summaryKeyType, number>> = {};
  for (const [key, name, awsDefault] of QUOTA_KEYS) {
    const value = configured[name];
    out[key] = typeof value === 'number' ? value : awsDefault;
  }
  return out;
}
