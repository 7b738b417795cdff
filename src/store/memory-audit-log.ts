import { checkLimit } from './records.ts';
import { encodeAuditEvent, storedAuditEvent, type EncodedAuditEvent } from './sqlite-audit-operations.ts';
import type { AuditAfterQuery, AuditEvent, AuditQuery, StoredAuditEvent } from './types.ts';

/**
 * The event history of an in-memory store (`--dev`), kept in JavaScript structures rather
 * than SQLite tables. Why: the process's memory is the store — there is no file, no other
 * reader, nothing to make durable — and a SQLite insert of one event with its lookup keys
 * (about twenty B-tree entries) cost ~40–50 µs, the largest single cost of a warm request in
 * dev mode. Here an event costs two array pushes.
 *
 * The indexes readers need (each stream's lists, the lookup keys' lists, the requests') are
 * built when something first reads them, from the events appended since: maintaining them on
 * every append (a dozen map entries per event) was the largest cost left of a warm request in
 * dev mode, and a dev server under load mostly writes — events pruned before anything read
 * them are never indexed at all. The one read after a long run of writes pays for indexing
 * what it has not seen (about a microsecond an event).
 *
 * It answers exactly what the SQLite and PostgreSQL histories answer (the store contract tests
 * run against all three): sequence numbers are one sequence, never reused (not even after a
 * clear, as AUTOINCREMENT); pages are newest first by (time, seq) with keyset paging; an
 * event's data is kept as JSON and parsed on every read, so no reader can change what is stored.
 */

interface Entry {
  readonly seq: number;
  readonly time: string;
  readonly requestId: string;
  readonly accountId: string;
  readonly eventId: string;
  readonly data: string;
  /**
   * Its distinct lookup keys as attribute, value, attribute, value… (copied: the caller's
   * objects are not kept): the lookup lists it is in once indexed.
   */
  readonly lookup: readonly string[];
  /** Pruned: skipped by the seq-ordered lists until they are compacted. */
  gone: boolean;
}

/** (time, seq) order: the order of every page and of pruning. */
function precedes(a: Entry, time: string, seq: number): boolean {
  return a.time < time || (a.time === time && a.seq < seq);
}

/**
 * Entries in one order, from `head` on: dropping the first entries moves `head` (no copy), and
 * the array is cut when half of it is dead — pruning the oldest events costs what it removes.
 */
class EntryList {
  items: Entry[] = [];
  head = 0;

  static single(only: Entry): EntryList {
    const list = new EntryList();
    list.items.push(only);
    return list;
  }

  static of(first: Entry, second: Entry): EntryList {
    const list = new EntryList();
    list.items.push(first);
    list.insertByTime(second);
    return list;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** First index whose entry is not before (time, seq). */
  boundary(time: string, seq: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (precedes(this.items[mid]!, time, seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose seq is above `seq` (a list kept in seq order). */
  afterSeq(seq: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts in (time, seq) order: nearly always at the end, as events arrive in time order. */
  insertByTime(entry: Entry): void {
    const last = this.items[this.items.length - 1];
    if (this.size === 0 || precedes(last!, entry.time, entry.seq)) this.items.push(entry);
    else this.items.splice(this.boundary(entry.time, entry.seq), 0, entry);
  }

  dropFront(n: number): void {
    this.head += n;
    this.#compactIfHalfDead();
  }

  /**
   * After `gone` of its entries were marked gone: skips those at the front and compacts when
   * more than half of what is left is gone. Returns how many gone entries it still holds.
   */
  skipGone(gone: number): number {
    while (this.head < this.items.length && this.items[this.head]!.gone) {
      this.head++;
      gone--;
    }
    if (gone * 2 > this.size) {
      this.items = this.items.slice(this.head).filter((entry) => !entry.gone);
      this.head = 0;
      return 0;
    }
    this.#compactIfHalfDead();
    return gone;
  }

  #compactIfHalfDead(): void {
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** A lookup key's events: one entry alone (every EventId, most ResourceNames), or a list. */
type Lookup = Entry | EntryList;
/** Stream → attribute → value → events: nested rather than one joined key, which made a string per key per event. */
type LookupIndex = Map<string, Map<string, Map<string, Lookup>>>;

function lookupValues(index: LookupIndex, accountId: string, attr: string): Map<string, Lookup> {
  let attrs = index.get(accountId);
  if (attrs === undefined) index.set(accountId, (attrs = new Map()));
  let values = attrs.get(attr);
  if (values === undefined) attrs.set(attr, (values = new Map()));
  return values;
}

function listOf<K>(map: Map<K, EntryList>, key: K): EntryList {
  let list = map.get(key);
  if (!list) map.set(key, (list = new EntryList()));
  return list;
}

/**
 * The most events an in-memory history keeps (~2 KB each: ~200 MB). A dev-mode server under a
 * load test would otherwise grow without bound; past this (plus a tenth, so that dropping is
 * done in batches) the oldest by time go, as retention would drop them.
 */
export const MEMORY_AUDIT_MAX_EVENTS = 100_000;

export class MemoryAuditLog {
  readonly #maxEvents: number;
  #live = 0;
  #lastSeq = 0;
  /** Every event in seq order (list without a stream); pruned entries are skipped. */
  #bySeq = new EntryList();
  #goneInBySeq = 0;
  /** Every event in (time, seq) order (pruning). */
  #byTime = new EntryList();
  /** Each stream's events in seq order (trail delivery, list); pruned entries are skipped. */
  #streamBySeq = new Map<string, EntryList>();
  #goneInStream = new Map<string, number>();
  /** Each stream's events in (time, seq) order (pages without a lookup attribute). */
  #streamByTime = new Map<string, EntryList>();
  /**
   * Each (stream, attribute, value)'s events in (time, seq) order; a key of one event (every
   * EventId, most ResourceNames) holds that entry alone, without a list of its own.
   */
  #byLookup: LookupIndex = new Map();
  /** Each request's events in seq order; a request of one event holds it alone. */
  #byRequest = new Map<string, Entry | Entry[]>();
  /** The last seq indexed: the lists above hold every live event up to it, none after. */
  #indexedSeq = 0;

  constructor(options: { maxEvents?: number } = {}) {
    this.#maxEvents = options.maxEvents ?? MEMORY_AUDIT_MAX_EVENTS;
  }

  /** Checks every event first (a NUL anywhere is refused), so a refused batch stores nothing. */
  append(events: readonly AuditEvent[]): void {
    const encoded = events.map(encodeAuditEvent);
    for (const event of encoded) this.#add(event);
    this.#live += encoded.length;
    if (this.#live > this.#maxEvents + Math.ceil(this.#maxEvents / 10)) this.prune('\uffff', this.#live - this.#maxEvents);
  }

  #add(event: EncodedAuditEvent): void {
    const lookup: string[] = [];
    for (const key of event.lookup) {
      let seen = false;
      for (let i = 0; i < lookup.length && !seen; i += 2) seen = lookup[i] === key.attr && lookup[i + 1] === key.value;
      if (!seen) lookup.push(key.attr, key.value);
    }
    const entry: Entry = { seq: ++this.#lastSeq, time: event.time, requestId: event.requestId, accountId: event.accountId, eventId: event.eventId, data: event.data, lookup, gone: false };
    this.#bySeq.items.push(entry);
    this.#byTime.insertByTime(entry);
  }

  /** Indexes the events appended since the last read, in seq order (the order they were appended in). */
  #catchUp(): void {
    if (this.#indexedSeq === this.#lastSeq) return;
    const items = this.#bySeq.items;
    for (let i = this.#bySeq.afterSeq(this.#indexedSeq); i < items.length; i++) {
      const entry = items[i]!;
      if (!entry.gone) this.#index(entry);
    }
    this.#indexedSeq = this.#lastSeq;
  }

  #index(entry: Entry): void {
    listOf(this.#streamBySeq, entry.accountId).items.push(entry);
    listOf(this.#streamByTime, entry.accountId).insertByTime(entry);
    const lookup = entry.lookup;
    for (let i = 0; i < lookup.length; i += 2) {
      const values = lookupValues(this.#byLookup, entry.accountId, lookup[i]!);
      const value = lookup[i + 1]!;
      const found = values.get(value);
      if (found === undefined) values.set(value, entry);
      else if (found instanceof EntryList) found.insertByTime(entry);
      else values.set(value, EntryList.of(found, entry));
    }
    const sameRequest = this.#byRequest.get(entry.requestId);
    if (sameRequest === undefined) this.#byRequest.set(entry.requestId, entry);
    else if (Array.isArray(sameRequest)) sameRequest.push(entry);
    else this.#byRequest.set(entry.requestId, [sameRequest, entry]);
  }

  list(options: { accountId?: string; limit: number }): StoredAuditEvent[] {
    checkLimit(options.limit);
    if (options.accountId !== undefined) this.#catchUp();
    const list = options.accountId === undefined ? this.#bySeq : this.#streamBySeq.get(options.accountId);
    const out: StoredAuditEvent[] = [];
    if (!list) return out;
    for (let i = list.items.length - 1; i >= list.head && out.length < options.limit; i--) {
      if (!list.items[i]!.gone) out.push(storedAuditEvent(list.items[i]!));
    }
    return out;
  }

  query(query: AuditQuery): StoredAuditEvent[] {
    checkLimit(query.limit);
    this.#catchUp();
    const found = query.attribute
      ? this.#byLookup.get(query.accountId)?.get(query.attribute.attr)?.get(query.attribute.value)
      : this.#streamByTime.get(query.accountId);
    const list = found === undefined || found instanceof EntryList ? found : EntryList.single(found);
    if (!list) return [];
    let end = list.items.length;
    if (query.before) end = Math.min(end, list.boundary(query.before.time, query.before.seq));
    // Every entry up to the end time, inclusive: before (endTime, +∞).
    if (query.endTime !== undefined) end = Math.min(end, list.boundary(query.endTime, Number.POSITIVE_INFINITY));
    const out: StoredAuditEvent[] = [];
    for (let i = end - 1; i >= list.head && out.length < query.limit; i--) {
      const entry = list.items[i]!;
      if (query.startTime !== undefined && entry.time < query.startTime) break;
      out.push(storedAuditEvent(entry));
    }
    return out;
  }

  after(query: AuditAfterQuery): StoredAuditEvent[] {
    checkLimit(query.limit);
    const streams = 'accountId' in query ? [query.accountId] : [...new Set(query.accountIds)];
    if (streams.length === 0) throw new RangeError('auditAfter needs at least one stream');
    this.#catchUp();
    const picked: Entry[] = [];
    for (const stream of streams) {
      const list = this.#streamBySeq.get(stream);
      if (!list) continue;
      let taken = 0;
      for (let i = list.afterSeq(query.afterSeq); i < list.items.length && taken < query.limit; i++) {
        const entry = list.items[i]!;
        if (entry.gone) continue;
        picked.push(entry);
        taken++;
      }
    }
    if (streams.length > 1) picked.sort((a, b) => a.seq - b.seq);
    return picked.slice(0, query.limit).map(storedAuditEvent);
  }

  byRequestId(requestId: string): StoredAuditEvent[] {
    this.#catchUp();
    const found = this.#byRequest.get(requestId);
    if (found === undefined) return [];
    return Array.isArray(found) ? found.slice(0, 10).map(storedAuditEvent) : [storedAuditEvent(found)];
  }

  /**
   * Removes the oldest events by (time, seq) older than `before`, at most `limit`. Being the
   * oldest in that order, they are the first entries of every (time, seq) list they are in,
   * which drop them by moving their head; in the seq-ordered lists they may be anywhere, so
   * they are marked and skipped there until those lists are compacted. Events not indexed yet
   * are only marked: indexing skips them.
   */
  prune(before: string, limit: number): number {
    checkLimit(limit);
    const byTime = this.#byTime;
    let count = 0;
    while (count < limit && count < byTime.size && byTime.items[byTime.head + count]!.time < before) count++;
    if (count === 0) return 0;
    const doomed = byTime.items.slice(byTime.head, byTime.head + count);
    byTime.dropFront(count);
    const fromFront = new Map<EntryList, { map: Map<string, Lookup>; key: string; n: number }>();
    const drop = (map: Map<string, Lookup>, key: string) => {
      const list = map.get(key)!;
      // A key held by one entry alone: that entry, the one going.
      if (!(list instanceof EntryList)) {
        map.delete(key);
        return;
      }
      const at = fromFront.get(list);
      if (at) at.n++;
      else fromFront.set(list, { map, key, n: 1 });
    };
    for (const entry of doomed) {
      entry.gone = true;
      if (entry.seq > this.#indexedSeq) continue;
      drop(this.#streamByTime, entry.accountId);
      const lookup = entry.lookup;
      for (let i = 0; i < lookup.length; i += 2) drop(lookupValues(this.#byLookup, entry.accountId, lookup[i]!), lookup[i + 1]!);
      this.#goneInStream.set(entry.accountId, (this.#goneInStream.get(entry.accountId) ?? 0) + 1);
      const sameRequest = this.#byRequest.get(entry.requestId)!;
      const left = Array.isArray(sameRequest) ? sameRequest.filter((other) => other !== entry) : [];
      if (left.length === 0) this.#byRequest.delete(entry.requestId);
      else this.#byRequest.set(entry.requestId, left.length === 1 ? left[0]! : left);
    }
    for (const [list, { map, key, n }] of fromFront) {
      if (list.size === n) map.delete(key);
      else list.dropFront(n);
    }
    this.#live -= count;
    this.#goneInBySeq = this.#bySeq.skipGone(this.#goneInBySeq + count);
    for (const [stream, gone] of this.#goneInStream) {
      const list = this.#streamBySeq.get(stream)!;
      const left = list.skipGone(gone);
      if (list.size === 0) this.#streamBySeq.delete(stream);
      if (left === 0) this.#goneInStream.delete(stream);
      else this.#goneInStream.set(stream, left);
    }
    return count;
  }

  /** Everything goes; sequence numbers continue where they were. */
  clear(): void {
    this.#live = 0;
    this.#bySeq = new EntryList();
    this.#goneInBySeq = 0;
    this.#byTime = new EntryList();
    this.#streamBySeq = new Map();
    this.#goneInStream = new Map();
    this.#streamByTime = new Map();
    this.#byLookup = new Map();
    this.#byRequest = new Map();
    this.#indexedSeq = this.#lastSeq;
  }
}
