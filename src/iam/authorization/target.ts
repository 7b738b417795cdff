import type { TargetResolver as AuthzTargetResolver } from '../../authz/target.ts';
import type { IamOperation, IamOperations } from '../handler.ts';

/**
 * IAM's typed view of authorization targets (authz/target.ts): each IAM module declares, beside
 * its handlers, how to find the target of each of its operations (`<module>/authorization.ts`),
 * typed by the operation's generated input; iam/operations.ts pairs them into declarations.
 */
export type { AuthorizationCheck, AuthorizationTarget, TargetContext, TargetResourcePolicy } from '../../authz/target.ts';

export type TargetResolver<K extends IamOperation> = AuthzTargetResolver<IamOperations[K]['input']>;
export type TargetTable = { readonly [K in IamOperation]?: TargetResolver<K> };
