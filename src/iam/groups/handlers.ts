import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the groups module. */
export const handlers = {} satisfies IamHandlerTable;
