import type { StsHandlerTable } from '../../sts/handler.ts';
import { assumeRoleWithWebIdentity, type WebIdentityDeps } from './assume-role-with-web-identity.ts';
import { discoveryKeySource, fetchJsonOverHttps } from './discovery-keys.ts';

/** sts:AssumeRoleWithWebIdentity, with the key sources given. */
export function createOidcHandlers(deps: WebIdentityDeps) {
  return { AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity(deps) } satisfies StsHandlerTable;
}

/**
 * The handler STS registers: discovery over HTTPS with one key cache for the process (keys
 * are public and per issuer, so servers sharing a process may share it).
 */
export const oidcHandlers = createOidcHandlers({ discovery: discoveryKeySource(fetchJsonOverHttps) });
