import type { StoreTx } from '../store/types.ts';
import { awsManagedGuardrail, fullAccessPolicyFor } from './aws-managed.ts';
import { OrgKind, OrgLink, type GuardrailPolicyType, type PolicyRecord, type RootRecord } from './records.ts';

/**
 * Policy attachments: links from a target (root, OU, account) to a policy ID. Deleting a
 * target deletes its links with it (the store's contract), so an account that leaves takes
 * its attachments along.
 */
const ALL = 10_000;

export async function attachedPolicyIds(tx: StoreTx, targetId: string): Promise<string[]> {
  return tx.linksFrom(OrgLink.attachment, targetId, { limit: ALL });
}

/** The type of a policy ID (AWS managed or the organization's), or undefined when it is neither. */
export async function policyTypeOf(tx: StoreTx, policyId: string): Promise<GuardrailPolicyType | undefined> {
  const managed = awsManagedGuardrail(policyId);
  if (managed) return managed.type;
  return (await tx.get<PolicyRecord['data']>(OrgKind.policy, policyId))?.data.type;
}

/** The IDs of the policies of one type attached to a target. */
export async function attachedOfType(tx: StoreTx, targetId: string, type: GuardrailPolicyType): Promise<string[]> {
  const out: string[] = [];
  for (const id of await attachedPolicyIds(tx, targetId)) if ((await policyTypeOf(tx, id)) === type) out.push(id);
  return out;
}

/** What a new OU or a joining account gets: the full-access policy of every type enabled on the root. */
export async function attachDefaults(tx: StoreTx, root: RootRecord, management: string, targetId: string): Promise<void> {
  for (const type of root.data.policyTypes) await tx.link(OrgLink.attachment, management, targetId, fullAccessPolicyFor(type).id);
}
