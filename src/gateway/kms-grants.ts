// KMS grants as statements of the key's resource policy. A grant lets its grantee principal use
// the key for the grant's operations, as a key policy statement naming that principal would
// ("No AWS principal … has any permissions to a KMS key unless they are explicitly allowed, and
// never denied, in a key policy, IAM policy, or grant": AWS KMS Developer Guide, "Key
// policies"). Materialized as statements, grants are decided by the one decision point with
// everything else: an explicit deny anywhere (key policy, identity policy, SCP) still wins, a
// permissions boundary or session policy still limits, and the explanation names the grant
// (`Sid` `Grant:<id>`). Grant tokens (for grants not yet visible) are not needed: the upstream's
// grants are read when the key's policy is read, and a write through Tessera drops that read.

type Statement = Record<string, unknown>;

/**
 * The grant operations that take an encryption context, to which a grant's constraints apply
 * (KMS API Reference, GrantConstraints). The others are refused through a constrained grant:
 * KMS does not allow constraints on a grant for them, so a grant that has both is not one
 * KMS would have made — the stricter reading.
 */
const CONTEXT_OPERATIONS = new Set([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
]);

/** At most this many grants of one key are read (KMS allows 50,000; 10 pages of 100). */
export const MAX_GRANT_PAGES = 10;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}

/** The principal element for a grantee: an account, a user, role or session ARN, or a service principal. */
function principalOf(grantee: string): Statement | undefined {
  if (grantee.startsWith('arn:') || /^\d{12}$/.test(grantee)) return { AWS: grantee };
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(grantee)) return { Service: grantee };
  return undefined;
}

/** A constraint as conditions on the request's encryption context. */
function constraintConditions(constraints: unknown): Statement | undefined | 'none' {
  if (typeof constraints !== 'object' || constraints === null) return 'none';
  const record = constraints as Record<string, unknown>;
  const equals = stringMap(record['EncryptionContextEquals']);
  const subset = stringMap(record['EncryptionContextSubset']);
  if (equals === undefined && subset === undefined) return 'none';
  const pairs = { ...(subset ?? {}), ...(equals ?? {}) };
  const stringEquals: Record<string, string> = {};
  for (const [key, value] of Object.entries(pairs)) stringEquals[`kms:EncryptionContext:${key}`] = value;
  const condition: Statement = {};
  if (Object.keys(stringEquals).length > 0) condition['StringEquals'] = stringEquals;
  // Equals: exactly these keys, no more (each key's presence is already required above).
  if (equals !== undefined) condition['ForAllValues:StringEquals'] = { 'kms:EncryptionContextKeys': Object.keys(equals) };
  return condition;
}

/** The statements one grant (as ListGrants answers it) amounts to. */
export function grantStatements(grant: unknown): Statement[] {
  if (typeof grant !== 'object' || grant === null) return [];
  const record = grant as Record<string, unknown>;
  const id = typeof record['GrantId'] === 'string' ? record['GrantId'] : 'unnamed';
  const out: Statement[] = [];
  const grantee = typeof record['GranteePrincipal'] === 'string' ? principalOf(record['GranteePrincipal']) : undefined;
  const operations = strings(record['Operations']);
  const conditions = constraintConditions(record['Constraints']);
  if (grantee !== undefined && operations.length > 0 && conditions !== undefined) {
    const allowed = conditions === 'none' ? operations : operations.filter((operation) => CONTEXT_OPERATIONS.has(operation));
    if (allowed.length > 0) {
      out.push({
        Sid: `Grant:${id}`,
        Effect: 'Allow',
        Principal: grantee,
        Action: allowed.map((operation) => `kms:${operation}`),
        Resource: '*',
        ...(conditions === 'none' ? {} : { Condition: conditions }),
      });
    }
  }
  // The retiring principal may retire the grant (KMS API Reference, RetireGrant).
  const retiring = typeof record['RetiringPrincipal'] === 'string' ? principalOf(record['RetiringPrincipal']) : undefined;
  if (retiring !== undefined) out.push({ Sid: `GrantRetiree:${id}`, Effect: 'Allow', Principal: retiring, Action: 'kms:RetireGrant', Resource: '*' });
  return out;
}

/**
 * The key policy with its grants' statements appended. A policy that is not a JSON object is
 * returned as it is (the decision refuses what it cannot read).
 */
export function keyPolicyWithGrants(policy: string, grants: readonly unknown[]): string {
  const statements = grants.flatMap(grantStatements);
  if (statements.length === 0) return policy;
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return policy;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return policy;
  const record = document as Record<string, unknown>;
  const existing = record['Statement'];
  const list = Array.isArray(existing) ? existing : existing === undefined ? [] : [existing];
  return JSON.stringify({ ...record, Statement: [...list, ...statements] });
}
