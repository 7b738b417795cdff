import type { AuthorizationTarget, TargetTable } from '../authorization/target.ts';

/**
 * How each operation of the account module is authorized (see ../authorization/target.ts):
 * AWS's Service Authorization Reference lists no resource type for the account alias
 * operations or GetAccountSummary, so they are authorized against "*".
 */
const anyResource = async (): Promise<AuthorizationTarget> => ({ resource: '*' });

export const targets = {
  CreateAccountAlias: anyResource,
  DeleteAccountAlias: anyResource,
  ListAccountAliases: anyResource,
  GetAccountSummary: anyResource,
} satisfies TargetTable;
