import type { OperationContext } from '../kernel/operation.ts';
import type { Operations, PolicySummary, PolicyTargetSummary } from '../protocol/generated/organizations.ts';
import { StoreConflictError, type StoreTx } from '../store/types.ts';
import { attachedOfType, attachedPolicyIds } from './attachments.ts';
import { awsManagedGuardrail, fullAccessPolicyFor, type AwsManagedGuardrail } from './aws-managed.ts';
import { allOf, nowOf, write } from './context.ts';
import {
  constraint,
  duplicatePolicy,
  duplicatePolicyAttachment,
  immutablePolicy,
  invalidInput,
  policyInUse,
  policyNotAttached,
  policyNotFound,
  policyTypeNotAvailable,
  policyTypeNotEnabled,
} from './errors.ts';
import { newPolicyId } from './ids.ts';
import { LIMITS } from './limits.ts';
import { requireManagedOrganization, requireRootRecord, requireTarget, type Node } from './lookup.ts';
import { requireManagedOrDelegated } from './delegation.ts';
import { managedSummary, policySummary } from './output.ts';
import { pageArray, pageResponse } from './paging.ts';
import { assertValidPolicyContent } from './policy-content.ts';
import { assertTags } from './tag-rules.ts';
import {
  accountArn,
  isGuardrailType,
  OrgKind,
  OrgLink,
  ouArn,
  rootArn,
  type GuardrailPolicyType,
  type OrganizationRecord,
  type PolicyData,
  type PolicyRecord,
} from './records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * SCPs and RCPs: CreatePolicy / UpdatePolicy (content checked by policy-content.ts),
 * DeletePolicy (only when attached nowhere), DescribePolicy, ListPolicies (AWS's managed
 * full-access policy of the type, then the organization's own), ListPoliciesForTarget,
 * ListTargetsForPolicy, AttachPolicy and DetachPolicy.
 */

type AnyPolicy = { managed: AwsManagedGuardrail } | { record: PolicyRecord };

/** A policy the organization can see: AWS's managed ones, or its own. */
async function requirePolicy(tx: StoreTx, org: OrganizationRecord, policyId: string): Promise<AnyPolicy> {
  const managed = awsManagedGuardrail(policyId);
  if (managed) return { managed };
  const record = await tx.get<PolicyData>(OrgKind.policy, policyId);
  if (!record || record.data.orgId !== org.id) throw policyNotFound();
  return { record };
}

const typeOf = (policy: AnyPolicy): GuardrailPolicyType => ('managed' in policy ? policy.managed.type : policy.record.data.type);
const summaryOf = (org: OrganizationRecord, policy: AnyPolicy): PolicySummary => ('managed' in policy ? managedSummary(policy.managed) : policySummary(org, policy.record));
const contentOf = (policy: AnyPolicy): string => ('managed' in policy ? policy.managed.content : policy.record.data.content);
const idOf = (policy: AnyPolicy): string => ('managed' in policy ? policy.managed.id : policy.record.id);

function requireOwn(policy: AnyPolicy): PolicyRecord {
  if ('managed' in policy) throw immutablePolicy();
  return policy.record;
}

function guardrailType(type: string): GuardrailPolicyType {
  if (!isGuardrailType(type)) throw policyTypeNotAvailable();
  return type;
}

async function createPolicy(input: In<'CreatePolicy'>, ctx: OperationContext) {
  const type = guardrailType(input.Type);
  assertValidPolicyContent(type, input.Content);
  assertTags(input.Tags ?? []);
  const now = nowOf(ctx);
  const result = await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'CreatePolicy');
    const management = org.data.managementAccountId;
    const existing = await allOf<PolicyData>(tx, management, OrgKind.policy);
    if (existing.filter((p) => p.data.type === type).length >= LIMITS.policiesPerType) {
      throw constraint('POLICY_NUMBER_LIMIT_EXCEEDED', `You attempted to exceed the number of policies of this type that you can have in an organization (${LIMITS.policiesPerType}).`);
    }
    try {
      const record = await tx.insert<PolicyData>({
        accountId: management, kind: OrgKind.policy, id: newPolicyId(ctx.random), name: input.Name, parentId: '', path: '/',
        data: { orgId: org.id, type, description: input.Description, content: input.Content, tags: [...(input.Tags ?? [])] }, createdAt: now,
      });
      return { PolicySummary: policySummary(org, record), Content: record.data.content };
    } catch (err) {
      if (err instanceof StoreConflictError) throw duplicatePolicy();
      throw err;
    }
  });
  return { Policy: result };
}

async function updatePolicy(input: In<'UpdatePolicy'>, ctx: OperationContext) {
  const result = await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'UpdatePolicy');
    const record = requireOwn(await requirePolicy(tx, org, input.PolicyId));
    if (input.Content !== undefined) assertValidPolicyContent(record.data.type, input.Content);
    const data: PolicyData = {
      ...record.data,
      ...(input.Description !== undefined ? { description: input.Description } : {}),
      ...(input.Content !== undefined ? { content: input.Content } : {}),
    };
    try {
      const updated = await tx.update({ ...record, name: input.Name ?? record.name, data });
      return { PolicySummary: policySummary(org, updated), Content: updated.data.content };
    } catch (err) {
      if (err instanceof StoreConflictError) throw duplicatePolicy();
      throw err;
    }
  });
  return { Policy: result };
}

async function deletePolicy(input: In<'DeletePolicy'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'DeletePolicy');
    const record = requireOwn(await requirePolicy(tx, org, input.PolicyId));
    if ((await tx.countLinksTo(OrgLink.attachment, record.id)) > 0) throw policyInUse();
    await tx.delete(OrgKind.policy, record.id);
  });
  return {};
}

async function describePolicy(input: In<'DescribePolicy'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'DescribePolicy');
  const policy = await requirePolicy(ctx.store, org, input.PolicyId);
  return { Policy: { PolicySummary: summaryOf(org, policy), Content: contentOf(policy) } };
}

async function listPolicies(input: In<'ListPolicies'>, ctx: OperationContext) {
  const type = guardrailType(input.Filter);
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListPolicies');
  const own = (await allOf<PolicyData>(ctx.store, org.data.managementAccountId, OrgKind.policy)).filter((p) => p.data.type === type);
  const all = [managedSummary(fullAccessPolicyFor(type)), ...own.map((p) => policySummary(org, p))];
  return pageResponse('Policies', pageArray(all, (p) => `${p.Name!.toLowerCase()}\u0000${p.Id}`, input.NextToken, input.MaxResults));
}

async function listPoliciesForTarget(input: In<'ListPoliciesForTarget'>, ctx: OperationContext) {
  const type = guardrailType(input.Filter);
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListPoliciesForTarget');
  await requireTarget(ctx.store, org, input.TargetId);
  const summaries: PolicySummary[] = [];
  for (const id of await attachedOfType(ctx.store, input.TargetId, type)) summaries.push(summaryOf(org, await requirePolicy(ctx.store, org, id)));
  return pageResponse('Policies', pageArray(summaries, (p) => `${p.Name!.toLowerCase()}\u0000${p.Id}`, input.NextToken, input.MaxResults));
}

function targetSummary(org: OrganizationRecord, node: Node): PolicyTargetSummary {
  const management = org.data.managementAccountId;
  switch (node.kind) {
    case 'ROOT':
      return { TargetId: node.record.id, Arn: rootArn(management, org.id, node.record.id), Name: node.record.name, Type: 'ROOT' };
    case 'ORGANIZATIONAL_UNIT':
      return { TargetId: node.record.id, Arn: ouArn(management, org.id, node.record.id), Name: node.record.name, Type: 'ORGANIZATIONAL_UNIT' };
    case 'ACCOUNT':
      return { TargetId: node.record.id, Arn: accountArn(management, org.id, node.record.id), Name: node.record.data.name, Type: 'ACCOUNT' };
  }
}

/** The organization's targets the policy is attached to (AWS's managed policies are attached in many organizations: only this one's count). */
async function listTargetsForPolicy(input: In<'ListTargetsForPolicy'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListTargetsForPolicy');
  const policy = await requirePolicy(ctx.store, org, input.PolicyId);
  const targets: PolicyTargetSummary[] = [];
  for (const targetId of await ctx.store.linksTo(OrgLink.attachment, idOf(policy), { limit: 100_000 })) {
    const node = await requireTarget(ctx.store, org, targetId).catch(() => undefined);
    if (node) targets.push(targetSummary(org, node));
  }
  return pageResponse('Targets', pageArray(targets, (t) => t.TargetId!, input.NextToken, input.MaxResults));
}

/** The type must be enabled on the root; at most five policies of a type on one target. */
async function attachPolicy(input: In<'AttachPolicy'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'AttachPolicy');
    const policy = await requirePolicy(tx, org, input.PolicyId);
    const target = await requireTarget(tx, org, input.TargetId);
    const type = typeOf(policy);
    if (!(await requireRootRecord(tx, org)).data.policyTypes.includes(type)) throw policyTypeNotEnabled();
    const attached = await attachedOfType(tx, target.record.id, type);
    if (attached.includes(idOf(policy))) throw duplicatePolicyAttachment();
    if (attached.length >= LIMITS.attachmentsPerType) {
      throw constraint('MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED', `You attempted to attach more than ${LIMITS.attachmentsPerType} policies of this type to an entity.`);
    }
    await tx.link(OrgLink.attachment, org.data.managementAccountId, target.record.id, idOf(policy));
  });
  return {};
}

/**
 * A target keeps at least one SCP (AWS refuses to detach the last:
 * MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED); RCPFullAWSAccess is never detached.
 */
async function detachPolicy(input: In<'DetachPolicy'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'DetachPolicy');
    const policy = await requirePolicy(tx, org, input.PolicyId);
    const target = await requireTarget(tx, org, input.TargetId);
    const type = typeOf(policy);
    if (!(await requireRootRecord(tx, org)).data.policyTypes.includes(type)) throw policyTypeNotEnabled();
    const attached = await attachedPolicyIds(tx, target.record.id);
    if (!attached.includes(idOf(policy))) throw policyNotAttached();
    if (idOf(policy) === fullAccessPolicyFor('RESOURCE_CONTROL_POLICY').id) {
      throw invalidInput('NON_DETACHABLE_POLICY', "You can't detach the RCPFullAWSAccess policy.");
    }
    if (type === 'SERVICE_CONTROL_POLICY' && (await attachedOfType(tx, target.record.id, type)).length <= 1) {
      throw constraint('MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED', 'You attempted to detach a policy from an entity that would leave the entity with fewer than the minimum number of policies of that type (1).');
    }
    await tx.unlink(OrgLink.attachment, target.record.id, idOf(policy));
  });
  return {};
}

export const policyHandlers = {
  CreatePolicy: createPolicy,
  UpdatePolicy: updatePolicy,
  DeletePolicy: deletePolicy,
  DescribePolicy: describePolicy,
  ListPolicies: listPolicies,
  ListPoliciesForTarget: listPoliciesForTarget,
  ListTargetsForPolicy: listTargetsForPolicy,
  AttachPolicy: attachPolicy,
  DetachPolicy: detachPolicy,
};

export { requirePolicy, typeOf, idOf };
