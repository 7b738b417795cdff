import type { StsHandlerTable } from '../../sts/handler.ts';

/** sts:AssumeRoleWithSAML (filled by the SAML federation module). */
export const samlHandlers = {} satisfies StsHandlerTable;
