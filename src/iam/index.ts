import type { IamHandlerTable } from './handler.ts';
import { accessKeyHandlers } from './access-keys.ts';
import { userHandlers } from './users.ts';
import { handlers as groups } from './groups/handlers.ts';
import { handlers as roles } from './roles/handlers.ts';
import { handlers as policies } from './policies/handlers.ts';
import { handlers as credentials } from './credentials/handlers.ts';
import { handlers as account } from './account/handlers.ts';
import { handlers as certificates } from './certificates/handlers.ts';
import { handlers as providers } from './providers/handlers.ts';
import { handlers as reports } from './reports/handlers.ts';
import { handlers as simulator } from './simulator/handlers.ts';
import type { HandlerTable } from '../kernel/operation.ts';

/** Every IAM operation Tessera implements, by module; the model's others answer NotImplemented. */
export const iamHandlers = {
  ...userHandlers,
  ...accessKeyHandlers,
  ...groups,
  ...roles,
  ...policies,
  ...credentials,
  ...account,
  ...certificates,
  ...providers,
  ...reports,
  ...simulator,
} satisfies IamHandlerTable as HandlerTable;
