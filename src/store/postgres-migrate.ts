import type { Pool } from 'pg';
import { pendingMigrations, sortedMigrations, type Migration } from './migrations.ts';

/**
 * Session-level advisory lock that serializes migration runs across every node sharing the
 * database (the bytes "tessera\0" read as a big-endian 64-bit integer). Without it, two
 * nodes starting at once would both see a migration pending and race on CREATE TABLE.
 */
const MIGRATION_LOCK_KEY = '8387236820507844864';

const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** Applies pending migrations, each in its own transaction, holding the advisory lock. */
export async function migratePostgres(pool: Pool, migrations: readonly Migration[]): Promise<void> {
  const ordered = sortedMigrations(migrations);
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_SCHEMA_MIGRATIONS);
      const applied = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations');
      for (const m of pendingMigrations(ordered, applied.rows)) {
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // After a failure the session is discarded: whatever state it is in, closing it releases
    // the advisory lock for the next node.
    client.release(failed);
  }
}
