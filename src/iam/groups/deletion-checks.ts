import type { DeletionChecks } from '../deletion-order.ts';

/** Dependents owned by the groups module that block deleting an entity (see ../deletion-checks.ts). */
export const deletionChecks: DeletionChecks = {};
