// S3 Block Public Access, the policy half: whether a bucket policy is "public" as S3 defines it,
// and a public policy as RestrictPublicBuckets leaves it. S3 considers a bucket policy public
// unless each statement that allows names fixed principals, or — when its principal is a
// wildcard — fixes the request with a condition: a set of CIDRs in aws:SourceIp, or fixed values
// of aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
// s3:x-amz-server-side-encryption-aws-kms-key-id or aws:userid (outside `AROLEID:*`)
// (S3 API Reference, PublicAccessBlockConfiguration). Choices where S3 says no more, the
// stricter way: a condition fixes a key only with an equality operator (no `…IfExists`, no
// `ForAllValues:`) and values without wildcards; a CIDR broader than /8 (IPv4) or /32 (IPv6)
// does not limit access; `NotPrincipal` in an Allow is public.

type Json = Record<string, unknown>;

const FIXING_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid',
]);

const EQUALITY_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike']);

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function statementsOf(text: string): Json[] | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return undefined;
  return asList((document as Json)['Statement']).filter((item): item is Json => typeof item === 'object' && item !== null && !Array.isArray(item));
}

function isAllow(statement: Json): boolean {
  return typeof statement['Effect'] === 'string' && statement['Effect'] === 'Allow';
}

/** Whether the statement's principal includes everyone (`*`, or any AWS principal with a wildcard). */
function wildcardPrincipal(statement: Json): boolean {
  const principal = statement['Principal'];
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  return asList((principal as Json)['AWS']).some((value) => typeof value === 'string' && value.includes('*'));
}

function fixedValue(value: unknown): boolean {
  return typeof value === 'string' && value !== '' && !value.includes('*') && !value.includes('?');
}

/** A CIDR narrow enough to count as limiting access. */
function limitingCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [address = '', bits] = value.split('/');
  const prefix = bits === undefined ? (address.includes(':') ? 128 : 32) : Number(bits);
  if (!Number.isInteger(prefix)) return false;
  return address.includes(':') ? prefix >= 32 : prefix >= 8;
}

/** Whether one of the statement's conditions fixes the request as S3 requires of a wildcard principal. */
function fixedByCondition(statement: Json): boolean {
  const condition = statement['Condition'];
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return false;
  for (const [operator, block] of Object.entries(condition as Json)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block)) continue;
    const base = operator.toLowerCase().replace(/^foranyvalue:/, '');
    for (const [key, values] of Object.entries(block as Json)) {
      const list = asList(values);
      if (list.length === 0) continue;
      const lowerKey = key.toLowerCase();
      if (base === 'ipaddress' && lowerKey === 'aws:sourceip' && list.every(limitingCidr)) return true;
      if (EQUALITY_OPERATORS.has(base) && FIXING_KEYS.has(lowerKey) && list.every(fixedValue)) return true;
    }
  }
  return false;
}

/** Whether S3 would call this bucket policy public. A document that is not a policy is not. */
export function isPublicBucketPolicy(text: string): boolean {
  const statements = statementsOf(text);
  if (statements === undefined) return false;
  return statements.some((statement) => isAllow(statement) && (statement['NotPrincipal'] !== undefined || (wildcardPrincipal(statement) && !fixedByCondition(statement))));
}

/**
 * A public bucket policy under RestrictPublicBuckets: "public and cross-account access within
 * any public bucket policy, including non-public delegation to specific accounts, is blocked".
 * Each Allow statement is limited to principals of the owner's account (an added
 * `StringEquals aws:PrincipalAccount`), which an anonymous caller never has; Deny statements
 * stay as they are.
 */
export function restrictToOwnerAccount(text: string, ownerAccount: string): string {
  const document = JSON.parse(text) as Json;
  const statements = asList(document['Statement']).map((item) => {
    if (typeof item !== 'object' || item === null || !isAllow(item as Json)) return item;
    const statement = item as Json;
    const condition = typeof statement['Condition'] === 'object' && statement['Condition'] !== null ? { ...(statement['Condition'] as Json) } : {};
    const equals = typeof condition['StringEquals'] === 'object' && condition['StringEquals'] !== null ? { ...(condition['StringEquals'] as Json) } : {};
    const existingKey = Object.keys(equals).find((key) => key.toLowerCase() === 'aws:principalaccount');
    if (existingKey === undefined) {
      equals['aws:PrincipalAccount'] = ownerAccount;
    } else {
      // Already limited to some accounts: the owner's only if it is among them, else none.
      equals[existingKey] = asList(equals[existingKey]).includes(ownerAccount) ? ownerAccount : [];
    }
    condition['StringEquals'] = equals;
    return { ...statement, Condition: condition };
  });
  return JSON.stringify({ ...document, Statement: statements });
}
