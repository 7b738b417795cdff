import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { iamArn } from '../../kernel/arns.ts';
import { Kind } from '../kinds.ts';
import type { Tag } from '../tags.ts';
import { noSuchRole } from './errors.ts';

/**
 * IAM roles in the store: kind `role`, id AROA…, parent '', name and path in the record's
 * columns, everything else in {@link RoleData}. STS reads roles through this module
 * ({@link findRoleByArn}) to decide AssumeRole: the trust policy, the longest session the
 * role allows, its permissions boundary and its tags (which become principal tags of its
 * sessions). Managed policies attached to a role are `role-policy` links (role id → policy
 * ARN) and inline policies are `role-inline-policy` entities under the role; both belong to
 * the policies module.
 */
export interface RoleData {
  /** The trust policy as the caller sent it (JSON text, URL-decoded); validated as `trust`. */
  assumeRolePolicyDocument: string;
  /** Omitted when the role has no description. */
  description?: string;
  /** Longest session AssumeRole may grant, in seconds (3600–43200; AWS's default 3600). */
  maxSessionDuration: number;
  /** ARN of the managed policy that bounds the role's permissions. */
  permissionsBoundary?: string;
  /** Sorted by lower-cased key (see ../tags.ts). */
  tags: Tag[];
  /** Last successful AssumeRole* (see last-used.ts); absent until the role is first used. */
  lastUsed?: { date: string; region: string };
  /**
   * Set on roles made by CreateServiceLinkedRole: the service principal they are linked to.
   * Such roles are protected: only the service may change their trust policy or delete them
   * (IAM answers UnmodifiableEntity), and DeleteServiceLinkedRole removes them.
   */
  serviceLinked?: { serviceName: string };
}

export type RoleRecord = EntityRecord<RoleData>;

export const DEFAULT_MAX_SESSION_DURATION = 3600;

export function roleArn(accountId: string, path: string, name: string): string {
  return iamArn(accountId, 'role', path, name);
}

export function isServiceLinked(role: RoleRecord): boolean {
  return role.data.serviceLinked !== undefined;
}

/** Loads a role of the account by name (case-insensitive), or fails with NoSuchEntity. */
export async function requireRole(tx: StoreTx, accountId: string, roleName: string): Promise<RoleRecord> {
  const role = await tx.getByName<RoleData>(accountId, Kind.role, roleName);
  if (!role) throw noSuchRole(roleName);
  return role;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[^/]+\/)*)([^/]+)$/;

/** The account, path and name a role ARN names, or undefined for anything else. */
export function parseRoleArn(arn: string): { accountId: string; path: string; name: string } | undefined {
  const match = ROLE_ARN.exec(arn);
  if (!match) return undefined;
  return { accountId: match[1]!, path: match[2]!, name: match[3]! };
}

/**
 * The role an ARN names (e.g. AssumeRole's RoleArn), or undefined. The name matches in any
 * case, as IAM names do; the path must match exactly, since it is part of the role's
 * identity in its ARN.
 */
export async function findRoleByArn(tx: StoreTx, arn: string): Promise<RoleRecord | undefined> {
  const parsed = parseRoleArn(arn);
  if (!parsed) return undefined;
  const role = await tx.getByName<RoleData>(parsed.accountId, Kind.role, parsed.name);
  return role && role.path === parsed.path ? role : undefined;
}
