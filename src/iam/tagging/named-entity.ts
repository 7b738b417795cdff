import { iamArn } from '../../kernel/arns.ts';
import type { ServiceError } from '../../protocol/errors.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import type { TaggedData } from './taggable-resource.ts';

type ArnType = Parameters<typeof iamArn>[1];

/**
 * How to find an entity that requests name by its name (users, roles, instance profiles,
 * server certificates): looked up in the account regardless of case, its ARN
 * `arn:aws:iam::<account>:<type><path><name>`; a name that finds nothing is answered with
 * `notFound` (NoSuchEntity) and named under the root path, as AWS's denials show it.
 */
export function namedEntity<D extends TaggedData>(kind: string, arnType: ArnType, notFound: (name: string) => ServiceError) {
  return {
    find: (tx: StoreTx, accountId: string, name: string): Promise<EntityRecord<D> | undefined> => tx.getByName<D>(accountId, kind, name),
    notFound,
    arn: (entity: EntityRecord<D>): string => iamArn(entity.accountId, arnType, entity.path, entity.name),
    absentArn: (accountId: string, name: string): string => iamArn(accountId, arnType, '/', name),
  };
}
