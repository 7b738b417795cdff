-- The CloudTrail event history of a SQLite store, in a file of its own next to the store's
-- (sqlite-audit-file.ts says why). The same tables and indexes as the store's
-- 001_init.sql + 002_audit_lookup.sql had, so every query reads them unchanged.

-- One CloudTrail-shaped event per request. AUTOINCREMENT: a sequence number is never reused,
-- even after a reset, so readers can tell events apart over time.
CREATE TABLE audit_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  time       TEXT NOT NULL,
  request_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  data       TEXT NOT NULL,
  event_id   TEXT NOT NULL DEFAULT ''
) STRICT;

-- The trail deliverer reads an account's events by seq.
CREATE INDEX audit_events_by_account ON audit_events (account_id, seq);

-- Newest first within an account, optionally within a time window (LookupEvents without an
-- attribute).
CREATE INDEX audit_events_by_time ON audit_events (account_id, time, seq);

-- Retention prunes by time across every account.
CREATE INDEX audit_events_by_age ON audit_events (time);

-- `tessera explain REQUEST_ID`.
CREATE INDEX audit_events_by_request ON audit_events (request_id);

-- One row per (event, lookup attribute, value): EventId, EventName, ReadOnly, Username,
-- ResourceType, ResourceName, EventSource, AccessKeyId, and the principal keys
-- `tessera policy generate` reads. One index serves every attribute filter, newest first.
CREATE TABLE audit_lookup (
  seq        INTEGER NOT NULL,
  attr       TEXT    NOT NULL,
  value      TEXT    NOT NULL,
  account_id TEXT    NOT NULL,
  time       TEXT    NOT NULL,
  PRIMARY KEY (seq, attr, value)
) STRICT, WITHOUT ROWID;

CREATE INDEX audit_lookup_by_value ON audit_lookup (account_id, attr, value, time, seq);
