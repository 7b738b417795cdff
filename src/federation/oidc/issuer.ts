/**
 * The registered form of a token's `iss` claim, for finding its provider: the same URL
 * without `https://` (IAM registers, and puts in the provider's ARN, the URL without its
 * scheme). An issuer without a scheme (as some providers write it) is taken as is.
 */
export function issuerKey(issuer: string): string {
  return /^https:\/\//i.test(issuer) ? issuer.slice('https://'.length) : issuer;
}
