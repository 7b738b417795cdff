import { DeletionOrder, type DeletionChecks } from './deletion-order.ts';
import { deleteConflict } from './errors.ts';
import { Kind } from './kinds.ts';

/** Dependents owned by the users/access-keys module. */
export const deletionChecks: DeletionChecks = {
  user: [
    {
      order: DeletionOrder.accessKeys,
      async check(tx, user) {
        return (await tx.count(user.accountId, Kind.accessKey, { parentId: user.id })) > 0 ? deleteConflict('delete access keys') : undefined;
      },
    },
  ],
};
