import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the reports module. */
export const handlers = {} satisfies IamHandlerTable;
