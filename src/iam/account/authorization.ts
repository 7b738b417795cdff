import type { TargetTable } from '../authorization/target.ts';

/** How each operation of the account module is authorized (see ../authorization/target.ts). */
export const targets = {} satisfies TargetTable;
