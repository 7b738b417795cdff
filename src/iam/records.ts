import type { EntityRecord } from '../store/types.ts';
import type { Tag } from './tags.ts';

/**
 * Entity kinds and the shape of their `data` in the store. The store keeps id, name, path,
 * parent and creation time in columns; everything else lives here.
 */
export { Kind } from './kinds.ts';

/** Parent id of the root user's access keys (the root user is not an entity of its own). */
export const ROOT_PARENT = 'root';

export interface AccountData {
  /** The account's root user has no path or name; its creation time is the account's. */
  rootCreatedAt: string;
}

export interface UserData {
  tags: Tag[];
  permissionsBoundary?: string;
  passwordLastUsed?: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyData {
  status: AccessKeyStatus;
  /** The secret access key, sealed with the server's master key (AAD = the key ID). */
  sealedSecret: string;
  lastUsed?: { date: string; service: string; region: string };
}

export type UserRecord = EntityRecord<UserData>;
export type AccessKeyRecord = EntityRecord<AccessKeyData>;
export type AccountRecord = EntityRecord<AccountData>;
