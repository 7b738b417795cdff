import { isoSeconds } from '../../kernel/clock.ts';
import type { OperationContext, OrganizationMembership } from '../../kernel/operation.ts';
import type { FeatureType } from '../../protocol/generated/iam.ts';
import type { StoreTx } from '../../store/types.ts';
import type { IamHandlerTable } from '../handler.ts';
import { notInAllFeaturesMode, notManagementAccount, organizationNotFound, serviceAccessNotEnabled } from './errors.ts';
import { rootAccessGap } from './prerequisites.ts';
import { rootAccessFeatures, setRootAccessFeature } from './records.ts';

/**
 * Centralized root access for member accounts (IAM User Guide, "Centrally manage root access
 * for member accounts"): the management account of an organization that gave IAM trusted
 * access turns on RootCredentialsManagement and RootSessions, and lists them. RootSessions is
 * what sts:AssumeRoot needs (sts/assume-root.ts); RootCredentialsManagement is kept and listed
 * (Tessera's member accounts have no root credentials to manage unless an administrator gives
 * them a key). Enabling an enabled feature, or disabling a disabled one, changes nothing.
 */

const ERRORS = {
  'no-organization': organizationNotFound,
  'not-management-account': notManagementAccount,
  'not-all-features': notInAllFeaturesMode,
  'no-trusted-access': serviceAccessNotEnabled,
} as const;

/** The caller's organization once every prerequisite holds, or the model's error for the first that does not. */
async function requireRootAccessOrganization(ctx: OperationContext, tx: StoreTx): Promise<OrganizationMembership> {
  const accountId = ctx.principal.accountId;
  const org = await ctx.organizations?.(tx, accountId);
  const gap = rootAccessGap(org, accountId);
  if (gap !== undefined) throw ERRORS[gap]();
  return org!;
}

function toggle(feature: FeatureType, enabled: boolean) {
  return async (_input: object, ctx: OperationContext) => {
    const now = isoSeconds(ctx.clock.now());
    return ctx.store.transaction(async (tx) => {
      const org = await requireRootAccessOrganization(ctx, tx);
      const features = await setRootAccessFeature(tx, org, feature, enabled, now);
      return { OrganizationId: org.orgId, EnabledFeatures: features };
    });
  };
}

async function listOrganizationsFeatures(_input: object, ctx: OperationContext) {
  const org = await requireRootAccessOrganization(ctx, ctx.store);
  return { OrganizationId: org.orgId, EnabledFeatures: await rootAccessFeatures(ctx.store, org.orgId) };
}

export const handlers = {
  EnableOrganizationsRootCredentialsManagement: toggle('RootCredentialsManagement', true),
  DisableOrganizationsRootCredentialsManagement: toggle('RootCredentialsManagement', false),
  EnableOrganizationsRootSessions: toggle('RootSessions', true),
  DisableOrganizationsRootSessions: toggle('RootSessions', false),
  ListOrganizationsFeatures: listOrganizationsFeatures,
} satisfies IamHandlerTable;
