import type { OperationContext } from '../kernel/operation.ts';
import { isoSeconds } from '../kernel/clock.ts';
import type { StoreTx } from '../store/types.ts';
import { writeOrganizations } from './epoch.ts';

/** The request's time as stored (ISO-8601, seconds). */
export function nowOf(ctx: OperationContext): string {
  return isoSeconds(ctx.clock.now());
}

/** A write of Organizations state: one transaction that also moves the organizations epoch. */
export function write<T>(ctx: OperationContext, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  return writeOrganizations(ctx.store, nowOf(ctx), fn);
}

/** Every record of a kind of one organization (organizations are small: bounded by their quotas). */
export async function allOf<D>(tx: StoreTx, management: string, kind: string, parentId?: string) {
  return tx.list<D>(management, kind, { limit: 100_000, ...(parentId !== undefined ? { parentId } : {}) });
}
