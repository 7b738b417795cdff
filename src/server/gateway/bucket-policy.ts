// A bucket policy written through Tessera (PutBucketPolicy) is validated before it is forwarded:
// by the policy engine as a resource policy, then by S3's own rules — every Resource is the
// bucket or its objects, every Action an s3: action — answered with S3's MalformedPolicy and
// its texts ("Invalid principal in policy", "Policy has invalid resource", …). An upstream
// never stores a policy the engine would read differently.

import { validatePolicy } from '../../policy/index.ts';
import type { GatewayFailure } from '../../gateway/errors.ts';

/** S3's bucket policy size quota. */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

const malformed = (message: string): GatewayFailure => ({ code: 'MalformedPolicy', message, status: 400 });

export function checkBucketPolicy(text: string, bucket: string): GatewayFailure | undefined {
  if (Buffer.byteLength(text, 'utf8') > MAX_BUCKET_POLICY_BYTES) return malformed('Policies must be less than 20 KB');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return malformed('This policy contains invalid Json');
  }
  const errors = validatePolicy(text, 'resource').filter((diagnostic) => diagnostic.severity === 'error');
  const first = errors[0];
  if (first !== undefined) {
    if (first.code === 'InvalidPrincipal') return malformed('Invalid principal in policy');
    return malformed(first.message);
  }
  for (const statement of statements(document)) {
    for (const resource of list(statement['Resource'])) {
      if (!ofBucket(resource, bucket)) return malformed('Policy has invalid resource');
    }
    for (const action of list(statement['Action'])) {
      if (action !== '*' && !action.toLowerCase().startsWith('s3:')) return malformed('Policy has invalid action');
    }
  }
  return undefined;
}

function statements(document: unknown): Record<string, unknown>[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as Record<string, unknown>)['Statement'];
  const items = Array.isArray(statement) ? statement : [statement];
  return items.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null);
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** `arn:aws:s3:::<bucket>` or `arn:aws:s3:::<bucket>/…` (a wildcard may stand for the rest of the name, not for another bucket). */
function ofBucket(resource: string, bucket: string): boolean {
  const prefix = 'arn:aws:s3:::';
  if (!resource.startsWith(prefix)) return false;
  const rest = resource.slice(prefix.length);
  return rest === bucket || rest.startsWith(`${bucket}/`) || rest === `${bucket}*`;
}
