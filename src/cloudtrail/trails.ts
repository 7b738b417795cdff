import type { OperationContext, TrailDeliveryProbe } from '../kernel/operation.ts';
import type { Operations } from '../protocol/generated/cloudtrail.ts';
import { serviceError } from '../protocol/errors.ts';
import { bucketDoesNotExist, insufficientBucketPolicy, invalidTrailArn, tooManyTrails, trailAlreadyExists, trailNotFound, unsupportedFeature } from './errors.ts';
import { startingPeriod } from './digest-chain.ts';
import { checkedSelectors, selectorsOutput, withSelectors } from './event-selectors.ts';
import { startedLogging, stoppedLogging } from './logging-state.ts';
import { checkedTags } from './tags.ts';
import { retireTrail } from './trail-deletion.ts';
import { movedFrom } from './trail-moves.ts';
import { digestKey, logFileKey } from './object-keys.ts';
import { checkBucketName, checkKeyPrefix, checkTrailName } from './trail-names.ts';
import { findTrail, isReferencedTrail, isTrailArn, referencedTrailName, TRAIL_KIND, trailArn, trailOutput, type TrailData, type TrailRecord } from './trail-records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * Trails: CreateTrail, UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails,
 * GetTrailStatus, StartLogging, StopLogging, PutEventSelectors, GetEventSelectors. A trail
 * delivers the account's events that its event selectors select (event-selectors.ts) to its S3
 * bucket — the folder of that name under `--trail-dir`, or else the bucket behind the
 * gateway's S3 upstream, whose policy must let CloudTrail write (delivery.ts). A new trail is not
 * logging until StartLogging, as with CloudTrail's API; it then delivers every event recorded
 * from that moment on. KMS encryption, CloudWatch Logs, SNS notifications and organization
 * trails are not supported and are refused. CreateTrail's TagsList is checked as AddTags' is
 * (tags.ts, which serves the tag operations).
 *
 * DeleteTrail stops the trail and moves its record aside (DELETED_TRAIL_KIND) until its last
 * delivery and closing digest are made; the name is free again at once. UpdateTrail moving the
 * trail to another bucket or prefix keeps its digest chain going, as AWS does: the next digest
 * names the previous one's bucket, and the old location is remembered for verify.
 */
const MAX_TRAILS_PER_REGION = 5;

function regionOf(ctx: OperationContext): string {
  return ctx.region;
}

/**
 * The trail a request names, by name or ARN. An ARN is read whole (trail-records.ts, findTrail):
 * another account's or another region's than the trail's home is an unknown trail; a value
 * starting `arn:` that is no trail ARN is CloudTrailARNInvalidException.
 */
async function requireTrail(ctx: OperationContext, nameOrArn: string): Promise<TrailRecord> {
  if (nameOrArn.startsWith('arn:') && !isTrailArn(nameOrArn)) throw invalidTrailArn(nameOrArn);
  const trail = await findTrail(ctx.store, ctx.principal.accountId, regionOf(ctx), nameOrArn);
  if (!trail) throw trailNotFound(nameOrArn.startsWith('arn:') ? nameOrArn : trailArn(regionOf(ctx), ctx.principal.accountId, nameOrArn), ctx.principal.accountId);
  return trail;
}

/** Changes are made in the trail's home region only. */
function requireHome(ctx: OperationContext, trail: TrailRecord): void {
  if (trail.data.homeRegion !== regionOf(ctx)) {
    throw serviceError('cloudtrail', 'InvalidHomeRegionException', `This operation must be called from the trail's home region (${trail.data.homeRegion}).`);
  }
}

function refuseUnsupported(input: In<'CreateTrail'> | In<'UpdateTrail'>): void {
  if (input.KmsKeyId !== undefined && input.KmsKeyId !== '') throw unsupportedFeature('KMS encryption (KmsKeyId)');
  if ((input.CloudWatchLogsLogGroupArn ?? '') !== '' || (input.CloudWatchLogsRoleArn ?? '') !== '') throw unsupportedFeature('CloudWatch Logs delivery');
  if (input.IsOrganizationTrail === true) throw unsupportedFeature('organization trails');
  if ((input.SnsTopicName ?? '') !== '') throw unsupportedFeature('SNS notifications (SnsTopicName)');
}

async function checkDestination(ctx: OperationContext, bucket: string, prefix: string | undefined, trail: { arn: string; name: string; homeRegion: string }): Promise<void> {
  checkBucketName(bucket);
  if (prefix !== undefined && prefix !== '') checkKeyPrefix(prefix);
  const destinations = ctx.trailDestinations;
  if (!destinations || !(await destinations.bucketExists(bucket))) throw bucketDoesNotExist(bucket);
  // As AWS does: the bucket policy must let cloudtrail.amazonaws.com deliver this trail.
  if (destinations.allowsDelivery && !(await destinations.allowsDelivery(bucket, deliveryProbe(ctx, prefix, trail)))) throw insufficientBucketPolicy(bucket);
}

/** CloudTrail's delivery requests for the trail: a log file and a digest, named as delivery names them. */
function deliveryProbe(ctx: OperationContext, prefix: string | undefined, trail: { arn: string; name: string; homeRegion: string }): TrailDeliveryProbe {
  const accountId = ctx.principal.accountId;
  const now = ctx.clock.now();
  return {
    trailArn: trail.arn,
    accountId,
    objectKeys: [logFileKey(prefix, accountId, trail.homeRegion, now, '0000000000000000'), digestKey(prefix, accountId, trail.homeRegion, trail.name, now)],
    now,
  };
}

function creationOutput(trail: TrailRecord) {
  const { HomeRegion: _home, HasCustomEventSelectors: _s, HasInsightSelectors: _i, ...rest } = trailOutput(trail);
  return rest;
}

async function createTrail(input: In<'CreateTrail'>, ctx: OperationContext) {
  checkTrailName(input.Name);
  refuseUnsupported(input);
  const tags = checkedTags(input.TagsList, { whole: true });
  const accountId = ctx.principal.accountId;
  const region = regionOf(ctx);
  const arn = trailArn(region, accountId, input.Name);
  await checkDestination(ctx, input.S3BucketName, input.S3KeyPrefix, { arn, name: input.Name, homeRegion: region });
  const trail = await ctx.store.transaction(async (tx) => {
    if (await tx.getByName(accountId, TRAIL_KIND, input.Name)) throw trailAlreadyExists(arn, accountId);
    const inRegion = (await tx.list<TrailData>(accountId, TRAIL_KIND, { limit: 1000 })).filter((t) => t.data.homeRegion === region);
    if (inRegion.length >= MAX_TRAILS_PER_REGION) throw tooManyTrails(accountId, region, MAX_TRAILS_PER_REGION);
    return tx.insert<TrailData>({
      accountId, kind: TRAIL_KIND, id: arn, name: input.Name, parentId: '', path: '/', createdAt: ctx.clock.now().toISOString(),
      data: {
        homeRegion: region,
        s3BucketName: input.S3BucketName,
        ...(input.S3KeyPrefix ? { s3KeyPrefix: input.S3KeyPrefix } : {}),
        includeGlobalServiceEvents: input.IncludeGlobalServiceEvents ?? true,
        isMultiRegionTrail: input.IsMultiRegionTrail ?? false,
        logFileValidationEnabled: input.EnableLogFileValidation ?? false,
        isLogging: false,
        cursor: 0,
        ...(tags.length > 0 ? { tags } : {}),
      },
    });
  });
  return creationOutput(trail);
}

async function updateTrail(input: In<'UpdateTrail'>, ctx: OperationContext) {
  refuseUnsupported(input);
  const found = await requireTrail(ctx, input.Name);
  requireHome(ctx, found);
  const bucket = input.S3BucketName ?? found.data.s3BucketName;
  const prefix = input.S3KeyPrefix !== undefined ? input.S3KeyPrefix : found.data.s3KeyPrefix;
  await checkDestination(ctx, bucket, prefix, { arn: found.id, name: found.name, homeRegion: found.data.homeRegion });
  const updated = await ctx.store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(TRAIL_KIND, found.id);
    if (!current) throw trailNotFound(found.id, ctx.principal.accountId);
    const { s3KeyPrefix: _old, ...rest } = current.data;
    const validation = input.EnableLogFileValidation ?? current.data.logFileValidationEnabled;
    return tx.update<TrailData>({
      ...current,
      data: {
        ...rest,
        ...movedFrom(current.data, { bucket, ...(prefix ? { prefix } : {}) }),
        s3BucketName: bucket,
        ...(prefix ? { s3KeyPrefix: prefix } : {}),
        includeGlobalServiceEvents: input.IncludeGlobalServiceEvents ?? current.data.includeGlobalServiceEvents,
        isMultiRegionTrail: input.IsMultiRegionTrail ?? current.data.isMultiRegionTrail,
        logFileValidationEnabled: validation,
        // Validation turned on while logging starts a digest chain now.
        ...(validation && current.data.isLogging && !current.data.finalDelivery && !current.data.digestPeriod && !current.data.lastDigest
          ? { digestPeriod: startingPeriod(ctx.clock.now()) } : {}),
      },
    });
  });
  return creationOutput(updated);
}

async function deleteTrail(input: In<'DeleteTrail'>, ctx: OperationContext) {
  const trail = await requireTrail(ctx, input.Name);
  requireHome(ctx, trail);
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(TRAIL_KIND, trail.id);
    if (!current) throw trailNotFound(trail.id, ctx.principal.accountId);
    await retireTrail(tx, current, now);
  });
  return {};
}

async function getTrail(input: In<'GetTrail'>, ctx: OperationContext) {
  return { Trail: trailOutput(await requireTrail(ctx, input.Name)) };
}

async function describeTrails(input: In<'DescribeTrails'>, ctx: OperationContext) {
  const region = regionOf(ctx);
  const shadows = input.includeShadowTrails ?? true;
  const visible = (trail: TrailRecord) => trail.data.homeRegion === region || (shadows && trail.data.isMultiRegionTrail);
  const all = await ctx.store.list<TrailData>(ctx.principal.accountId, TRAIL_KIND, { limit: 1000 });
  if (input.trailNameList && input.trailNameList.length > 0) {
    // One read of the account's trails (a few per region) answers any number of names, rather than a read per name.
    const byName = new Map(all.map((trail) => [trail.name, trail]));
    const found: TrailRecord[] = [];
    for (const name of input.trailNameList) {
      if (name.startsWith('arn:') && !isTrailArn(name)) throw invalidTrailArn(name);
      const referenced = referencedTrailName(ctx.principal.accountId, name);
      const trail = referenced === undefined ? undefined : byName.get(referenced);
      if (trail && isReferencedTrail(trail, region, name) && visible(trail)) found.push(trail);
    }
    return { trailList: found.map(trailOutput) };
  }
  return { trailList: all.filter(visible).map(trailOutput) };
}

async function listTrails(_input: In<'ListTrails'>, ctx: OperationContext) {
  const all = await ctx.store.list<TrailData>(ctx.principal.accountId, TRAIL_KIND, { limit: 1000 });
  return { Trails: all.map((t) => ({ TrailARN: t.id, Name: t.name, HomeRegion: t.data.homeRegion })) };
}

async function getTrailStatus(input: In<'GetTrailStatus'>, ctx: OperationContext) {
  const d = (await requireTrail(ctx, input.Name)).data;
  const date = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));
  return {
    IsLogging: d.isLogging,
    ...(d.latestDeliveryTime
      ? { LatestDeliveryTime: date(d.latestDeliveryTime), LatestDeliveryAttemptTime: statusTimeOf(d.latestDeliveryTime), LatestDeliveryAttemptSucceeded: statusTimeOf(d.latestDeliveryTime) }
      : {}),
    ...(d.latestDigestDeliveryTime ? { LatestDigestDeliveryTime: date(d.latestDigestDeliveryTime) } : {}),
    ...(d.latestDeliveryError ? { LatestDeliveryError: d.latestDeliveryError } : {}),
    ...(d.startLoggingTime ? { StartLoggingTime: date(d.startLoggingTime), TimeLoggingStarted: statusTimeOf(d.startLoggingTime) } : {}),
    ...(d.stopLoggingTime ? { StopLoggingTime: date(d.stopLoggingTime), TimeLoggingStopped: statusTimeOf(d.stopLoggingTime) } : {}),
  };
}

/**
 * GetTrailStatus' string times (`TimeLoggingStarted`, `LatestDeliveryAttemptTime`, …) are
 * written as CloudTrail writes them, to the second: `2016-01-28T23:02:24Z`, not the stored
 * ISO time with milliseconds.
 */
function statusTimeOf(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

async function setLogging(ctx: OperationContext, nameOrArn: string, logging: boolean): Promise<Record<string, never>> {
  const trail = await requireTrail(ctx, nameOrArn);
  requireHome(ctx, trail);
  const now = ctx.clock.now();
  // Logging starts after the newest event already recorded — in any stream: sequence numbers
  // are one sequence, and a trail may read the account's data events too. It delivers what follows.
  const newest = logging && !trail.data.isLogging ? await newestSeq(ctx) : 0;
  await ctx.store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(TRAIL_KIND, trail.id);
    if (!current) throw trailNotFound(trail.id, ctx.principal.accountId);
    if (current.data.isLogging === logging) return;
    await tx.update<TrailData>({ ...current, data: logging ? startedLogging(current.data, now, newest) : stoppedLogging(current.data, now) });
  });
  return {};
}

async function newestSeq(ctx: OperationContext): Promise<number> {
  return (await ctx.store.listAudit({ limit: 1 }))[0]?.seq ?? 0;
}

/**
 * PutEventSelectors: basic or advanced selectors (event-selectors.ts), replacing the trail's
 * previous ones of either kind; from the trail's home region. Events recorded before are still
 * matched against the selectors they were recorded under.
 */
async function putEventSelectors(input: In<'PutEventSelectors'>, ctx: OperationContext) {
  const selectors = checkedSelectors(input);
  const trail = await requireTrail(ctx, input.TrailName);
  requireHome(ctx, trail);
  const newest = await newestSeq(ctx);
  const updated = await ctx.store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(TRAIL_KIND, trail.id);
    if (!current) throw trailNotFound(trail.id, ctx.principal.accountId);
    return tx.update<TrailData>({ ...current, data: withSelectors(current.data, selectors, newest) });
  });
  return { TrailARN: updated.id, ...selectorsOutput(selectors) };
}

/** GetEventSelectors: the trail's selectors; a trail never given any has the default basic selector (every management event). */
async function getEventSelectors(input: In<'GetEventSelectors'>, ctx: OperationContext) {
  const trail = await requireTrail(ctx, input.TrailName);
  return { TrailARN: trail.id, ...selectorsOutput(trail.data.eventSelectors) };
}

export const trailHandlers = {
  CreateTrail: createTrail,
  UpdateTrail: updateTrail,
  DeleteTrail: deleteTrail,
  GetTrail: getTrail,
  DescribeTrails: describeTrails,
  ListTrails: listTrails,
  GetTrailStatus: getTrailStatus,
  StartLogging: (input: In<'StartLogging'>, ctx: OperationContext) => setLogging(ctx, input.Name, true),
  StopLogging: (input: In<'StopLogging'>, ctx: OperationContext) => setLogging(ctx, input.Name, false),
  PutEventSelectors: putEventSelectors,
  GetEventSelectors: getEventSelectors,
};
