import { DeletionOrder, type DeletionChecks } from '../deletion-order.ts';
import { Link } from '../kinds.ts';
import { rolesInInstanceProfile } from './errors.ts';

/**
 * Dependents owned by the roles module that block deleting an entity (see ../deletion-checks.ts):
 * a role still in an instance profile, and an instance profile still holding a role. AWS
 * answers both with "Cannot delete entity, must remove roles from instance profile first."
 */
export const deletionChecks: DeletionChecks = {
  role: [
    {
      order: DeletionOrder.instanceProfiles,
      async check(tx, role) {
        return (await tx.countLinksTo(Link.profileRole, role.id)) > 0 ? rolesInInstanceProfile() : undefined;
      },
    },
  ],
  instanceProfile: [
    {
      order: DeletionOrder.instanceProfiles,
      async check(tx, profile) {
        return (await tx.countLinksFrom(Link.profileRole, profile.id)) > 0 ? rolesInInstanceProfile() : undefined;
      },
    },
  ],
};
