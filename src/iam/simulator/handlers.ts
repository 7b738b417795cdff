import type { IamHandlerTable } from '../handler.ts';
import { getContextKeysForCustomPolicy, simulateCustomPolicy } from './custom-policy.ts';
import { getContextKeysForPrincipalPolicy, simulatePrincipalPolicy } from './principal-policy.ts';
import { unsupportedHandlers } from './unsupported.ts';

/** The IAM operations implemented by the simulator module. */
export const handlers = {
  ...unsupportedHandlers,
  SimulateCustomPolicy: simulateCustomPolicy,
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
  GetContextKeysForCustomPolicy: getContextKeysForCustomPolicy,
  GetContextKeysForPrincipalPolicy: getContextKeysForPrincipalPolicy,
} satisfies IamHandlerTable;
