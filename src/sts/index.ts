import { declarer, type DeclarationTable } from '../operations/declaration.ts';
import type { Operations } from '../protocol/generated/sts.ts';
import { samlTargets, stsTargets, webIdentityTargets } from './authorization.ts';
import { callerIdentityHandlers } from './caller-identity.ts';
import { assumeRoleHandlers } from './assume-role.ts';
import { assumeRootHandlers } from './assume-root.ts';
import { sessionTokenHandlers } from './session-token.ts';
import { federationTokenHandlers } from './federation-token.ts';
import { accessKeyInfoHandlers } from './access-key-info.ts';
import { authorizationMessageHandlers } from './authorization-message.ts';
import { webIdentityHandlers } from './assume-role-with-web-identity.ts';
import { samlHandlers } from './assume-role-with-saml.ts';
import { webIdentityTokenHandlers } from './web-identity-token.ts';
import { unsupportedStsHandlers } from './unsupported.ts';

export { encodeAuthorizationMessage, type AuthorizationFailure } from './authorization-message.ts';
export { workloadOperations, workloadPrincipal } from './workloads/index.ts';

const declareSts = declarer<Operations>('sts');

/** Every STS operation of the model, one declaration each; GetDelegatedAccessToken refuses with a reason (unsupported.ts). */
export const stsOperations: readonly DeclarationTable[] = [
  declareSts({
    ...callerIdentityHandlers,
    ...assumeRoleHandlers,
    ...assumeRootHandlers,
    ...sessionTokenHandlers,
    ...federationTokenHandlers,
    ...accessKeyInfoHandlers,
    ...authorizationMessageHandlers,
    ...webIdentityTokenHandlers,
    ...unsupportedStsHandlers,
  }, stsTargets),
  declareSts(webIdentityHandlers, webIdentityTargets, { authentication: 'web-identity' }),
  declareSts(samlHandlers, samlTargets, { authentication: 'saml' }),
];
