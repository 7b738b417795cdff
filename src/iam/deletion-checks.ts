import type { StoreTx, EntityRecord } from '../store/types.ts';
import type { DeletableKind, DeletionCheck, DeletionChecks } from './deletion-order.ts';
import { deletionChecks as ownChecks } from './own-deletion-checks.ts';
import { deletionChecks as groups } from './groups/deletion-checks.ts';
import { deletionChecks as roles } from './roles/deletion-checks.ts';
import { deletionChecks as policies } from './policies/deletion-checks.ts';
import { deletionChecks as credentials } from './credentials/deletion-checks.ts';
import { deletionChecks as certificates } from './certificates/deletion-checks.ts';

export type { DeletableKind, DeletionCheck, DeletionChecks } from './deletion-order.ts';
export { DeletionOrder } from './deletion-order.ts';

/**
 * What must be gone before an entity may be deleted. AWS refuses DeleteUser, DeleteGroup,
 * DeleteRole, DeletePolicy and DeleteInstanceProfile with DeleteConflict while dependents
 * remain, naming the first kind of dependent in its documented order. Each module
 * contributes the checks for the dependents it owns; `order` places them in AWS's order
 * (for users: password, access keys, signing certificates, SSH keys, service-specific
 * credentials, MFA devices, inline policies, attached policies, group memberships).
 */
const all: DeletionChecks[] = [ownChecks, groups, roles, policies, credentials, certificates];

function checksFor(kind: DeletableKind): DeletionCheck[] {
  return all.flatMap((c) => c[kind] ?? []).sort((a, b) => a.order - b.order);
}

/** Throws the first DeleteConflict that applies to `entity`, in AWS's order. */
export async function assertDeletable(tx: StoreTx, kind: DeletableKind, entity: EntityRecord): Promise<void> {
  for (const { check } of checksFor(kind)) {
    const conflict = await check(tx, entity);
    if (conflict) throw conflict;
  }
}
