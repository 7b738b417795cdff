import { DeletionOrder, type DeletionChecks } from '../deletion-order.ts';
import { deleteConflict } from '../errors.ts';
import { Link } from '../kinds.ts';

/**
 * Dependents owned by the groups module that block deleting an entity (see ../deletion-checks.ts).
 * AWS answers both with the same text, "Cannot delete entity, must remove users from group
 * first." (seen in AWS's responses to DeleteUser for a user still in a group, and to DeleteGroup).
 */
export const deletionChecks: DeletionChecks = {
  user: [
    {
      order: DeletionOrder.groupMembership,
      async check(tx, user) {
        return (await tx.countLinksTo(Link.groupMember, user.id)) > 0 ? deleteConflict('remove users from group') : undefined;
      },
    },
  ],
  group: [
    {
      order: DeletionOrder.groupMembership,
      async check(tx, group) {
        return (await tx.countLinksFrom(Link.groupMember, group.id)) > 0 ? deleteConflict('remove users from group') : undefined;
      },
    },
  ],
};
