import type { OperationContext } from '../kernel/operation.ts';
import { findRoleByArn } from '../iam/roles/records.ts';
import type { AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse } from '../protocol/generated/sts.ts';
import { consumeAssertionId } from './assertion-replay.ts';
import { federatedSessionTags, verifiedFederation } from './federated-role-target.ts';
import { samlDenied } from './errors.ts';
import { issueRoleSession, prepareRoleSession } from './role-session.ts';

/**
 * sts:AssumeRoleWithSAML, once the assertion was verified (authentication) and the role's
 * trust policy allowed its subject (the authorize stage): a session of the role named by the
 * assertion's RoleSessionName, lasting the shorter of DurationSeconds and its SessionDuration
 * (then the role's maximum) and never past its SessionNotOnOrAfter. The assertion is accepted
 * once: its ID is recorded last, after every check, so a refused request does not use it up.
 */
async function assumeRoleWithSaml(input: AssumeRoleWithSAMLRequest, ctx: OperationContext): Promise<AssumeRoleWithSAMLResponse> {
  const federation = verifiedFederation(ctx);
  const role = await findRoleByArn(ctx.store, input.RoleArn);
  if (!role) throw samlDenied();
  const requested = [input.DurationSeconds, federation.sessionDuration].filter((d): d is number => d !== undefined);
  const prepared = await prepareRoleSession(ctx, {
    role,
    sessionName: federation.sessionName!,
    ...(requested.length > 0 ? { durationSeconds: Math.min(...requested) } : {}),
    chained: false,
    ...(input.Policy !== undefined ? { policy: input.Policy } : {}),
    ...(input.PolicyArns !== undefined ? { policyArns: input.PolicyArns } : {}),
    tags: federatedSessionTags(federation),
    ...(federation.sourceIdentity !== undefined ? { sourceIdentity: federation.sourceIdentity } : {}),
    federation: { protocol: 'saml', provider: federation.providerArn, subject: federation.subject },
    ...(federation.sessionNotOnOrAfter ? { notAfter: federation.sessionNotOnOrAfter } : {}),
  });
  const replay = federation.replay!;
  await consumeAssertionId(ctx.store, { arn: federation.providerArn, accountId: role.accountId }, replay.assertionId, replay.notOnOrAfter, ctx.clock.now());
  const session = await issueRoleSession(ctx, prepared);
  const { Subject, SubjectType, Issuer, Audience, NameQualifier } = federation.response;
  return { ...session, Subject: Subject!, SubjectType: SubjectType!, Issuer: Issuer!, Audience: Audience!, NameQualifier: NameQualifier! };
}

export const samlHandlers = { AssumeRoleWithSAML: assumeRoleWithSaml };
