import type { OperationContext } from '../../kernel/operation.ts';
import type { ServiceError } from '../../protocol/errors.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import type { AuthorizationCheck, AuthorizationTarget, TargetContext, TargetResolver } from '../authorization/target.ts';
import { requestTagContext, tagKeysContext } from '../authorization/request-tags.ts';
import { quotaExceeded } from '../errors.ts';
import type { IamHandler, IamOperation, IamOperations } from '../handler.ts';
import { pageArray } from '../paging.ts';
import { assertUniqueTagKeys, mergeTags, removeTags, sortTags, tagMap, type Tag } from '../tags.ts';

/**
 * One description per taggable IAM resource type yields its three tag operations —
 * Tag<Noun>, Untag<Noun>, List<Noun>Tags — with their handlers and their authorization
 * targets, so the eight types IAM can tag (users, roles, instance profiles, customer managed
 * policies, OIDC and SAML providers, server certificates, virtual MFA devices) share one
 * implementation of AWS's rules (../tags.ts) and differ only in what their description says.
 *
 * Authorization (authz/target.ts): every operation acts on the entity's ARN with its tags
 * (aws:ResourceTag/…); Tag adds aws:RequestTag/… and aws:TagKeys, Untag adds aws:TagKeys.
 * Each write moves the authorization epoch through its declaration (../declare.ts).
 */

/** The nouns the model has all three operations for: derived, so a new one cannot be missed. */
export type TaggableNoun = {
  [K in IamOperation]: K extends `Untag${infer N}` ? (`Tag${N}` extends IamOperation ? (`List${N}Tags` extends IamOperation ? N : never) : never) : never;
}[IamOperation];

export type TagOperation<N extends TaggableNoun> = (`Tag${N}` | `Untag${N}` | `List${N}Tags`) & IamOperation;

/** The input member that names the entity (UserName, PolicyArn, SerialNumber, …); the three operations share it. */
export type NameMember<N extends TaggableNoun> = Exclude<keyof IamOperations[`Tag${N}` & IamOperation]['input'], 'Tags'> & string;

export interface TaggedData {
  /** Sorted by lower-cased key (see ../tags.ts). */
  tags: Tag[];
}

export interface TaggableResource<N extends TaggableNoun, D extends TaggedData> {
  /** 'Role': the operations are TagRole, UntagRole and ListRoleTags. */
  noun: N;
  nameMember: NameMember<N>;
  /** The quota named in LimitExceeded: "Cannot exceed quota for <quota>: <limit>". */
  quota: string;
  /**
   * The entity `name` names in the account, read from the store alone; undefined when there is
   * none or `name` cannot name one (a malformed ARN, another account's). It never fails: the
   * authorization target is resolved with it before the handler runs (authz/target.ts).
   */
  find(tx: StoreTx, accountId: string, name: string): Promise<EntityRecord<D> | undefined>;
  /** AWS's error for a name `find` does not find: NoSuchEntity, or InvalidInput for a malformed ARN. */
  notFound(name: string): ServiceError;
  /** The entity's ARN. */
  arn(entity: EntityRecord<D>): string;
  /**
   * The resource a request names when the entity does not exist: an ARN as given; a name under
   * the root path, as AWS's denials show it.
   */
  absentArn(accountId: string, name: string): string;
  rules?: TaggingRules<D>;
}

/** What a resource type does beyond the common rules. */
export interface TaggingRules<D extends TaggedData> {
  /**
   * Runs before a handler's transaction opens, to load what `readOnly` needs besides the store
   * (the AWS managed policy catalog), so no transaction is held open while it loads.
   */
  prepare?(name: string): Promise<void>;
  /**
   * An entity `find` does not find that exists all the same, without tags and unchangeable
   * (an AWS managed policy): List<Noun>Tags lists no tags, Tag and Untag fail with the error
   * returned. Undefined when there is no such entity.
   */
  readOnly?(tx: StoreTx, accountId: string, name: string): Promise<ServiceError | undefined>;
  /**
   * What the authorization target of a name `find` does not find adds besides its ARN:
   * `awsOwned` for an AWS managed policy, which any principal its own policies allow may read
   * (authz/target.ts). Pure: resolved without the store.
   */
  absentTarget?(name: string): Partial<Pick<AuthorizationTarget, 'awsOwned'>>;
  /** The entity's tags a Tag request keeps before its own are merged in (default: all). */
  keptOnTag?(existing: readonly Tag[], added: readonly Tag[]): Tag[];
  /** The keys an Untag request removes (default: the ones it names). */
  keysToRemove?(existing: readonly Tag[], keys: readonly string[]): string[];
  /** The entity's data with new tags, checked (default: the tags replaced). */
  withTags?(data: D, tags: Tag[]): D;
  /** Further authorizations a Tag or Untag request needs, from the keys it sets or removes. */
  alsoRequired?(keys: readonly string[], target: AuthorizationTarget): AuthorizationCheck[];
}

export interface Taggable<N extends TaggableNoun, D extends TaggedData> {
  readonly handlers: { readonly [K in TagOperation<N>]: IamHandler<K> };
  readonly targets: { readonly [K in TagOperation<N>]: TargetResolver<K> };
  /** The entity a name or ARN names, as an authorization target: its ARN and tags (its other operations use it too). */
  target(ctx: TargetContext, name: string): Promise<AuthorizationTarget>;
  /** The tags a Create request gives, checked (unique keys, no `aws:` prefix, the quota) and sorted. */
  tagsForCreate(tags: readonly Tag[] | undefined, ctx: OperationContext): Tag[];
  /** The entity's data with new tags, as the description's rules make it. */
  withTags(data: D, tags: Tag[]): D;
}

type NamedInput = Readonly<Record<string, unknown>>;
type TagInput = NamedInput & { Tags: Tag[] };
type UntagInput = NamedInput & { TagKeys: string[] };
type ListInput = NamedInput & { Marker?: string; MaxItems?: number };

export function taggableResource<N extends TaggableNoun, D extends TaggedData>(resource: TaggableResource<N, D>): Taggable<N, D> {
  const rules: TaggingRules<D> = resource.rules ?? {};
  const nameOf = (input: NamedInput) => input[resource.nameMember] as string;
  const withTags = (data: D, tags: Tag[]): D => (rules.withTags ? rules.withTags(data, tags) : { ...data, tags });

  /** The entity, or AWS's error; `undefined` for a read-only entity when only reading. */
  async function lookup(tx: StoreTx, accountId: string, name: string, purpose: 'change' | 'read'): Promise<EntityRecord<D> | undefined> {
    const entity = await resource.find(tx, accountId, name);
    if (entity) return entity;
    const readOnly = await rules.readOnly?.(tx, accountId, name);
    if (readOnly && purpose === 'read') return undefined;
    throw readOnly ?? resource.notFound(name);
  }

  async function retag(ctx: OperationContext, name: string, change: (tags: Tag[]) => Tag[]): Promise<Record<string, never>> {
    await rules.prepare?.(name);
    await ctx.store.transaction(async (tx) => {
      const entity = (await lookup(tx, ctx.principal.accountId, name, 'change'))!;
      await tx.update({ ...entity, data: withTags(entity.data, change(entity.data.tags)) });
    });
    return {};
  }

  const tag = (input: TagInput, ctx: OperationContext) =>
    retag(ctx, nameOf(input), (existing) =>
      mergeTags(rules.keptOnTag ? rules.keptOnTag(existing, input.Tags) : existing, input.Tags, resource.quota, ctx.quotas.tagsPerResource));

  const untag = (input: UntagInput, ctx: OperationContext) =>
    retag(ctx, nameOf(input), (existing) => removeTags(existing, rules.keysToRemove ? rules.keysToRemove(existing, input.TagKeys) : input.TagKeys));

  async function list(input: ListInput, ctx: OperationContext) {
    const name = nameOf(input);
    await rules.prepare?.(name);
    const entity = await lookup(ctx.store, ctx.principal.accountId, name, 'read');
    const page = pageArray(entity?.data.tags ?? [], (t) => t.Key.toLowerCase(), input.Marker, input.MaxItems);
    return { Tags: page.items, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
  }

  async function target(ctx: TargetContext, name: string): Promise<AuthorizationTarget> {
    const entity = await resource.find(ctx.tx, ctx.accountId, name);
    if (!entity) return { resource: resource.absentArn(ctx.accountId, name), ...rules.absentTarget?.(name) };
    return { resource: resource.arn(entity), resourceTags: tagMap(entity.data.tags) };
  }

  /** The target of a Tag or Untag request: the entity, the request's condition keys and what its keys also require. */
  async function changeTarget(ctx: TargetContext, name: string, keys: readonly string[], context: AuthorizationTarget['context']): Promise<AuthorizationTarget> {
    const base = { ...(await target(ctx, name)), context };
    const also = rules.alsoRequired?.(keys, base) ?? [];
    return also.length > 0 ? { ...base, also } : base;
  }

  const handlers = {
    [`Tag${resource.noun}`]: tag,
    [`Untag${resource.noun}`]: untag,
    [`List${resource.noun}Tags`]: list,
  };
  const targets = {
    [`Tag${resource.noun}`]: (input: TagInput, ctx: TargetContext) => changeTarget(ctx, nameOf(input), input.Tags.map((t) => t.Key), requestTagContext(input.Tags)),
    [`Untag${resource.noun}`]: (input: UntagInput, ctx: TargetContext) => changeTarget(ctx, nameOf(input), input.TagKeys, tagKeysContext(input.TagKeys)),
    [`List${resource.noun}Tags`]: (input: ListInput, ctx: TargetContext) => target(ctx, nameOf(input)),
  };

  return {
    // The operations' inputs are the model's shapes for N, each with the name member and
    // Tags / TagKeys / Marker and MaxItems (TaggableNoun and NameMember check that); TypeScript
    // cannot follow a template-literal key through a generic, hence the casts.
    handlers: handlers as unknown as Taggable<N, D>['handlers'],
    targets: targets as unknown as Taggable<N, D>['targets'],
    target,
    withTags,
    tagsForCreate(tags, ctx) {
      const sorted = sortTags([...(tags ?? [])]);
      assertUniqueTagKeys(sorted);
      if (sorted.length > ctx.quotas.tagsPerResource) throw quotaExceeded(resource.quota, ctx.quotas.tagsPerResource);
      return sorted;
    },
  };
}
