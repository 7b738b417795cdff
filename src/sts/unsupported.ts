import type { OperationContext } from '../kernel/operation.ts';
import { serviceError } from '../protocol/errors.ts';
import type { StsHandlerTable } from './handler.ts';

/**
 * STS operations that only make sense inside AWS, refused with a reason rather than
 * NotImplemented (see iam/simulator/unsupported.ts; docs/unsupported-operations.md lists
 * both). GetDelegatedAccessToken trades in the token of an approved IAM delegation request —
 * requests that come from AWS partner products and are approved in the AWS Management
 * Console, which Tessera does not support either — so no trade-in token can exist. None of the
 * model's errors fits (ExpiredTradeInToken would claim the token expired), so the answer is
 * InvalidAction, as for the IAM operations in the same position. Authorized first, as on AWS.
 */
export const UNSUPPORTED_STS_OPERATIONS = {
  GetDelegatedAccessToken: 'its trade-in tokens come from IAM delegation requests, which AWS partner products create and the AWS Management Console approves; neither exists here',
} as const;

export function unsupportedStsMessage(operation: keyof typeof UNSUPPORTED_STS_OPERATIONS): string {
  return `Tessera does not support ${operation}: ${UNSUPPORTED_STS_OPERATIONS[operation]} (see README)`;
}

export const unsupportedStsHandlers = {
  GetDelegatedAccessToken: async (_input: unknown, _ctx: OperationContext): Promise<never> => {
    throw serviceError('sts', 'InvalidAction', unsupportedStsMessage('GetDelegatedAccessToken'));
  },
} satisfies StsHandlerTable;
