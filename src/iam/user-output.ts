import { userArn } from '../kernel/arns.ts';
import type { UserRecord } from './records.ts';
import type { User } from '../protocol/generated/iam.ts';
import { attachedBoundary } from './permissions-boundary-output.ts';

/** The `User` structure of IAM responses. Tags and boundary only where AWS includes them. */
export function userOutput(user: UserRecord, options: { detailed: boolean }): User {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: userArn(user.accountId, user.path, user.name),
    CreateDate: new Date(user.createdAt),
    ...(user.data.passwordLastUsed ? { PasswordLastUsed: new Date(user.data.passwordLastUsed) } : {}),
    ...(options.detailed && user.data.permissionsBoundary
      ? { PermissionsBoundary: attachedBoundary(user.data.permissionsBoundary) }
      : {}),
    ...(options.detailed && user.data.tags.length > 0 ? { Tags: user.data.tags } : {}),
  };
}
