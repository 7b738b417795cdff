-- CloudTrail event history: each event's id and its lookup keys, indexed so LookupEvents,
-- retention and `tessera explain` stay fast on millions of events. Mirrors
-- ../postgres/002_audit_lookup.sql.

ALTER TABLE audit_events ADD COLUMN event_id TEXT NOT NULL DEFAULT '';

-- Newest first within an account, optionally within a time window (LookupEvents without an
-- attribute; the trail deliverer reads by seq through audit_events_by_account).
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
