/**
 * What a Region name may look like: lower-case letters, digits and inner hyphens, at most 32
 * characters — every AWS Region (us-east-1, us-gov-west-1, us-isob-east-1) and the names
 * S3-compatible stores use (auto, local). A request's credential scope is held to the same
 * shape (sigv4/verify-signed-request.ts, which depends on nothing and keeps its own copy), so
 * every Region that reaches an ARN or a CloudTrail key has it.
 */
const REGION_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export function isRegionName(value: string): boolean {
  return REGION_NAME.test(value);
}
