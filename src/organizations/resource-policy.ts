import type { OperationContext } from '../kernel/operation.ts';
import { validatePolicy } from '../policy/index.ts';
import type { Operations, ResourcePolicy } from '../protocol/generated/organizations.ts';
import { nowOf, write } from './context.ts';
import { DELEGATION_POLICY_ACTIONS, requireManagedOrDelegated, resourcePolicyOf } from './delegation.ts';
import { invalidInput, resourcePolicyNotFound } from './errors.ts';
import { assertTags } from './tag-rules.ts';
import { newResourcePolicyId } from './ids.ts';
import { requireManagedOrganization } from './lookup.ts';
import { OrgKind, resourcePolicyArn, type OrganizationRecord, type ResourcePolicyData, type ResourcePolicyRecord } from './records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * The organization's resource-based delegation policy (PutResourcePolicy,
 * DescribeResourcePolicy, DeleteResourcePolicy): one per organization, written by the
 * management account, naming the member accounts that may call the management operations it
 * lists (delegation.ts; authorization.ts makes it the resource policy of those calls).
 *
 * Content must be a valid resource policy (with a Principal) whose actions are Organizations
 * actions a delegation policy supports; the InvalidInputException reasons are the model's
 * (INVALID_RESOURCE_POLICY_JSON, INVALID_PRINCIPAL, UNSUPPORTED_ACTION_IN_RESOURCE_POLICY),
 * their texts ours, naming what is wrong. Putting again replaces the content and keeps the
 * policy's ID; Tags apply to a newly created policy, as the model documents them.
 */

function resourcePolicyOutput(org: OrganizationRecord, record: ResourcePolicyRecord): ResourcePolicy {
  return {
    ResourcePolicySummary: { Id: record.id, Arn: resourcePolicyArn(org.data.managementAccountId, org.id, record.id) },
    Content: record.data.content,
  };
}

const SUPPORTED = new Set(DELEGATION_POLICY_ACTIONS.map((a) => `organizations:${a}`.toLowerCase()));

export function assertValidDelegationPolicy(content: string): void {
  const first = validatePolicy(content, 'resource').find((d) => d.severity === 'error');
  if (first) {
    if (/principal/i.test(first.message)) throw invalidInput('INVALID_PRINCIPAL', `You specified an invalid principal element in the policy: ${first.message}`);
    throw invalidInput('INVALID_RESOURCE_POLICY_JSON', `The provided resource policy is not valid: ${first.message}`);
  }
  const doc = JSON.parse(content) as { Statement: unknown };
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Array<Record<string, unknown>>;
  for (const statement of statements) {
    const actions = statement.Action ?? statement.NotAction;
    for (const action of (Array.isArray(actions) ? actions : [actions]) as string[]) {
      if (!supported(action)) {
        throw invalidInput('UNSUPPORTED_ACTION_IN_RESOURCE_POLICY', `The resource policy names an action that is not supported in a delegation policy: ${action}`);
      }
    }
  }
}

/** An Organizations action a delegation policy supports, or a wildcard within Organizations. */
function supported(action: string): boolean {
  const lower = action.toLowerCase();
  if (!lower.startsWith('organizations:')) return false;
  return lower.includes('*') || lower.includes('?') || SUPPORTED.has(lower);
}

async function putResourcePolicy(input: In<'PutResourcePolicy'>, ctx: OperationContext) {
  assertValidDelegationPolicy(input.Content);
  assertTags(input.Tags ?? []);
  const now = nowOf(ctx);
  return write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    const existing = await resourcePolicyOf(tx, org);
    const record = existing
      ? await tx.update<ResourcePolicyData>({ ...existing, data: { ...existing.data, content: input.Content } })
      : await tx.insert<ResourcePolicyData>({
        accountId: org.data.managementAccountId, kind: OrgKind.resourcePolicy, id: newResourcePolicyId(ctx.random), name: 'ResourcePolicy',
        parentId: org.id, path: '/', data: { orgId: org.id, content: input.Content, tags: [...(input.Tags ?? [])] }, createdAt: now,
      });
    return { ResourcePolicy: resourcePolicyOutput(org, record) };
  });
}

async function describeResourcePolicy(_input: In<'DescribeResourcePolicy'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'DescribeResourcePolicy');
  const record = await resourcePolicyOf(ctx.store, org);
  if (!record) throw resourcePolicyNotFound();
  return { ResourcePolicy: resourcePolicyOutput(org, record) };
}

async function deleteResourcePolicy(_input: In<'DeleteResourcePolicy'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    const record = await resourcePolicyOf(tx, org);
    if (!record) throw resourcePolicyNotFound();
    await tx.delete(OrgKind.resourcePolicy, record.id);
  });
}

export const resourcePolicyHandlers = {
  PutResourcePolicy: putResourcePolicy,
  DescribeResourcePolicy: describeResourcePolicy,
  DeleteResourcePolicy: deleteResourcePolicy,
};
