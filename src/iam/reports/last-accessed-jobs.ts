import type { OperationContext } from '../../kernel/operation.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import type { AccessAdvisorUsageGranularityType } from '../../protocol/generated/iam.ts';
import type { EntityRecord } from '../../store/types.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { Kind } from '../kinds.ts';
import { decodeMarker, pageArray } from '../paging.ts';
import { preloadManagedPolicy } from '../policies/lookup.ts';
import { noSuchJob } from './errors.ts';
import { readActivity } from './last-accessed-activity.ts';
import { ACTION_TRACKED_SERVICES, entityRows, servicesLastAccessed } from './last-accessed-report.ts';
import { allowedServices } from './last-accessed-services.ts';
import { loadJobSubject, requireJobSubject, subjectEntities, subjectPolicies, type JobSubject, type LoadedSubject } from './last-accessed-subjects.ts';

/**
 * GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails and
 * GetServiceLastAccessedDetailsWithEntities: IAM's "access advisor", from Tessera's own audit
 * log.
 *
 * Generating a job records what it is about, its granularity, who asked and when; nothing
 * else. The report is computed when it is read, from the events up to the job's creation
 * time — a snapshot of activity at that moment, so a request made after the job never shows
 * in it — and from the subject's policies and attachments as they are when read. So a job is
 * complete at once: COMPLETED, with JobCompletionDate = JobCreationDate. A subject deleted
 * after its job was generated makes the job FAILED, its Error the subject's NoSuchEntity.
 *
 * As AWS documents, a job is read by whoever generated it — "the same role within a session,
 * or the same user" — and by nobody else: to anyone else, in any account, its JobId is
 * unknown (NoSuchEntity). A job is kept for 30 days (AWS does not say how long it keeps
 * them); generating a job drops up to 100 of the account's expired ones.
 */

const JOB_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNED_PER_GENERATE = 100;

interface LastAccessedJobData {
  subject: JobSubject;
  granularity: AccessAdvisorUsageGranularityType;
  /** The snapshot instant, with milliseconds (the record's createdAt has seconds). */
  createdAt: string;
  /** The ARN of the caller that generated it (a session's own ARN). */
  requester: string;
}

type LastAccessedJob = EntityRecord<LastAccessedJobData>;

function expired(job: LastAccessedJob, now: Date): boolean {
  return now.getTime() - Date.parse(job.data.createdAt) >= JOB_LIFETIME_MS;
}

async function generateServiceLastAccessedDetails(input: IamOperations['GenerateServiceLastAccessedDetails']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const now = ctx.clock.now();
  // AWS's catalog loads once, outside the transaction (lookup.ts).
  await preloadManagedPolicy(input.Arn);
  // Time-ordered, so the account's jobs list oldest first and the expired ones are found first.
  const jobId = ctx.random.timeOrderedUuid();
  await ctx.store.transaction(async (tx) => {
    const subject = await requireJobSubject(tx, accountId, input.Arn);
    for (const old of await tx.list<LastAccessedJobData>(accountId, Kind.serviceLastAccessedJob, { parentId: '', limit: PRUNED_PER_GENERATE })) {
      if (!expired(old, now)) break;
      await tx.delete(Kind.serviceLastAccessedJob, old.id);
    }
    const data: LastAccessedJobData = { subject, granularity: input.Granularity ?? 'SERVICE_LEVEL', createdAt: now.toISOString(), requester: ctx.principal.arn };
    await tx.insert<LastAccessedJobData>({ accountId, kind: Kind.serviceLastAccessedJob, id: jobId, name: jobId, parentId: '', path: '/', data, createdAt: isoSeconds(now) });
  });
  return { JobId: jobId };
}

async function requireJob(ctx: OperationContext, jobId: string): Promise<LastAccessedJob> {
  const job = await ctx.store.get<LastAccessedJobData>(Kind.serviceLastAccessedJob, jobId);
  if (!job || job.accountId !== ctx.principal.accountId || job.data.requester !== ctx.principal.arn || expired(job, ctx.clock.now())) throw noSuchJob(jobId);
  return job;
}

/** The fields every answer about a job carries. */
function jobDates(job: LastAccessedJob) {
  const created = new Date(job.data.createdAt);
  return { JobCreationDate: created, JobCompletionDate: created };
}

/**
 * The job's subject as it is now, or the answer of a failed job. Read without a transaction,
 * as the simulator reads (principal-policy.ts): nothing is written, and an AWS managed policy
 * may load AWS's catalog, which must not hold SQLite's writer lock.
 */
async function loadSubject(ctx: OperationContext, job: LastAccessedJob): Promise<LoadedSubject | { JobStatus: 'FAILED'; Error: { Code: string; Message: string } }> {
  const subject = await loadJobSubject(ctx.store, ctx.principal.accountId, job.data.subject);
  if (!(subject instanceof Error)) return subject;
  return { JobStatus: 'FAILED', Error: { Code: subject.code, Message: subject.message } };
}

async function getServiceLastAccessedDetails(input: IamOperations['GetServiceLastAccessedDetails']['input'], ctx: OperationContext) {
  const job = await requireJob(ctx, input.JobId);
  decodeMarker(input.Marker);
  const common = { JobType: job.data.granularity, ...jobDates(job) };
  const subject = await loadSubject(ctx, job);
  if ('Error' in subject) return { ...subject, ...common, ServicesLastAccessed: [] };
  const policies = await subjectPolicies(ctx.store, subject, ctx.policyCache);
  const allowed = await allowedServices(policies, job.data.granularity === 'ACTION_LEVEL' ? { actionsOf: ACTION_TRACKED_SERVICES } : {});
  const entities = await subjectEntities(ctx.store, ctx.principal.accountId, subject);
  const activity = await readActivity(ctx.store, ctx.principal.accountId, entities.flatMap((entity) => entity.principals), job.data.createdAt);
  const page = pageArray(servicesLastAccessed(allowed, activity), (service) => service.ServiceNamespace, input.Marker, input.MaxItems);
  return { JobStatus: 'COMPLETED' as const, ...common, ServicesLastAccessed: page.items, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

/**
 * The entities of the report — the user or role itself, a group's members, a policy's users,
 * roles and groups — each with its latest attempt on one service. Any namespace is accepted:
 * for one the subject's policies do not allow, the entities are listed all the same.
 */
async function getServiceLastAccessedDetailsWithEntities(input: IamOperations['GetServiceLastAccessedDetailsWithEntities']['input'], ctx: OperationContext) {
  const job = await requireJob(ctx, input.JobId);
  decodeMarker(input.Marker);
  const subject = await loadSubject(ctx, job);
  if ('Error' in subject) return { ...subject, ...jobDates(job), EntityDetailsList: [] };
  const entities = await subjectEntities(ctx.store, ctx.principal.accountId, subject);
  const activity = await readActivity(ctx.store, ctx.principal.accountId, entities.flatMap((entity) => entity.principals), job.data.createdAt);
  const page = pageArray(entityRows(entities, input.ServiceNamespace.toLowerCase(), activity), (row) => row.sortKey, input.Marker, input.MaxItems);
  return {
    JobStatus: 'COMPLETED' as const,
    ...jobDates(job),
    EntityDetailsList: page.items.map((row) => row.details),
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

export const lastAccessedHandlers = {
  GenerateServiceLastAccessedDetails: generateServiceLastAccessedDetails,
  GetServiceLastAccessedDetails: getServiceLastAccessedDetails,
  GetServiceLastAccessedDetailsWithEntities: getServiceLastAccessedDetailsWithEntities,
} satisfies IamHandlerTable;
