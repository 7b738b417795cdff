import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the policies module. */
export const handlers = {} satisfies IamHandlerTable;
