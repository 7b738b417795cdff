import type { OperationContext } from '../kernel/operation.ts';
import type { SessionClaims } from '../kernel/session.ts';
import { roleArn, type RoleRecord } from '../iam/roles/records.ts';
import { recordRoleUse } from '../iam/roles/last-used.ts';
import type { AssumedRoleUser, Credentials, PolicyDescriptorType } from '../protocol/generated/sts.ts';
import { assumeRoleDuration, durationUntil } from './durations.ts';
import { packedPolicySize } from './packed-size.ts';
import { assumedRoleArn } from './session-arns.ts';
import { sessionPolicies } from './session-policies.ts';
import type { SessionTagSet } from './session-tags.ts';
import { issueTemporaryCredentials } from './temporary-credentials.ts';

/**
 * The one role-session issuer: AssumeRole, AssumeRoleWithWebIdentity and AssumeRoleWithSAML
 * (and services assuming roles) all make a role's session here, once the authorize stage has
 * decided. The session lasts the requested duration up to the role's MaxSessionDuration (an
 * hour when chained), never past `notAfter` (a SAML session's SessionNotOnOrAfter); carries
 * its session policies, tags, source identity, MFA state and federation; and the role's last
 * use is recorded.
 *
 * Making a session is two steps so that callers can run every check before spending anything
 * (AssumeRole consumes an MFA code only once the session is known to be possible):
 * prepareRoleSession checks the duration, session policies and packed size; issueRoleSession
 * seals the token.
 */
export interface RoleSessionRequest {
  role: RoleRecord;
  sessionName: string;
  /** DurationSeconds (or the shorter of it and what an identity provider asks for). */
  durationSeconds?: number;
  /** Made by a role session (role chaining). */
  chained: boolean;
  policy?: string;
  policyArns?: readonly PolicyDescriptorType[];
  tags: SessionTagSet;
  sourceIdentity?: string;
  federation?: SessionClaims['federation'];
  /** Made by a service for a workload (an EC2 instance profile, an ECS task role). */
  workload?: SessionClaims['workload'];
  /** The session ends no later than this. */
  notAfter?: Date;
}

export interface IssuedRoleSession {
  Credentials: Credentials;
  AssumedRoleUser: AssumedRoleUser;
  PackedPolicySize?: number;
  SourceIdentity?: string;
}

export interface PreparedRoleSession {
  request: RoleSessionRequest;
  durationSeconds: number;
  policies: SessionClaims['sessionPolicies'];
  packedSize: number | undefined;
}

export async function prepareRoleSession(ctx: OperationContext, request: RoleSessionRequest): Promise<PreparedRoleSession> {
  const { role } = request;
  const allowed = assumeRoleDuration(request.durationSeconds, role.data.maxSessionDuration, request.chained);
  const durationSeconds = durationUntil(allowed, request.notAfter, ctx.clock.now());
  const policies = await sessionPolicies(ctx.store, role.accountId, request.policy, request.policyArns);
  return { request, durationSeconds, policies, packedSize: packedPolicySize(policies, request.tags.tags) };
}

export async function issueRoleSession(ctx: OperationContext, prepared: PreparedRoleSession, mfa?: SessionClaims['mfa']): Promise<IssuedRoleSession> {
  const { request, policies, packedSize } = prepared;
  const { role, tags, sourceIdentity } = request;
  const credentials = await issueTemporaryCredentials(ctx, prepared.durationSeconds, {
    kind: 'role-session',
    accountId: role.accountId,
    role: { id: role.id, arn: roleArn(role.accountId, role.path, role.name), name: role.name, path: role.path },
    sessionName: request.sessionName,
    ...(policies ? { sessionPolicies: policies } : {}),
    ...(Object.keys(tags.tags).length > 0 ? { tags: tags.tags } : {}),
    ...(tags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: tags.transitiveTagKeys } : {}),
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
    ...(mfa ? { mfa } : {}),
    ...(request.chained ? { chained: true } : {}),
    ...(request.federation ? { federation: request.federation } : {}),
    ...(request.workload ? { workload: request.workload } : {}),
  });
  await recordRoleUse(ctx.store, role.id, ctx.clock.now(), ctx.region);
  return {
    Credentials: credentials,
    AssumedRoleUser: {
      AssumedRoleId: `${role.id}:${request.sessionName}`,
      Arn: assumedRoleArn(role.accountId, role.name, request.sessionName),
    },
    ...(packedSize !== undefined ? { PackedPolicySize: packedSize } : {}),
    ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}),
  };
}
