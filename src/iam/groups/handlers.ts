import type { IamHandlerTable } from '../handler.ts';
import { groupHandlers } from './groups.ts';
import { membershipHandlers } from './membership.ts';

/** The IAM operations implemented by the groups module. */
export const handlers = {
  ...groupHandlers,
  ...membershipHandlers,
} satisfies IamHandlerTable;
