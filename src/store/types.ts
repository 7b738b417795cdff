/**
 * The one storage interface every Tessera component talks to.
 *
 * The model is deliberately generic: every IAM/STS entity (account, user, access key,
 * group, role, policy, policy version, inline policy, MFA device, provider, key-ring key…)
 * is an {@link EntityRecord} of some `kind`, and every many-to-many relation (group
 * membership, policy attachment, role in instance profile…) is a link of some `kind`.
 * Domain modules (iam/, sts/, tokens/) own the shape of `data`; the store only guarantees
 * uniqueness, ordering, atomicity and durability. That keeps one schema and one contract
 * suite for both dialects (SQLite and PostgreSQL) instead of a table per entity written twice.
 *
 * Uniqueness:
 *   - `(kind, id)` is globally unique (IDs such as AKIA… or AIDA… are global, as on AWS);
 *   - `(accountId, kind, parentId, lower(name))` is unique: names are unique regardless of
 *     case within their account and parent (users by name in an account, inline policies by
 *     name under their user, policy versions under their policy…).
 *
 * Concurrency: `transaction` runs its callback atomically and in isolation (SQLite: one
 * writer at a time; PostgreSQL: SERIALIZABLE, retried on serialization failure). The callback
 * may therefore run more than once and must have no side effects outside the transaction.
 */

/** A stored entity. `data` is owned by the domain module that writes it. */
export interface EntityRecord<D = unknown> {
  accountId: string;
  kind: string;
  /** Globally unique within `kind`. */
  id: string;
  /** Unique within (accountId, kind, parentId), compared case-insensitively. */
  name: string;
  /** The owning entity's id ('' when the entity has no parent). */
  parentId: string;
  /** IAM path ('/' when the entity has none). */
  path: string;
  data: D;
  /** ISO-8601 timestamp supplied by the caller (domain code injects the clock). */
  createdAt: string;
  /** Starts at 1, incremented by every update. */
  version: number;
}

export type NewEntity<D = unknown> = Omit<EntityRecord<D>, 'version'>;

export interface ListOptions {
  /** Only children of this parent ('' = entities without parent). Omit for any parent. */
  parentId?: string;
  /** Only entities whose path starts with this prefix (literal, no wildcards). */
  pathPrefix?: string;
  /** Keyset paging: only entities whose lower-cased name sorts after this value. */
  after?: string;
  /** At most this many records (required: every list is bounded). */
  limit: number;
}

export interface ScanOptions {
  /** Only entities whose id sorts after this one. */
  after?: string;
  limit: number;
}

export interface LinkListOptions {
  /** Keyset paging: only ids sorting after this value. */
  after?: string;
  limit: number;
}

export interface AuditEvent {
  /** ISO-8601 time of the request (UTC, fixed width: times compare as strings). */
  time: string;
  requestId: string;
  accountId: string;
  /** The event's own ID (CloudTrail's eventID), unique; absent on events written before it existed. */
  eventId?: string;
  /** What the event can be looked up by (LookupEvents' attributes and the like); needs `eventId`. */
  lookup?: readonly AuditLookupKey[];
  /** Everything else (the CloudTrail record, the decision and its explanation). Never a secret. */
  data: Record<string, unknown>;
}

export interface AuditLookupKey {
  attr: string;
  value: string;
}

/** A stored event as read back (its lookup keys are not returned). */
export interface StoredAuditEvent extends Omit<AuditEvent, 'lookup'> {
  seq: number;
}

/** One page of an account's events, newest first by (time, seq). */
export interface AuditQuery {
  accountId: string;
  /** Only events with this lookup key. */
  attribute?: AuditLookupKey;
  /** Inclusive bounds on `time`. */
  startTime?: string;
  endTime?: string;
  /** Keyset paging: only events older than this one (by time, then seq). */
  before?: { time: string; seq: number };
  limit: number;
}

/**
 * Events written after a sequence number, oldest first, of one audit stream (`accountId`: an
 * account's management events, or another stream's key such as `data:<account>`) or of several
 * read together (`accountIds`), merged in sequence order: sequence numbers are one sequence
 * across every stream, so a reader of several streams keeps one cursor (trail delivery reads an
 * account's data events beside its management events when the trail's selectors ask for them).
 */
export type AuditAfterQuery = { afterSeq: number; limit: number } & ({ accountId: string } | { accountIds: readonly string[] });

/** Raised when an insert or rename would break a uniqueness rule. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}

/** Raised when an update targets a record that no longer exists or whose version moved on. */
export class StoreStaleError extends Error {
  override readonly name = 'StoreStaleError';
}

export interface StoreTx {
  get<D = unknown>(kind: string, id: string): Promise<EntityRecord<D> | undefined>;
  /** Case-insensitive lookup within (accountId, kind, parentId). */
  getByName<D = unknown>(
    accountId: string,
    kind: string,
    name: string,
    parentId?: string,
  ): Promise<EntityRecord<D> | undefined>;
  /** Inserts with version 1. Throws {@link StoreConflictError} on an id or name clash. */
  insert<D>(record: NewEntity<D>): Promise<EntityRecord<D>>;
  /**
   * Replaces name/path/data of the record with the same (kind, id) whose version equals
   * `record.version`, and returns it with version + 1. Throws {@link StoreStaleError} if no
   * such record, {@link StoreConflictError} if the new name clashes.
   */
  update<D>(record: EntityRecord<D>): Promise<EntityRecord<D>>;
  /** Deletes the record and every link from or to its id. Returns whether it existed. */
  delete(kind: string, id: string): Promise<boolean>;
  /** Ordered by lower(name), then id. */
  list<D = unknown>(accountId: string, kind: string, options: ListOptions): Promise<EntityRecord<D>[]>;
  count(accountId: string, kind: string, options?: { parentId?: string }): Promise<number>;

  /** Adds a link; returns false if it already existed. */
  link(kind: string, accountId: string, fromId: string, toId: string): Promise<boolean>;
  /** Removes a link; returns false if it did not exist. */
  unlink(kind: string, fromId: string, toId: string): Promise<boolean>;
  hasLink(kind: string, fromId: string, toId: string): Promise<boolean>;
  /** Ids linked from `fromId`, ascending. */
  linksFrom(kind: string, fromId: string, options: LinkListOptions): Promise<string[]>;
  /** Ids linking to `toId`, ascending. */
  linksTo(kind: string, toId: string, options: LinkListOptions): Promise<string[]>;
  countLinksFrom(kind: string, fromId: string): Promise<number>;
  countLinksTo(kind: string, toId: string): Promise<number>;
}

export interface Store extends StoreTx {
  readonly dialect: 'sqlite' | 'postgres';
  /** Atomic, isolated unit of work (see the module comment on retries). */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Every entity of `kind` in every account, ordered by id, keyset-paged by `after` (the last
   * id of the previous page). For whole-store maintenance, such as re-sealing every secret
   * under a new master key; requests use the per-account lists.
   */
  scan<D = unknown>(kind: string, options: ScanOptions): Promise<EntityRecord<D>[]>;
  /** Appends events in one transaction (the server batches them off the request path). */
  appendAudit(events: AuditEvent[]): Promise<void>;
  /** Newest first. */
  listAudit(options: { accountId?: string; limit: number }): Promise<StoredAuditEvent[]>;
  /** An account's events, newest first by time, filtered by one lookup key and a time window. */
  queryAudit(query: AuditQuery): Promise<StoredAuditEvent[]>;
  /** The events of one stream — or of several, merged — written after `afterSeq`, oldest first (trail delivery). */
  auditAfter(options: AuditAfterQuery): Promise<StoredAuditEvent[]>;
  /** The events of one request (one, or two for a cross-account call recorded in both accounts). */
  auditByRequestId(requestId: string): Promise<StoredAuditEvent[]>;
  /** Deletes up to `limit` events older than `before` (ISO time), oldest first; returns how many. */
  pruneAudit(before: string, limit: number): Promise<number>;
  /** Deletes every entity, link and audit event (dev mode's reset). */
  clear(): Promise<void>;
  /**
   * A number that moves whenever a write of entities or links may have been committed since
   * it was last taken — by this process or any other — found without a round trip, so that a
   * value read from the store may be reused while it stays put (store/read-mirror.ts). It
   * may also move for writes that change nothing a reader cares about; it never stays put
   * across one that does. `undefined` when the store cannot tell without asking the database
   * (PostgreSQL: another node's commit is invisible until asked): then nothing is reused.
   */
  changeMark(): number | undefined;
  close(): Promise<void>;
}
