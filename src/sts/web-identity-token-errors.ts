import { serviceError, type ServiceError } from '../protocol/errors.ts';

/**
 * GetWebIdentityToken's answers. The texts of the model's three errors are the descriptions
 * AWS's API reference gives them (AWS's messages are not on record); the validation texts are
 * in the form the protocol layer writes for model constraints. Best efforts, each.
 */

export function federationDisabled(): ServiceError {
  return serviceError('sts', 'OutboundWebIdentityFederationDisabledException',
    'The outbound web identity federation feature is not enabled for this account. To use this feature, you must first enable it through the AWS Management Console or API.');
}

export function sessionDurationEscalation(): ServiceError {
  return serviceError('sts', 'SessionDurationEscalationException',
    'The requested token duration would extend the session beyond its original expiration time. You cannot use this operation to extend the lifetime of a session beyond what was granted when the session was originally created.');
}

export function payloadTooLarge(bytes: number, limit: number): ServiceError {
  return serviceError('sts', 'JWTPayloadSizeExceededException',
    `The requested token payload size (${bytes} bytes) exceeds the maximum allowed size (${limit} bytes). Reduce the number of request tags included in the GetWebIdentityToken API call to reduce the token payload size.`);
}

export function invalidSigningAlgorithm(value: string): ServiceError {
  return serviceError('sts', 'ValidationError',
    `1 validation error detected: Value '${value}' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]`);
}

export function reservedTagKey(key: string): ServiceError {
  return serviceError('sts', 'InvalidParameterValue', `The tag key ${key} uses the reserved prefix 'aws:'. Tag keys cannot start with 'aws:'.`);
}

/** Only IAM users and role sessions have an identity for a token; the root user has none to give (stricter than AWS may be). */
export function callerCannotGetToken(callerArn: string): ServiceError {
  return serviceError('sts', 'AccessDenied',
    `User: ${callerArn} is not authorized to perform: sts:GetWebIdentityToken because only IAM users and IAM role sessions can get web identity tokens`);
}
