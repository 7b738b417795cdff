/**
 * The claims of a token from sts:GetWebIdentityToken (IAM User Guide, "Understanding token
 * claims"): the standard OIDC claims — iss (the account's issuer), aud (the requested
 * audiences), sub (the caller's IAM identity: a user's ARN, a role session's ROLE ARN), iat,
 * exp, jti — and AWS's own under the "https://sts.amazonaws.com/" namespace: aws_account,
 * source_region, principal_id (the caller's ARN: the role session's assumed-role ARN),
 * principal_tags, request_tags (the request's Tags) and org_id when the account is in an
 * organization. Claims with nothing to say are left out, as AWS's sample says some may be.
 *
 * Pure: time, IDs and the caller come in as data.
 */
export const AWS_CLAIMS_NAMESPACE = 'https://sts.amazonaws.com/';

/**
 * The largest payload (its JSON, in bytes) a token may carry: JWTPayloadSizeExceededException
 * above it. AWS documents the error, not its limit; 16 KiB keeps a token comfortably inside the
 * HTTP header limits of common servers (8–16 KiB once base64url-encoded and signed would not),
 * so Tessera is stricter than AWS may be in that the limit is written down here.
 */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

export interface TokenClaimsInput {
  issuer: string;
  audiences: readonly string[];
  subject: string;
  principalArn: string;
  accountId: string;
  region: string;
  issuedAtSeconds: number;
  durationSeconds: number;
  jti: string;
  principalTags: Readonly<Record<string, string>>;
  requestTags: ReadonlyArray<{ Key: string; Value: string }>;
  orgId?: string;
}

export function tokenClaims(input: TokenClaimsInput): Record<string, unknown> {
  const aws: Record<string, unknown> = {
    aws_account: input.accountId,
    source_region: input.region,
    principal_id: input.principalArn,
  };
  if (input.orgId !== undefined) aws['org_id'] = input.orgId;
  if (Object.keys(input.principalTags).length > 0) aws['principal_tags'] = tagObject(Object.entries(input.principalTags));
  if (input.requestTags.length > 0) aws['request_tags'] = tagObject(input.requestTags.map((t) => [t.Key, t.Value]));
  return {
    iss: input.issuer,
    // One audience is a string, as AWS's sample shows; several are an array (RFC 7519 4.1.3).
    aud: input.audiences.length === 1 ? input.audiences[0] : [...input.audiences],
    sub: input.subject,
    iat: input.issuedAtSeconds,
    exp: input.issuedAtSeconds + input.durationSeconds,
    jti: input.jti,
    [AWS_CLAIMS_NAMESPACE]: aws,
  };
}

/** Tags as a JSON object; built without a prototype so a tag named "__proto__" is just a key. */
function tagObject(entries: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const object: Record<string, string> = Object.create(null);
  for (const [key, value] of entries) object[key] = value;
  return object;
}

export function payloadBytes(claims: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(claims), 'utf8');
}
