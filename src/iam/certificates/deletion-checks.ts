import { serviceError } from '../../protocol/errors.ts';
import { DeletionOrder, type DeletionCheck, type DeletionChecks } from '../deletion-order.ts';
import { Kind } from '../kinds.ts';

/**
 * A user cannot be deleted while it has signing certificates, SSH public keys or
 * service-specific credentials (AWS's DeleteConflict, in its order). The first two texts are
 * AWS's; the service-specific one follows them (best effort).
 */

function conflict(what: string) {
  return serviceError('iam', 'DeleteConflict', `Cannot delete entity, must delete ${what} first.`);
}

function whenAny(kind: string, what: string, order: number): DeletionCheck {
  return {
    order,
    async check(tx, user) {
      return (await tx.count(user.accountId, kind, { parentId: user.id })) > 0 ? conflict(what) : undefined;
    },
  };
}

export const deletionChecks: DeletionChecks = {
  user: [
    whenAny(Kind.signingCertificate, 'signing certificates', DeletionOrder.signingCertificates),
    whenAny(Kind.sshPublicKey, 'SSH public keys', DeletionOrder.sshPublicKeys),
    whenAny(Kind.serviceSpecificCredential, 'service-specific credentials', DeletionOrder.serviceSpecificCredentials),
  ],
};
