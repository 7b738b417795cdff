import type { OperationContext } from '../../kernel/operation.ts';
import type { ContextValue } from '../../policy/index.ts';
import { requestTagContext } from '../../iam/authorization/request-tags.ts';
import { findSamlProvider } from '../../iam/providers/lookup.ts';
import { findRoleByArn, parseRoleArn, roleArn } from '../../iam/roles/records.ts';
import { recordRoleUse } from '../../iam/roles/last-used.ts';
import { tagMap } from '../../iam/tags.ts';
import type { AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse } from '../../protocol/generated/sts.ts';
import { assumeRoleDuration } from '../../sts/durations.ts';
import { packedPolicySize } from '../../sts/packed-size.ts';
import { assertArnShape } from '../../sts/role-arn.ts';
import { assumedRoleArn } from '../../sts/session-arns.ts';
import { sessionPolicies } from '../../sts/session-policies.ts';
import { sessionTags } from '../../sts/session-tags.ts';
import { issueTemporaryCredentials } from '../../sts/temporary-credentials.ts';
import { assertRolePair, awsSessionAttributes } from './aws-attributes.ts';
import { nameQualifier, samlContextKeys, subjectType } from './context-keys.ts';
import { encryptedAssertionRequired, issuerNotInProvider, providerExpired, responseSignatureInvalid, samlAssumeDenied } from './errors.ts';
import { consumeAssertionId } from './replay.ts';
import { assertAssertionCurrent, assertIssuedRecently, assertSessionOpen, awsRecipient, sessionSecondsWithin } from './timing-and-audience.ts';
import { assertTrustAllows } from './trust-decision.ts';
import { verifySamlResponse } from './verify-response.ts';

/**
 * sts:AssumeRoleWithSAML: a session of the role for the subject a SAML identity provider
 * vouches for. The caller is unauthenticated until the response's signature checks out, so
 * nothing about the role or provider is revealed before: the provider named by PrincipalArn
 * is looked up only for its keys (one that does not exist fails exactly like a bad signature),
 * and the role only once the assertion is verified, current, meant for AWS and granting this
 * role/provider pair (a role that does not exist is refused exactly like one whose trust
 * policy says no). The provider must be registered in the role's account; the role's trust
 * policy decides. The assertion ID is consumed last, so a refused request does not use it up.
 */
export async function assumeRoleWithSaml(input: AssumeRoleWithSAMLRequest, ctx: OperationContext): Promise<AssumeRoleWithSAMLResponse> {
  assertArnShape(input.RoleArn);
  const provider = await findSamlProvider(ctx.store, input.PrincipalArn);
  const verified = await verifySamlResponse(input.SAMLAssertion, provider?.signingCertificates ?? []);
  // verifySamlResponse refuses every message when there are no certificates; this only narrows the type.
  if (!provider) throw responseSignatureInvalid();
  const { assertion } = verified;

  const now = ctx.clock.now();
  if (now.getTime() >= Date.parse(provider.validUntil)) throw providerExpired();
  // Encrypted assertions are not decrypted yet: a provider that requires them gets none through.
  if (provider.assertionEncryptionMode === 'Required') throw encryptedAssertionRequired();
  if (assertion.issuer !== provider.entityId) throw issuerNotInProvider();
  // Both IssueInstants: the assertion's is signed; the Response's may not be, but a stale one
  // can only make us refuse.
  assertIssuedRecently([verified.issueInstant, assertion.issueInstant], now);
  const expiresAt = assertAssertionCurrent(assertion, now);
  assertSessionOpen(assertion.sessionNotOnOrAfter, now);
  const recipient = awsRecipient(assertion);

  assertRolePair(assertion, input.RoleArn, provider.arn);
  // The provider must belong to the role's account (a role pair naming another account's
  // provider is refused even if that provider signed the assertion).
  if (parseRoleArn(input.RoleArn)?.accountId !== provider.accountId) throw samlAssumeDenied();
  const attributes = awsSessionAttributes(assertion);
  const tags = sessionTags(attributes.tags, attributes.transitiveTagKeys, undefined);

  const role = await findRoleByArn(ctx.store, input.RoleArn);
  if (!role) throw samlAssumeDenied();
  const fullRoleArn = roleArn(role.accountId, role.path, role.name);

  const context: Record<string, ContextValue> = {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:RequestedRegion': ctx.region,
    'aws:FederatedProvider': provider.arn,
    ...resourceTags(tagMap(role.data.tags)),
    ...requestTagContext(attributes.tags),
    ...samlContextKeys(assertion, recipient, provider),
  };
  if (tags.transitiveTagKeys.length > 0) context['sts:TransitiveTagKeys'] = [...tags.transitiveTagKeys];
  if (attributes.sourceIdentity !== undefined) context['sts:SourceIdentity'] = attributes.sourceIdentity;
  assertTrustAllows({
    policyCache: ctx.policyCache,
    trustPolicy: role.data.assumeRolePolicyDocument,
    roleArn: fullRoleArn,
    providerArn: provider.arn,
    context,
    tagsPassed: attributes.tags.length > 0 || attributes.transitiveTagKeys.length > 0,
    sourceIdentityPassed: attributes.sourceIdentity !== undefined,
  });

  // DurationSeconds and the SessionDuration attribute: the shorter wins; then the role's maximum.
  const requested = [input.DurationSeconds, attributes.sessionDuration].filter((d): d is number => d !== undefined);
  const allowed = assumeRoleDuration(requested.length > 0 ? Math.min(...requested) : undefined, role.data.maxSessionDuration, false);
  // ...and the credentials expire no later than the IdP's session (SessionNotOnOrAfter).
  const duration = sessionSecondsWithin(allowed, assertion.sessionNotOnOrAfter, now);
  const policies = await sessionPolicies(ctx.store, role.accountId, input.Policy, input.PolicyArns);
  const packedSize = packedPolicySize(policies, tags.tags);

  await consumeAssertionId(ctx.store, provider, assertion.id, expiresAt, now);
  const subject = assertion.nameId ?? '';
  const credentials = await issueTemporaryCredentials(ctx, duration, {
    kind: 'role-session',
    accountId: role.accountId,
    role: { id: role.id, arn: fullRoleArn, name: role.name, path: role.path },
    sessionName: attributes.sessionName,
    ...(policies ? { sessionPolicies: policies } : {}),
    ...(Object.keys(tags.tags).length > 0 ? { tags: tags.tags } : {}),
    ...(tags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: tags.transitiveTagKeys } : {}),
    ...(attributes.sourceIdentity !== undefined ? { sourceIdentity: attributes.sourceIdentity } : {}),
    federation: { protocol: 'saml', provider: provider.arn, subject },
  });
  await recordRoleUse(ctx.store, role.id, now, ctx.region);
  return {
    Credentials: credentials,
    AssumedRoleUser: {
      AssumedRoleId: `${role.id}:${attributes.sessionName}`,
      Arn: assumedRoleArn(role.accountId, role.name, attributes.sessionName),
    },
    Subject: subject,
    SubjectType: subjectType(assertion.nameIdFormat),
    Issuer: assertion.issuer,
    Audience: recipient,
    NameQualifier: nameQualifier(assertion.issuer, provider.accountId, provider.name),
    ...(packedSize !== undefined ? { PackedPolicySize: packedSize } : {}),
    ...(attributes.sourceIdentity !== undefined ? { SourceIdentity: attributes.sourceIdentity } : {}),
  };
}

function resourceTags(tags: Readonly<Record<string, string>>): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  for (const [key, value] of Object.entries(tags)) context[`aws:ResourceTag/${key}`] = value;
  return context;
}
