import type { OperationContext } from '../../kernel/operation.ts';
import type { StoreTx } from '../../store/types.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { Kind } from '../kinds.ts';
import { DEFAULT_MAX_ITEMS, decodeMarker, encodeMarker } from '../paging.ts';
import { assertPathPrefix } from '../paths.ts';
import { awsManagedCatalog, type AwsManagedCatalog } from './aws-managed.ts';
import type { ManagedPolicyRef } from './lookup.ts';
import { policyOutput } from './policy-output.ts';
import { arnOfPolicy, type PolicyData } from './records.ts';
import { accountPolicyUsage, type PolicyUsage } from './usage.ts';

/**
 * ListPolicies: AWS managed and customer managed policies in one list ordered by name
 * (case-insensitively; an AWS policy before a customer policy of the same name), filtered by
 * Scope, PathPrefix, OnlyAttached and PolicyUsageFilter, paged with Marker/MaxItems.
 *
 * The marker is the last returned policy's sort key, so paging is keyset paging across both
 * sources: policies created or deleted between pages neither shift nor repeat the rest.
 *
 * Filters, where AWS's documentation leaves room:
 *   - OnlyAttached keeps policies attached to a user, group or role (AttachmentCount > 0);
 *   - PolicyUsageFilter=PermissionsPolicy keeps policies attached as permissions policies,
 *     PermissionsBoundary those set as a permissions boundary, with or without OnlyAttached.
 */

const AWS_TIER = '0';
const LOCAL_TIER = '1';
const LOCAL_BATCH = 100;

/** Sort key: the lower-cased name, then the tier. '\n' sorts before every character a name may hold. */
function sortKey(name: string, tier: string): string {
  return `${name.toLowerCase()}\n${tier}`;
}

interface Candidate {
  key: string;
  ref: ManagedPolicyRef;
}

/** The AWS managed policies under the path prefix whose key follows `after`, in order. */
function* awsCandidates(catalog: AwsManagedCatalog, pathPrefix: string, after: string | undefined): Generator<Candidate> {
  for (const policy of catalog.policies) {
    const key = sortKey(policy.name, AWS_TIER);
    if (after !== undefined && key <= after) continue;
    if (!policy.path.startsWith(pathPrefix)) continue;
    yield { key, ref: { source: 'aws', arn: policy.arn, policy, catalog } };
  }
}

/** The account's customer managed policies under the path prefix whose key follows `after`, in order. */
async function* localCandidates(tx: StoreTx, accountId: string, pathPrefix: string, after: string | undefined): AsyncGenerator<Candidate> {
  let storeAfter: string | undefined;
  if (after !== undefined) {
    const [name = '', tier] = after.split('\n');
    storeAfter = name;
    // The marker named an AWS policy: a customer policy of the very same name still follows it,
    // though the store's `after` (a strict bound on the name) would skip it.
    if (tier === AWS_TIER) {
      const same = await tx.getByName<PolicyData>(accountId, Kind.policy, name, '');
      if (same && same.path.startsWith(pathPrefix)) yield { key: sortKey(same.name, LOCAL_TIER), ref: { source: 'customer', arn: arnOfPolicy(same), record: same } };
    }
  }
  for (;;) {
    const batch = await tx.list<PolicyData>(accountId, Kind.policy, {
      parentId: '',
      pathPrefix,
      ...(storeAfter !== undefined ? { after: storeAfter } : {}),
      limit: LOCAL_BATCH,
    });
    for (const record of batch) yield { key: sortKey(record.name, LOCAL_TIER), ref: { source: 'customer', arn: arnOfPolicy(record), record } };
    if (batch.length < LOCAL_BATCH) return;
    storeAfter = batch[batch.length - 1]!.name.toLowerCase();
  }
}

/** Merges two ordered candidate streams into one. */
async function* merged(a: Iterator<Candidate> | undefined, b: AsyncIterator<Candidate> | undefined): AsyncGenerator<Candidate> {
  let nextA = a?.next();
  let nextB = b ? await b.next() : undefined;
  for (;;) {
    const haveA = nextA !== undefined && !nextA.done;
    const haveB = nextB !== undefined && !nextB.done;
    if (!haveA && !haveB) return;
    if (haveA && (!haveB || nextA!.value.key < nextB!.value.key)) {
      yield nextA!.value as Candidate;
      nextA = a!.next();
    } else {
      yield nextB!.value as Candidate;
      nextB = await b!.next();
    }
  }
}

function usageFilter(input: IamOperations['ListPolicies']['input']): ((usage: PolicyUsage) => boolean) | undefined {
  if (input.PolicyUsageFilter === 'PermissionsBoundary') return (u) => u.boundaries > 0;
  if (input.PolicyUsageFilter === 'PermissionsPolicy' || input.OnlyAttached === true) return (u) => u.attachments > 0;
  return undefined;
}

const UNUSED: PolicyUsage = { attachments: 0, boundaries: 0 };

async function listPolicies(input: IamOperations['ListPolicies']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  assertPathPrefix(input.PathPrefix, 'policy');
  const scope = input.Scope ?? 'All';
  const pathPrefix = input.PathPrefix ?? '/';
  const limit = input.MaxItems ?? DEFAULT_MAX_ITEMS;
  const after = decodeMarker(input.Marker);
  const keep = usageFilter(input);
  // Loaded before the transaction opens (the first load takes a moment; see aws-managed.ts).
  const catalog = scope === 'Local' ? undefined : await awsManagedCatalog();
  return ctx.store.transaction(async (tx) => {
    const usage = await accountPolicyUsage(tx, accountId);
    const candidates = merged(
      catalog ? awsCandidates(catalog, pathPrefix, after) : undefined,
      scope === 'AWS' ? undefined : localCandidates(tx, accountId, pathPrefix, after),
    );
    const page: Candidate[] = [];
    let isTruncated = false;
    for await (const candidate of candidates) {
      if (keep && !keep(usage.get(candidate.ref.arn) ?? UNUSED)) continue;
      if (page.length === limit) {
        isTruncated = true;
        break;
      }
      page.push(candidate);
    }
    return {
      Policies: page.map((c) => policyOutput(c.ref, usage.get(c.ref.arn) ?? UNUSED, 'listed')),
      IsTruncated: isTruncated,
      ...(isTruncated ? { Marker: encodeMarker(page[page.length - 1]!.key) } : {}),
    };
  });
}

export const listPoliciesHandlers = {
  ListPolicies: listPolicies,
} satisfies IamHandlerTable;
