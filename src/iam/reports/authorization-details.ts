import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import type { EntityType, GetAccountAuthorizationDetailsResponse } from '../../protocol/generated/iam.ts';
import { invalidInput } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { decodeMarker, DEFAULT_MAX_ITEMS, encodeMarker } from '../paging.ts';
import type { UserData } from '../records.ts';
import type { GroupData } from '../groups/records.ts';
import type { RoleData } from '../roles/records.ts';
import type { PolicyData } from '../policies/records.ts';
import { awsManagedCatalog, type AwsManagedCatalog } from '../policies/aws-managed.ts';
import { accountPolicyUsage } from '../policies/usage.ts';
import { groupDetail, roleDetail, userDetail } from './entity-details.ts';
import { awsManagedPolicyDetail, localPolicyDetail, usedAwsManagedPolicies, type UsageByArn } from './policy-details.ts';

/**
 * GetAccountAuthorizationDetails: the account's users, groups, roles and managed policies
 * (those the Filter names, all by default), in that order, paged together: MaxItems counts
 * entities of every type, and the Marker records the type and name where a page stopped.
 * Everything is read in one transaction, so a page is one consistent snapshot.
 */

type Output = Required<Pick<GetAccountAuthorizationDetailsResponse, 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies'>>;

interface Section {
  type: EntityType;
  /** Up to `limit` entities after sort key `after`, each with its sort key and how it joins the output. */
  fetch(tx: StoreTx, after: string | undefined, limit: number): Promise<Array<{ key: string; add(out: Output): Promise<void> }>>;
}

function entitySection<D>(type: EntityType, kind: string, add: (tx: StoreTx, record: EntityRecord<D>, out: Output) => Promise<void>, accountId: string): Section {
  return {
    type,
    async fetch(tx, after, limit) {
      const records = await tx.list<D>(accountId, kind, { parentId: '', ...(after !== undefined ? { after } : {}), limit });
      return records.map((record) => ({ key: record.name.toLowerCase(), add: (out: Output) => add(tx, record, out) }));
    },
  };
}

function sections(accountId: string, usage: () => Promise<UsageByArn>, catalog: AwsManagedCatalog | undefined, needCatalog: () => void): Section[] {
  return [
    entitySection<UserData>('User', Kind.user, async (tx, user, out) => void out.UserDetailList.push(await userDetail(tx, user)), accountId),
    entitySection<GroupData>('Group', Kind.group, async (tx, group, out) => void out.GroupDetailList.push(await groupDetail(tx, group)), accountId),
    entitySection<RoleData>('Role', Kind.role, async (tx, role, out) => void out.RoleDetailList.push(await roleDetail(tx, role)), accountId),
    entitySection<PolicyData>('LocalManagedPolicy', Kind.policy, async (tx, policy, out) => void out.Policies.push(await localPolicyDetail(tx, policy, await usage())), accountId),
    {
      type: 'AWSManagedPolicy',
      async fetch(_tx, after, limit) {
        const used = await usage();
        const keyed = usedAwsManagedPolicies(used).map((policy) => ({ policy, key: policy.name.toLowerCase() }));
        return keyed
          .filter((p) => after === undefined || p.key > after)
          .slice(0, limit)
          .map((p) => ({
            key: p.key,
            async add(out: Output) {
              if (!catalog) needCatalog();
              out.Policies.push(awsManagedPolicyDetail(p.policy, used, catalog));
            },
          }));
      },
    },
  ];
}

/** The marker: the index of the section a page stopped in, and the sort key of its last entity. */
function parseMarker(marker: string | undefined): { section: number; key: string } | undefined {
  const decoded = decodeMarker(marker);
  if (decoded === undefined) return undefined;
  const match = /^(\d):(.+)$/s.exec(decoded);
  if (!match) throw invalidInput('Invalid Marker.');
  return { section: Number(match[1]), key: match[2]! };
}

/**
 * The AWS managed policy catalog once this module has seen it loaded. The catalog is
 * process-wide by design (policies/aws-managed.ts); remembering that it is ready lets a page
 * use it without awaiting inside a transaction.
 */
let readyCatalog: AwsManagedCatalog | undefined;

async function getAccountAuthorizationDetails(input: IamOperations['GetAccountAuthorizationDetails']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const wanted = new Set<EntityType>(input.Filter && input.Filter.length > 0 ? input.Filter : ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']);
  const maxItems = input.MaxItems ?? DEFAULT_MAX_ITEMS;
  const start = parseMarker(input.Marker);

  const page = (catalog: AwsManagedCatalog | undefined) => ctx.store.transaction(async (tx) => {
    let usage: Promise<UsageByArn> | undefined;
    let neededCatalog = false;
    const all = sections(accountId, () => (usage ??= accountPolicyUsage(tx, accountId)), catalog, () => (neededCatalog = true));
    const out: Output = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    let remaining = maxItems;
    let last: { section: number; key: string } | undefined;
    let truncated = false;
    for (let index = start?.section ?? 0; index < all.length; index++) {
      const section = all[index]!;
      if (!wanted.has(section.type)) continue;
      if (remaining === 0) {
        // The page is full: it is truncated if any later section still has an entity.
        truncated = (await section.fetch(tx, undefined, 1)).length > 0;
        if (truncated) break;
        continue;
      }
      const items = await section.fetch(tx, index === start?.section ? start.key : undefined, remaining + 1);
      const taken = items.slice(0, remaining);
      for (const item of taken) await item.add(out);
      if (taken.length > 0) last = { section: index, key: taken[taken.length - 1]!.key };
      remaining -= taken.length;
      if (items.length > taken.length) {
        truncated = true;
        break;
      }
    }
    return {
      neededCatalog,
      output: {
        UserDetailList: out.UserDetailList,
        GroupDetailList: out.GroupDetailList,
        RoleDetailList: out.RoleDetailList,
        Policies: out.Policies,
        IsTruncated: truncated,
        ...(truncated && last ? { Marker: encodeMarker(`${last.section}:${last.key}`) } : {}),
      },
    };
  });

  const first = await page(readyCatalog);
  if (!first.neededCatalog) return first.output;
  // The page describes AWS managed policies and the catalog is not loaded yet (once per
  // process): load it outside any transaction, never holding the store's write lock, and
  // read the page again.
  readyCatalog = await awsManagedCatalog();
  return (await page(readyCatalog)).output;
}

export const authorizationDetailsHandlers = {
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
} satisfies IamHandlerTable;
