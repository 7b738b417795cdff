import type { OperationContext } from '../kernel/operation.ts';
import type { Operations } from '../protocol/generated/organizations.ts';
import type { StoreTx } from '../store/types.ts';
import { attachedOfType } from './attachments.ts';
import { allOf, nowOf, write } from './context.ts';
import { alreadyHasAllFeatures, alreadyInOrganization, invalidInput, organizationNotEmpty, policyTypeAlreadyEnabled, policyTypeNotAvailable, policyTypeNotEnabled } from './errors.ts';
import { newOrganizationId, newRootId } from './ids.ts';
import { organizationOf, requireManagedOrganization, requireOrganization, requireRoot, requireRootRecord } from './lookup.ts';
import { requireManagedOrDelegated } from './delegation.ts';
import { syntheticEmail, claimEmail } from './emails.ts';
import { organizationOutput, rootOutput } from './output.ts';
import { pageArray, pageResponse } from './paging.ts';
import {
  isGuardrailType,
  OrgKind,
  OrgLink,
  type MemberAccountData,
  type OrganizationData,
  type OrganizationRecord,
  type OuRecord,
  type RootData,
  type RootRecord,
} from './records.ts';
import { fullAccessPolicyFor } from './aws-managed.ts';
import { clearRootAccessFeatures } from '../iam/root-access/records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * The organization itself: CreateOrganization (the caller's account becomes the management
 * account, under a new root), DescribeOrganization, DeleteOrganization, ListRoots, and the
 * policy types enabled on the root (Enable/DisablePolicyType).
 */

async function createOrganization(input: In<'CreateOrganization'>, ctx: OperationContext) {
  if (input.FeatureSet !== undefined && input.FeatureSet !== 'ALL') {
    // SCPs and RCPs exist only with all features; Tessera serves nothing else.
    throw invalidInput('INVALID_ENUM', 'Tessera creates organizations with all features enabled (FeatureSet ALL) only.');
  }
  const management = ctx.principal.accountId;
  const now = nowOf(ctx);
  const { org, root } = await write(ctx, async (tx) => {
    if (await organizationOf(tx, management)) throw alreadyInOrganization();
    const orgId = newOrganizationId(ctx.random);
    const rootId = newRootId(ctx.random);
    const email = syntheticEmail(management);
    await claimEmail(tx, email, management, now);
    const org = await tx.insert<OrganizationData>({
      accountId: management, kind: OrgKind.organization, id: orgId, name: orgId, parentId: '', path: '/',
      data: { featureSet: 'ALL', managementAccountId: management, managementAccountEmail: email, rootId }, createdAt: now,
    });
    const root = await tx.insert<RootData>({
      accountId: management, kind: OrgKind.root, id: rootId, name: 'Root', parentId: orgId, path: '/',
      data: { orgId, policyTypes: [], tags: [] }, createdAt: now,
    });
    await tx.insert<MemberAccountData>({
      accountId: management, kind: OrgKind.account, id: management, name: management, parentId: rootId, path: '/',
      data: { orgId, name: management, email, joinedMethod: 'CREATED', joinedTimestamp: now, status: 'ACTIVE', tags: [] }, createdAt: now,
    });
    return { org, root };
  });
  return { Organization: organizationOutput(org, root) };
}

/** Any account of the organization may describe it. */
async function describeOrganization(_input: In<'DescribeOrganization'>, ctx: OperationContext) {
  const { org } = await requireOrganization(ctx.store, ctx.principal.accountId);
  return { Organization: organizationOutput(org, await requireRootRecord(ctx.store, org)) };
}

/** Only an organization whose sole account is the management account can be deleted; its OUs, policies and IAM root access features go with it. */
async function deleteOrganization(_input: In<'DeleteOrganization'>, ctx: OperationContext) {
  const management = ctx.principal.accountId;
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, management);
    if ((await tx.count(management, OrgKind.account)) > 1) throw organizationNotEmpty();
    for (const kind of [OrgKind.ou, OrgKind.policy, OrgKind.handshake, OrgKind.createStatus, OrgKind.resourcePolicy]) {
      for (const record of await allOf(tx, management, kind)) await tx.delete(kind, record.id);
    }
    await tx.delete(OrgKind.account, management);
    await tx.delete(OrgKind.root, org.data.rootId);
    await tx.delete(OrgKind.organization, org.id);
    // IAM's centralized root access of the organization goes with it.
    await clearRootAccessFeatures(tx, org.id);
  });
  return {};
}

async function listRoots(input: In<'ListRoots'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListRoots');
  const root = await requireRootRecord(ctx.store, org);
  return pageResponse('Roots', pageArray([rootOutput(org, root)], (r) => r.Id!, input.NextToken, input.MaxResults));
}

/** Every target of the organization: its root, OUs and accounts. */
async function everyTarget(tx: StoreTx, org: OrganizationRecord, root: RootRecord): Promise<string[]> {
  const management = org.data.managementAccountId;
  const ous = await allOf<OuRecord['data']>(tx, management, OrgKind.ou);
  const accounts = await allOf<MemberAccountData>(tx, management, OrgKind.account);
  return [root.id, ...ous.map((o) => o.id), ...accounts.map((a) => a.id)];
}

/**
 * Enabling a type attaches its full-access policy (FullAWSAccess, RCPFullAWSAccess) to the
 * root and to every OU and account, as AWS does, so nothing changes until a narrower policy
 * is attached.
 */
async function enablePolicyType(input: In<'EnablePolicyType'>, ctx: OperationContext) {
  const type = input.PolicyType;
  if (!isGuardrailType(type)) throw policyTypeNotAvailable();
  const result = await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'EnablePolicyType');
    const root = await requireRoot(tx, org, input.RootId);
    if (root.data.policyTypes.includes(type)) throw policyTypeAlreadyEnabled();
    const updated = await tx.update<RootData>({ ...root, data: { ...root.data, policyTypes: [...root.data.policyTypes, type] } });
    const policy = fullAccessPolicyFor(type);
    for (const target of await everyTarget(tx, org, root)) await tx.link(OrgLink.attachment, org.data.managementAccountId, target, policy.id);
    return rootOutput(org, updated);
  });
  return { Root: result };
}

/** Disabling a type detaches every policy of that type from every target. */
async function disablePolicyType(input: In<'DisablePolicyType'>, ctx: OperationContext) {
  const type = input.PolicyType;
  if (!isGuardrailType(type)) throw policyTypeNotAvailable();
  const result = await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'DisablePolicyType');
    const root = await requireRoot(tx, org, input.RootId);
    if (!root.data.policyTypes.includes(type)) throw policyTypeNotEnabled();
    for (const target of await everyTarget(tx, org, root)) {
      for (const policyId of await attachedOfType(tx, target, type)) await tx.unlink(OrgLink.attachment, target, policyId);
    }
    const updated = await tx.update<RootData>({ ...root, data: { ...root.data, policyTypes: root.data.policyTypes.filter((t) => t !== type) } });
    return rootOutput(org, updated);
  });
  return { Root: result };
}

/**
 * EnableAllFeatures starts the handshake that moves a consolidated-billing organization to all
 * features. Tessera's organizations have all features from the start (CreateOrganization
 * offers no other feature set), so AWS's answer for such an organization is the only one:
 * HandshakeConstraintViolationException, ORGANIZATION_ALREADY_HAS_ALL_FEATURES. Management
 * account only.
 */
async function enableAllFeatures(_input: In<'EnableAllFeatures'>, ctx: OperationContext): Promise<never> {
  await requireManagedOrganization(ctx.store, ctx.principal.accountId);
  throw alreadyHasAllFeatures();
}

export const organizationHandlers = {
  EnableAllFeatures: enableAllFeatures,
  CreateOrganization: createOrganization,
  DescribeOrganization: describeOrganization,
  DeleteOrganization: deleteOrganization,
  ListRoots: listRoots,
  EnablePolicyType: enablePolicyType,
  DisablePolicyType: disablePolicyType,
};
