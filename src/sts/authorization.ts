import type { Operations } from '../protocol/generated/sts.ts';
import type { AuthorizationTarget, TargetContext } from '../iam/authorization/target.ts';

/**
 * What each STS operation is authorized against (see iam/authorization/target.ts): e.g.
 * sts:AssumeRole on the role ARN, with the role's trust policy as the resource policy.
 * Operations absent here are authorized against "*".
 */
export type StsTargetResolver<K extends keyof Operations> = (input: Operations[K]['input'], ctx: TargetContext) => Promise<AuthorizationTarget>;
export type StsTargetTable = { readonly [K in keyof Operations]?: StsTargetResolver<K> };

export const stsTargets: StsTargetTable = {};

export function stsTargetResolverFor(operation: string): StsTargetResolver<keyof Operations> | undefined {
  return (stsTargets as Record<string, StsTargetResolver<keyof Operations> | undefined>)[operation];
}
