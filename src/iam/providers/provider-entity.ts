import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { findProviderByArn, providerNotFound } from './lookup.ts';
import { providerArn, type ProviderType } from './provider-arns.ts';

/**
 * How requests name a provider of `type` (by its ARN, see provider-arns.ts) for the tag
 * operations (../tagging/taggable-resource.ts): an ARN that finds no provider of the caller's
 * is named as given.
 */
export function providerEntity<D>(type: ProviderType) {
  return {
    find: (tx: StoreTx, accountId: string, arn: string): Promise<EntityRecord<D> | undefined> => findProviderByArn<D>(tx, accountId, type, arn),
    notFound: (arn: string) => providerNotFound(type, arn),
    arn: (provider: EntityRecord<D>): string => providerArn(provider.accountId, type, provider.name),
    absentArn: (_accountId: string, arn: string): string => arn,
  };
}
