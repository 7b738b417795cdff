import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the providers module. */
export const handlers = {} satisfies IamHandlerTable;
