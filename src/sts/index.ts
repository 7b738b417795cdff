import type { HandlerTable } from '../kernel/operation.ts';
import { callerIdentityHandlers } from './caller-identity.ts';

/** Every STS operation Tessera implements; the model's other operations answer NotImplemented. */
export const stsHandlers: HandlerTable = {
  ...callerIdentityHandlers,
};
