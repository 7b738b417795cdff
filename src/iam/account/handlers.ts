import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the account module. */
export const handlers = {} satisfies IamHandlerTable;
