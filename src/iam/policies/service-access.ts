import type { OperationContext } from '../../kernel/operation.ts';
import type { PolicyCache } from '../../policy/index.ts';
import type { ListPoliciesGrantingServiceAccessEntry, PolicyGrantingServiceAccess } from '../../protocol/generated/iam.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { invalidInput, noSuchUser } from '../errors.ts';
import { noSuchGroup } from '../groups/errors.ts';
import { Kind, Link } from '../kinds.ts';
import { DEFAULT_MAX_ITEMS, decodeMarker, encodeMarker } from '../paging.ts';
import { noSuchRole } from '../roles/errors.ts';
import { awsManagedCatalog } from './aws-managed.ts';
import { invalidEntityArn } from './errors.ts';
import { findHolderByArn, parseHolderArn, type HolderArn } from './holder-arn.ts';
import { HOLDERS, type HolderType } from './holders.ts';
import { inlinePoliciesOf } from './inline-policies.ts';
import { findManagedPolicy } from './lookup.ts';
import { compileStored } from './principal-policies.ts';
import { isAwsManagedPolicyArn, parsePolicyArn } from './records.ts';
import { policyGrantsService } from './service-grants.ts';
import { allLinks } from './usage.ts';

/**
 * ListPoliciesGrantingServiceAccess: for each service namespace asked about, the permissions
 * policies of a user, group or role that allow some action of that service (see
 * service-grants.ts for what "allow some action" means). As AWS documents it:
 *   - a user: its own inline and attached managed policies, and those of its groups;
 *   - a group or a role: its own only;
 *   - permissions boundaries are not permissions policies and are never listed; nor do
 *     other policy types (resource policies, SCPs, session policies) count.
 *
 * Order, per namespace: the entity's inline policies (by name), its managed policies (by ARN),
 * then for a user each group (by name) likewise. A managed policy reached twice (attached to
 * the user and to a group) is listed once; inline policies belong to their holder and are
 * listed with it (EntityType/EntityName).
 *
 * Paging: the model has a Marker but no MaxItems. A page ends at the namespace that brings it
 * to 100 policies (a namespace's policies are never split), and the Marker is the position of
 * the next namespace in the request's own list, which the client sends again unchanged.
 */

interface HolderPolicy {
  entry: PolicyGrantingServiceAccess;
  /** The document, or undefined for an AWS managed policy resolved after the transaction. */
  document: string | undefined;
}

const ENTITY_TYPE = { user: 'USER', group: 'GROUP', role: 'ROLE' } as const;

async function listPoliciesGrantingServiceAccess(input: IamOperations['ListPoliciesGrantingServiceAccess']['input'], ctx: OperationContext) {
  const arn = parseHolderArn(input.Arn);
  if (arn === undefined) throw invalidEntityArn(input.Arn);
  const first = firstNamespace(input.Marker, input.ServiceNamespaces.length);
  const accountId = ctx.principal.accountId;

  const policies = await ctx.store.transaction((tx) => policiesOfEntity(tx, accountId, arn));
  const granting = await compileAll(policies, ctx.policyCache);

  const entries: ListPoliciesGrantingServiceAccessEntry[] = [];
  let listed = 0;
  let next = first;
  while (next < input.ServiceNamespaces.length && (entries.length === 0 || listed < DEFAULT_MAX_ITEMS)) {
    const namespace = input.ServiceNamespaces[next]!;
    const found = granting.filter(({ compiled }) => compiled !== undefined && policyGrantsService(compiled, namespace)).map(({ entry }) => entry);
    entries.push({ ServiceNamespace: namespace, Policies: found });
    listed += found.length;
    next++;
  }
  const isTruncated = next < input.ServiceNamespaces.length;
  return { PoliciesGrantingServiceAccess: entries, IsTruncated: isTruncated, ...(isTruncated ? { Marker: encodeMarker(String(next)) } : {}) };
}

/** The namespace a Marker resumes at: a position inside the request's list, after the first. */
function firstNamespace(marker: string | undefined, count: number): number {
  const decoded = decodeMarker(marker);
  if (decoded === undefined) return 0;
  const position = /^[1-9]\d{0,2}$/.test(decoded) ? Number(decoded) : NaN;
  if (!(position < count)) throw invalidInput('Invalid Marker.');
  return position;
}

/** The entity's permissions policies, in listing order, read in one transaction. */
async function policiesOfEntity(tx: StoreTx, accountId: string, arn: HolderArn): Promise<HolderPolicy[]> {
  const entity = await findHolderByArn(tx, accountId, arn);
  if (entity === undefined) throw noSuchEntity(arn);
  const policies: HolderPolicy[] = [];
  const managedSeen = new Set<string>();
  await addHolder(tx, accountId, arn.type, entity, policies, managedSeen);
  if (arn.type === 'user') {
    const groups: EntityRecord[] = [];
    for (const groupId of await allLinks(tx, 'to', Link.groupMember, entity.id)) {
      const group = await tx.get(Kind.group, groupId);
      if (group) groups.push(group);
    }
    groups.sort((a, b) => compare(a.name.toLowerCase(), b.name.toLowerCase()));
    for (const group of groups) await addHolder(tx, accountId, 'group', group, policies, managedSeen);
  }
  return policies;
}

async function addHolder(tx: StoreTx, accountId: string, type: HolderType, holder: EntityRecord, into: HolderPolicy[], managedSeen: Set<string>): Promise<void> {
  for (const inline of await inlinePoliciesOf(tx, type, holder)) {
    into.push({
      entry: { PolicyName: inline.name, PolicyType: 'INLINE', EntityType: ENTITY_TYPE[type], EntityName: holder.name },
      document: inline.data.document,
    });
  }
  const arns = await allLinks(tx, 'from', HOLDERS[type].link, holder.id);
  for (const policyArn of [...arns].sort(compare)) {
    if (managedSeen.has(policyArn)) continue;
    managedSeen.add(policyArn);
    const entry: PolicyGrantingServiceAccess = { PolicyName: parsePolicyArn(policyArn)?.name ?? policyArn, PolicyType: 'MANAGED', PolicyArn: policyArn };
    // AWS managed documents come from the catalog after the transaction: its one-time load must not hold the transaction open.
    if (isAwsManagedPolicyArn(policyArn)) {
      into.push({ entry, document: undefined });
      continue;
    }
    const managed = await findManagedPolicy(tx, accountId, policyArn);
    // An attachment never outlives its policy (a policy is deleted only once detached); skip defensively.
    if (managed) into.push({ entry, document: managed.document });
  }
}

/** Compiles every document (AWS managed ones looked up now, outside the transaction). */
async function compileAll(policies: HolderPolicy[], cache: PolicyCache) {
  const needsCatalog = policies.some((p) => p.document === undefined);
  const catalog = needsCatalog ? await awsManagedCatalog() : undefined;
  return policies.map(({ entry, document }) => {
    let text = document;
    if (text === undefined && catalog !== undefined && entry.PolicyArn !== undefined) {
      const parsed = parsePolicyArn(entry.PolicyArn);
      text = parsed ? catalog.find(parsed.name, parsed.path)?.defaultDocument : undefined;
    }
    const name = entry.PolicyArn ?? `${entry.EntityType?.toLowerCase()}/${entry.EntityName}/inline/${entry.PolicyName}`;
    return { entry, compiled: text === undefined ? undefined : compileStored(cache, text, 'identity', name) };
  });
}

function noSuchEntity(arn: HolderArn) {
  if (arn.type === 'user') return noSuchUser(arn.name);
  if (arn.type === 'group') return noSuchGroup(arn.name);
  return noSuchRole(arn.name);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const serviceAccessHandlers = {
  ListPoliciesGrantingServiceAccess: listPoliciesGrantingServiceAccess,
} satisfies IamHandlerTable;
