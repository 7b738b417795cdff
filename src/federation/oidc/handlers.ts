import type { StsHandlerTable } from '../../sts/handler.ts';

/** sts:AssumeRoleWithWebIdentity (filled by the OIDC federation module). */
export const oidcHandlers = {} satisfies StsHandlerTable;
