import type { OperationContext } from '../kernel/operation.ts';
import type { Operations } from '../protocol/generated/organizations.ts';
import { StoreConflictError } from '../store/types.ts';
import { attachDefaults } from './attachments.ts';
import { nowOf, write } from './context.ts';
import { childNotFound, constraint, duplicateOu, ouNotEmpty } from './errors.ts';
import { newOuId } from './ids.ts';
import { LIMITS } from './limits.ts';
import { ancestry, findNode, requireManagedOrganization, requireOu, requireParent, requireRootRecord } from './lookup.ts';
import { requireManagedOrDelegated } from './delegation.ts';
import { ouOutput } from './output.ts';
import { pageOf, pageResponse } from './paging.ts';
import { assertTags } from './tag-rules.ts';
import { OrgKind, type MemberAccountData, type OuData } from './records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * Organizational units: create (under the root or an OU, at most five levels deep, names
 * unique under one parent), rename, delete (only when empty), describe, and the tree's
 * listings (ListOrganizationalUnitsForParent, ListChildren, ListParents).
 */

async function createOu(input: In<'CreateOrganizationalUnit'>, ctx: OperationContext) {
  assertTags(input.Tags ?? []);
  const now = nowOf(ctx);
  const result = await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    const management = org.data.managementAccountId;
    const parent = await requireParent(tx, org, input.ParentId);
    if (parent.kind === 'ORGANIZATIONAL_UNIT' && (await ancestry(tx, org, parent.record.parentId)).length >= LIMITS.ouDepth) {
      throw constraint('OU_DEPTH_LIMIT_EXCEEDED', `You attempted to create an OU tree that is too many levels deep (the maximum is ${LIMITS.ouDepth}).`);
    }
    if ((await tx.count(management, OrgKind.ou)) >= LIMITS.organizationalUnits) {
      throw constraint('OU_NUMBER_LIMIT_EXCEEDED', `You attempted to exceed the number of OUs that you can have in an organization (${LIMITS.organizationalUnits}).`);
    }
    const root = await requireRootRecord(tx, org);
    let ou;
    try {
      ou = await tx.insert<OuData>({
        accountId: management, kind: OrgKind.ou, id: newOuId(ctx.random, root.id), name: input.Name, parentId: parent.record.id, path: '/',
        data: { orgId: org.id, tags: [...(input.Tags ?? [])] }, createdAt: now,
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw duplicateOu();
      throw err;
    }
    await attachDefaults(tx, root, management, ou.id);
    return ouOutput(org, ou);
  });
  return { OrganizationalUnit: result };
}

async function updateOu(input: In<'UpdateOrganizationalUnit'>, ctx: OperationContext) {
  const result = await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    const ou = await requireOu(tx, org, input.OrganizationalUnitId);
    if (input.Name === undefined || input.Name === ou.name) return ouOutput(org, ou);
    try {
      return ouOutput(org, await tx.update({ ...ou, name: input.Name }));
    } catch (err) {
      if (err instanceof StoreConflictError) throw duplicateOu();
      throw err;
    }
  });
  return { OrganizationalUnit: result };
}

async function deleteOu(input: In<'DeleteOrganizationalUnit'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    const ou = await requireOu(tx, org, input.OrganizationalUnitId);
    const management = org.data.managementAccountId;
    if ((await tx.count(management, OrgKind.ou, { parentId: ou.id })) > 0 || (await tx.count(management, OrgKind.account, { parentId: ou.id })) > 0) {
      throw ouNotEmpty();
    }
    await tx.delete(OrgKind.ou, ou.id);
  });
  return {};
}

async function describeOu(input: In<'DescribeOrganizationalUnit'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'DescribeOrganizationalUnit');
  return { OrganizationalUnit: ouOutput(org, await requireOu(ctx.store, org, input.OrganizationalUnitId)) };
}

async function listOusForParent(input: In<'ListOrganizationalUnitsForParent'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListOrganizationalUnitsForParent');
  await requireParent(ctx.store, org, input.ParentId);
  const page = await pageOf(
    (after, limit) => ctx.store.list<OuData>(org.data.managementAccountId, OrgKind.ou, { parentId: input.ParentId, after, limit }),
    (ou) => ou.name.toLowerCase(), input.NextToken, input.MaxResults,
  );
  return pageResponse('OrganizationalUnits', { ...page, items: page.items.map((ou) => ouOutput(org, ou)) });
}

async function listChildren(input: In<'ListChildren'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListChildren');
  await requireParent(ctx.store, org, input.ParentId);
  const kind = input.ChildType === 'ACCOUNT' ? OrgKind.account : OrgKind.ou;
  const page = await pageOf(
    (after, limit) => ctx.store.list<OuData | MemberAccountData>(org.data.managementAccountId, kind, { parentId: input.ParentId, after, limit }),
    (child) => child.name.toLowerCase(), input.NextToken, input.MaxResults,
  );
  return pageResponse('Children', { ...page, items: page.items.map((child) => ({ Id: child.id, Type: input.ChildType })) });
}

async function listParents(input: In<'ListParents'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListParents');
  const child = await findNode(ctx.store, org, input.ChildId);
  if (!child || child.kind === 'ROOT') throw childNotFound();
  const parentId = child.record.parentId;
  const Type = parentId === org.data.rootId ? 'ROOT' as const : 'ORGANIZATIONAL_UNIT' as const;
  return pageResponse('Parents', { items: [{ Id: parentId, Type }] });
}

export const unitHandlers = {
  CreateOrganizationalUnit: createOu,
  UpdateOrganizationalUnit: updateOu,
  DeleteOrganizationalUnit: deleteOu,
  DescribeOrganizationalUnit: describeOu,
  ListOrganizationalUnitsForParent: listOusForParent,
  ListChildren: listChildren,
  ListParents: listParents,
};
