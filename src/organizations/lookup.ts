import type { StoreTx } from '../store/types.ts';
import { notInUse, notManagementAccount, ouNotFound, parentNotFound, rootNotFound, targetNotFound } from './errors.ts';
import {
  OrgKind,
  targetKindOf,
  type MemberAccountRecord,
  type OrganizationRecord,
  type OuRecord,
  type RootRecord,
  type TargetKind,
} from './records.ts';

/** The organization an account belongs to and its membership record, or undefined. */
export async function organizationOf(tx: StoreTx, accountId: string): Promise<{ org: OrganizationRecord; member: MemberAccountRecord } | undefined> {
  const member = await tx.get<MemberAccountRecord['data']>(OrgKind.account, accountId);
  if (!member) return undefined;
  const org = await tx.get<OrganizationRecord['data']>(OrgKind.organization, member.data.orgId);
  return org ? { org, member } : undefined;
}

/** The caller's organization; AWSOrganizationsNotInUseException when it is in none. */
export async function requireOrganization(tx: StoreTx, accountId: string): Promise<{ org: OrganizationRecord; member: MemberAccountRecord }> {
  const found = await organizationOf(tx, accountId);
  if (!found) throw notInUse();
  return found;
}

/** The caller's organization, which the caller must manage (AccessDeniedException otherwise). */
export async function requireManagedOrganization(tx: StoreTx, accountId: string): Promise<OrganizationRecord> {
  const { org } = await requireOrganization(tx, accountId);
  if (org.data.managementAccountId !== accountId) throw notManagementAccount();
  return org;
}

export type Node =
  | { kind: 'ROOT'; record: RootRecord }
  | { kind: 'ORGANIZATIONAL_UNIT'; record: OuRecord }
  | { kind: 'ACCOUNT'; record: MemberAccountRecord };

/** A root, OU or account of the organization by its ID; undefined when it is not one of the organization's. */
export async function findNode(tx: StoreTx, org: OrganizationRecord, id: string): Promise<Node | undefined> {
  const kind: TargetKind | undefined = targetKindOf(id);
  if (kind === undefined) return undefined;
  const record = await tx.get<{ orgId: string }>(kind === 'ROOT' ? OrgKind.root : kind === 'ORGANIZATIONAL_UNIT' ? OrgKind.ou : OrgKind.account, id);
  if (!record || record.data.orgId !== org.id) return undefined;
  return { kind, record } as Node;
}

/** A parent (root or OU) of the organization, or ParentNotFoundException. */
export async function requireParent(tx: StoreTx, org: OrganizationRecord, id: string, notFound = parentNotFound): Promise<Node & { kind: 'ROOT' | 'ORGANIZATIONAL_UNIT' }> {
  const node = await findNode(tx, org, id);
  if (!node || node.kind === 'ACCOUNT') throw notFound();
  return node;
}

export async function requireRoot(tx: StoreTx, org: OrganizationRecord, id: string): Promise<RootRecord> {
  const node = await findNode(tx, org, id);
  if (!node || node.kind !== 'ROOT') throw rootNotFound();
  return node.record;
}

export async function requireOu(tx: StoreTx, org: OrganizationRecord, id: string): Promise<OuRecord> {
  const node = await findNode(tx, org, id);
  if (!node || node.kind !== 'ORGANIZATIONAL_UNIT') throw ouNotFound();
  return node.record;
}

export async function requireTarget(tx: StoreTx, org: OrganizationRecord, id: string): Promise<Node> {
  const node = await findNode(tx, org, id);
  if (!node) throw targetNotFound();
  return node;
}

export async function requireRootRecord(tx: StoreTx, org: OrganizationRecord): Promise<RootRecord> {
  const root = await tx.get<RootRecord['data']>(OrgKind.root, org.data.rootId);
  if (!root) throw rootNotFound();
  return root;
}

/**
 * The chain of parents from the root down to a node's parent: [root, ou, ou, …]. An OU is at
 * most five levels deep, so this is at most six reads.
 */
export async function ancestry(tx: StoreTx, org: OrganizationRecord, parentId: string): Promise<Array<RootRecord | OuRecord>> {
  const chain: Array<RootRecord | OuRecord> = [];
  let id = parentId;
  for (let depth = 0; depth < 8; depth++) {
    if (id === org.data.rootId) {
      chain.unshift(await requireRootRecord(tx, org));
      return chain;
    }
    const ou = await tx.get<OuRecord['data']>(OrgKind.ou, id);
    if (!ou) break;
    chain.unshift(ou);
    id = ou.parentId;
  }
  throw rootNotFound();
}
