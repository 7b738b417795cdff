import type { FeatureType } from '../../protocol/generated/iam.ts';
import type { StoreTx } from '../../store/types.ts';
import { Kind } from '../kinds.ts';

/**
 * Centralized root access of an organization: which of IAM's two features its management
 * account enabled (EnableOrganizationsRootCredentialsManagement, EnableOrganizationsRootSessions).
 * One record per organization, keyed by the organization's ID so that a deleted organization's
 * features never pass to a new one:
 *
 *   iam-org-root-access  id = name = o-…, account = the management account, data { features }
 *
 * Organizations clears it when trusted access for IAM is disabled and when the organization
 * is deleted (organizations/service-access.ts, organizations/organization.ts). sts:AssumeRoot
 * reads it at request time (sts/assume-root.ts): disabling RootSessions stops the next call.
 */
interface RootAccessData {
  features: FeatureType[];
}

/** The features in the order the model's enum lists them (and AWS lists them back). */
export const ROOT_ACCESS_FEATURES: readonly FeatureType[] = ['RootCredentialsManagement', 'RootSessions'];

export async function rootAccessFeatures(tx: StoreTx, orgId: string): Promise<FeatureType[]> {
  const record = await tx.get<RootAccessData>(Kind.organizationRootAccess, orgId);
  return record ? ROOT_ACCESS_FEATURES.filter((feature) => record.data.features.includes(feature)) : [];
}

/** Turns one feature on or off (asking for the state it is in changes nothing); the features after. */
export async function setRootAccessFeature(
  tx: StoreTx,
  org: { orgId: string; managementAccountId: string },
  feature: FeatureType,
  enabled: boolean,
  now: string,
): Promise<FeatureType[]> {
  const record = await tx.get<RootAccessData>(Kind.organizationRootAccess, org.orgId);
  const current = record?.data.features ?? [];
  const features = ROOT_ACCESS_FEATURES.filter((f) => (f === feature ? enabled : current.includes(f)));
  if (record) {
    await tx.update<RootAccessData>({ ...record, data: { features } });
  } else if (features.length > 0) {
    await tx.insert<RootAccessData>({
      accountId: org.managementAccountId, kind: Kind.organizationRootAccess, id: org.orgId, name: org.orgId, parentId: '', path: '/',
      data: { features }, createdAt: now,
    });
  }
  return features;
}

/** Forgets an organization's features (trusted access for IAM disabled, organization deleted). */
export async function clearRootAccessFeatures(tx: StoreTx, orgId: string): Promise<void> {
  await tx.delete(Kind.organizationRootAccess, orgId);
}
