import type { StoreTx } from '../../store/types.ts';
import type { ServiceError } from '../../protocol/errors.ts';
import { Kind } from '../kinds.ts';
import { awsManagedCatalog, type AwsManagedCatalog, type AwsManagedPolicy } from './aws-managed.ts';
import { awsManagedPolicyImmutable, invalidPolicyArn, policyNotFound, unparsableArn } from './errors.ts';
import { arnOfPolicy, isAwsManagedPolicyArn, parsePolicyArn, type PolicyData, type PolicyRecord } from './records.ts';

/**
 * Finding a managed policy by ARN: a customer managed policy of the caller's account, or an
 * AWS managed policy (arn:aws:iam::aws:policy/…). Another account's policies are never found:
 * IAM does not attach, read or bound with another account's managed policies.
 */

export type ManagedPolicyRef =
  | { source: 'customer'; arn: string; record: PolicyRecord }
  | { source: 'aws'; arn: string; policy: AwsManagedPolicy; catalog: AwsManagedCatalog };

/**
 * Resolves `arn` for `accountId`, or undefined when no such policy exists (a malformed ARN
 * included). The returned `arn` is the policy's own spelling (its name may differ in case
 * from the one asked for), the one attachments link to.
 */
export async function resolveManagedPolicy(tx: StoreTx, accountId: string, arn: string): Promise<ManagedPolicyRef | undefined> {
  const parsed = parsePolicyArn(arn);
  if (!parsed) return undefined;
  if (parsed.owner === 'aws') {
    const catalog = await awsManagedCatalog();
    const policy = catalog.find(parsed.name, parsed.path);
    return policy ? { source: 'aws', arn: policy.arn, policy, catalog } : undefined;
  }
  const record = await findCustomerPolicy(tx, accountId, arn);
  return record ? { source: 'customer', arn: arnOfPolicy(record), record } : undefined;
}

/**
 * The customer managed policy of `accountId` an ARN names, from the store alone (never the AWS
 * managed catalog), or undefined. The name matches in any case; the path must match exactly.
 */
export async function findCustomerPolicy(tx: StoreTx, accountId: string, arn: string): Promise<PolicyRecord | undefined> {
  const parsed = parsePolicyArn(arn);
  if (!parsed || parsed.owner !== accountId) return undefined;
  const record = await tx.getByName<PolicyData>(accountId, Kind.policy, parsed.name, '');
  return record && record.path === parsed.path ? record : undefined;
}

/**
 * The policy an ARN names — a customer managed policy of `accountId`, or an AWS managed
 * policy — with its default version's document, or undefined when there is none.
 * One store read for a customer policy; none for an AWS managed one (the first AWS managed
 * lookup in a process loads the catalog, see aws-managed.ts and {@link preloadManagedPolicy}).
 */
export async function findManagedPolicy(
  tx: StoreTx,
  accountId: string,
  arn: string,
): Promise<{ arn: string; defaultVersionId: string; document: string } | undefined> {
  const ref = await resolveManagedPolicy(tx, accountId, arn);
  if (!ref) return undefined;
  if (ref.source === 'aws') return { arn: ref.arn, defaultVersionId: ref.policy.defaultVersionId, document: ref.policy.defaultDocument };
  return { arn: ref.arn, defaultVersionId: ref.record.data.defaultVersionId, document: ref.record.data.document };
}

/**
 * Loads the AWS managed catalog when `arn` names an AWS managed policy. Called before a
 * transaction opens, so the one-time load never holds a transaction (and SQLite's write lock)
 * open while it runs.
 */
export async function preloadManagedPolicy(arn: string | undefined): Promise<void> {
  if (arn !== undefined && isAwsManagedPolicyArn(arn)) await awsManagedCatalog();
}

/**
 * The managed policy an operation names, or its error: ValidationError for a string that is
 * not an ARN at all, InvalidInput for an ARN that is not a managed policy ARN, else `notFound`
 * (GetPolicy and friends: "Policy <arn> was not found."; attaching: "… does not exist or is
 * not attachable.").
 */
export async function requireManagedPolicy(
  tx: StoreTx,
  accountId: string,
  arn: string,
  notFound: (arn: string) => ServiceError = policyNotFound,
): Promise<ManagedPolicyRef> {
  if (!isArnShaped(arn)) throw unparsableArn();
  if (!parsePolicyArn(arn)) throw invalidPolicyArn(arn);
  const ref = await resolveManagedPolicy(tx, accountId, arn);
  if (!ref) throw notFound(arn);
  return ref;
}

/** `arn:` and at least five more colons: what an ARN parser can take apart at all. */
function isArnShaped(text: string): boolean {
  if (!text.startsWith('arn:')) return false;
  let colons = 0;
  for (const ch of text) if (ch === ':' && ++colons === 5) return true;
  return false;
}

/** A customer managed policy an operation changes; AWS managed policies cannot be changed. */
export async function requireCustomerPolicy(tx: StoreTx, accountId: string, arn: string): Promise<{ arn: string; record: PolicyRecord }> {
  const ref = await requireManagedPolicy(tx, accountId, arn);
  if (ref.source === 'aws') throw awsManagedPolicyImmutable(ref.arn);
  return ref;
}
