import type { ContextValue } from '../../policy/index.ts';

/**
 * aws:RequestTag/<key> for each tag a request sets, and aws:TagKeys for their keys — the
 * condition keys AWS provides for operations that take `Tags` (Create*, Tag*).
 */
export function requestTagContext(tags: ReadonlyArray<{ Key: string; Value: string }> | undefined): Record<string, ContextValue> {
  if (!tags || tags.length === 0) return {};
  const context: Record<string, ContextValue> = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const tag of tags) context[`aws:RequestTag/${tag.Key}`] = tag.Value;
  return context;
}

/** aws:TagKeys for operations that remove tags (Untag*). */
export function tagKeysContext(keys: readonly string[] | undefined): Record<string, ContextValue> {
  return keys && keys.length > 0 ? { 'aws:TagKeys': [...keys] } : {};
}

type Tags = ReadonlyArray<{ Key: string; Value: string }> | undefined;

/** Where and how the tagging half of a create is checked, when not on the created entity's own ARN. */
export interface CreateTagCheck {
  /**
   * The resource the tagging action is checked on. By default the create's own resource (IAM:
   * the new entity's ARN). A service whose new resource gets its ID only when it is created
   * (Organizations' accounts, OUs, policies) names what it can: every resource of the new
   * entity's type, or `*`.
   */
  resource?: string;
  /** Condition keys of the tagging check besides the request's tags (e.g. organizations:PolicyType). */
  context?: Record<string, ContextValue>;
}

/**
 * The target of a Create… operation that can tag what it creates: the new entity, with the
 * request's tags as aws:RequestTag/… and aws:TagKeys, and — when it carries tags — the
 * entity's Tag… action too, on the same ARN (or on `tagCheck.resource`). IAM authorizes
 * tagging on create separately: a caller allowed iam:CreateRole but not iam:TagRole is refused
 * a CreateRole with tags ("… is not authorized to perform: iam:TagRole on resource:
 * arn:aws:iam::…:role/…", as AWS answers Terraform and CloudFormation role creations); so does
 * Organizations ("If the request includes tags, then the requester must have the
 * organizations:TagResource permission", Organizations API Reference, CreateAccount,
 * CreateOrganizationalUnit, CreatePolicy, InviteAccountToOrganization, …).
 */
export function createTarget(resource: string, tagAction: string, tags: Tags, context: Record<string, ContextValue> = {}, tagCheck: CreateTagCheck = {}): { resource: string; context: Record<string, ContextValue>; also?: { action: string; resource: string; context: Record<string, ContextValue> }[] } {
  const tagContext = requestTagContext(tags);
  return {
    resource,
    context: { ...tagContext, ...context },
    ...(tags && tags.length > 0 ? { also: [{ action: tagAction, resource: tagCheck.resource ?? resource, context: { ...tagContext, ...tagCheck.context } }] } : {}),
  };
}
