import { serviceError } from '../../protocol/errors.ts';
import { DeletionOrder, type DeletionCheck, type DeletionChecks } from '../deletion-order.ts';
import { Kind } from '../kinds.ts';

/**
 * A user cannot be deleted while it has signing certificates, SSH public keys or
 * service-specific credentials (AWS's DeleteConflict, in its order). All three texts are
 * AWS's; service-specific credentials get AWS's generic one.
 */

function conflict(what: string) {
  return serviceError('iam', 'DeleteConflict', `Cannot delete entity, must delete ${what} first.`);
}

/** AWS's wording when service-specific credentials remain (recorded DeleteUser answer). */
function referencedObjects() {
  return serviceError('iam', 'DeleteConflict', 'Cannot delete entity, must remove referenced objects first.');
}

function whenAny(kind: string, refusal: () => ReturnType<typeof serviceError>, order: number): DeletionCheck {
  return {
    order,
    async check(tx, user) {
      return (await tx.count(user.accountId, kind, { parentId: user.id })) > 0 ? refusal() : undefined;
    },
  };
}

export const deletionChecks: DeletionChecks = {
  user: [
    whenAny(Kind.signingCertificate, () => conflict('signing certificates'), DeletionOrder.signingCertificates),
    whenAny(Kind.sshPublicKey, () => conflict('SSH public keys'), DeletionOrder.sshPublicKeys),
    whenAny(Kind.serviceSpecificCredential, referencedObjects, DeletionOrder.serviceSpecificCredentials),
  ],
};
