import { declarer, type DeclarationTable, type TargetsFor } from '../operations/declaration.ts';
import { isReadOnlyIamOperation } from './authorization-epoch.ts';
import type { IamHandlerTable, IamOperations } from './handler.ts';

const declare = declarer<IamOperations>('iam');

/** IAM's declarations: every write of IAM state moves the account's authorization epoch. */
export function declareIam<H extends IamHandlerTable>(handlers: H, targets: TargetsFor<IamOperations, H>): DeclarationTable {
  return declare(handlers, targets, { writes: (operation) => !isReadOnlyIamOperation(operation) });
}
