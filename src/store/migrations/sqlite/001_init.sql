-- Tessera schema, SQLite dialect. Mirrors ../postgres/001_init.sql; the contract suite
-- (src/store/contract.ts) holds both to the same behaviour.

-- Every IAM/STS entity is one row; domain modules own the shape of `data` (JSON text).
CREATE TABLE entities (
  kind       TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  account_id TEXT    NOT NULL,
  parent_id  TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  -- The lower-cased name: IAM names are unique regardless of case, and lists sort by it.
  name_key   TEXT    NOT NULL,
  path       TEXT    NOT NULL,
  data       TEXT    NOT NULL,
  created_at TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
) STRICT;

-- Name uniqueness within (account, kind, parent); also serves lists of one parent's children
-- in name order, so a keyset page costs the same wherever it starts.
CREATE UNIQUE INDEX entities_by_parent_name ON entities (account_id, kind, parent_id, name_key);

-- Lists across every parent, in (name, id) order.
CREATE INDEX entities_by_name ON entities (account_id, kind, name_key, id);

-- Many-to-many relations (group membership, policy attachment…). The primary key serves
-- "links from X" in to_id order; links_by_to serves "links to Y" in from_id order. Both
-- also serve deleting every link of an entity.
CREATE TABLE links (
  kind       TEXT NOT NULL,
  from_id    TEXT NOT NULL,
  to_id      TEXT NOT NULL,
  account_id TEXT NOT NULL,
  PRIMARY KEY (from_id, kind, to_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX links_by_to ON links (to_id, kind, from_id);

-- One CloudTrail-shaped event per request. AUTOINCREMENT: a sequence number is never reused,
-- even after a reset, so readers can tell events apart over time.
CREATE TABLE audit_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  time       TEXT NOT NULL,
  request_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  data       TEXT NOT NULL
) STRICT;

CREATE INDEX audit_events_by_account ON audit_events (account_id, seq);
