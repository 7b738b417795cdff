import type { ServiceName } from '../../protocol/model.ts';

/**
 * The regions a request's credential scope may name, read from the AWS endpoint its Host
 * header names. STS refuses a signature scoped to another region than its endpoint's with
 * SignatureDoesNotMatch "Credential should be scoped to a valid region, not 'REGION'. "
 * (403): `aws sts assume-role --endpoint-url https://sts.us-east-1.amazonaws.com --region
 * us-east-2` is refused so (cloud-custodian/cloud-custodian#4874), and the global endpoint
 * sts.amazonaws.com is us-east-1's (aws/aws-sdk-net#73, cognitect-labs/aws-api#27).
 *
 * The same holds for IAM's and Organizations' global endpoints (`iam.amazonaws.com`,
 * `organizations.us-east-1.amazonaws.com`), which are us-east-1's, and for CloudTrail's
 * regional ones (`cloudtrail.REGION.amazonaws.com`).
 *
 * Only a Host that is one of these services' own AWS endpoints: a host that names no region
 * (127.0.0.1:4600, localhost, a load balancer's name) leaves every region allowed, as before.
 * Undefined: no restriction.
 */
export function allowedRegionsForHost(service: ServiceName, host: string | string[] | undefined): readonly string[] | undefined {
  // Headers arrive as lists; a request has one Host (two name no one endpoint).
  const value = Array.isArray(host) ? (host.length === 1 ? host[0] : undefined) : host;
  if (typeof value !== 'string' || value.length > 255) return undefined;
  const name = hostName(value);
  // IAM's and Organizations' one endpoint each is in us-east-1 (commercial partition).
  if (service === 'iam') return name === 'iam.amazonaws.com' || name === 'iam-fips.amazonaws.com' ? ['us-east-1'] : undefined;
  if (service === 'organizations') return name === 'organizations.us-east-1.amazonaws.com' || name === 'organizations-fips.us-east-1.amazonaws.com' ? ['us-east-1'] : undefined;
  if (service === 'cloudtrail') {
    const regional = CLOUDTRAIL_REGIONAL_HOST.exec(name);
    return regional ? [regional[1]!] : undefined;
  }
  if (service !== 'sts') return undefined;
  if (name === 'sts.amazonaws.com' || name === 'sts-fips.amazonaws.com') return ['us-east-1'];
  const match = STS_REGIONAL_HOST.exec(name);
  return match ? [match[1]!] : undefined;
}

/**
 * sts.REGION.amazonaws.com, its FIPS form, China's amazonaws.com.cn and the dual-stack
 * api.aws; REGION as AWS names regions (us-east-1, us-gov-west-1, ap-southeast-2, …).
 */
const STS_REGIONAL_HOST = /^sts(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(?:amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/;

/** cloudtrail.REGION.amazonaws.com (CloudTrail is regional: each endpoint takes its own region's scope), its FIPS, China and dual-stack forms. */
const CLOUDTRAIL_REGIONAL_HOST = /^cloudtrail(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(?:amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/;

/** The Host header's name: lower-cased, without its port or a trailing dot. */
function hostName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) return name; // an IPv6 literal names no region
  const colon = name.lastIndexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
