import { SignJWT } from 'jose';
import type { AuthorizationTarget, TargetContext } from '../authz/target.ts';
import type { OperationContext } from '../kernel/operation.ts';
import type { Principal } from '../kernel/principal.ts';
import type { ContextValue } from '../policy/index.ts';
import type { GetWebIdentityTokenRequest, GetWebIdentityTokenResponse } from '../protocol/generated/sts.ts';
import type { StoreTx } from '../store/types.ts';
import { requestTagContext } from '../iam/authorization/request-tags.ts';
import { Kind } from '../iam/kinds.ts';
import { outboundFederationOf, openSigningKey, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../iam/outbound-federation/records.ts';
import { tagMap, type Tag } from '../iam/tags.ts';
import { duplicateTagKeys } from './errors.ts';
import type { StsHandlerTable } from './handler.ts';
import { MAX_PAYLOAD_BYTES, payloadBytes, tokenClaims } from './web-identity-token-claims.ts';
import {
  callerCannotGetToken, federationDisabled, invalidSigningAlgorithm, payloadTooLarge, reservedTagKey, sessionDurationEscalation,
} from './web-identity-token-errors.ts';

/**
 * sts:GetWebIdentityToken (STS API reference; IAM User Guide, "Outbound identity federation"):
 * a JWT, signed with the caller's account's issuer key, that proves the caller's IAM identity
 * to a service outside AWS which trusts the issuer's discovery documents.
 *
 * In order: the input is validated (the model bounds Audience, DurationSeconds 60–3600 and the
 * tags; the algorithm must be RS256 or ES384, tag keys unique regardless of case and not
 * `aws:`-prefixed); only an IAM user or role session may ask (the root user has no IAM
 * identity to vouch for); authorization decides sts:GetWebIdentityToken on "*" with
 * sts:IdentityTokenAudience, sts:DurationSeconds (the effective duration, so 300 when none is
 * asked), sts:SigningAlgorithm, aws:RequestTag/… and aws:TagKeys; then the account's feature
 * must be on (OutboundWebIdentityFederationDisabledException), a session's token may not outlive
 * the session (SessionDurationEscalationException), and the payload must fit
 * (JWTPayloadSizeExceededException).
 */

/** AWS's default token life, seconds. */
export const DEFAULT_TOKEN_SECONDS = 300;

interface ValidRequest {
  audiences: string[];
  durationSeconds: number;
  algorithm: SigningAlgorithm;
  tags: Tag[];
}

function validRequest(input: GetWebIdentityTokenRequest): ValidRequest {
  const algorithm = SIGNING_ALGORITHMS.find((alg) => alg === input.SigningAlgorithm);
  if (algorithm === undefined) throw invalidSigningAlgorithm(input.SigningAlgorithm);
  const tags = input.Tags ?? [];
  const keys = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key.toLowerCase();
    if (keys.has(key)) throw duplicateTagKeys();
    keys.add(key);
  }
  const reserved = tags.find((tag) => tag.Key.toLowerCase().startsWith('aws:'));
  if (reserved) throw reservedTagKey(reserved.Key);
  return { audiences: [...input.Audience], durationSeconds: input.DurationSeconds ?? DEFAULT_TOKEN_SECONDS, algorithm, tags };
}

function assertTokenCaller(caller: Principal): void {
  if (caller.kind !== 'user' && caller.kind !== 'role-session') throw callerCannotGetToken(caller.arn);
}

export async function webIdentityTokenTarget(input: GetWebIdentityTokenRequest, ctx: TargetContext): Promise<AuthorizationTarget> {
  const request = validRequest(input);
  assertTokenCaller(ctx.principal);
  const context: Record<string, ContextValue> = {
    'sts:IdentityTokenAudience': request.audiences,
    'sts:DurationSeconds': request.durationSeconds,
    'sts:SigningAlgorithm': request.algorithm,
    ...requestTagContext(request.tags),
  };
  return { resource: '*', context };
}

/** `sub`: the IAM identity behind the caller — the user, or the role of a role session (AWS's sample). */
function subjectOf(caller: Principal): string {
  if (caller.kind === 'role-session' && caller.session?.role) return caller.session.role.arn;
  return caller.arn;
}

/**
 * The caller's principal tags as aws:PrincipalTag/… sees them: a user's tags; a role session's
 * role tags overridden by its session tags. Read now, as authorization reads them.
 */
async function principalTagsOf(tx: StoreTx, caller: Principal): Promise<Record<string, string>> {
  if (caller.kind === 'role-session' && caller.session?.role) {
    const role = await tx.get<{ tags: Tag[] }>(Kind.role, caller.session.role.id);
    return { ...tagMap(role?.data.tags ?? []), ...(caller.session.tags ?? {}) };
  }
  const user = await tx.get<{ tags: Tag[] }>(Kind.user, caller.userId);
  return tagMap(user?.data.tags ?? []);
}

async function getWebIdentityToken(input: GetWebIdentityTokenRequest, ctx: OperationContext): Promise<GetWebIdentityTokenResponse> {
  const request = validRequest(input);
  const caller = ctx.principal;
  assertTokenCaller(caller);
  const federation = await outboundFederationOf(ctx.store, caller.accountId);
  if (!federation?.data.enabled) throw federationDisabled();

  const now = ctx.clock.now().getTime();
  const issuedAtSeconds = Math.floor(now / 1000);
  const expiresAt = (issuedAtSeconds + request.durationSeconds) * 1000;
  if (caller.session && expiresAt > Date.parse(caller.session.expiresAt)) throw sessionDurationEscalation();

  const org = await ctx.organizations?.(ctx.store, caller.accountId);
  const claims = tokenClaims({
    issuer: federation.data.issuer,
    audiences: request.audiences,
    subject: subjectOf(caller),
    principalArn: caller.arn,
    accountId: caller.accountId,
    region: ctx.region,
    issuedAtSeconds,
    durationSeconds: request.durationSeconds,
    jti: ctx.random.uuid(),
    principalTags: await principalTagsOf(ctx.store, caller),
    requestTags: request.tags,
    ...(org ? { orgId: org.orgId } : {}),
  });
  const bytes = payloadBytes(claims);
  if (bytes > MAX_PAYLOAD_BYTES) throw payloadTooLarge(bytes, MAX_PAYLOAD_BYTES);

  const key = federation.data.keys[request.algorithm];
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: request.algorithm, kid: key.kid, typ: 'JWT' })
    .sign(openSigningKey(federation, request.algorithm, ctx.secrets));
  return { WebIdentityToken: token, Expiration: new Date(expiresAt) };
}

export const webIdentityTokenHandlers = {
  GetWebIdentityToken: getWebIdentityToken,
} satisfies StsHandlerTable;
