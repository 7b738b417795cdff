import type { OperationContext } from '../../kernel/operation.ts';
import { serviceError, type ErrorCodeOf } from '../../protocol/errors.ts';
import type { IamHandler, IamOperation } from '../handler.ts';

/**
 * IAM operations that only make sense inside AWS. Rather than NotImplemented (which says
 * "not yet"), each answers a documented client error that says why Tessera never will:
 * "Tessera does not support <Operation>: <why> (see README)".
 *
 * The code is one the model declares for the operation where one fits, so SDKs raise the
 * typed exception they already know; where none fits, InvalidAction ("the action requested
 * is invalid"), a 400 every Query API may answer. docs/unsupported-operations.md lists the
 * same table.
 */
export interface UnsupportedOperation {
  code: ErrorCodeOf<'iam'>;
  why: string;
}

const DELEGATION = 'delegation requests come from AWS partner products and are approved in the AWS Management Console, neither of which exists here';
const HUMAN_SUMMARY = 'the summaries are written by an AWS service that has no local equivalent';
const ORG_REPORT = "Organizations access reports are built by an AWS reporting service from the activity of every account of an organization, filtered through its SCPs, which has no local equivalent";
const STS_PREFERENCES = "Tessera's session tokens are valid in every Region, so there is no global endpoint token version to choose";

export const UNSUPPORTED_OPERATIONS = {
  AcceptDelegationRequest: { code: 'NoSuchEntity', why: DELEGATION },
  AssociateDelegationRequest: { code: 'InvalidInput', why: DELEGATION },
  CreateDelegationRequest: { code: 'InvalidInput', why: DELEGATION },
  GetDelegationRequest: { code: 'NoSuchEntity', why: DELEGATION },
  ListDelegationRequests: { code: 'InvalidInput', why: DELEGATION },
  RejectDelegationRequest: { code: 'InvalidInput', why: DELEGATION },
  SendDelegationToken: { code: 'InvalidInput', why: DELEGATION },
  UpdateDelegationRequest: { code: 'InvalidInput', why: DELEGATION },
  GetHumanReadableSummary: { code: 'InvalidInput', why: HUMAN_SUMMARY },
  GenerateOrganizationsAccessReport: { code: 'InvalidAction', why: ORG_REPORT },
  GetOrganizationsAccessReport: { code: 'NoSuchEntity', why: ORG_REPORT },
  SetSecurityTokenServicePreferences: { code: 'InvalidAction', why: STS_PREFERENCES },
} as const satisfies Partial<Record<IamOperation, UnsupportedOperation>>;

export type UnsupportedOperationName = keyof typeof UNSUPPORTED_OPERATIONS;

export function unsupportedMessage(operation: UnsupportedOperationName): string {
  return `Tessera does not support ${operation}: ${UNSUPPORTED_OPERATIONS[operation].why} (see README)`;
}

function refuse<K extends UnsupportedOperationName>(operation: K): IamHandler<K> {
  return async (_input: unknown, _ctx: OperationContext) => {
    throw serviceError('iam', UNSUPPORTED_OPERATIONS[operation].code, unsupportedMessage(operation));
  };
}

/** A handler per unsupported operation, each refusing with its documented error. */
export const unsupportedHandlers: { [K in UnsupportedOperationName]: IamHandler<K> } = Object.fromEntries(
  (Object.keys(UNSUPPORTED_OPERATIONS) as UnsupportedOperationName[]).map((operation) => [operation, refuse(operation)]),
) as { [K in UnsupportedOperationName]: IamHandler<K> };
