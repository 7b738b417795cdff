import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the simulator module. */
export const handlers = {} satisfies IamHandlerTable;
