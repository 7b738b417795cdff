import { attachedBoundary } from '../permissions-boundary-output.ts';
import type { Role } from '../../protocol/generated/iam.ts';
import { encodePolicyDocument } from './trust-policy.ts';
import type { PrincipalNames } from './trust-policy-principals.ts';
import { roleArn, type RoleRecord } from './records.ts';

/**
 * The `Role` structure of IAM responses, in the four forms AWS uses:
 *   - `nested`  (roles inside instance profiles): identity and trust policy only, as in AWS's
 *     GetInstanceProfile and ListInstanceProfilesForRole examples;
 *   - `listed`  (ListRoles): also description and session duration, but no tags, boundary or
 *     last use — AWS documents that its listings leave these out;
 *   - `created` (CreateRole, CreateServiceLinkedRole): tags and boundary when set;
 *   - `detailed` (GetRole, UpdateRoleDescription): everything, RoleLastUsed always present
 *     (empty for a role never used, as AWS sends `<RoleLastUsed/>`).
 * The trust policy shows each user or role it names by its current ARN, or by its unique ID
 * once deleted (trust-policy-principals.ts).
 */
export type RoleForm = 'nested' | 'listed' | 'created' | 'detailed';

export async function roleOutput(role: RoleRecord, form: RoleForm, names: PrincipalNames): Promise<Role> {
  const data = role.data;
  const out: Role = {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: roleArn(role.accountId, role.path, role.name),
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodePolicyDocument(await names.display(data.assumeRolePolicyDocument)),
  };
  if (form === 'nested') return out;
  if (data.description !== undefined) out.Description = data.description;
  if (form !== 'created') out.MaxSessionDuration = data.maxSessionDuration;
  if (form === 'listed') return out;
  if (data.permissionsBoundary !== undefined) {
    out.PermissionsBoundary = attachedBoundary(data.permissionsBoundary);
  }
  if (data.tags.length > 0) out.Tags = data.tags;
  if (form === 'detailed') {
    out.RoleLastUsed = data.lastUsed ? { LastUsedDate: new Date(data.lastUsed.date), Region: data.lastUsed.region } : {};
  }
  return out;
}
