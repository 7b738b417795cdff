import type { OperationContext } from '../kernel/operation.ts';
import type { StsHandlerTable } from './handler.ts';

/**
 * sts:GetCallerIdentity — always allowed, for every kind of principal (AWS documents that no
 * permission is needed and an explicit deny cannot block it).
 */
async function getCallerIdentity(_input: object, ctx: OperationContext) {
  const { principal } = ctx;
  return { UserId: principal.userId, Account: principal.accountId, Arn: principal.arn };
}

export const callerIdentityHandlers = {
  GetCallerIdentity: getCallerIdentity,
} satisfies StsHandlerTable;
