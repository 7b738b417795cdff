import type { StoreTx } from '../../store/types.ts';
import { noSuchPolicy } from '../errors.ts';
import { findManagedPolicy, preloadManagedPolicy } from '../policies/lookup.ts';

/**
 * A role's PermissionsBoundary must name a managed policy that exists — customer managed in
 * the account, or AWS managed — else IAM answers NoSuchEntity "Policy <arn> does not exist or
 * is not attachable.". Returns the policy's own spelling of its ARN, which is what is stored.
 * Call {@link preloadBoundaryPolicy} before the transaction.
 */
export async function boundaryPolicyArn(tx: StoreTx, accountId: string, policyArn: string): Promise<string> {
  const policy = await findManagedPolicy(tx, accountId, policyArn);
  if (!policy) throw noSuchPolicy(policyArn);
  return policy.arn;
}

/** Loads AWS's managed policy catalog, if the ARN needs it, without holding a transaction open. */
export async function preloadBoundaryPolicy(policyArn: string | undefined): Promise<void> {
  await preloadManagedPolicy(policyArn);
}
