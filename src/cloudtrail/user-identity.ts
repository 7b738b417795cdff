import type { Principal } from '../kernel/principal.ts';
import { eventTimeOf } from './dates.ts';

/**
 * CloudTrail's `userIdentity` of a caller: Root, IAMUser, AssumedRole (with its session issuer,
 * web identity federation data and source identity), FederatedUser, WebIdentityUser, SAMLUser,
 * AWSService for a service acting for a workload, and AWSAccount for a caller without credentials.
 */
export type UserIdentity = Record<string, unknown>;

export function userIdentityOf(principal: Principal | undefined): UserIdentity {
  if (principal === undefined || principal.kind === 'anonymous') return { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' };
  const keyed = principal.accessKeyId ? { accessKeyId: principal.accessKeyId } : {};
  switch (principal.kind) {
    case 'root':
      return { type: 'Root', principalId: principal.accountId, arn: principal.arn, accountId: principal.accountId, ...keyed, ...sessionOf(principal) };
    case 'user':
      return {
        type: 'IAMUser', principalId: principal.userId, arn: principal.arn, accountId: principal.accountId, ...keyed,
        ...(principal.name !== undefined ? { userName: principal.name } : {}), ...sessionOf(principal),
      };
    case 'role-session':
      return { type: 'AssumedRole', principalId: principal.userId, arn: principal.arn, accountId: principal.accountId, ...keyed, ...sessionOf(principal) };
    case 'federated-user':
      return { type: 'FederatedUser', principalId: principal.userId, arn: principal.arn, accountId: principal.accountId, ...keyed, ...sessionOf(principal) };
    case 'web-identity': {
      const federation = principal.federation;
      const provider = federation ? providerNameOf(federation.providerArn) : '';
      const audience = federation?.response['Audience'];
      return {
        type: 'WebIdentityUser',
        // CloudTrail's form: provider, token audience and subject
        // (`accounts.google.com:<client id>:<user id>`), not the provider's ARN.
        principalId: federation && audience !== undefined ? `${provider}:${audience}:${federation.subject}` : principal.userId,
        userName: federation?.subject ?? principal.name ?? '',
        identityProvider: provider,
      };
    }
    case 'saml':
      return {
        type: 'SAMLUser',
        principalId: principal.userId,
        userName: principal.federation?.subject ?? principal.name ?? '',
        identityProvider: principal.federation?.providerArn ?? '',
      };
    case 'service':
      // A service acting for a workload (EC2, ECS): CloudTrail names it as the invoker.
      return { type: 'AWSService', invokedBy: principal.name ?? principal.arn };
  }
}

/** The OIDC provider as CloudTrail names it: its URL without the scheme (the ARN's resource after `oidc-provider/`). */
function providerNameOf(providerArn: string): string {
  const at = providerArn.indexOf(':oidc-provider/');
  return at < 0 ? providerArn : providerArn.slice(at + ':oidc-provider/'.length);
}

/** `sessionContext` of a caller signing with temporary credentials. */
function sessionOf(principal: Principal): { sessionContext?: Record<string, unknown> } {
  const session = principal.session;
  if (!session) return {};
  const attributes = { creationDate: eventTimeOf(new Date(session.issuedAt)), mfaAuthenticated: session.mfa ? 'true' : 'false' };
  const context: Record<string, unknown> = {};
  if (session.kind === 'role-session' && session.role) {
    context['sessionIssuer'] = { type: 'Role', principalId: session.role.id, arn: session.role.arn, accountId: session.accountId, userName: session.role.name };
    // A session made from an OIDC token names its provider; a SAML session does not.
    if (session.federation?.protocol === 'oidc') context['webIdFederationData'] = { federatedProvider: session.federation.provider, attributes: {} };
  } else if (session.kind === 'federated-user' && session.user) {
    context['sessionIssuer'] = session.user.root
      ? { type: 'Root', principalId: session.accountId, arn: session.user.arn, accountId: session.accountId }
      : { type: 'IAMUser', principalId: session.user.id, arn: session.user.arn, accountId: session.accountId, ...(session.user.name !== undefined ? { userName: session.user.name } : {}) };
  }
  context['attributes'] = attributes;
  if (session.sourceIdentity !== undefined) context['sourceIdentity'] = session.sourceIdentity;
  return { sessionContext: context };
}

/** The name LookupEvents' `Username` attribute finds a caller by. */
export function usernameOf(principal: Principal | undefined): string | undefined {
  if (principal === undefined) return undefined;
  switch (principal.kind) {
    case 'root':
      return 'root';
    case 'user':
      return principal.name;
    case 'role-session':
      return principal.session?.sessionName ?? principal.name;
    case 'federated-user':
      return principal.session?.federatedName ?? principal.name;
    case 'web-identity':
    case 'saml':
      return principal.federation?.subject ?? principal.name;
    default:
      return undefined;
  }
}

/** The IAM identity behind a caller (a role session's role, a federated user's IAM user), for `tessera policy generate`. */
export function issuerArnOf(principal: Principal | undefined): string | undefined {
  const session = principal?.session;
  if (!session) return undefined;
  if (session.kind === 'role-session') return session.role?.arn;
  if (session.kind === 'federated-user') return session.user?.arn;
  return undefined;
}
