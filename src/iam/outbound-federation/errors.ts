import { serviceError } from '../../protocol/errors.ts';

/**
 * Outbound identity federation's IAM errors. AWS publishes no message texts; FeatureEnabled's
 * is the description IAM's API reference gives it, the others are best efforts in its style.
 * The codes are the model's.
 */

export function featureEnabled() {
  return serviceError('iam', 'FeatureEnabled',
    'The request failed because outbound identity federation is already enabled for your AWS account. You cannot enable the feature multiple times. To fetch the current configuration (including the unique issuer URL), use the GetOutboundWebIdentityFederationInfo operation.');
}

export function featureDisabled() {
  return serviceError('iam', 'FeatureDisabled', 'The request failed because outbound identity federation is not enabled for your AWS account.');
}

/** Tessera's own: the issuer URL would be built from the request, and its Host header is not host[:port]. */
export function noIssuerBaseUrl() {
  return serviceError('iam', 'InvalidInput',
    "Tessera cannot tell its own URL for the account's issuer: the request's Host header is not a host name or address with an optional port. Send a plain Host header, or start the server with --public-url.");
}
