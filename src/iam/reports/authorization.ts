import type { TargetTable } from '../authorization/target.ts';

/** How each operation of the reports module is authorized (see ../authorization/target.ts). */
export const targets = {} satisfies TargetTable;
