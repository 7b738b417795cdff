import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { DeletionOrder, type DeletionCheck, type DeletionChecks } from '../deletion-order.ts';
import { deleteConflict } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { policyHasVersions, policyInUse } from './errors.ts';
import { HOLDERS, type HolderType } from './holders.ts';
import { arnOfPolicy, type PolicyRecord } from './records.ts';
import { boundaryHolders } from './usage.ts';

/**
 * Dependents owned by the policies module that block deleting an entity (see ../deletion-checks.ts),
 * with AWS's DeleteConflict texts:
 *   - a user, group or role with inline policies: "Cannot delete entity, must delete policies first.";
 *     with attached managed policies: "Cannot delete entity, must detach all policies first.";
 *   - a policy attached to anything, or set as anyone's permissions boundary: "Cannot delete a
 *     policy attached to entities."; one with versions besides the default: "This policy has
 *     more than one version. …".
 */

function holderChecks(type: HolderType): DeletionCheck[] {
  const spec = HOLDERS[type];
  return [
    {
      order: DeletionOrder.inlinePolicies,
      async check(tx, holder) {
        return (await tx.count(holder.accountId, spec.inlineKind, { parentId: holder.id })) > 0 ? deleteConflict('delete policies') : undefined;
      },
    },
    {
      order: DeletionOrder.attachedPolicies,
      async check(tx, holder) {
        return (await tx.countLinksFrom(spec.link, holder.id)) > 0 ? deleteConflict('detach all policies') : undefined;
      },
    },
  ];
}

async function policyUsed(tx: StoreTx, policy: EntityRecord): Promise<boolean> {
  const arn = arnOfPolicy(policy as PolicyRecord);
  for (const spec of Object.values(HOLDERS)) {
    if ((await tx.countLinksTo(spec.link, arn)) > 0) return true;
  }
  return (await boundaryHolders(tx, policy.accountId, arn)).length > 0;
}

export const deletionChecks: DeletionChecks = {
  user: holderChecks('user'),
  group: holderChecks('group'),
  role: holderChecks('role'),
  policy: [
    {
      order: DeletionOrder.policyAttachments,
      async check(tx, policy) {
        return (await policyUsed(tx, policy)) ? policyInUse() : undefined;
      },
    },
    {
      order: DeletionOrder.policyVersions,
      async check(tx, policy) {
        return (await tx.count(policy.accountId, Kind.policyVersion, { parentId: policy.id })) > 1 ? policyHasVersions() : undefined;
      },
    },
  ],
};
