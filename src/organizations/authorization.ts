import type { AuthorizationTarget, TargetContext, TargetResolver } from '../authz/target.ts';
import type { Operations, Tag } from '../protocol/generated/organizations.ts';
import type { ContextValue } from '../policy/index.ts';
import type { StoreTx } from '../store/types.ts';
import { createTarget, requestTagContext, tagKeysContext } from '../iam/authorization/request-tags.ts';
import { awsManagedGuardrail } from './aws-managed.ts';
import { organizationOf } from './lookup.ts';
import { delegatedBy, resourcePolicyOf } from './delegation.ts';
import { resourceTags } from './tags.ts';
import {
  accountArn,
  handshakeArn,
  OrgKind,
  ouArn,
  policyArn,
  resourcePolicyArn,
  rootArn,
  targetKindOf,
  type GuardrailPolicyType,
  type HandshakeData,
  type OrganizationRecord,
  type PolicyData,
} from './records.ts';

/**
 * What each Organizations operation is authorized against, per AWS's Service Authorization
 * Reference: `organizations:<Operation>` on the root, OU, account, policy or handshake it
 * names (arn:aws:organizations::<management>:<type>/o-…/…), or on "*" for the operations
 * that name none. The ARNs need the caller's organization, read here; a caller in no
 * organization is authorized on "*" and then told AWSOrganizationsNotInUseException by the
 * handler — never which IDs exist elsewhere. Tags of the named resource become
 * aws:ResourceTag/…; Tags in the request aws:RequestTag/… and aws:TagKeys;
 * organizations:PolicyType is set where the operation names a policy type, and
 * organizations:ServicePrincipal where it names a service (Enable/DisableAWSServiceAccess).
 */
type Resolver<K extends keyof Operations> = TargetResolver<Operations[K]['input']>;

async function callerOrg(ctx: TargetContext): Promise<OrganizationRecord | undefined> {
  return (await organizationOf(ctx.tx, ctx.accountId))?.org;
}

/** The ARN of a root, OU or account ID in the caller's organization; "*" when it cannot be formed. */
function nodeArn(org: OrganizationRecord | undefined, id: string): string {
  if (!org) return '*';
  const management = org.data.managementAccountId;
  switch (targetKindOf(id)) {
    case 'ROOT':
      return rootArn(management, org.id, id);
    case 'ORGANIZATIONAL_UNIT':
      return ouArn(management, org.id, id);
    case 'ACCOUNT':
      return accountArn(management, org.id, id);
    default:
      return '*';
  }
}

async function policyTarget(tx: StoreTx, org: OrganizationRecord | undefined, policyId: string): Promise<{ arn: string; type?: string }> {
  const managed = awsManagedGuardrail(policyId);
  if (managed) return { arn: managed.arn, type: managed.type };
  const record = await tx.get<PolicyData>(OrgKind.policy, policyId);
  if (!org || !record || record.data.orgId !== org.id) return { arn: org ? policyArn(org.data.managementAccountId, org.id, 'SERVICE_CONTROL_POLICY', policyId) : '*' };
  return { arn: policyArn(org.data.managementAccountId, org.id, record.data.type, policyId), type: record.data.type };
}

async function handshakeTarget(ctx: TargetContext, handshakeId: string): Promise<AuthorizationTarget> {
  const handshake = await ctx.tx.get<HandshakeData>(OrgKind.handshake, handshakeId);
  const org = handshake ? await ctx.tx.get<OrganizationRecord['data']>(OrgKind.organization, handshake.data.orgId) : undefined;
  return { resource: org ? handshakeArn(org.data.managementAccountId, org.id, handshakeId) : '*' };
}

const anywhere = async (): Promise<AuthorizationTarget> => ({ resource: '*' });

const onNode = (idOf: (input: any) => string) => async (input: any, ctx: TargetContext): Promise<AuthorizationTarget> => {
  const org = await callerOrg(ctx);
  const id = idOf(input);
  return { resource: nodeArn(org, id), ...(org ? { resourceTags: await resourceTags(ctx.tx, org, id) } : {}) };
};

const onPolicy = (idOf: (input: any) => string) => async (input: any, ctx: TargetContext): Promise<AuthorizationTarget> => {
  const org = await callerOrg(ctx);
  const policy = await policyTarget(ctx.tx, org, idOf(input));
  return {
    resource: policy.arn,
    ...(org ? { resourceTags: await resourceTags(ctx.tx, org, idOf(input)) } : {}),
    ...(policy.type ? { context: { 'organizations:PolicyType': policy.type } } : {}),
  };
};

/** A root, OU or account as the resource of a further check: its ARN and its tags. */
async function nodeCheck(ctx: TargetContext, org: OrganizationRecord | undefined, id: string): Promise<{ resource: string; resourceTags?: Record<string, string> }> {
  return { resource: nodeArn(org, id), ...(org ? { resourceTags: await resourceTags(ctx.tx, org, id) } : {}) };
}

/**
 * Attach/DetachPolicy: the policy, and the target it is attached to or detached from — the
 * action's organizations:PolicyType applies to both checks (the reference lists it for the
 * action, whichever resource a statement names).
 */
const onPolicyAndTarget = async (input: { PolicyId: string; TargetId: string }, ctx: TargetContext, action: string): Promise<AuthorizationTarget> => {
  const main = await onPolicy((i) => i.PolicyId)(input, ctx);
  const org = await callerOrg(ctx);
  return { ...main, also: [{ action, ...(await nodeCheck(ctx, org, input.TargetId)), ...(main.context ? { context: main.context } : {}) }] };
};

/** The organization's delegation policy: its ARN when it has one. */
const onResourcePolicy = async (_input: unknown, ctx: TargetContext): Promise<AuthorizationTarget> => {
  const org = await callerOrg(ctx);
  const policy = org ? await resourcePolicyOf(ctx.tx, org) : undefined;
  if (!org || !policy) return { resource: '*' };
  return { resource: resourcePolicyArn(org.data.managementAccountId, org.id, policy.id), resourceTags: Object.fromEntries(policy.data.tags.map((t) => [t.Key, t.Value])) };
};

/** Tag operations name any taggable ID: a root, OU, account, policy or the delegation policy. */
const onTaggable = async (id: string, ctx: TargetContext): Promise<AuthorizationTarget> =>
  id.startsWith('rp-') ? onResourcePolicy({}, ctx) : id.startsWith('p-') ? onPolicy(() => id)({}, ctx) : onNode(() => id)({}, ctx);

/**
 * Tag on create: a create (or invite) that carries Tags also needs organizations:TagResource,
 * with the same aws:RequestTag/… and aws:TagKeys ("If the request includes tags, then the
 * requester must have the organizations:TagResource permission", Organizations API Reference,
 * CreateAccount, CreateOrganizationalUnit, CreatePolicy, CreateGovCloudAccount,
 * InviteAccountToOrganization; Organizations User Guide, "Adding tags to a resource when you
 * create it"). The new entity's ID is drawn only when the handler creates it, so the tagging
 * check names every entity of its type in the caller's organization (`account/o-…/*`,
 * `ou/o-…/ou-<root>-*`, `policy/o-…/<type>/p-*`, `resourcepolicy/o-…/rp-*`) — a grant on `*`,
 * on the type or on the organization matches, one naming another entity does not — or the
 * account an invitation names; `*` for a caller in no organization.
 */
const orgTagCreate = async (
  ctx: TargetContext,
  mainResource: string,
  tags: readonly Tag[] | undefined,
  newResource: (org: OrganizationRecord) => string,
  context: Record<string, ContextValue> = {},
  tagContext: Record<string, ContextValue> = {},
) => {
  const org = await callerOrg(ctx);
  return createTarget(mainResource, 'organizations:TagResource', tags, context, { resource: org ? newResource(org) : '*', context: tagContext });
};

/** The root an OU's parent belongs to (r-<x> or ou-<x>-…): the prefix every OU ID under it starts with. */
function ouPrefixUnder(parentId: string): string {
  const root = /^(?:r|ou)-([0-9a-z]{4,32})(?:-|$)/.exec(parentId)?.[1];
  return root ? `ou-${root}-*` : '*';
}

const resolvers = {
  CreateOrganization: anywhere,
  DescribeOrganization: anywhere,
  DeleteOrganization: anywhere,
  ListRoots: anywhere,
  EnablePolicyType: async (input, ctx) => ({ ...(await onNode((i) => i.RootId)(input, ctx)), context: { 'organizations:PolicyType': input.PolicyType } }),
  DisablePolicyType: async (input, ctx) => ({ ...(await onNode((i) => i.RootId)(input, ctx)), context: { 'organizations:PolicyType': input.PolicyType } }),

  CreateAccount: (input, ctx) => orgTagCreate(ctx, '*', input.Tags, (org) => accountArn(org.data.managementAccountId, org.id, '*')),
  DescribeCreateAccountStatus: anywhere,
  ListCreateAccountStatus: anywhere,
  ListAccounts: anywhere,
  ListAccountsForParent: onNode((i) => i.ParentId),
  DescribeAccount: onNode((i) => i.AccountId),
  MoveAccount: async (input, ctx) => {
    const org = await callerOrg(ctx);
    const main = await onNode((i) => i.AccountId)(input, ctx);
    return {
      ...main,
      // Both parents are resources of MoveAccount (root, organizationalunit), each with its tags.
      also: await Promise.all([input.SourceParentId, input.DestinationParentId].map(async (id) => ({ action: 'organizations:MoveAccount', ...(await nodeCheck(ctx, org, id)) }))),
    };
  },
  RemoveAccountFromOrganization: onNode((i) => i.AccountId),
  LeaveOrganization: anywhere,
  CloseAccount: onNode((i) => i.AccountId),

  InviteAccountToOrganization: (input, ctx) => orgTagCreate(ctx, '*', input.Tags, (org) => accountArn(org.data.managementAccountId, org.id, input.Target?.Type === 'ACCOUNT' && targetKindOf(input.Target.Id) === 'ACCOUNT' ? input.Target.Id : '*')),
  AcceptHandshake: (input, ctx) => handshakeTarget(ctx, input.HandshakeId),
  DeclineHandshake: (input, ctx) => handshakeTarget(ctx, input.HandshakeId),
  CancelHandshake: (input, ctx) => handshakeTarget(ctx, input.HandshakeId),
  DescribeHandshake: (input, ctx) => handshakeTarget(ctx, input.HandshakeId),
  ListHandshakesForAccount: anywhere,
  ListHandshakesForOrganization: anywhere,

  CreateOrganizationalUnit: async (input, ctx) => {
    const parent = await onNode((i) => i.ParentId)(input, ctx);
    return { ...parent, ...(await orgTagCreate(ctx, parent.resource, input.Tags, (org) => ouArn(org.data.managementAccountId, org.id, ouPrefixUnder(input.ParentId)))) };
  },
  UpdateOrganizationalUnit: onNode((i) => i.OrganizationalUnitId),
  DeleteOrganizationalUnit: onNode((i) => i.OrganizationalUnitId),
  DescribeOrganizationalUnit: onNode((i) => i.OrganizationalUnitId),
  ListOrganizationalUnitsForParent: onNode((i) => i.ParentId),
  ListChildren: onNode((i) => i.ParentId),
  ListParents: onNode((i) => i.ChildId),

  CreatePolicy: (input, ctx) => orgTagCreate(ctx, '*', input.Tags, (org) => policyArn(org.data.managementAccountId, org.id, input.Type as GuardrailPolicyType, 'p-*'),
    { 'organizations:PolicyType': input.Type }, { 'organizations:PolicyType': input.Type }),
  UpdatePolicy: onPolicy((i) => i.PolicyId),
  DeletePolicy: onPolicy((i) => i.PolicyId),
  DescribePolicy: onPolicy((i) => i.PolicyId),
  ListPolicies: async (input) => ({ resource: '*', context: { 'organizations:PolicyType': input.Filter } }),
  ListPoliciesForTarget: async (input, ctx) => ({ ...(await onNode((i) => i.TargetId)(input, ctx)), context: { 'organizations:PolicyType': input.Filter } }),
  ListTargetsForPolicy: onPolicy((i) => i.PolicyId),
  DescribeEffectivePolicy: async (input, ctx) => ({ ...(await onNode((i) => i.TargetId ?? ctx.accountId)(input, ctx)), context: { 'organizations:PolicyType': input.PolicyType } }),
  AttachPolicy: (input, ctx) => onPolicyAndTarget(input, ctx, 'organizations:AttachPolicy'),
  DetachPolicy: (input, ctx) => onPolicyAndTarget(input, ctx, 'organizations:DetachPolicy'),

  EnableAWSServiceAccess: async (input) => ({ resource: '*', context: { 'organizations:ServicePrincipal': input.ServicePrincipal } }),
  DisableAWSServiceAccess: async (input) => ({ resource: '*', context: { 'organizations:ServicePrincipal': input.ServicePrincipal } }),
  ListAWSServiceAccessForOrganization: anywhere,
  // Register/Deregister and ListDelegatedServicesForAccount act on the account (the reference's `account` resource, required).
  RegisterDelegatedAdministrator: async (input, ctx) => ({ ...(await onNode((i) => i.AccountId)(input, ctx)), context: { 'organizations:ServicePrincipal': input.ServicePrincipal } }),
  DeregisterDelegatedAdministrator: async (input, ctx) => ({ ...(await onNode((i) => i.AccountId)(input, ctx)), context: { 'organizations:ServicePrincipal': input.ServicePrincipal } }),
  ListDelegatedAdministrators: async (input) => ({ resource: '*', ...(input.ServicePrincipal ? { context: { 'organizations:ServicePrincipal': input.ServicePrincipal } } : {}) }),
  ListDelegatedServicesForAccount: onNode((i) => i.AccountId),

  // organizations:PolicyType stays beside the tag keys when the resource is a policy.
  TagResource: async (input, ctx) => {
    const target = await onTaggable(input.ResourceId, ctx);
    return { ...target, context: { ...target.context, ...requestTagContext(input.Tags) } };
  },
  UntagResource: async (input, ctx) => {
    const target = await onTaggable(input.ResourceId, ctx);
    return { ...target, context: { ...target.context, ...tagKeysContext(input.TagKeys) } };
  },
  ListTagsForResource: (input, ctx) => onTaggable(input.ResourceId, ctx),

  EnableAllFeatures: anywhere,
  PutResourcePolicy: async (input, ctx) => {
    const existing = await onResourcePolicy(input, ctx);
    return { ...existing, ...(await orgTagCreate(ctx, existing.resource, input.Tags, (org) => existing.resource !== '*' ? existing.resource : resourcePolicyArn(org.data.managementAccountId, org.id, 'rp-*'))) };
  },
  DescribeResourcePolicy: onResourcePolicy,
  DeleteResourcePolicy: onResourcePolicy,
  ListAccountsWithInvalidEffectivePolicy: async (input) => ({ resource: '*', context: { 'organizations:PolicyType': input.PolicyType } }),
  ListEffectivePolicyValidationErrors: async (input, ctx) => ({ ...(await onNode((i) => i.AccountId)(input, ctx)), context: { 'organizations:PolicyType': input.PolicyType } }),

  CreateGovCloudAccount: (input, ctx) => orgTagCreate(ctx, '*', input.Tags, (org) => accountArn(org.data.managementAccountId, org.id, '*')),
  InviteOrganizationToTransferResponsibility: async (input) => ({ resource: '*', context: requestTagContext(input.Tags) }),
  DescribeResponsibilityTransfer: anywhere,
  UpdateResponsibilityTransfer: anywhere,
  TerminateResponsibilityTransfer: anywhere,
  ListInboundResponsibilityTransfers: anywhere,
  ListOutboundResponsibilityTransfers: anywhere,
} satisfies { readonly [K in keyof Operations]?: Resolver<K> };

/**
 * Every Organizations check is decided as a request in the caller's own account: the
 * entities' ARNs carry the management account, yet AWS decides a member's AcceptHandshake
 * (or the management account's own calls) by the caller's policies, with no resource policy.
 *
 * The exception is a member's call that the organization's delegation policy decides
 * (delegation.ts): that is a cross-account request to the management account, with the
 * delegation policy as the resource policy of every check, so the member's own policies and
 * the delegation policy must both allow it.
 */
function inCallersAccount<T extends Record<string, TargetResolver<any>>>(table: T): T {
  const out: Record<string, TargetResolver<any>> = {};
  for (const [name, resolve] of Object.entries(table)) {
    out[name] = async (input, ctx) => {
      const target = await resolve(input, ctx);
      const delegation = await delegatedBy(ctx.tx, ctx.accountId, name);
      const owner = delegation ? { resourceAccount: delegation.org.data.managementAccountId, resourcePolicy: {
        text: delegation.policy.data.content,
        kind: 'resource' as const,
        name: resourcePolicyArn(delegation.org.data.managementAccountId, delegation.org.id, delegation.policy.id),
      } } : { resourceAccount: ctx.accountId };
      return { ...target, ...owner, ...(target.also ? { also: target.also.map((check) => ({ ...check, ...owner })) } : {}) };
    };
  }
  return out as T;
}

export const organizationsTargets = inCallersAccount(resolvers);
