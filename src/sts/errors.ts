import { serviceError, type ServiceError } from '../protocol/errors.ts';

/**
 * STS's error answers, worded as AWS words them. Texts quoted from AWS responses in public bug
 * reports and AWS's own troubleshooting pages are marked "AWS verbatim"; the rest are best
 * efforts, marked so.
 */

/** AWS verbatim. */
export function durationExceedsRoleMaximum(): ServiceError {
  return serviceError('sts', 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
}

/** AWS verbatim. */
export function durationExceedsChainingLimit(): ServiceError {
  return serviceError('sts', 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
}

/** AWS verbatim: the root user cannot call AssumeRole, whatever the trust policy says. */
export function rootCannotAssumeRoles(): ServiceError {
  return serviceError('sts', 'AccessDenied', 'Roles may not be assumed by root accounts.');
}

/** AWS verbatim (GetSessionToken / GetFederationToken called with temporary credentials). */
export function sessionCredentialsRefused(operation: 'GetSessionToken' | 'GetFederationToken'): ServiceError {
  return serviceError('sts', 'AccessDenied', `Cannot call ${operation} with session credentials`);
}

/**
 * AWS verbatim. AssumeRole denials name no reason (and so read the same whether or not the
 * role exists); see TRUST_POLICY_ACTIONS in authorization.ts.
 */
export function assumeRoleDenied(callerArn: string, roleArn: string): ServiceError {
  return serviceError('sts', 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
}

/** AWS verbatim: the code does not match the device. */
export function invalidMfaCode(): ServiceError {
  return serviceError('sts', 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
}

/** AWS verbatim (two spaces included): no such device, or not the caller's. */
export function unknownMfaDevice(): ServiceError {
  return serviceError('sts', 'AccessDenied', 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
}

/** AWS verbatim (the message IAM and STS share for tags). */
export function duplicateTagKeys(): ServiceError {
  return serviceError('sts', 'InvalidParameterValue', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
}

/**
 * Best effort (AWS documents the rule, not its text for STS): a session tag key with the reserved
 * `aws:` prefix; worded as IAM's and GetWebIdentityToken's answers are here.
 */
export function reservedSessionTagKey(key: string): ServiceError {
  return serviceError('sts', 'InvalidParameterValue', `The tag key ${key} uses the reserved prefix 'aws:'. Tag keys cannot start with 'aws:'.`);
}

/** AWS verbatim. */
export function transitiveTagKeyNotInTags(): ServiceError {
  return serviceError('sts', 'InvalidParameterValue', 'The specified transitive tag key must be included in the requested tags.');
}

/** AWS verbatim: a session tag may not replace a transitive tag inherited from the caller. */
export function inheritedTransitiveTagConflict(): ServiceError {
  return serviceError('sts', 'InvalidParameterValue', "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
}

/** Best effort: AWS documents that a chained session cannot change its source identity, not the text. */
export function sourceIdentityImmutable(current: string): ServiceError {
  return serviceError('sts', 'AccessDenied', `The source identity of a role session cannot be changed: the calling session's source identity is ${current}.`);
}

/** AWS verbatim ("Packed policy consumes n% of allotted space, please use smaller policy."). */
export function packedPolicyTooLarge(percent: number): ServiceError {
  return serviceError('sts', 'PackedPolicyTooLarge', `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`);
}

/** AWS verbatim ("Packed size of session tags consumes n% of allotted space."). */
export function packedTagsTooLarge(percent: number): ServiceError {
  return serviceError('sts', 'PackedPolicyTooLarge', `Packed size of session tags consumes ${percent}% of allotted space.`);
}

/**
 * Tessera's own words (AWS documents no size for what a session carries, only that a token's
 * size is not fixed): the session — mostly identity provider keys, such as a SAML assertion's
 * hundreds of attribute values — would need a token longer than a request's headers can hold.
 */
export function sessionTooLarge(limit: number): ServiceError {
  return serviceError('sts', 'PackedPolicyTooLarge', `The session's policies, tags and identity provider attributes do not fit in a session token of at most ${limit} characters; send fewer SAML attribute values or claims.`);
}

/** The policy engine's first error, in AWS's MalformedPolicyDocument wording. */
export function malformedSessionPolicy(message: string): ServiceError {
  return serviceError('sts', 'MalformedPolicyDocument', message);
}

/**
 * A session policy over 2,048 characters, worded as the model's length constraint is for
 * GetFederationToken (AssumeRole's model leaves the length to the service). Best effort.
 */
export function sessionPolicyTooLong(policy: string, limit: number): ServiceError {
  return serviceError('sts', 'ValidationError', `1 validation error detected: Value '${policy}' at 'policy' failed to satisfy constraint: Member must have length less than or equal to ${limit}`);
}

/** Best effort, in the model-constraint form: more than 10 managed session policies. */
export function tooManyPolicyArns(limit: number): ServiceError {
  return serviceError('sts', 'ValidationError', `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${limit}`);
}

/** Best effort: a PolicyArns entry that names no managed policy the session could use. */
export function sessionPolicyArnNotFound(arn: string): ServiceError {
  return serviceError('sts', 'InvalidParameterValue', `Policy ${arn} does not exist or is not attachable.`);
}

/** As AWS answers a RoleArn that is not an ARN at all. Best effort. */
export function invalidRoleArn(arn: string): ServiceError {
  return serviceError('sts', 'ValidationError', `${arn} is invalid`);
}

/** Best effort: an access key ID that is not Tessera's and not in the store. */
export function unknownAccessKeyId(): ServiceError {
  return serviceError('sts', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
}

/** Best effort: a message that is not one this server encoded (forged, altered, another account's). */
export function invalidAuthorizationMessage(): ServiceError {
  return serviceError('sts', 'InvalidAuthorizationMessageException', 'The authorization message is not valid.');
}

/** AWS verbatim: a SAML assertion is accepted once. */
export function assertionReplayed(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'SAML assertion has already been used');
}

/** AWS verbatim: the role's trust policy does not allow the web identity (or the role is gone). */
export function webIdentityDenied(): ServiceError {
  return serviceError('sts', 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
}

/** AWS verbatim: the role's trust policy does not allow the SAML subject (or the role is gone). */
export function samlDenied(): ServiceError {
  return serviceError('sts', 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML');
}

/**
 * Best effort: sts:AssumeRoot refused by one of AWS's rules rather than a policy (root user
 * credentials, a caller outside a management account, root sessions not enabled, a target that
 * is not a member account). AWS documents the rules, not its answers; the text follows its
 * AccessDenied form and names the rule.
 */
export function assumeRootRefused(callerArn: string, resource: string, reason: string): ServiceError {
  return serviceError('sts', 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRoot on resource: ${resource} because ${reason}`);
}

/** Best effort: a TargetPrincipal that is neither an account ID nor an account's root user ARN. */
export function invalidTargetPrincipal(value: string): ServiceError {
  return serviceError('sts', 'ValidationError', `TargetPrincipal ${value} is invalid: give the member account's ID or its root user's ARN (arn:aws:iam::<account-id>:root).`);
}

/** Best effort: a TaskPolicyArn that is not one of the AWS managed root-task policies. */
export function invalidTaskPolicyArn(arn: string, names: readonly string[]): ServiceError {
  return serviceError('sts', 'InvalidParameterValue', `TaskPolicyArn ${arn} is not a root task policy: use one of the AWS managed policies under arn:aws:iam::aws:policy/root-task/ (${names.join(', ')}).`);
}
