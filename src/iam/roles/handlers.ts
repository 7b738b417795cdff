import type { IamHandlerTable } from '../handler.ts';
import { roleHandlers } from './roles.ts';
import { roleTags } from './role-tags.ts';
import { serviceLinkedRoleHandlers } from './service-linked-roles.ts';
import { instanceProfileHandlers } from './instance-profiles.ts';
import { instanceProfileTags } from './instance-profile-tags.ts';

/** The IAM operations implemented by the roles module (roles and instance profiles). */
export const handlers = {
  ...roleHandlers,
  ...roleTags.handlers,
  ...serviceLinkedRoleHandlers,
  ...instanceProfileHandlers,
  ...instanceProfileTags.handlers,
} satisfies IamHandlerTable;
