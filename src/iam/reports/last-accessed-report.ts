import type { EntityDetails, ServiceLastAccessed, TrackedActionLastAccessed } from '../../protocol/generated/iam.ts';
import type { Attempt, EntityActivity } from './last-accessed-activity.ts';
import type { AllowedService } from './last-accessed-services.ts';
import type { ReportEntity } from './last-accessed-subjects.ts';

/**
 * The two answers of a service last accessed report, put together from what the subject's
 * policies allow (last-accessed-services.ts), who counts for it (last-accessed-subjects.ts) and
 * what they attempted (last-accessed-activity.ts).
 */

/**
 * Tessera's own services and the ones its gateway protects (src/gateway/services.ts, by their
 * IAM prefix: CloudWatch, signed as `monitoring`, is `cloudwatch`): the
 * services whose requests it sees one by one, and so can report action by action in an
 * ACTION_LEVEL job. Other services are listed by service only.
 */
export const ACTION_TRACKED_SERVICES: ReadonlySet<string> = new Set([
  'iam', 'sts', 'organizations', 'cloudtrail',
  's3', 'sqs', 'sns', 'dynamodb', 'kms', 'lambda', 'secretsmanager', 'ssm', 'logs', 'ec2', 'cloudwatch',
]);

interface Latest {
  arn: string;
  attempt: Attempt;
}

/** The latest attempt `pick` finds in any entity's activity, and how many entities made one. */
function latestOf(activity: ReadonlyMap<string, EntityActivity>, pick: (entity: EntityActivity) => Attempt | undefined): { latest?: Latest; entities: number } {
  let latest: Latest | undefined;
  let entities = 0;
  for (const [arn, entity] of activity) {
    const attempt = pick(entity);
    if (attempt === undefined) continue;
    entities++;
    if (latest === undefined || attempt.time > latest.attempt.time) latest = { arn, attempt };
  }
  return latest === undefined ? { entities } : { latest, entities };
}

/**
 * ServicesLastAccessed, sorted by namespace: every allowed service, with its latest attempt
 * when there was one. A service nobody attempted still says TotalAuthenticatedEntities 0, as
 * AWS's answers do.
 */
export function servicesLastAccessed(allowed: readonly AllowedService[], activity: ReadonlyMap<string, EntityActivity>): ServiceLastAccessed[] {
  return allowed.map((service) => {
    const { latest, entities } = latestOf(activity, (entity) => entity.services.get(service.namespace));
    return {
      ServiceName: service.name,
      ServiceNamespace: service.namespace,
      ...(latest ? { LastAuthenticated: new Date(latest.attempt.time), LastAuthenticatedEntity: latest.arn, ...regionOf('LastAuthenticatedRegion', latest.attempt) } : {}),
      TotalAuthenticatedEntities: entities,
      ...(service.actions ? { TrackedActionsLastAccessed: service.actions.map((action) => trackedAction(service.namespace, action, activity)) } : {}),
    };
  });
}

function trackedAction(namespace: string, action: string, activity: ReadonlyMap<string, EntityActivity>): TrackedActionLastAccessed {
  const key = `${namespace}:${action}`.toLowerCase();
  const { latest } = latestOf(activity, (entity) => entity.actions.get(key));
  if (!latest) return { ActionName: action };
  return { ActionName: action, LastAccessedEntity: latest.arn, LastAccessedTime: new Date(latest.attempt.time), ...regionOf('LastAccessedRegion', latest.attempt) };
}

/** The Region member, left out for an event that recorded none. */
function regionOf<K extends string>(member: K, attempt: Attempt): Partial<Record<K, string>> {
  return attempt.region === '' ? {} : ({ [member]: attempt.region } as Record<K, string>);
}

/** One EntityDetails row, with the key that orders the list. */
export interface EntityRow {
  details: EntityDetails;
  /** Latest attempt first (AWS: "sorted by date, with the most recent access listed first"), then the others by name. */
  sortKey: string;
}

/** EntityDetailsList rows for one service namespace, in AWS's order; a group's attempt is its members' latest. */
export function entityRows(entities: readonly ReportEntity[], namespace: string, activity: ReadonlyMap<string, EntityActivity>): EntityRow[] {
  const rows = entities.map((entity) => {
    let last: string | undefined;
    for (const principal of entity.principals) {
      const attempt = activity.get(principal.arn)?.services.get(namespace);
      if (attempt && (last === undefined || attempt.time > last)) last = attempt.time;
    }
    const details: EntityDetails = { EntityInfo: entity.info, ...(last !== undefined ? { LastAuthenticated: new Date(last) } : {}) };
    // Newest first as an ascending key (the time's distance from the latest possible time),
    // short enough for a Marker (320 characters once encoded): no path, the unique ID last.
    const order = last !== undefined ? `0${String(MAX_TIME - Date.parse(last)).padStart(16, '0')}` : `1${entity.info.Name.toLowerCase()}`;
    const sortKey = `${order}\u0000${entity.info.Id}`;
    return { details, sortKey };
  });
  return rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

/** The greatest time a Date holds (ms), so every distance from it is positive. */
const MAX_TIME = 8_640_000_000_000_000;
