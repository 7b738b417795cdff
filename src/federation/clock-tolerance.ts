/**
 * How far ahead of our clock an identity provider's clock may run, for both federation paths
 * (OIDC `nbf`/`iat`/`exp`, SAML `IssueInstant`/`NotBefore`): a provider a few seconds ahead
 * must not have its fresh tokens refused as "not yet valid".
 */
export const CLOCK_TOLERANCE_SECONDS = 60;
