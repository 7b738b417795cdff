import type { TargetResolver, TargetTable } from './target.ts';
import type { IamOperation } from '../handler.ts';
import { userTargets } from '../user-authorization.ts';
import { targets as groups } from '../groups/authorization.ts';
import { targets as roles } from '../roles/authorization.ts';
import { targets as policies } from '../policies/authorization.ts';
import { targets as credentials } from '../credentials/authorization.ts';
import { targets as account } from '../account/authorization.ts';
import { targets as certificates } from '../certificates/authorization.ts';
import { targets as providers } from '../providers/authorization.ts';
import { targets as reports } from '../reports/authorization.ts';
import { targets as simulator } from '../simulator/authorization.ts';

/** Every IAM operation's authorization target resolver, by operation name. */
export const iamTargets: TargetTable = {
  ...userTargets,
  ...groups,
  ...roles,
  ...policies,
  ...credentials,
  ...account,
  ...certificates,
  ...providers,
  ...reports,
  ...simulator,
};

/** Own entries only: 'constructor' or '__proto__' must not find Object.prototype's. */
export function targetResolverFor(operation: string): TargetResolver<IamOperation> | undefined {
  return Object.hasOwn(iamTargets, operation) ? (iamTargets as Record<string, TargetResolver<IamOperation> | undefined>)[operation] : undefined;
}
