import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the credentials module. */
export const handlers = {} satisfies IamHandlerTable;
