import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { compilePolicyLenient, renamePolicy, type CompiledPolicy, type PolicyCache, type PolicyKind } from '../../policy/index.ts';
import { Kind, Link } from '../kinds.ts';
import type { UserData } from '../records.ts';
import type { RoleData } from '../roles/records.ts';
import { HOLDERS, type HolderType } from './holders.ts';
import { inlinePoliciesOf } from './inline-policies.ts';
import { findManagedPolicy } from './lookup.ts';
import { allLinks } from './usage.ts';

/**
 * Every policy that applies to an IAM user's or a role's requests, compiled for the engine:
 * the authorization stage and the policy simulator call these on every request.
 *
 *   identity  the principal's inline policies and its attached managed policies' default
 *             versions; for a user also each of its groups' inline and attached policies;
 *   boundary  its permissions boundary, if one is set.
 *
 * Each policy is named for explanations: a managed policy by its ARN, an inline policy as
 * `user/<name>/inline/<policy>` (`group/…`, `role/…`). A managed policy reached twice (attached
 * to the user and to one of its groups) is listed once.
 *
 * Cost: a handful of store reads (inline policies and attachments of the principal and of
 * each group, one read per customer managed policy); compilation is cached by document text,
 * so a policy shared by many principals compiles once. Stored documents are compiled as they
 * are: one that the engine's validation refuses today (an AWS managed policy larger than a
 * customer's may be, a document stored under older rules) is compiled leniently, so it still
 * evaluates as written.
 */
export interface PrincipalPolicies {
  identity: CompiledPolicy[];
  boundary?: CompiledPolicy;
}

export async function loadUserPolicies(tx: StoreTx, user: EntityRecord<UserData>, cache: PolicyCache): Promise<PrincipalPolicies> {
  const collector = new PolicyCollector(tx, user.accountId, cache);
  await collector.addHolder('user', user);
  for (const groupId of await allLinks(tx, 'to', Link.groupMember, user.id)) {
    const group = await tx.get(Kind.group, groupId);
    if (group) await collector.addHolder('group', group);
  }
  return collector.result(user.data.permissionsBoundary);
}

export async function loadRolePolicies(tx: StoreTx, role: EntityRecord, cache: PolicyCache): Promise<PrincipalPolicies> {
  const collector = new PolicyCollector(tx, role.accountId, cache);
  await collector.addHolder('role', role);
  return collector.result((role.data as Partial<RoleData>).permissionsBoundary);
}

class PolicyCollector {
  readonly #tx: StoreTx;
  readonly #accountId: string;
  readonly #cache: PolicyCache;
  readonly #identity: CompiledPolicy[] = [];
  readonly #managedSeen = new Set<string>();

  constructor(tx: StoreTx, accountId: string, cache: PolicyCache) {
    this.#tx = tx;
    this.#accountId = accountId;
    this.#cache = cache;
  }

  async addHolder(type: HolderType, holder: EntityRecord): Promise<void> {
    for (const inline of await inlinePoliciesOf(this.#tx, type, holder)) {
      this.#push(compileStored(this.#cache, inline.data.document, 'identity', `${type}/${holder.name}/inline/${inline.name}`));
    }
    for (const arn of await allLinks(this.#tx, 'from', HOLDERS[type].link, holder.id)) {
      if (this.#managedSeen.has(arn)) continue;
      this.#managedSeen.add(arn);
      const managed = await findManagedPolicy(this.#tx, this.#accountId, arn);
      // A link outlives nothing it points to (a policy is deleted only once detached); skip defensively.
      if (managed) this.#push(compileStored(this.#cache, managed.document, 'identity', managed.arn));
    }
  }

  async result(boundaryArn: string | undefined): Promise<PrincipalPolicies> {
    if (boundaryArn === undefined) return { identity: this.#identity };
    const managed = await findManagedPolicy(this.#tx, this.#accountId, boundaryArn);
    // A boundary whose policy no longer exists bounds nothing: an empty boundary allows nothing.
    const boundary = managed
      ? compileStored(this.#cache, managed.document, 'boundary', managed.arn)
      : compileStored(this.#cache, '{"Version":"2012-10-17","Statement":[]}', 'boundary', boundaryArn);
    return boundary ? { identity: this.#identity, boundary } : { identity: this.#identity };
  }

  #push(policy: CompiledPolicy | undefined): void {
    if (policy) this.#identity.push(policy);
  }
}

/**
 * Compiles a stored document: strictly through the shared cache when it is valid (the usual
 * case), else leniently through a small cache kept per PolicyCache (so two servers never share
 * one), evaluating whatever the document says.
 */
export function compileStored(cache: PolicyCache, text: string, kind: PolicyKind, name: string): CompiledPolicy | undefined {
  const strict = cache.compile(text, kind, name);
  if (strict.ok) return strict.policy;
  let lenient = lenientCaches.get(cache);
  if (!lenient) lenientCaches.set(cache, (lenient = new Map()));
  const key = `${kind}\u0000${text}`;
  let compiled = lenient.get(key);
  if (compiled === undefined) {
    compiled = compilePolicyLenient(text, kind, name).policy;
    if (lenient.size >= LENIENT_CAPACITY) lenient.delete(lenient.keys().next().value!);
    lenient.set(key, compiled);
  }
  return compiled ? renamePolicy(compiled, name) : undefined;
}

const LENIENT_CAPACITY = 1000;
const lenientCaches = new WeakMap<PolicyCache, Map<string, CompiledPolicy | null>>();
