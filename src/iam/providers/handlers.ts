import type { IamHandlerTable } from '../handler.ts';
import { oidcHandlers } from './oidc-handlers.ts';
import { samlHandlers } from './saml-handlers.ts';

/** The IAM operations implemented by the providers module. */
export const handlers = { ...oidcHandlers, ...samlHandlers } satisfies IamHandlerTable;
