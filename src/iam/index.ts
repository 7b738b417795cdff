import type { HandlerTable } from '../kernel/operation.ts';
import { accessKeyHandlers } from './access-keys.ts';
import { userHandlers } from './users.ts';

/** Every IAM operation Tessera implements; the model's other operations answer NotImplemented. */
export const iamHandlers: HandlerTable = {
  ...userHandlers,
  ...accessKeyHandlers,
};
