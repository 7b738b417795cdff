import type { TargetContext } from '../iam/authorization/target.ts';
import type { SecretSealer } from '../kernel/operation.ts';

/**
 * What an STS authorization target may read: the store and the caller, and — to check an MFA
 * code without consuming it — the secret sealer (device seeds are sealed) and the request's
 * time. Without these two, a request's MFA code is not taken into account when authorizing.
 */
export interface StsTargetContext extends TargetContext {
  secrets?: SecretSealer;
  now?: Date;
}
