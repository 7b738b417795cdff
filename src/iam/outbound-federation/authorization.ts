import type { AuthorizationTarget, TargetTable } from '../authorization/target.ts';

/**
 * The Service Authorization Reference lists no resource type and no condition key for
 * iam:EnableOutboundWebIdentityFederation, iam:DisableOutboundWebIdentityFederation or
 * iam:GetOutboundWebIdentityFederationInfo: each is authorized on "*" in the caller's account,
 * before the handler looks at the account's state (a caller without permission learns nothing
 * of it).
 */
const anyResource = async (): Promise<AuthorizationTarget> => ({ resource: '*' });

export const targets = {
  EnableOutboundWebIdentityFederation: anyResource,
  DisableOutboundWebIdentityFederation: anyResource,
  GetOutboundWebIdentityFederationInfo: anyResource,
} satisfies TargetTable;
