import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the roles module. */
export const handlers = {} satisfies IamHandlerTable;
