import type { Principal } from '../kernel/principal.ts';
import type { SessionClaims } from '../kernel/session.ts';
import { rootArn } from '../kernel/arns.ts';

/**
 * The principal a session token stands for, as AWS names it:
 *   role session    arn:aws:sts::<acct>:assumed-role/<role>/<session>, UserId <AROA…>:<session>
 *   federated user  arn:aws:sts::<acct>:federated-user/<name>,          UserId <acct>:<name>
 *   user session    the IAM user (or root) itself (sts:GetSessionToken)
 *   root session    the account's root user (sts:AssumeRoot), UserId the account ID
 * Principal tags here are the session's tags; a role session's role tags are added at
 * authorization time (they are read from the role, which may change during the session).
 */
export function principalFromSession(claims: SessionClaims): Principal {
  const base = { accountId: claims.accountId, accessKeyId: claims.accessKeyId, session: claims, tags: { ...(claims.tags ?? {}) } };
  switch (claims.kind) {
    case 'role-session': {
      const role = claims.role!;
      return {
        ...base,
        kind: 'role-session',
        arn: `arn:aws:sts::${claims.accountId}:assumed-role/${role.name}/${claims.sessionName}`,
        userId: `${role.id}:${claims.sessionName}`,
        name: role.name,
      };
    }
    case 'federated-user':
      return {
        ...base,
        kind: 'federated-user',
        arn: `arn:aws:sts::${claims.accountId}:federated-user/${claims.federatedName}`,
        userId: `${claims.accountId}:${claims.federatedName}`,
        name: claims.federatedName!,
      };
    case 'user-session': {
      const user = claims.user!;
      if (user.root) return { ...base, kind: 'root', arn: rootArn(claims.accountId), userId: claims.accountId };
      return { ...base, kind: 'user', arn: user.arn, userId: user.id, ...(user.name !== undefined ? { name: user.name } : {}) };
    }
    case 'root-session':
      return { ...base, kind: 'root', arn: rootArn(claims.accountId), userId: claims.accountId };
  }
}
