import type { OperationContext, OrganizationMembership } from '../kernel/operation.ts';
import type { Operations } from '../protocol/generated/organizations.ts';
import type { StoreTx } from '../store/types.ts';
import { IAM_SERVICE_PRINCIPAL } from '../iam/root-access/prerequisites.ts';
import { clearRootAccessFeatures } from '../iam/root-access/records.ts';
import { nowOf, write } from './context.ts';
import { unrecognizedServicePrincipal } from './errors.ts';
import { organizationOf, requireManagedOrganization } from './lookup.ts';
import { requireManagedOrDelegated } from './delegation.ts';
import { pageArray, pageResponse } from './paging.ts';
import type { EnabledServiceAccess, OrganizationData } from './records.ts';
import { TRUSTED_ACCESS_SERVICE_PRINCIPALS } from './service-principals.ts';
import { delegatedServicesOf } from './delegated-administrators.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * Trusted access: the management account lets an AWS service act across the organization
 * (EnableAWSServiceAccess, DisableAWSServiceAccess, ListAWSServiceAccessForOrganization). The
 * services are kept on the organization record with the time each was enabled. Enabling an
 * enabled service, or disabling one that is not, changes nothing (as AWS answers both).
 *
 * IAM's trusted access is what centralized root access needs (iam/root-access/): disabling it
 * also turns off the organization's root access features, as IAM would clean up after itself —
 * enabling it again does not bring them back.
 */

function servicesOf(data: OrganizationData): EnabledServiceAccess[] {
  return data.enabledServices ?? [];
}

async function enableAwsServiceAccess(input: In<'EnableAWSServiceAccess'>, ctx: OperationContext) {
  const principal = input.ServicePrincipal;
  const now = nowOf(ctx);
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    if (!TRUSTED_ACCESS_SERVICE_PRINCIPALS.has(principal)) throw unrecognizedServicePrincipal();
    const enabled = servicesOf(org.data);
    if (enabled.some((s) => s.servicePrincipal === principal)) return;
    await tx.update<OrganizationData>({ ...org, data: { ...org.data, enabledServices: [...enabled, { servicePrincipal: principal, dateEnabled: now }] } });
  });
  return {};
}

async function disableAwsServiceAccess(input: In<'DisableAWSServiceAccess'>, ctx: OperationContext) {
  const principal = input.ServicePrincipal;
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    if (!TRUSTED_ACCESS_SERVICE_PRINCIPALS.has(principal)) throw unrecognizedServicePrincipal();
    const enabled = servicesOf(org.data);
    if (!enabled.some((s) => s.servicePrincipal === principal)) return;
    await tx.update<OrganizationData>({ ...org, data: { ...org.data, enabledServices: enabled.filter((s) => s.servicePrincipal !== principal) } });
    if (principal === IAM_SERVICE_PRINCIPAL) await clearRootAccessFeatures(tx, org.id);
  });
  return {};
}

async function listAwsServiceAccessForOrganization(input: In<'ListAWSServiceAccessForOrganization'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListAWSServiceAccessForOrganization');
  const services = servicesOf(org.data).map((s) => ({ ServicePrincipal: s.servicePrincipal, DateEnabled: new Date(s.dateEnabled) }));
  return pageResponse('EnabledServicePrincipals', pageArray(services, (s) => s.ServicePrincipal, input.NextToken, input.MaxResults));
}

export const serviceAccessHandlers = {
  EnableAWSServiceAccess: enableAwsServiceAccess,
  DisableAWSServiceAccess: disableAwsServiceAccess,
  ListAWSServiceAccessForOrganization: listAwsServiceAccessForOrganization,
};

/**
 * An account's organization as IAM and STS see it (kernel/operation.ts): the server hands this
 * to operations as `organizations`, since neither may import Organizations.
 */
export async function organizationMembership(tx: StoreTx, accountId: string): Promise<OrganizationMembership | undefined> {
  const found = await organizationOf(tx, accountId);
  if (!found) return undefined;
  const { org, member } = found;
  return {
    orgId: org.id,
    managementAccountId: org.data.managementAccountId,
    featureSet: org.data.featureSet,
    trustedServices: servicesOf(org.data).map((s) => s.servicePrincipal),
    status: member.data.status,
    delegatedServices: await delegatedServicesOf(tx, accountId),
  };
}
