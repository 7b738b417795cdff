import { DeletionOrder, type DeletionChecks } from '../deletion-order.ts';
import { deleteConflict } from '../errors.ts';
import { Kind } from '../kinds.ts';

/**
 * Dependents owned by the credentials module that block deleting an entity (see
 * ../deletion-checks.ts): a user's console password (login profile) and the MFA devices
 * enabled for it, with AWS's texts ("Cannot delete entity, must delete login profile first.",
 * "Cannot delete entity, must delete MFA device first.").
 */
export const deletionChecks: DeletionChecks = {
  user: [
    {
      order: DeletionOrder.loginProfile,
      async check(tx, user) {
        return (await tx.count(user.accountId, Kind.loginProfile, { parentId: user.id })) > 0 ? deleteConflict('delete login profile') : undefined;
      },
    },
    {
      order: DeletionOrder.mfaDevices,
      async check(tx, user) {
        return (await tx.count(user.accountId, Kind.mfaDevice, { parentId: user.id })) > 0 ? deleteConflict('delete MFA device') : undefined;
      },
    },
  ],
};
