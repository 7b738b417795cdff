import type { OperationContext } from '../kernel/operation.ts';
import type { Operations } from '../protocol/generated/organizations.ts';
import type { StoreTx } from '../store/types.ts';
import { nowOf, write } from './context.ts';
import {
  accountAlreadyRegistered,
  accountNotFound,
  accountNotRegistered,
  cannotRemoveDelegatedAdministrator,
  constraint,
  notManagementAccount,
  serviceAccessNotEnabled,
  unrecognizedServicePrincipal,
} from './errors.ts';
import { organizationOf, requireManagedOrganization, requireOrganization } from './lookup.ts';
import { accountOutput } from './output.ts';
import { pageArray, pageResponse } from './paging.ts';
import { OrgKind, type DelegatedAdministrator, type MemberAccountData, type MemberAccountRecord, type OrganizationRecord } from './records.ts';
import { TRUSTED_ACCESS_SERVICE_PRINCIPALS } from './service-principals.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * Delegated administrators: the management account lets a member account administer an AWS
 * service for the organization (RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator,
 * ListDelegatedAdministrators, ListDelegatedServicesForAccount). Kept on the organization
 * record. A service needs trusted access first (EnableAWSServiceAccess; else
 * ConstraintViolationException SERVICE_ACCESS_NOT_ENABLED); the management account itself cannot
 * be one (CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR); a registered account can neither
 * leave nor be removed until it is deregistered (CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG);
 * a closed account stops being one. The lists are read by the management account or by a delegated
 * administrator, as AWS allows. Of Tessera's own features, IAM's centralized root access honours
 * a delegated administrator for iam.amazonaws.com (iam/root-access/prerequisites.ts).
 */

function delegationsOf(org: OrganizationRecord): DelegatedAdministrator[] {
  return org.data.delegatedAdministrators ?? [];
}

/** The delegations whose account is still an active member of the organization. */
export async function activeDelegations(tx: StoreTx, org: OrganizationRecord): Promise<Array<DelegatedAdministrator & { member: MemberAccountRecord }>> {
  const active: Array<DelegatedAdministrator & { member: MemberAccountRecord }> = [];
  for (const delegation of delegationsOf(org)) {
    const member = await tx.get<MemberAccountData>(OrgKind.account, delegation.accountId);
    if (member && member.data.orgId === org.id && member.data.status === 'ACTIVE') active.push({ ...delegation, member });
  }
  return active;
}

/** LeaveOrganization, RemoveAccountFromOrganization: refused while the account is registered for any service. */
export function assertNotDelegatedAdministrator(org: OrganizationRecord, accountId: string): void {
  if (delegationsOf(org).some((delegation) => delegation.accountId === accountId)) throw cannotRemoveDelegatedAdministrator();
}

async function requireMember(tx: StoreTx, org: OrganizationRecord, accountId: string) {
  const member = await tx.get<MemberAccountData>(OrgKind.account, accountId);
  if (!member || member.data.orgId !== org.id) throw accountNotFound();
  return member;
}

/** The management account, or a delegated administrator of any service: who may read the delegations. */
async function requireReader(tx: StoreTx, accountId: string): Promise<OrganizationRecord> {
  const { org } = await requireOrganization(tx, accountId);
  if (org.data.managementAccountId === accountId) return org;
  if ((await activeDelegations(tx, org)).some((delegation) => delegation.accountId === accountId)) return org;
  throw notManagementAccount();
}

async function registerDelegatedAdministrator(input: In<'RegisterDelegatedAdministrator'>, ctx: OperationContext) {
  const now = nowOf(ctx);
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    if (!TRUSTED_ACCESS_SERVICE_PRINCIPALS.has(input.ServicePrincipal)) throw unrecognizedServicePrincipal();
    if (input.AccountId === org.data.managementAccountId) {
      throw constraint('CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR', 'You cannot register the management account of the organization as a delegated administrator for an AWS service integrated with Organizations.');
    }
    await requireMember(tx, org, input.AccountId);
    if (!(org.data.enabledServices ?? []).some((s) => s.servicePrincipal === input.ServicePrincipal)) throw serviceAccessNotEnabled();
    const delegations = delegationsOf(org);
    if (delegations.some((d) => d.accountId === input.AccountId && d.servicePrincipal === input.ServicePrincipal)) throw accountAlreadyRegistered();
    await tx.update({ ...org, data: { ...org.data, delegatedAdministrators: [...delegations, { accountId: input.AccountId, servicePrincipal: input.ServicePrincipal, delegationEnabledDate: now }] } });
  });
  return {};
}

async function deregisterDelegatedAdministrator(input: In<'DeregisterDelegatedAdministrator'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    if (!TRUSTED_ACCESS_SERVICE_PRINCIPALS.has(input.ServicePrincipal)) throw unrecognizedServicePrincipal();
    await requireMember(tx, org, input.AccountId);
    const delegations = delegationsOf(org);
    const kept = delegations.filter((d) => !(d.accountId === input.AccountId && d.servicePrincipal === input.ServicePrincipal));
    if (kept.length === delegations.length) throw accountNotRegistered();
    await tx.update({ ...org, data: { ...org.data, delegatedAdministrators: kept } });
  });
  return {};
}

async function listDelegatedAdministrators(input: In<'ListDelegatedAdministrators'>, ctx: OperationContext) {
  const org = await requireReader(ctx.store, ctx.principal.accountId);
  const active = await activeDelegations(ctx.store, org);
  const byAccount = new Map<string, (typeof active)[number]>();
  for (const delegation of active) {
    if (input.ServicePrincipal !== undefined && delegation.servicePrincipal !== input.ServicePrincipal) continue;
    const earlier = byAccount.get(delegation.accountId);
    if (!earlier || delegation.delegationEnabledDate < earlier.delegationEnabledDate) byAccount.set(delegation.accountId, delegation);
  }
  const administrators = [...byAccount.values()].map((delegation) => ({
    ...accountOutput(org, delegation.member),
    DelegationEnabledDate: new Date(delegation.delegationEnabledDate),
  }));
  return pageResponse('DelegatedAdministrators', pageArray(administrators, (a) => a.Id!, input.NextToken, input.MaxResults));
}

async function listDelegatedServicesForAccount(input: In<'ListDelegatedServicesForAccount'>, ctx: OperationContext) {
  const org = await requireReader(ctx.store, ctx.principal.accountId);
  await requireMember(ctx.store, org, input.AccountId);
  const services = (await activeDelegations(ctx.store, org))
    .filter((delegation) => delegation.accountId === input.AccountId)
    .map((delegation) => ({ ServicePrincipal: delegation.servicePrincipal, DelegationEnabledDate: new Date(delegation.delegationEnabledDate) }));
  if (services.length === 0) throw accountNotRegistered();
  return pageResponse('DelegatedServices', pageArray(services, (s) => s.ServicePrincipal, input.NextToken, input.MaxResults));
}

export const delegatedAdministratorHandlers = {
  RegisterDelegatedAdministrator: registerDelegatedAdministrator,
  DeregisterDelegatedAdministrator: deregisterDelegatedAdministrator,
  ListDelegatedAdministrators: listDelegatedAdministrators,
  ListDelegatedServicesForAccount: listDelegatedServicesForAccount,
};

/** The services an account administers for its organization (for IAM and STS, through the membership lookup). */
export async function delegatedServicesOf(tx: StoreTx, accountId: string): Promise<string[]> {
  const found = await organizationOf(tx, accountId);
  if (!found) return [];
  return (await activeDelegations(tx, found.org)).filter((d) => d.accountId === accountId).map((d) => d.servicePrincipal);
}
