import type { DatabaseSync } from 'node:sqlite';
import { pendingMigrations, sortedMigrations, type AppliedMigration, type Migration } from './migrations.ts';
import { beginImmediate } from './sqlite-lock.ts';

const CREATE_SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  checksum   TEXT NOT NULL,
  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT`;

function applied(db: DatabaseSync): AppliedMigration[] {
  return db.prepare('SELECT version, checksum FROM schema_migrations').all() as unknown as AppliedMigration[];
}

/**
 * Applies pending migrations, each in its own transaction. The write lock is taken before
 * `schema_migrations` is read again, so two processes opening one file at once cannot both
 * apply the same migration: the second waits for the lock, then finds it applied.
 */
export async function migrateSqlite(db: DatabaseSync, migrations: readonly Migration[], lockWaitMs: number): Promise<void> {
  const ordered = sortedMigrations(migrations);
  await beginImmediate(db, lockWaitMs);
  try {
    db.exec(CREATE_SCHEMA_MIGRATIONS);
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
  // Common case (already up to date, or an edited migration): decided without the lock.
  if (pendingMigrations(ordered, applied(db)).length === 0) return;
  for (const m of ordered) {
    await beginImmediate(db, lockWaitMs);
    try {
      if (pendingMigrations([m], applied(db)).length > 0) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)').run(m.version, m.name, m.checksum);
      }
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }
}
