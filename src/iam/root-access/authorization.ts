import type { AuthorizationTarget, TargetTable } from '../authorization/target.ts';

/**
 * How centralized root access's operations are authorized: the Service Authorization Reference
 * lists no resource type for iam:EnableOrganizationsRootCredentialsManagement,
 * iam:EnableOrganizationsRootSessions, their Disable* twins or iam:ListOrganizationsFeatures,
 * so each is authorized on "*" in the caller's account. The handler then checks the
 * organization (handlers.ts): a caller without permission learns nothing of it.
 */
const anyResource = async (): Promise<AuthorizationTarget> => ({ resource: '*' });

export const targets = {
  EnableOrganizationsRootCredentialsManagement: anyResource,
  DisableOrganizationsRootCredentialsManagement: anyResource,
  EnableOrganizationsRootSessions: anyResource,
  DisableOrganizationsRootSessions: anyResource,
  ListOrganizationsFeatures: anyResource,
} satisfies TargetTable;
