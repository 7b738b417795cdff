import type { StsHandlerTable } from '../../sts/handler.ts';
import { assumeRoleWithSaml } from './assume-role-with-saml.ts';

/** sts:AssumeRoleWithSAML. */
export const samlHandlers = {
  AssumeRoleWithSAML: assumeRoleWithSaml,
} satisfies StsHandlerTable;
