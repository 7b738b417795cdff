import { compileWildcard, matchWildcard } from '../policy/wildcard.ts';

/**
 * Whether a bucket policy lets CloudTrail write a trail's objects, as AWS checks before it
 * creates or updates a trail on an S3 bucket (InsufficientS3BucketPolicyException otherwise):
 * an Allow statement whose Principal names the service `cloudtrail.amazonaws.com`, whose
 * Action covers `s3:PutObject` and whose Resource covers the trail's objects
 * (`arn:aws:s3:::BUCKET/[PREFIX/]AWSLogs/ACCOUNT/…`), and no Deny statement without a
 * Condition that takes that away from the service (or from everyone).
 *
 * Stricter than S3's evaluation in two ways, written down in README "CloudTrail": a
 * Principal of `*` does not count as naming CloudTrail, and statements written with
 * NotPrincipal, NotAction or NotResource are not read (an Allow of that form does not
 * count; a Deny of that form does not refuse). Conditions of Allow statements (AWS's
 * recommended aws:SourceArn and s3:x-amz-acl) are taken as met: CloudTrail's own requests
 * meet them.
 */
const CLOUDTRAIL = 'cloudtrail.amazonaws.com';

export function policyAllowsCloudTrail(policyText: string, bucket: string, objectsPrefix: string): boolean {
  let document: unknown;
  try {
    document = JSON.parse(policyText);
  } catch {
    return false;
  }
  // Two sample keys: a log file's and a digest's, as delivery.ts writes them.
  const objects = [`arn:aws:s3:::${bucket}/${objectsPrefix}CloudTrail/x.json.gz`, `arn:aws:s3:::${bucket}/${objectsPrefix}CloudTrail-Digest/x.json.gz`];
  let allowed = false;
  for (const statement of statementsOf(document)) {
    const effect = statement['Effect'];
    const covers = coversAction(statement['Action']) && objects.every((arn) => coversResource(statement['Resource'], arn));
    if (!covers) continue;
    if (effect === 'Allow' && namesCloudTrail(statement['Principal'], false)) allowed = true;
    if (effect === 'Deny' && statement['Condition'] === undefined && namesCloudTrail(statement['Principal'], true)) return false;
  }
  return allowed;
}

function statementsOf(document: unknown): Record<string, unknown>[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as Record<string, unknown>)['Statement'];
  const items = Array.isArray(statement) ? statement : [statement];
  return items.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !Array.isArray(item));
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function namesCloudTrail(principal: unknown, everyoneCounts: boolean): boolean {
  if (principal === '*') return everyoneCounts;
  if (typeof principal !== 'object' || principal === null) return false;
  const p = principal as Record<string, unknown>;
  if (everyoneCounts && strings(p['AWS']).includes('*')) return true;
  return strings(p['Service']).includes(CLOUDTRAIL);
}

function coversAction(action: unknown): boolean {
  return strings(action).some((pattern) => matchWildcard(compileWildcard(pattern, true), 's3:putobject'));
}

function coversResource(resource: unknown, arn: string): boolean {
  return strings(resource).some((pattern) => matchWildcard(compileWildcard(pattern), arn));
}
