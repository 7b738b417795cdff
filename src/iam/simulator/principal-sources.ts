import { compilePolicyLenient, renamePolicy, type CompiledPolicy, type PolicyCache } from '../../policy/index.ts';
import type { PolicySourceType } from '../../protocol/generated/iam.ts';
import type { StoreTx } from '../../store/types.ts';
import { Link } from '../kinds.ts';
import { inlinePoliciesOf } from '../policies/inline-policies.ts';
import { findManagedPolicy } from '../policies/lookup.ts';
import { loadRolePolicies, loadUserPolicies, type PrincipalPolicies } from '../policies/principal-policies.ts';
import { allLinks } from '../policies/usage.ts';
import type { GroupRecord } from '../groups/records.ts';
import type { SourceEntity } from './policy-source.ts';
import type { SourcedPolicy } from './simulation.ts';

/**
 * The stored policies of a PolicySourceArn entity, each with the identity AWS reports in
 * MatchedStatements: an inline policy by its name with the type of its holder (`user`,
 * `group`, `role`: a user's group policies report as `group`), a managed policy by its name
 * as `aws-managed` or `user-managed`.
 */
export async function storedPoliciesOf(tx: StoreTx, entity: SourceEntity, cache: PolicyCache): Promise<{ identity: SourcedPolicy[]; boundary?: SourcedPolicy }> {
  const loaded =
    entity.type === 'user'
      ? await loadUserPolicies(tx, entity.record, cache)
      : entity.type === 'role'
        ? await loadRolePolicies(tx, entity.record, cache)
        : await loadGroupPolicies(tx, entity.record, cache);
  const identity = loaded.identity.map(sourced);
  return loaded.boundary ? { identity, boundary: sourced(loaded.boundary) } : { identity };
}

/**
 * A group's own inline and attached policies (groups have no permissions boundary), named
 * as the policies module names them for users' groups.
 */
async function loadGroupPolicies(tx: StoreTx, group: GroupRecord, cache: PolicyCache): Promise<PrincipalPolicies> {
  const identity: CompiledPolicy[] = [];
  for (const inline of await inlinePoliciesOf(tx, 'group', group)) {
    const policy = compileStored(cache, inline.data.document, `group/${group.name}/inline/${inline.name}`);
    if (policy) identity.push(policy);
  }
  for (const arn of await allLinks(tx, 'from', Link.groupPolicy, group.id)) {
    const managed = await findManagedPolicy(tx, group.accountId, arn);
    const policy = managed ? compileStored(cache, managed.document, managed.arn) : undefined;
    if (policy) identity.push(policy);
  }
  return { identity };
}

/** A stored document as it is: strictly through the cache, else leniently (it still evaluates). */
function compileStored(cache: PolicyCache, text: string, name: string): CompiledPolicy | undefined {
  const strict = cache.compile(text, 'identity', name);
  if (strict.ok) return strict.policy;
  const lenient = compilePolicyLenient(text, 'identity', name).policy;
  return lenient ? renamePolicy(lenient, name) : undefined;
}

const INLINE_NAME = /^(user|group|role)\/[^/]+\/inline\/(.+)$/;
const MANAGED_ARN = /^arn:aws:iam::(aws|\d{12}):policy\/(?:[^/]+\/)*([^/]+)$/;

/** The SourcePolicyId and SourcePolicyType of a policy named by principal-policies.ts. */
export function policySourceOf(name: string): { sourceId: string; sourceType: PolicySourceType } {
  const inline = INLINE_NAME.exec(name);
  if (inline) return { sourceId: inline[2]!, sourceType: inline[1] as PolicySourceType };
  const managed = MANAGED_ARN.exec(name);
  if (managed) return { sourceId: managed[2]!, sourceType: managed[1] === 'aws' ? 'aws-managed' : 'user-managed' };
  return { sourceId: name, sourceType: 'none' };
}

function sourced(policy: CompiledPolicy): SourcedPolicy {
  return { policy, ...policySourceOf(policy.name) };
}
