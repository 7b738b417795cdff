import type { CompiledPolicy, PolicyCache } from '../policy/index.ts';
import type { Store, StoreTx } from '../store/types.ts';
import type { AccountGuardrails, OrganizationPolicySource } from '../authz/organization-policies.ts';
import { attachedPolicyIds } from './attachments.ts';
import { awsManagedGuardrail } from './aws-managed.ts';
import { readOrganizationsEpoch } from './epoch.ts';
import { ReadMirror } from '../store/read-mirror.ts';
import { ancestry, organizationOf } from './lookup.ts';
import { OrgKind, policyArn, type GuardrailPolicyType, type OrganizationRecord, type PolicyData } from './records.ts';

/**
 * The authorizer's view of Organizations (authz/organization-policies.ts): for an account,
 * its organization, entity path, and the compiled SCPs and RCPs of each level from the root
 * through its OUs to itself. Read from the store at request time; the authorizer keeps the
 * answers for the organizations epoch they were read at. The epoch itself is mirrored while the
 * store's change mark holds (store/read-mirror.ts): no read per request on SQLite.
 */
export function organizationPolicySource(store: Store, cache: PolicyCache): OrganizationPolicySource {
  const epochs = new ReadMirror<number>(store, 1);
  const readEpoch = () => readOrganizationsEpoch(store);
  return {
    epoch: () => epochs.read('organizations', readEpoch),
    account: (accountId) => accountGuardrails(store, cache, accountId),
  };
}

export async function accountGuardrails(tx: StoreTx, cache: PolicyCache, accountId: string): Promise<AccountGuardrails | undefined> {
  const found = await organizationOf(tx, accountId);
  if (!found) return undefined;
  const { org, member } = found;
  const chain = await ancestry(tx, org, member.parentId);
  const orgPath = `${org.id}/${chain.map((node) => node.id).join('/')}/`;
  const root = chain[0]!;
  const levels = [...chain.map((node) => node.id), member.id];
  const enabled = 'policyTypes' in root.data ? root.data.policyTypes : [];
  const attached = await Promise.all(levels.map((id) => attachedPolicyIds(tx, id)));
  const compiledLevels = async (type: GuardrailPolicyType) => {
    const out: CompiledPolicy[][] = [];
    for (const ids of attached) out.push(await compiledOfType(tx, cache, org, ids, type));
    return out;
  };
  return {
    orgId: org.id,
    orgPath,
    management: org.data.managementAccountId === accountId,
    closed: member.data.status === 'SUSPENDED',
    ...(enabled.includes('SERVICE_CONTROL_POLICY') ? { scps: await compiledLevels('SERVICE_CONTROL_POLICY') } : {}),
    ...(enabled.includes('RESOURCE_CONTROL_POLICY') ? { rcps: await compiledLevels('RESOURCE_CONTROL_POLICY') } : {}),
  };
}

/**
 * The level's policies of one type, compiled (once per text, by the shared cache) and named
 * by their ARNs in explanations. A stored policy that no longer compiles is left out: at an
 * SCP level that leaves nothing allowed, so a broken policy never widens access.
 */
async function compiledOfType(tx: StoreTx, cache: PolicyCache, org: OrganizationRecord, ids: readonly string[], type: GuardrailPolicyType): Promise<CompiledPolicy[]> {
  const kind = type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp';
  const out: CompiledPolicy[] = [];
  for (const id of ids) {
    const managed = awsManagedGuardrail(id);
    const policy = managed
      ? managed.type === type ? { text: managed.content, name: managed.arn } : undefined
      : await ownPolicy(tx, org, id, type);
    if (!policy) continue;
    const compiled = cache.compile(policy.text, kind, policy.name);
    if (compiled.ok) out.push(compiled.policy);
  }
  return out;
}

async function ownPolicy(tx: StoreTx, org: OrganizationRecord, id: string, type: GuardrailPolicyType): Promise<{ text: string; name: string } | undefined> {
  const record = await tx.get<PolicyData>(OrgKind.policy, id);
  if (!record || record.data.orgId !== org.id || record.data.type !== type) return undefined;
  return { text: record.data.content, name: policyArn(org.data.managementAccountId, org.id, type, id) };
}
