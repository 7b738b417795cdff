import type { IamHandlerTable } from '../handler.ts';
import { loginProfileHandlers } from './login-profiles.ts';
import { mfaAssignmentHandlers } from './mfa-assignment.ts';
import { mfaDeviceHandlers } from './mfa-devices.ts';
import { passwordPolicyHandlers } from './password-policy.ts';

/** The IAM operations implemented by the credentials module. */
export const handlers = {
  ...loginProfileHandlers,
  ...passwordPolicyHandlers,
  ...mfaDeviceHandlers,
  ...mfaAssignmentHandlers,
} satisfies IamHandlerTable;
