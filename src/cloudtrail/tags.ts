import type { AuthorizationCheck, AuthorizationTarget, TargetContext, TargetResolver } from '../authz/target.ts';
import type { OperationContext } from '../kernel/operation.ts';
import type { ContextValue } from '../policy/index.ts';
import type { Operations, Tag } from '../protocol/generated/cloudtrail.ts';
import { invalidTagParameter, invalidTrailArn, otherAccountArn, resourceNotFound, tagsLimitExceeded, tooManyResourceIds } from './errors.ts';
import { checkTrailName } from './trail-names.ts';
import { findTrail, parseTrailArn, TRAIL_KIND, trailArn, type TrailData, type TrailRecord } from './trail-records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * Trail tags: AddTags, ListTags, RemoveTags — the tags CreateTrail's `TagsList` sets too,
 * kept in the trail's record (`data.tags`, in the order they were added).
 *
 * A trail is named by its ARN only (`ResourceId`, `ResourceIdList`), in the Region it lives in
 * (its home Region; AWS: "ListTags lists the tags … in the current Region", and a multi-Region
 * trail is tagged "only from the Region in which the trail was created"):
 *   - a name, not an ARN: InvalidTrailNameException when it is no valid trail name, else
 *     CloudTrailARNInvalidException; a value that is no trail ARN: CloudTrailARNInvalidException;
 *   - another account's ARN: CloudTrailARNInvalidException "AccountID in ARN is wrong, you can
 *     only access resources with AccountID <account>." (AWS's text, as reported for ListTags);
 *   - an ARN naming no trail of the account, or one not homed in the request's Region (its ARN
 *     names the home Region, so a signed-for Region other than the ARN's finds none):
 *     ResourceNotFoundException.
 * ListTags takes up to 20 ARNs and answers for all or fails for the first it cannot; its
 * `NextToken` is "reserved for future use" by AWS and ignored.
 *
 * Tags follow CloudTrail's rules: at most 50 per trail (TagsLimitExceededException, counted
 * after an AddTags merged its tags); a key of 1–128 and a value of up to 256 Unicode characters
 * (an empty value is refused earlier, by the model's TagValue constraint: ValidationException),
 * of letters, digits, white space and `_ . : / = + - @` (AWS's documented pattern); no key
 * starting `aws:` (reserved); no key twice in one request (InvalidTagParameterException). A
 * tag may have no value. AddTags sets each tag as given, replacing the value of a key the
 * trail has (a key given without a value then has none); RemoveTags removes by key — a value
 * given with it is not compared — and a key the trail does not have is no error.
 *
 * Authorization (authz/target.ts): `cloudtrail:<Operation>` on each trail's ARN (ListTags:
 * the first, and each further one as an `also` check), with the trail's tags as
 * aws:ResourceTag/…; AddTags adds aws:RequestTag/<key> and aws:TagKeys, RemoveTags
 * aws:TagKeys, as the Service Authorization Reference lists for these actions.
 *
 * Writes are made in one store transaction on the trail's current record (a versioned update:
 * a concurrent change of the trail makes the transaction run again on the new record), so no
 * AddTags or RemoveTags is lost to another, nor to a delivery updating the trail meanwhile.
 */
export const MAX_TAGS_PER_TRAIL = 50;
export const MAX_LIST_TAGS_RESOURCES = 20;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

/** AWS's documented tag pattern `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`: linear (one class, no nesting). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

type StoredTag = { Key: string; Value?: string };

/** Length in Unicode characters (code points), as AWS counts a tag's. */
function characters(text: string): number {
  return [...text].length;
}

function checkKey(key: string): void {
  const length = characters(key);
  if (length < 1 || length > MAX_KEY_LENGTH) throw invalidTagParameter(`Tag key must be between 1 and ${MAX_KEY_LENGTH} characters long. Specified key length: ${length} characters.`);
  if (!TAG_TEXT.test(key)) throw invalidTagParameter(`Tag key ${key} is not valid: a tag key may contain only Unicode letters, digits, white space and _ . : / = + - @.`);
  if (key.toLowerCase().startsWith('aws:')) throw invalidTagParameter(`Tag key ${key} is not valid: keys starting with "aws:" are reserved for AWS use.`);
}

function checkValue(key: string, value: string): void {
  const length = characters(value);
  if (length > MAX_VALUE_LENGTH) throw invalidTagParameter(`The value of tag ${key} must be at most ${MAX_VALUE_LENGTH} characters long. Specified value length: ${length} characters.`);
  if (!TAG_TEXT.test(value)) throw invalidTagParameter(`The value of tag ${key} is not valid: a tag value may contain only Unicode letters, digits, white space and _ . : / = + - @.`);
}

/**
 * Tags a request sets (CreateTrail's and AddTags' `TagsList`), checked: valid keys and values,
 * no key twice, and — for CreateTrail, whose trail has none yet — at most 50.
 */
export function checkedTags(tags: readonly Tag[] | undefined, { whole }: { whole: boolean }): StoredTag[] {
  const result: StoredTag[] = [];
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    checkKey(tag.Key);
    if (tag.Value !== undefined) checkValue(tag.Key, tag.Value);
    if (seen.has(tag.Key)) throw invalidTagParameter(`Duplicate tag key: ${tag.Key}. A tag key must be unique for the resource.`);
    seen.add(tag.Key);
    result.push(tag.Value === undefined ? { Key: tag.Key } : { Key: tag.Key, Value: tag.Value });
  }
  if (whole && result.length > MAX_TAGS_PER_TRAIL) throw tagsLimitExceeded(MAX_TAGS_PER_TRAIL);
  return result;
}

/** `current` with `added` set: a key already there keeps its place and takes the new value. */
export function withTags(current: readonly StoredTag[], added: readonly StoredTag[]): StoredTag[] {
  const byKey = new Map(added.map((tag) => [tag.Key, tag]));
  const merged = current.map((tag) => byKey.get(tag.Key) ?? tag);
  const present = new Set(current.map((tag) => tag.Key));
  return [...merged, ...added.filter((tag) => !present.has(tag.Key))];
}

/** `current` without the keys of `removed`. */
export function withoutTags(current: readonly StoredTag[], removed: readonly { Key: string }[]): StoredTag[] {
  const keys = new Set(removed.map((tag) => tag.Key));
  return current.filter((tag) => !keys.has(tag.Key));
}

function tagsOutput(tags: readonly StoredTag[] | undefined): Tag[] {
  return (tags ?? []).map((tag) => (tag.Value === undefined ? { Key: tag.Key } : { Key: tag.Key, Value: tag.Value }));
}

/** The trail a tag operation names by ARN, in the request's Region (see above for each refusal). */
async function taggedTrail(ctx: OperationContext, resourceId: string): Promise<TrailRecord> {
  const accountId = ctx.principal.accountId;
  if (!resourceId.startsWith('arn:')) {
    checkTrailName(resourceId);
    throw invalidTrailArn(resourceId);
  }
  const arn = parseTrailArn(resourceId);
  if (!arn) throw invalidTrailArn(resourceId);
  if (arn.accountId !== accountId) throw otherAccountArn(accountId);
  const trail = await findTrail(ctx.store, accountId, ctx.region, resourceId);
  if (!trail || trail.data.homeRegion !== ctx.region) throw resourceNotFound(resourceId);
  return trail;
}

/** Changes the trail's tags in one transaction on its current record. */
async function changeTags(ctx: OperationContext, resourceId: string, change: (tags: readonly StoredTag[]) => StoredTag[]): Promise<void> {
  const trail = await taggedTrail(ctx, resourceId);
  await ctx.store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(TRAIL_KIND, trail.id);
    if (!current) throw resourceNotFound(resourceId);
    const tags = change(current.data.tags ?? []);
    const { tags: _old, ...rest } = current.data;
    await tx.update<TrailData>({ ...current, data: { ...rest, ...(tags.length > 0 ? { tags } : {}) } });
  });
}

async function addTags(input: In<'AddTags'>, ctx: OperationContext) {
  const added = checkedTags(input.TagsList, { whole: false });
  await changeTags(ctx, input.ResourceId, (current) => {
    const tags = withTags(current, added);
    if (tags.length > MAX_TAGS_PER_TRAIL) throw tagsLimitExceeded(MAX_TAGS_PER_TRAIL);
    return tags;
  });
  return {};
}

async function removeTags(input: In<'RemoveTags'>, ctx: OperationContext) {
  const removed = input.TagsList ?? [];
  for (const tag of removed) checkKey(tag.Key);
  await changeTags(ctx, input.ResourceId, (current) => withoutTags(current, removed));
  return {};
}

async function listTags(input: In<'ListTags'>, ctx: OperationContext) {
  const ids = input.ResourceIdList;
  if (ids.length > MAX_LIST_TAGS_RESOURCES) throw tooManyResourceIds(MAX_LIST_TAGS_RESOURCES);
  const ResourceTagList = [];
  for (const id of ids) {
    const trail = await taggedTrail(ctx, id);
    ResourceTagList.push({ ResourceId: trail.id, TagsList: tagsOutput(trail.data.tags) });
  }
  return { ResourceTagList };
}

export const tagHandlers = {
  AddTags: addTags,
  ListTags: listTags,
  RemoveTags: removeTags,
};

/** A trail's tags as aws:ResourceTag/… sees them (a tag without a value: the empty string). */
export function resourceTagsOf(trail: TrailRecord): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of trail.data.tags ?? []) Object.defineProperty(tags, tag.Key, { value: tag.Value ?? '', enumerable: true, writable: true, configurable: true });
  return tags;
}

/**
 * What one ARN of a tag operation is authorized on: the trail's ARN and tags when the caller's
 * account has it in this Region; otherwise the ARN as given, or — for a name — the ARN it would
 * have in the caller's account and Region (the handler then refuses it). Never fails.
 */
async function onTaggedTrail(ctx: TargetContext, resourceId: string): Promise<Pick<AuthorizationTarget, 'resource' | 'resourceTags'>> {
  const region = ctx.region ?? 'us-east-1';
  const trail = resourceId.startsWith('arn:') ? await findTrail(ctx.tx, ctx.accountId, region, resourceId) : undefined;
  if (trail) return { resource: trail.id, resourceTags: resourceTagsOf(trail) };
  return { resource: resourceId.startsWith('arn:') ? resourceId : trailArn(region, ctx.accountId, resourceId) };
}

export function requestTagContext(tags: readonly Tag[] | undefined): Record<string, ContextValue> {
  const list = tags ?? [];
  const context: Record<string, ContextValue> = { 'aws:TagKeys': list.map((tag) => tag.Key) };
  for (const tag of list) Object.defineProperty(context, `aws:RequestTag/${tag.Key}`, { value: tag.Value ?? '', enumerable: true, writable: true, configurable: true });
  return context;
}

type TagTargets = { [K in keyof typeof tagHandlers]: TargetResolver<In<K>> };

export const tagTargets: TagTargets = {
  AddTags: async (input, ctx) => ({ ...(await onTaggedTrail(ctx, input.ResourceId)), context: requestTagContext(input.TagsList) }),
  RemoveTags: async (input, ctx) => ({ ...(await onTaggedTrail(ctx, input.ResourceId)), context: { 'aws:TagKeys': (input.TagsList ?? []).map((tag) => tag.Key) } }),
  ListTags: async (input, ctx) => {
    // Limits before reading: a longer list is refused by the handler, so only the first 20 are resolved.
    const targets: Array<Pick<AuthorizationTarget, 'resource' | 'resourceTags'>> = [];
    for (const id of input.ResourceIdList.slice(0, MAX_LIST_TAGS_RESOURCES)) targets.push(await onTaggedTrail(ctx, id));
    const [first, ...rest] = targets;
    // An empty list names no trail: authorized on "*", as the trail listings are (authorization.ts).
    if (!first) return { resource: '*' };
    const also: AuthorizationCheck[] = rest.map((target) => ({ action: 'cloudtrail:ListTags', ...target }));
    return { ...first, ...(also.length > 0 ? { also } : {}) };
  },
};
