import type { EntityRecord, StoreTx } from '../store/types.ts';
import type { ServiceError } from '../protocol/errors.ts';

/**
 * The shape of deletion checks and AWS's order for them (see deletion-checks.ts, which
 * gathers every module's checks). Kept apart so modules can import it without a cycle.
 */
export type DeletableKind = 'user' | 'group' | 'role' | 'policy' | 'instanceProfile';

export interface DeletionCheck {
  order: number;
  /** The DeleteConflict error to answer, or undefined when this kind of dependent is absent. */
  check(tx: StoreTx, entity: EntityRecord): Promise<ServiceError | undefined>;
}

export type DeletionChecks = Partial<Record<DeletableKind, readonly DeletionCheck[]>>;

export const DeletionOrder = {
  loginProfile: 10,
  accessKeys: 20,
  signingCertificates: 30,
  sshPublicKeys: 40,
  serviceSpecificCredentials: 50,
  mfaDevices: 60,
  inlinePolicies: 70,
  attachedPolicies: 80,
  groupMembership: 90,
  /** Roles: instance profiles the role is in. */
  instanceProfiles: 95,
  /** Policies: attachments, then non-default versions. */
  policyAttachments: 100,
  policyVersions: 110,
} as const;

