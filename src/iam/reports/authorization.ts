import type { TargetTable } from '../authorization/target.ts';
import { awsOwnership } from '../policies/records.ts';

/**
 * The report operations act on the whole account: the Service Authorization Reference lists
 * no resource type for them, so they are authorized against "*" — except
 * GenerateServiceLastAccessedDetails, authorized on the user, group, role or policy its Arn
 * names (the reference's resource types for it), as given; an AWS managed policy's as AWS-owned
 * (authz/target.ts), so the caller's own policies decide it.
 */
export const targets = {
  GenerateCredentialReport: async () => ({ resource: '*' }),
  GetCredentialReport: async () => ({ resource: '*' }),
  GetAccountAuthorizationDetails: async () => ({ resource: '*' }),
  GenerateServiceLastAccessedDetails: async (input) => ({ resource: input.Arn, ...awsOwnership(input.Arn) }),
  GetServiceLastAccessedDetails: async () => ({ resource: '*' }),
  GetServiceLastAccessedDetailsWithEntities: async () => ({ resource: '*' }),
} satisfies TargetTable;
