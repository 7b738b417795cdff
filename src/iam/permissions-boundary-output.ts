import type { AttachedPermissionsBoundary, PermissionsBoundaryAttachmentType } from '../protocol/generated/iam.ts';

/**
 * IAM answers `PermissionsBoundaryType` with `Policy` (GetUser, GetRole and
 * GetAccountAuthorizationDetails as recorded from AWS), not with the value its model's enum
 * lists (`PermissionsBoundaryPolicy`). The SDKs do not check response enums, so AWS's value
 * goes out as is.
 */
const RECORDED_BOUNDARY_TYPE = 'Policy' as unknown as PermissionsBoundaryAttachmentType;

/** The `PermissionsBoundary` structure of a user or role whose boundary is `arn`. */
export function attachedBoundary(arn: string): AttachedPermissionsBoundary {
  return { PermissionsBoundaryType: RECORDED_BOUNDARY_TYPE, PermissionsBoundaryArn: arn };
}
