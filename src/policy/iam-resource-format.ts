// How IAM's policy parser reads a Resource / NotResource entry, with its own messages.
//
// IAM does not insist on six ARN segments: `arn:aws:fdsasf` is accepted. What it checks, in
// this order, is the text before the first colon (anything), the partition, that a vendor
// follows, that IAM and S3 resources carry no region, and that an IAM resource names one of
// IAM's resource types. Its older ("legacy") parser then refuses an entry that abbreviates
// segments with `::` while having fewer than six, or whose vendor is empty. These rules and
// texts come from IAM's recorded MalformedPolicyDocument answers (see
// test/conformance/policy-validation/iam-parser.json for each case and its source).

import { MSG } from './messages.ts';

/**
 * Partitions IAM accepts in a resource: its own (the server serves the commercial partition
 * only) and `*`.
 */
const PARTITIONS: ReadonlySet<string> = new Set(['aws', '*']);

const IAM_RESOURCE_PREFIXES = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
] as const;

/**
 * An account's root user, `arn:aws:iam::<account>:root` (the Service Authorization Reference's
 * `root-user` resource type, sts:AssumeRoot's resource): IAM accepts it — AWS's own managed
 * root-task policies name `arn:aws:iam::*:root` — though its recorded message above predates it
 * and lists prefixes only.
 */
const IAM_ROOT_USER_RESOURCE = 'root';

/** Splits at the first ':' as Python's str.partition does: [before, separator, after]. */
function partition(text: string): [string, string, string] {
  const colon = text.indexOf(':');
  return colon === -1 ? [text, '', ''] : [text.slice(0, colon), ':', text.slice(colon + 1)];
}

/**
 * The format problem IAM reports for one resource entry, or undefined when IAM accepts its
 * format. `*` is always accepted.
 */
export function iamResourceFormatProblem(resource: string): string | undefined {
  if (resource === '*') return undefined;
  const [, firstColon, afterFirst] = partition(resource);
  if (firstColon === '') return MSG.resourceFormat(resource);

  const [partitionName, vendorColon, afterPartition] = partition(afterFirst);
  if (!PARTITIONS.has(partitionName)) return MSG.partitionInvalid(partitionName, quotedWithWildcards(partitionName, afterPartition));
  if (vendorColon === '') return MSG.vendorNotQualified;

  const [vendor, , afterVendor] = partition(afterPartition);
  if (vendor === 'iam' && !afterVendor.startsWith(':')) return MSG.iamResourceRegion(resource);
  // Buckets and objects have neither region nor account; S3 resources that have an account
  // (access points `arn:aws:s3:us-west-2:123456789012:accesspoint/x`, batch jobs, Storage Lens)
  // carry a region, and IAM accepts them.
  if (vendor === 's3' && !afterVendor.startsWith(':') && partition(partition(afterVendor)[2])[0] === '') {
    return MSG.s3ResourceRegion(resource);
  }
  if (vendor === 'iam') {
    const [, , afterRegion] = partition(afterVendor);
    const [, , resourcePart] = partition(afterRegion);
    if (resourcePart !== '*' && resourcePart !== IAM_ROOT_USER_RESOURCE && !IAM_RESOURCE_PREFIXES.some((prefix) => resourcePart.startsWith(prefix))) {
      return MSG.iamResourcePath(IAM_RESOURCE_PREFIXES.join(', '));
    }
  }
  return undefined;
}

/**
 * The resource as IAM quotes it in its partition message: `arn:<partition>:` and the next
 * four segments, each missing one shown as `*` (`a:b:cadfsdf` → `arn:b:cadfsdf:*:*:*`).
 */
function quotedWithWildcards(partitionName: string, rest: string): string {
  const parts = rest.split(':');
  const vendor = parts[0] !== '' || parts.length > 1 ? parts[0]! : '*';
  const region = parts.length > 1 ? parts[1]! : '*';
  const account = parts.length > 2 ? parts[2]! : '*';
  const resource = parts.length > 3 ? parts.slice(3).join(':') : '*';
  return `arn:${partitionName}:${vendor}:${region}:${account}:${resource}`;
}

/**
 * True when IAM's legacy parser refuses a resource whose format was accepted: `::` in an entry
 * of fewer than six segments (`arn:aws:s3::bucket`), or an empty vendor (`arn:aws::x`).
 */
export function failsLegacyResourceParsing(resource: string): boolean {
  if (resource === '*') return false;
  let colons = 0;
  for (const ch of resource) if (ch === ':') colons++;
  if (colons < 5 && resource.includes('::')) return true;
  return resource.split(':')[2] === '';
}

/**
 * Where IAM reports one resource format problem among several in a statement: it reads the
 * entries in reverse sorted order and keeps the last problem, i.e. the problem of the entry
 * that sorts first. Recorded: `["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"]`
 * is reported for `arn:error:s3:::example_bucket`.
 */
export function reportedResourceProblem(resources: readonly string[]): string | undefined {
  let reported: string | undefined;
  const order = [...resources].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  for (const resource of order) {
    const problem = iamResourceFormatProblem(resource);
    if (problem !== undefined) reported = problem;
  }
  return reported;
}
