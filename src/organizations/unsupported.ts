import type { OperationContext } from '../kernel/operation.ts';
import { serviceError } from '../protocol/errors.ts';
import type { Operations } from '../protocol/generated/organizations.ts';

/**
 * Organizations operations that only make sense inside AWS. Rather than NotImplemented (which
 * says "not yet"), each answers UnsupportedAPIEndpointException — which the model declares for
 * every one of them ("This action isn't available in the current Amazon Web Services Region")
 * — with a message that says why Tessera never will: "Tessera does not support <Operation>:
 * <why> (see README)". docs/unsupported-operations.md lists the same table. As on AWS, the
 * call is authorized first.
 */
const GOVCLOUD = 'GovCloud (US) accounts are created by AWS in its isolated GovCloud partition, paired with a commercial account, and no such partition exists here';
const TRANSFERS = 'responsibility transfers move billing and payment responsibility between organizations, which AWS Billing carries out and Tessera has no billing to transfer';

export const UNSUPPORTED_ORGANIZATIONS_OPERATIONS = {
  CreateGovCloudAccount: GOVCLOUD,
  InviteOrganizationToTransferResponsibility: TRANSFERS,
  DescribeResponsibilityTransfer: TRANSFERS,
  UpdateResponsibilityTransfer: TRANSFERS,
  TerminateResponsibilityTransfer: TRANSFERS,
  ListInboundResponsibilityTransfers: TRANSFERS,
  ListOutboundResponsibilityTransfers: TRANSFERS,
} as const satisfies Partial<Record<keyof Operations, string>>;

export type UnsupportedOrganizationsOperation = keyof typeof UNSUPPORTED_ORGANIZATIONS_OPERATIONS;

export function unsupportedOrganizationsMessage(operation: UnsupportedOrganizationsOperation): string {
  return `Tessera does not support ${operation}: ${UNSUPPORTED_ORGANIZATIONS_OPERATIONS[operation]} (see README)`;
}

function refuse(operation: UnsupportedOrganizationsOperation) {
  return async (_input: unknown, _ctx: OperationContext): Promise<never> => {
    throw serviceError('organizations', 'UnsupportedAPIEndpointException', unsupportedOrganizationsMessage(operation));
  };
}

export const unsupportedHandlers = Object.fromEntries(
  (Object.keys(UNSUPPORTED_ORGANIZATIONS_OPERATIONS) as UnsupportedOrganizationsOperation[]).map((operation) => [operation, refuse(operation)]),
) as { [K in UnsupportedOrganizationsOperation]: (input: Operations[K]['input'], ctx: OperationContext) => Promise<never> };
