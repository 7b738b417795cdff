// A bucket policy written through Tessera (PutBucketPolicy) is validated before it is forwarded,
// with S3's MalformedPolicy and its texts, so that an upstream never stores a policy S3 would
// refuse or the engine would read differently. S3 checks each statement in order — Effect,
// Principal, Action, Resource, whether the actions apply to the resources, Condition — and
// answers the first fault; then the policy engine validates the whole as a resource policy;
// last, every IAM user or role the policy names must exist (as for trust policies).
// S3's actions and condition keys are AWS's Service Authorization Reference data.

import { compileWildcard, matchWildcard, parseIpBlock, parseOperator, validatePolicy } from '../../policy/index.ts';
import type { GatewayFailure } from '../../gateway/errors.ts';
import type { SarService } from '../../gateway/authorization-data.ts';
import type { Store } from '../../store/types.ts';
import { bindTrustPolicyPrincipals } from '../../iam/roles/trust-policy-principals.ts';

/** S3's bucket policy size quota. */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

const malformed = (message: string): GatewayFailure => ({ code: 'MalformedPolicy', message, status: 400 });

/** The policy's faults as S3 names them, or undefined when S3 would store it. */
export function checkBucketPolicy(text: string, bucket: string, s3: SarService): GatewayFailure | undefined {
  if (Buffer.byteLength(text, 'utf8') > MAX_BUCKET_POLICY_BYTES) return malformed('Policies must be less than 20 KB');
  // S3's first test: a document that is no JSON object (a file name, a list of statements).
  if (!text.trimStart().startsWith('{')) return malformed("Policies must be valid JSON and the first byte must be '{'");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return malformed('This policy contains invalid Json');
  }
  for (const statement of statements(document)) {
    const fault = statementFault(statement, bucket, s3);
    if (fault !== undefined) return malformed(fault);
  }
  const first = validatePolicy(text, 'resource').find((diagnostic) => diagnostic.severity === 'error');
  if (first !== undefined) return malformed(first.code === 'InvalidPrincipal' ? 'Invalid principal in policy' : first.message);
  return undefined;
}

/** Every IAM user and role the policy names must exist: S3 refuses a principal it cannot resolve. */
export async function checkBucketPolicyPrincipals(store: Store, text: string): Promise<GatewayFailure | undefined> {
  try {
    await store.transaction((tx) => bindTrustPolicyPrincipals(tx, text));
    return undefined;
  } catch {
    return malformed('Invalid principal in policy');
  }
}

function statementFault(statement: Record<string, unknown>, bucket: string, s3: SarService): string | undefined {
  const effect = statement['Effect'];
  if (effect === undefined) return 'Missing required field Effect';
  if (effect !== 'Allow' && effect !== 'Deny') return `Invalid effect: ${typeof effect === 'string' ? effect : JSON.stringify(effect)}`;
  if (statement['Principal'] === undefined && statement['NotPrincipal'] === undefined) return 'Missing required field Principal';
  if (statement['NotPrincipal'] !== undefined && effect === 'Allow') return 'Invalid principal in policy';

  const notAction = statement['Action'] === undefined;
  const actionValue = statement['Action'] ?? statement['NotAction'];
  if (actionValue === undefined) return 'Missing required field Action';
  // Another shape than a string or a list of them is the engine's to name.
  const actionPatterns = list(actionValue) ?? [];
  const named: SarActionRef[] = [];
  for (const pattern of actionPatterns) {
    const matches = s3ActionsMatching(pattern, s3);
    if (matches.length === 0) return 'Policy has invalid action';
    named.push(...matches.map((action) => ({ pattern, action })));
  }

  const notResource = statement['Resource'] === undefined;
  const resourceValue = statement['Resource'] ?? statement['NotResource'];
  if (resourceValue === undefined) return 'Missing required field Resource';
  const resources = list(resourceValue) ?? [];
  if (resources.some((resource) => !ofBucket(resource, bucket))) return 'Policy has invalid resource';

  // Each action must name at least one S3 action of a resource type the resources can be.
  if (!notAction && !notResource) {
    const reachesBucket = resources.some((resource) => !resource.slice(ARN_PREFIX.length).includes('/'));
    const reachesObject = resources.some((resource) => /[/*]/.test(resource.slice(ARN_PREFIX.length)));
    const applies = (ref: SarActionRef) => ref.action.resourceTypes.some((type) => (type.type === 'bucket' && reachesBucket) || (type.type === 'object' && reachesObject));
    if (!actionPatterns.every((pattern) => named.some((ref) => ref.pattern === pattern && applies(ref)))) return 'Action does not apply to any resource(s) in statement';
  }
  return conditionFault(statement['Condition'], s3);
}

function conditionFault(condition: unknown, s3: SarService): string | undefined {
  if (condition === undefined || typeof condition !== 'object' || condition === null || Array.isArray(condition)) return undefined;
  for (const [operator, keys] of Object.entries(condition)) {
    const parsed = parseOperator(operator);
    if (parsed === null) return `Invalid Condition type : ${operator}`;
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) continue;
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
      // Every global key passes (AWS adds them over time); another key must be one of S3's.
      if (!key.toLowerCase().startsWith('aws:') && !isS3ConditionKey(key, s3)) return 'Policy has an invalid condition key';
      if (parsed.info.family === 'ip' && (list(values) ?? []).some((value) => parseIpBlock(value) === null)) return 'Invalid IP address in Conditions';
    }
  }
  return undefined;
}

interface SarActionRef {
  pattern: string;
  action: SarService['actions'] extends ReadonlyMap<string, infer A> ? A : never;
}

const ARN_PREFIX = 'arn:aws:s3:::';

/** The S3 actions an Action pattern names (`*` and `?` wildcards, any case); none for another service's. */
function s3ActionsMatching(pattern: string, s3: SarService): SarActionRef['action'][] {
  const lower = pattern === '*' ? 's3:*' : pattern.toLowerCase();
  if (!lower.startsWith('s3:')) return [];
  // The engine's linear matcher: a pattern written by the caller never becomes a RegExp.
  const name = compileWildcard(lower.slice(3), true);
  return [...s3.actions.values()].filter((action) => matchWildcard(name, action.name.toLowerCase()));
}

/** S3's own condition keys: those any of its actions or resource types takes; `…/<key>` stands for any tag key. */
function isS3ConditionKey(key: string, s3: SarService): boolean {
  const lower = key.toLowerCase();
  return s3ConditionKeys(s3).some((known) => known === lower || (known.endsWith('/') && lower.startsWith(known) && lower.length > known.length));
}

const KEYS_OF = new WeakMap<SarService, string[]>();
function s3ConditionKeys(s3: SarService): string[] {
  let keys = KEYS_OF.get(s3);
  if (keys === undefined) {
    const all = new Set<string>();
    const add = (key: string) => {
      const lower = key.toLowerCase();
      if (!lower.startsWith('s3:')) return;
      // "s3:ExistingObjectTag/<key>", "s3:BucketTag/${TagKey}": any tag key after the slash.
      const slash = lower.indexOf('/');
      all.add(slash < 0 ? lower : lower.slice(0, slash + 1));
    };
    for (const action of s3.actions.values()) action.conditionKeys.forEach(add);
    for (const type of s3.resourceTypes.values()) type.conditionKeys.forEach(add);
    keys = [...all];
    KEYS_OF.set(s3, keys);
  }
  return keys;
}

function statements(document: unknown): Record<string, unknown>[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as Record<string, unknown>)['Statement'];
  const items = Array.isArray(statement) ? statement : [statement];
  return items.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !Array.isArray(item));
}

/** A string or a list of strings; undefined when absent or of another shape (left to the engine). */
function list(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

/** `arn:aws:s3:::<bucket>` or `arn:aws:s3:::<bucket>/…` (a wildcard may stand for the rest of the name, not for another bucket). */
function ofBucket(resource: string, bucket: string): boolean {
  if (!resource.startsWith(ARN_PREFIX)) return false;
  const rest = resource.slice(ARN_PREFIX.length);
  return rest === bucket || rest.startsWith(`${bucket}/`) || rest === `${bucket}*`;
}
