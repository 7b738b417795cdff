import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { HOLDERS, type HolderType } from './holders.ts';

/**
 * A user, group or role named by its ARN (`arn:aws:iam::<account>:user/<path><name>`), as
 * operations that take an entity's `Arn` name it.
 */
export interface HolderArn {
  type: HolderType;
  accountId: string;
  path: string;
  name: string;
}

const HOLDER_ARN = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:[^/]+\/)*)([^/]+)$/;

/** The entity an ARN names, or undefined when it is no user, group or role ARN. */
export function parseHolderArn(arn: string): HolderArn | undefined {
  const match = HOLDER_ARN.exec(arn);
  if (!match) return undefined;
  return { accountId: match[1]!, type: match[2] as HolderType, path: match[3]!, name: match[4]! };
}

/**
 * The entity's record in `accountId`, or undefined. Names match in any case, as IAM names do;
 * the path must match exactly, since it is part of the ARN that identifies the entity.
 * Another account's entities are never found.
 */
export async function findHolderByArn(tx: StoreTx, accountId: string, arn: HolderArn): Promise<EntityRecord | undefined> {
  if (arn.accountId !== accountId) return undefined;
  const record = await tx.getByName(accountId, HOLDERS[arn.type].kind, arn.name);
  return record && record.path === arn.path ? record : undefined;
}
