import type { TargetTable } from '../authorization/target.ts';

/**
 * The report operations act on the whole account: the Service Authorization Reference lists
 * no resource type for them, so they are authorized against "*".
 */
export const targets = {
  GenerateCredentialReport: async () => ({ resource: '*' }),
  GetCredentialReport: async () => ({ resource: '*' }),
  GetAccountAuthorizationDetails: async () => ({ resource: '*' }),
} satisfies TargetTable;
