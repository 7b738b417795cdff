import type { CompiledPolicy, PolicyCache } from '../../policy/index.ts';
import type { EntityInfo } from '../../protocol/generated/iam.ts';
import type { ServiceError } from '../../protocol/errors.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { iamArn } from '../../kernel/arns.ts';
import { noSuchUser } from '../errors.ts';
import { noSuchGroup } from '../groups/errors.ts';
import { Kind, Link } from '../kinds.ts';
import { policyNotFound } from '../policies/errors.ts';
import { resolveManagedPolicy } from '../policies/lookup.ts';
import { compileStored } from '../policies/principal-policies.ts';
import { parsePolicyArn } from '../policies/records.ts';
import { allLinks, attachedHolders } from '../policies/usage.ts';
import { noSuchRole } from '../roles/errors.ts';
import { parseSourceArn, requireSourceEntity, type SourceEntity } from '../simulator/policy-source.ts';
import { storedPoliciesOf } from '../simulator/principal-sources.ts';
import type { ActiveEntity } from './last-accessed-activity.ts';
import { invalidLastAccessedArn } from './errors.ts';

/**
 * What a service last accessed report is about — an IAM user, group, role or managed policy —
 * and the two things a report needs of it: its permissions policies (which services it lists)
 * and the entities whose requests count (whose activity it reports).
 *
 *   user    its own inline and attached policies and its groups'; its own requests
 *   role    its inline and attached policies; its sessions' requests
 *   group   its inline and attached policies; its members' requests
 *   policy  that policy's default version; the requests of the users and roles it is attached
 *           to and of the members of the groups it is attached to
 *
 * Permissions boundaries are not permissions policies and are left out, as AWS leaves them.
 * The job keeps the subject's unique ID, so a subject deleted (or deleted and created again)
 * after the job was generated is reported as gone, not confused with its successor.
 */
export type JobSubject = { type: 'user' | 'group' | 'role'; id: string; arn: string } | { type: 'policy'; arn: string; id?: string };

/** A subject as found when the report is read. */
export type LoadedSubject = SourceEntity | { type: 'policy'; arn: string; document: string };

/** One row of GetServiceLastAccessedDetailsWithEntities, and the users and roles whose requests count for it. */
export interface ReportEntity {
  info: EntityInfo;
  principals: ActiveEntity[];
}

const KINDS = { user: Kind.user, group: Kind.group, role: Kind.role } as const;

/** The subject an Arn names in the caller's account, or NoSuchEntity / InvalidInput. */
export async function requireJobSubject(tx: StoreTx, accountId: string, arn: string): Promise<JobSubject> {
  if (parsePolicyArn(arn) !== undefined) {
    const ref = await resolveManagedPolicy(tx, accountId, arn);
    if (!ref) throw policyNotFound(arn);
    return ref.source === 'customer' ? { type: 'policy', arn: ref.arn, id: ref.record.id } : { type: 'policy', arn: ref.arn };
  }
  const entity = await requireSourceEntity(tx, accountId, arn, invalidLastAccessedArn);
  return { type: entity.type, id: entity.record.id, arn: entityArn(entity.type, entity.record) };
}

/** The subject as it is now, or the NoSuchEntity error it would answer if it is gone. */
export async function loadJobSubject(tx: StoreTx, accountId: string, subject: JobSubject): Promise<LoadedSubject | ServiceError> {
  if (subject.type === 'policy') {
    const ref = await resolveManagedPolicy(tx, accountId, subject.arn);
    if (!ref || (ref.source === 'customer' && ref.record.id !== subject.id)) return policyNotFound(subject.arn);
    return { type: 'policy', arn: ref.arn, document: ref.source === 'aws' ? ref.policy.defaultDocument : ref.record.data.document };
  }
  const record = await tx.get(KINDS[subject.type], subject.id);
  if (record) return { type: subject.type, record } as SourceEntity;
  const name = parseSourceArn(subject.arn)?.name ?? subject.arn;
  return subject.type === 'user' ? noSuchUser(name) : subject.type === 'group' ? noSuchGroup(name) : noSuchRole(name);
}

/** The subject's permissions policies, compiled (boundaries left out). */
export async function subjectPolicies(tx: StoreTx, subject: LoadedSubject, cache: PolicyCache): Promise<CompiledPolicy[]> {
  if (subject.type === 'policy') {
    const policy = compileStored(cache, subject.document, 'identity', subject.arn);
    return policy ? [policy] : [];
  }
  return (await storedPoliciesOf(tx, subject, cache)).identity.map((sourced) => sourced.policy);
}

/** The entities a report lists with their activity: the user or role itself, a group's members, a policy's holders. */
export async function subjectEntities(tx: StoreTx, accountId: string, subject: LoadedSubject): Promise<ReportEntity[]> {
  if (subject.type === 'user' || subject.type === 'role') return [principalEntity(subject.type, subject.record)];
  if (subject.type === 'group') return (await groupMembers(tx, subject.record.id)).map((user) => principalEntity('user', user));
  const rows: ReportEntity[] = [];
  for (const holder of await attachedHolders(tx, accountId, subject.arn)) {
    if (holder.type !== 'group') {
      rows.push(principalEntity(holder.type, holder.record));
      continue;
    }
    const members = await groupMembers(tx, holder.record.id);
    rows.push({ info: infoOf('group', holder.record), principals: members.map((user) => activeEntity('user', user)) });
  }
  return rows;
}

async function groupMembers(tx: StoreTx, groupId: string): Promise<EntityRecord[]> {
  const members: EntityRecord[] = [];
  for (const userId of await allLinks(tx, 'from', Link.groupMember, groupId)) {
    const user = await tx.get(Kind.user, userId);
    if (user) members.push(user);
  }
  return members;
}

function principalEntity(type: 'user' | 'role', record: EntityRecord): ReportEntity {
  return { info: infoOf(type, record), principals: [activeEntity(type, record)] };
}

function activeEntity(type: 'user' | 'role', record: EntityRecord): ActiveEntity {
  return { arn: entityArn(type, record), id: record.id };
}

function infoOf(type: 'user' | 'group' | 'role', record: EntityRecord): EntityInfo {
  return { Arn: entityArn(type, record), Name: record.name, Type: type === 'user' ? 'USER' : type === 'role' ? 'ROLE' : 'GROUP', Id: record.id, Path: record.path };
}

function entityArn(type: 'user' | 'group' | 'role', record: EntityRecord): string {
  return iamArn(record.accountId, type, record.path, record.name);
}
