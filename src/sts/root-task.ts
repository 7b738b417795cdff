import type { AwsManagedCatalog } from '../iam/policies/aws-managed.ts';
import { parsePolicyArn } from '../iam/policies/records.ts';

/**
 * sts:AssumeRoot's inputs, read as AWS documents them (STS API Reference, "AssumeRoot"):
 * TargetPrincipal is "the member account principal ARN or account ID", and TaskPolicyArn one of
 * the AWS managed policies under arn:aws:iam::aws:policy/root-task/ — which ones is the
 * managed policy catalog's to say (IAMAuditRootUserCredentials, IAMCreateRootUserPassword,
 * IAMDeleteRootUserCredentials, S3UnlockBucketPolicy, SQSUnlockQueuePolicy today).
 */
export const ROOT_TASK_PATH = '/root-task/';

/** The 12-digit account a TargetPrincipal names (an account ID, or its root user's ARN); undefined otherwise. */
export function targetAccountOf(targetPrincipal: string): string | undefined {
  if (/^\d{12}$/.test(targetPrincipal)) return targetPrincipal;
  const match = /^arn:aws:iam::(\d{12}):root$/.exec(targetPrincipal);
  return match ? match[1] : undefined;
}

/** The task policy's ARN as the catalog spells it, when `arn` names a root-task policy; undefined otherwise. */
export function rootTaskPolicyArn(catalog: AwsManagedCatalog, arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const parsed = parsePolicyArn(arn);
  if (!parsed || parsed.owner !== 'aws' || parsed.path !== ROOT_TASK_PATH) return undefined;
  return catalog.find(parsed.name, parsed.path)?.arn;
}

/** The names of every root-task policy, for the error that lists them. */
export function rootTaskPolicyNames(catalog: AwsManagedCatalog): string[] {
  return catalog.policies.filter((policy) => policy.path === ROOT_TASK_PATH).map((policy) => policy.name);
}
