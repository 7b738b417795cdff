-- Tessera schema, PostgreSQL dialect. Mirrors ../sqlite/001_init.sql; the contract suite
-- (src/store/contract.ts) holds both to the same behaviour.
--
-- Key and ordering columns use COLLATE "C" (code-point order, as SQLite compares text), so
-- lists and keyset paging order identically on both dialects and whatever the database's
-- default collation is.

-- Every IAM/STS entity is one row; domain modules own the shape of `data`.
CREATE TABLE entities (
  kind       text COLLATE "C" NOT NULL,
  id         text COLLATE "C" NOT NULL,
  account_id text COLLATE "C" NOT NULL,
  parent_id  text COLLATE "C" NOT NULL,
  name       text             NOT NULL,
  -- The lower-cased name: IAM names are unique regardless of case, and lists sort by it.
  name_key   text COLLATE "C" NOT NULL,
  path       text COLLATE "C" NOT NULL,
  data       jsonb            NOT NULL,
  created_at text             NOT NULL,
  version    bigint           NOT NULL,
  PRIMARY KEY (kind, id)
);

-- Name uniqueness within (account, kind, parent); also serves lists of one parent's children
-- in name order, so a keyset page costs the same wherever it starts.
CREATE UNIQUE INDEX entities_by_parent_name ON entities (account_id, kind, parent_id, name_key);

-- Lists across every parent, in (name, id) order.
CREATE INDEX entities_by_name ON entities (account_id, kind, name_key, id);

-- Many-to-many relations (group membership, policy attachment…). The primary key serves
-- "links from X" in to_id order; links_by_to serves "links to Y" in from_id order. Both
-- also serve deleting every link of an entity.
CREATE TABLE links (
  kind       text COLLATE "C" NOT NULL,
  from_id    text COLLATE "C" NOT NULL,
  to_id      text COLLATE "C" NOT NULL,
  account_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (from_id, kind, to_id)
);

CREATE INDEX links_by_to ON links (to_id, kind, from_id);

-- One CloudTrail-shaped event per request. An identity is never reused, even after a reset.
CREATE TABLE audit_events (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time       text             NOT NULL,
  request_id text             NOT NULL,
  account_id text COLLATE "C" NOT NULL,
  data       jsonb            NOT NULL
);

CREATE INDEX audit_events_by_account ON audit_events (account_id, seq);
