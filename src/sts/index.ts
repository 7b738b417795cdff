import type { HandlerTable } from '../kernel/operation.ts';
import type { StsHandlerTable } from './handler.ts';
import { callerIdentityHandlers } from './caller-identity.ts';
import { assumeRoleHandlers } from './assume-role.ts';
import { sessionTokenHandlers } from './session-token.ts';
import { federationTokenHandlers } from './federation-token.ts';
import { accessKeyInfoHandlers } from './access-key-info.ts';
import { authorizationMessageHandlers } from './authorization-message.ts';

export { encodeAuthorizationMessage, type AuthorizationFailure } from './authorization-message.ts';
export { STS_ACTIONS_WITHOUT_PERMISSION, TRUST_POLICY_ACTIONS, trustPolicyDenialMessage, type StsTargetContext } from './authorization.ts';

/** Every STS operation Tessera implements; the model's other operations answer NotImplemented. */
import { oidcHandlers } from '../federation/oidc/handlers.ts';
import { samlHandlers } from '../federation/saml/handlers.ts';

export const stsHandlers = {
  ...callerIdentityHandlers,
  ...assumeRoleHandlers,
  ...sessionTokenHandlers,
  ...federationTokenHandlers,
  ...accessKeyInfoHandlers,
  ...authorizationMessageHandlers,
  ...oidcHandlers,
  ...samlHandlers,
} satisfies StsHandlerTable as HandlerTable;
