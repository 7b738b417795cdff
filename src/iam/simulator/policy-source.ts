import type { StoreTx } from '../../store/types.ts';
import { iamArn } from '../../kernel/arns.ts';
import { noSuchUser } from '../errors.ts';
import { noSuchGroup } from '../groups/errors.ts';
import type { GroupRecord } from '../groups/records.ts';
import { Kind } from '../kinds.ts';
import type { UserRecord } from '../records.ts';
import { noSuchRole } from '../roles/errors.ts';
import type { RoleRecord } from '../roles/records.ts';
import { invalidPolicySourceArn } from './errors.ts';

/**
 * SimulatePrincipalPolicy's and GetContextKeysForPrincipalPolicy's PolicySourceArn: the IAM
 * user, group or role whose policies are simulated.
 */
export type SourceEntityType = 'user' | 'group' | 'role';

export interface SourceArn {
  type: SourceEntityType;
  accountId: string;
  path: string;
  name: string;
}

export type SourceEntity =
  | { type: 'user'; record: UserRecord }
  | { type: 'group'; record: GroupRecord }
  | { type: 'role'; record: RoleRecord };

const SOURCE_ARN = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:[^/]+\/)*)([^/]+)$/;

/** The entity an ARN names, or undefined when it is no user, group or role ARN. */
export function parseSourceArn(arn: string): SourceArn | undefined {
  const match = SOURCE_ARN.exec(arn);
  if (!match) return undefined;
  return { accountId: match[1]!, type: match[2] as SourceEntityType, path: match[3]!, name: match[4]! };
}

const KINDS: Readonly<Record<SourceEntityType, string>> = { user: Kind.user, group: Kind.group, role: Kind.role };

/** The entity's record, looked up by name as IAM names are (any case), or undefined. */
export async function findSourceEntity(tx: StoreTx, accountId: string, source: SourceArn): Promise<SourceEntity | undefined> {
  // Only the caller's own account: the simulator never reads another account's entities.
  if (source.accountId !== accountId) return undefined;
  const record = await tx.getByName(accountId, KINDS[source.type], source.name);
  if (!record) return undefined;
  return { type: source.type, record } as SourceEntity;
}

/**
 * The entity, or InvalidInput for an ARN of another kind (`invalid`, PolicySourceArn's text by
 * default) and NoSuchEntity for a missing one.
 */
export async function requireSourceEntity(tx: StoreTx, accountId: string, arn: string, invalid: (arn: string) => Error = invalidPolicySourceArn): Promise<SourceEntity> {
  const source = parseSourceArn(arn);
  if (source === undefined) throw invalid(arn);
  const entity = await findSourceEntity(tx, accountId, source);
  if (entity !== undefined) return entity;
  if (source.type === 'user') throw noSuchUser(source.name);
  if (source.type === 'group') throw noSuchGroup(source.name);
  throw noSuchRole(source.name);
}

/** The entity's ARN with its stored path and spelling. */
export function sourceEntityArn(entity: SourceEntity): string {
  const { record } = entity;
  return iamArn(record.accountId, entity.type, record.path, record.name);
}
