import type { IamHandlerTable } from '../handler.ts';

/** The IAM operations implemented by the certificates module. */
export const handlers = {} satisfies IamHandlerTable;
