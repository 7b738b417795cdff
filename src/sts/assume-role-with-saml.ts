import type { OperationContext } from '../kernel/operation.ts';
import { findRoleByArn } from '../iam/roles/records.ts';
import type { AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse } from '../protocol/generated/sts.ts';
import { consumeAssertionId } from './assertion-replay.ts';
import { federatedSessionKeys } from './federated-session-keys.ts';
import { federatedSessionTags, verifiedFederation } from './federated-role-target.ts';
import { samlDenied } from './errors.ts';
import { issueRoleSession, prepareRoleSession } from './role-session.ts';

/**
 * sts:AssumeRoleWithSAML, once the assertion was verified (authentication) and the role's
 * trust policy allowed its subject (the authorize stage): a session of the role named by the
 * assertion's RoleSessionName, lasting DurationSeconds (at most the role's maximum; an hour by
 * default), cut short by its SessionDuration and its SessionNotOnOrAfter. The assertion is accepted
 * once: its ID is recorded last, after every check, so a refused request does not use it up.
 */
async function assumeRoleWithSaml(input: AssumeRoleWithSAMLRequest, ctx: OperationContext): Promise<AssumeRoleWithSAMLResponse> {
  const federation = verifiedFederation(ctx);
  const role = await findRoleByArn(ctx.store, input.RoleArn);
  if (!role) throw samlDenied();
  const notAfter = sessionEnd(federation, ctx.clock.now());
  const prepared = await prepareRoleSession(ctx, {
    role,
    sessionName: federation.sessionName!,
    // DurationSeconds alone is checked against the role's maximum (the API reference: a value
    // above it fails), whatever SessionDuration says; the attribute only ever shortens.
    ...(input.DurationSeconds !== undefined ? { durationSeconds: input.DurationSeconds } : {}),
    chained: false,
    ...(input.Policy !== undefined ? { policy: input.Policy } : {}),
    ...(input.PolicyArns !== undefined ? { policyArns: input.PolicyArns } : {}),
    tags: federatedSessionTags(federation),
    ...(federation.sourceIdentity !== undefined ? { sourceIdentity: federation.sourceIdentity } : {}),
    federation: { protocol: 'saml', provider: federation.providerArn, subject: federation.subject, keys: federatedSessionKeys(federation) },
    ...(notAfter ? { notAfter } : {}),
  });
  const replay = federation.replay!;
  await consumeAssertionId(ctx.store, { arn: federation.providerArn, accountId: role.accountId }, replay.assertionId, replay.notOnOrAfter, ctx.clock.now());
  const session = await issueRoleSession(ctx, prepared);
  const { Subject, SubjectType, Issuer, Audience, NameQualifier } = federation.response;
  return { ...session, Subject: Subject!, SubjectType: SubjectType!, Issuer: Issuer!, Audience: Audience!, NameQualifier: NameQualifier! };
}

/**
 * When the session must end at the latest: the AuthnStatement's SessionNotOnOrAfter, and
 * SessionDuration seconds from now when the IdP sets that attribute. SessionDuration caps the
 * session but is not itself a request: one above the role's MaxSessionDuration (IdPs often send
 * 43200 for every role, for the console) is not an error, and it never lengthens a session past
 * DurationSeconds or the one-hour default (stricter than AWS may be; AWS documents the
 * attribute for console sessions).
 */
function sessionEnd(federation: { sessionDuration?: number; sessionNotOnOrAfter?: Date }, now: Date): Date | undefined {
  const ends: number[] = [];
  if (federation.sessionNotOnOrAfter) ends.push(federation.sessionNotOnOrAfter.getTime());
  if (federation.sessionDuration !== undefined) ends.push(now.getTime() + federation.sessionDuration * 1000);
  return ends.length > 0 ? new Date(Math.min(...ends)) : undefined;
}

export const samlHandlers = { AssumeRoleWithSAML: assumeRoleWithSaml };
