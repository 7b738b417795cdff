import { declarer, type DeclarationTable, type TargetsFor } from '../operations/declaration.ts';
import { withBoundPageTokens } from '../operations/page-tokens.ts';
import { isReadOnlyIamOperation } from './authorization-epoch.ts';
import { invalidInput } from './errors.ts';
import type { IamHandlerTable, IamOperations } from './handler.ts';

const declare = declarer<IamOperations>('iam');

/**
 * IAM's declarations: every write of IAM state moves the account's authorization epoch, and
 * every `Marker` is bound to the operation and parameters that issued it
 * (operations/page-tokens.ts): IAM answers any other with "Invalid Marker.".
 */
export function declareIam<H extends IamHandlerTable>(handlers: H, targets: TargetsFor<IamOperations, H>): DeclarationTable {
  return withBoundPageTokens(declare(handlers, targets, { writes: (operation) => !isReadOnlyIamOperation(operation) }), {
    tokenMember: 'Marker',
    pageSizeMember: 'MaxItems',
    // The model's documented defaults: "/" lists every path, ListPolicies' Scope is All.
    defaults: { PathPrefix: '/', Scope: 'All', OnlyAttached: false },
    refuse: () => invalidInput('Invalid Marker.'),
    maxLength: 320,
  });
}
