import { sealedKeyId } from './secret-box.ts';
import type { EntityRecord, Store } from './types.ts';

/**
 * The walk behind `tessera master-key rotate` and `retire`: every sealed value in the store,
 * found through a list of where each kind of record keeps them (the domain modules own those
 * shapes, so the list is given in, see src/cli/sealed-fields.ts).
 *
 * Re-sealing goes kind by kind, a page of records at a time; each page that holds a value
 * sealed under another key is rewritten in one transaction that re-reads its records first.
 * A crash between pages leaves some values under the old key and the rest under the new,
 * and a server holding both keys opens either; running the walk again carries on, since
 * values already under the new key are skipped.
 */

/** One sealed value and the context it was sealed with. */
export interface SealedValue {
  sealed: string;
  context: string;
}

/** Where records of one kind keep sealed values. */
export interface SealedField {
  kind: string;
  /**
   * Calls `each` for every sealed value the record holds and returns the record's data with
   * each value replaced by what `each` returned. Must not change `record`.
   */
  map(record: EntityRecord, each: (value: SealedValue) => string): unknown;
}

/** What the walk needs of a SecretBox. */
export interface ResealBox {
  needsReseal(sealed: string): boolean;
  rewrap(sealed: string, context: string): string;
}

export interface ResealFailure {
  kind: string;
  id: string;
  reason: string;
}

export interface ResealReport {
  /** Records of the listed kinds looked at. */
  records: number;
  /** Sealed values found, and how many of them were re-sealed by this walk. */
  values: number;
  resealed: number;
  /** Values that could not be re-sealed (malformed, or under a key this walk does not hold). */
  failed: ResealFailure[];
}

export interface ResealOptions {
  /** Records per page and per transaction (default 100). */
  batchSize?: number;
  /** Called after each page is committed (progress; tests stop the walk here). */
  afterBatch?(progress: { kind: string; lastId: string; resealed: number }): void | Promise<void>;
}

const DEFAULT_BATCH = 100;

async function eachPage(store: Store, kind: string, batchSize: number, fn: (page: EntityRecord[]) => Promise<void>): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const page = await store.scan(kind, { limit: batchSize, ...(after !== undefined ? { after } : {}) });
    if (page.length > 0) await fn(page);
    if (page.length < batchSize) return;
    after = page[page.length - 1]!.id;
  }
}

function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  return typeof e?.code === 'string' ? `${e.code}: ${String(e.message)}` : String(e?.message ?? err);
}

/** Whether any sealed value of the record is under another key (a malformed one counts). */
function needsWork(field: SealedField, record: EntityRecord, box: ResealBox): boolean {
  let found = false;
  try {
    field.map(record, (value) => {
      if (!found) found = box.needsReseal(value.sealed);
      return value.sealed;
    });
  } catch {
    return true; // reported by the transaction below
  }
  return found;
}

/** Re-seals every value not under `box`'s current key (see the module comment). */
export async function resealAll(store: Store, fields: readonly SealedField[], box: ResealBox, options: ResealOptions = {}): Promise<ResealReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const report: ResealReport = { records: 0, values: 0, resealed: 0, failed: [] };
  for (const field of fields) {
    await eachPage(store, field.kind, batchSize, async (page) => {
      report.records += page.length;
      for (const record of page) {
        try {
          field.map(record, (value) => (report.values++, value.sealed));
        } catch {
          // A record of the wrong shape: the transaction below reports it.
        }
      }
      const stale = page.filter((record) => needsWork(field, record, box));
      if (stale.length === 0) return;
      // The callback may run more than once (PostgreSQL retries serialization failures):
      // it starts from nothing each time and hands its counts back.
      const outcome = await store.transaction(async (tx) => {
        let resealed = 0;
        const failed: ResealFailure[] = [];
        for (const { id } of stale) {
          const fresh = await tx.get(field.kind, id);
          if (!fresh) continue; // deleted meanwhile: nothing left to re-seal
          let changed = 0;
          let data: unknown;
          try {
            data = field.map(fresh, (value) => {
              if (!box.needsReseal(value.sealed)) return value.sealed;
              changed++;
              return box.rewrap(value.sealed, value.context);
            });
          } catch (err) {
            failed.push({ kind: field.kind, id, reason: reasonOf(err) });
            continue;
          }
          if (changed === 0) continue;
          await tx.update({ ...fresh, data });
          resealed += changed;
        }
        return { resealed, failed };
      });
      report.resealed += outcome.resealed;
      report.failed.push(...outcome.failed);
      await options.afterBatch?.({ kind: field.kind, lastId: page[page.length - 1]!.id, resealed: outcome.resealed });
    });
  }
  return report;
}

export interface SealedCensus {
  records: number;
  /** How many sealed values name each master key ID. */
  byKeyId: Record<string, number>;
  /** Values that are not sealed values at all (named by kind and record id). */
  malformed: ResealFailure[];
}

/** Counts the sealed values by the master key they name; needs no key. */
export async function censusOfSealed(store: Store, fields: readonly SealedField[], options: { batchSize?: number } = {}): Promise<SealedCensus> {
  const census: SealedCensus = { records: 0, byKeyId: {}, malformed: [] };
  for (const field of fields) {
    await eachPage(store, field.kind, options.batchSize ?? DEFAULT_BATCH, async (page) => {
      census.records += page.length;
      for (const record of page) {
        try {
          field.map(record, (value) => {
            const keyId = sealedKeyId(value.sealed);
            census.byKeyId[keyId] = (census.byKeyId[keyId] ?? 0) + 1;
            return value.sealed;
          });
        } catch (err) {
          census.malformed.push({ kind: field.kind, id: record.id, reason: reasonOf(err) });
        }
      }
    });
  }
  return census;
}
