import { sessionTagProblem } from '../session-tag-limits.ts';
import { assertionRefused, badRoleSessionName, samlAssumeDenied } from './errors.ts';
import type { VerifiedAssertion } from './verified-assertion.ts';

/**
 * The attributes AWS reads from a SAML assertion ("Configure SAML assertions for the
 * authentication response"): which role the IdP lets the subject take, the session's name,
 * duration, tags and source identity.
 */
const AWS = 'https://aws.amazon.com/SAML/Attributes/';
export const ROLE_ATTRIBUTE = `${AWS}Role`;
export const ROLE_SESSION_NAME_ATTRIBUTE = `${AWS}RoleSessionName`;
export const SESSION_DURATION_ATTRIBUTE = `${AWS}SessionDuration`;
export const SOURCE_IDENTITY_ATTRIBUTE = `${AWS}SourceIdentity`;
export const TRANSITIVE_TAG_KEYS_ATTRIBUTE = `${AWS}TransitiveTagKeys`;
export const PRINCIPAL_TAG_PREFIX = `${AWS}PrincipalTag:`;

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;

export interface AwsSessionAttributes {
  sessionName: string;
  /** SessionDuration, when the IdP set one (900–43,200 seconds). */
  sessionDuration?: number;
  tags: Array<{ Key: string; Value: string }>;
  transitiveTagKeys: string[];
  sourceIdentity?: string;
}

/**
 * The Role attribute must hold the pair "<role ARN>,<provider ARN>" (either order) naming
 * exactly the role and provider of the request; otherwise the IdP did not grant this role.
 */
export function assertRolePair(assertion: VerifiedAssertion, roleArn: string, providerArn: string): void {
  const pairs = assertion.attributes.get(ROLE_ATTRIBUTE) ?? [];
  const granted = pairs.some((value) => {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.length !== 2) return false;
    return (parts[0] === roleArn && parts[1] === providerArn) || (parts[0] === providerArn && parts[1] === roleArn);
  });
  if (!granted) throw samlAssumeDenied();
}

export function awsSessionAttributes(assertion: VerifiedAssertion): AwsSessionAttributes {
  const sessionName = single(assertion, ROLE_SESSION_NAME_ATTRIBUTE);
  if (sessionName === undefined) throw assertionRefused('No RoleSessionName attribute in the SAML assertion');
  if (!SESSION_NAME.test(sessionName)) throw badRoleSessionName();

  const durationText = single(assertion, SESSION_DURATION_ATTRIBUTE);
  let sessionDuration: number | undefined;
  if (durationText !== undefined) {
    sessionDuration = /^\d{1,6}$/.test(durationText) ? Number(durationText) : Number.NaN;
    if (!(sessionDuration >= 900 && sessionDuration <= 43_200)) throw assertionRefused('SessionDuration in the SAML assertion must be between 900 and 43200 seconds');
  }

  const sourceIdentity = single(assertion, SOURCE_IDENTITY_ATTRIBUTE);
  if (sourceIdentity !== undefined && !SOURCE_IDENTITY.test(sourceIdentity)) throw assertionRefused('SourceIdentity in the SAML assertion must match [a-zA-Z_0-9+=,.@-]{2,64}');

  const tags: Array<{ Key: string; Value: string }> = [];
  for (const [name, values] of assertion.attributes) {
    if (!name.startsWith(PRINCIPAL_TAG_PREFIX)) continue;
    const key = name.slice(PRINCIPAL_TAG_PREFIX.length);
    if (values.length !== 1 || key.length === 0 || key.length > 128 || values[0]!.length > 256) {
      throw assertionRefused(`Invalid session tag ${key} in the SAML assertion`);
    }
    tags.push({ Key: key, Value: values[0]! });
  }
  if (tags.length > 50) throw assertionRefused('The SAML assertion passes more than 50 session tags');
  // The characters IAM allows in tags (the lengths and count were checked just above).
  const problem = sessionTagProblem(tags);
  if (problem !== undefined) throw assertionRefused(`Invalid session tags in the SAML assertion: ${problem}`);

  return {
    sessionName,
    ...(sessionDuration !== undefined ? { sessionDuration } : {}),
    tags,
    transitiveTagKeys: [...(assertion.attributes.get(TRANSITIVE_TAG_KEYS_ATTRIBUTE) ?? [])],
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  };
}

/** A single-valued attribute; more than one value is refused rather than one picked. */
function single(assertion: VerifiedAssertion, name: string): string | undefined {
  const values = assertion.attributes.get(name);
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw assertionRefused(`The SAML assertion has more than one value for ${name}`);
  return values[0];
}
