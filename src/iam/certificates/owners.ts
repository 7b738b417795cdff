import { ROOT_PARENT } from '../records.ts';
import type { TargetUser } from '../user-lookup.ts';
import { statusNotSettable } from './messages.ts';
import type { CredentialStatus } from './records.ts';

/** The store parent of a user's credentials (the root user is no entity: ROOT_PARENT). */
export function ownerId(target: TargetUser): string {
  return target.kind === 'root' ? ROOT_PARENT : target.record.id;
}

/** The statuses a caller may set: Expired is reached, never set. */
export function settableStatus(status: 'Active' | 'Inactive' | 'Expired'): CredentialStatus {
  if (status === 'Expired') throw statusNotSettable(status);
  return status;
}
