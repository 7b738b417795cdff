-- CloudTrail event history: each event's id and its lookup keys, indexed so LookupEvents,
-- retention and `tessera explain` stay fast on millions of events. Mirrors
-- ../sqlite/002_audit_lookup.sql.

ALTER TABLE audit_events ADD COLUMN event_id text COLLATE "C" NOT NULL DEFAULT '';
-- Times (ISO-8601, UTC, fixed width) compare as code points, as on SQLite.
ALTER TABLE audit_events ALTER COLUMN time TYPE text COLLATE "C";

-- Newest first within an account, optionally within a time window.
CREATE INDEX audit_events_by_time ON audit_events (account_id, time, seq);

-- Retention prunes by time across every account.
CREATE INDEX audit_events_by_age ON audit_events (time);

-- `tessera explain REQUEST_ID`.
CREATE INDEX audit_events_by_request ON audit_events (request_id);

-- One row per (event, lookup attribute, value); one index serves every attribute filter.
CREATE TABLE audit_lookup (
  seq        bigint           NOT NULL,
  attr       text COLLATE "C" NOT NULL,
  value      text COLLATE "C" NOT NULL,
  account_id text COLLATE "C" NOT NULL,
  time       text COLLATE "C" NOT NULL,
  PRIMARY KEY (seq, attr, value)
);

CREATE INDEX audit_lookup_by_value ON audit_lookup (account_id, attr, value, time, seq);
