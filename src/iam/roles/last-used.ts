import type { Store } from '../../store/types.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { Kind } from '../kinds.ts';
import type { RoleData } from './records.ts';

/**
 * Records that a role was used (a session was issued for it) at `date` in `region`, for
 * GetRole's RoleLastUsed. Called by STS after a successful AssumeRole*.
 *
 * A write per AssumeRole would make every session issue a write on a hot role; AWS itself
 * reports last use only approximately. So a use within a minute of the recorded one, in the
 * same region, is not written again. An older `date` never replaces a newer one (two nodes
 * may report out of order). Returns whether the record changed; false also when the role no
 * longer exists.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

export async function recordRoleUse(store: Store, roleId: string, date: Date, region: string): Promise<boolean> {
  return store.transaction(async (tx) => {
    const role = await tx.get<RoleData>(Kind.role, roleId);
    if (!role) return false;
    const previous = role.data.lastUsed;
    if (previous) {
      const elapsed = date.getTime() - new Date(previous.date).getTime();
      if (elapsed < 0) return false;
      if (elapsed < LAST_USED_RESOLUTION_MS && previous.region === region) return false;
    }
    await tx.update({ ...role, data: { ...role.data, lastUsed: { date: isoSeconds(date), region } } });
    return true;
  });
}
