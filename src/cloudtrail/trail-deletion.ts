import type { StoreTx } from '../store/types.ts';
import { deletedTrail, everLogged } from './logging-state.ts';
import { DELETED_TRAIL_KIND, TRAIL_KIND, type TrailData, type TrailRecord } from './trail-records.ts';

/**
 * DeleteTrail's change to the store: the trail's record leaves TRAIL_KIND (its name is free at
 * once) and, unless it never logged, is kept as DELETED_TRAIL_KIND `<arn>#<deletion time>`:
 * stopped, owing its last delivery and closing digest (delivery.ts), its chains verifiable.
 * An account keeps its MAX_DELETED_TRAILS newest such records; older ones that owe nothing
 * more are dropped (and can no longer be verified).
 */
const MAX_DELETED_TRAILS = 50;

export async function retireTrail(tx: StoreTx, current: TrailRecord, now: Date): Promise<void> {
  await tx.delete(TRAIL_KIND, current.id);
  if (!everLogged(current.data)) return;
  const id = `${current.id}#${now.toISOString()}`;
  await tx.insert<TrailData>({
    accountId: current.accountId, kind: DELETED_TRAIL_KIND, id, name: id, parentId: '', path: '/', createdAt: current.createdAt,
    data: deletedTrail(current.data, current.id, current.name, now),
  });
  const kept = await tx.list<TrailData>(current.accountId, DELETED_TRAIL_KIND, { limit: 1000 });
  if (kept.length <= MAX_DELETED_TRAILS) return;
  const idle = kept.filter((t) => t.data.finalDelivery === undefined && !t.data.isLogging)
    .sort((a, b) => (a.data.deleted?.at ?? '').localeCompare(b.data.deleted?.at ?? ''));
  for (const old of idle.slice(0, kept.length - MAX_DELETED_TRAILS)) await tx.delete(DELETED_TRAIL_KIND, old.id);
}
