import type { IamHandlerTable } from '../handler.ts';
import { attachmentHandlers } from './attachments.ts';
import { boundaryHandlers } from './boundaries.ts';
import { inlinePolicyHandlers } from './inline-policies.ts';
import { listPoliciesHandlers } from './list-policies.ts';
import { managedPolicyHandlers } from './managed-policies.ts';
import { policyVersionHandlers } from './policy-versions.ts';
import { serviceAccessHandlers } from './service-access.ts';

/** The IAM operations implemented by the policies module. */
export const handlers = {
  ...managedPolicyHandlers,
  ...listPoliciesHandlers,
  ...policyVersionHandlers,
  ...attachmentHandlers,
  ...inlinePolicyHandlers,
  ...boundaryHandlers,
  ...serviceAccessHandlers,
} satisfies IamHandlerTable;
