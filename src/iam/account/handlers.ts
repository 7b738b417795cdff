import type { IamHandlerTable } from '../handler.ts';
import { aliasHandlers } from './aliases.ts';
import { summaryHandlers } from './summary.ts';

/** The IAM operations implemented by the account module. */
export const handlers = {
  ...aliasHandlers,
  ...summaryHandlers,
} satisfies IamHandlerTable;
