import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Numbered schema migrations, one folder per dialect (`migrations/<dialect>/NNN_name.sql`).
 * The dialect runners apply the pending ones in version order and record each in
 * `schema_migrations` with a checksum, so an edited migration is caught instead of silently
 * leaving two databases with different schemas under the same version.
 */

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** SHA-256 (hex) of `sql`. */
  checksum: string;
}

export interface AppliedMigration {
  version: number;
  checksum: string;
}

const FILE_NAME = /^(\d+)_([a-z0-9_]+)\.sql$/;

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Builds a migration from its text (also how tests make their own). */
export function migration(version: number, name: string, sql: string): Migration {
  return { version, name, sql, checksum: checksumOf(sql) };
}

/** The migrations shipped for `dialect`, ascending by version. */
/** A folder of migrations: a dialect's store, or a SQLite store's audit file (`sqlite-audit`). */
export type MigrationSet = Dialect | 'sqlite-audit';

export async function loadMigrations(dialect: MigrationSet): Promise<Migration[]> {
  const folder = new URL(`./migrations/${dialect}/`, import.meta.url);
  const files = (await readdir(folder)).filter((file) => file.endsWith('.sql'));
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`migration file name must look like 001_name.sql: ${dialect}/${file}`);
    const sql = await readFile(new URL(file, folder), 'utf8');
    migrations.push(migration(Number(match[1]), match[2]!, sql));
  }
  return sortedMigrations(migrations);
}

/** Ascending by version; two migrations with one version are a packaging mistake. */
export function sortedMigrations(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new Error(`two migrations share version ${sorted[i]!.version}`);
    }
  }
  return sorted;
}

/**
 * The migrations still to apply. Throws if one already applied has different text now.
 * Versions applied but unknown here (a newer node migrated first) are left alone, so a
 * rolling upgrade can run old and new nodes side by side while migrations stay additive.
 */
export function pendingMigrations(known: readonly Migration[], applied: readonly AppliedMigration[]): Migration[] {
  const appliedByVersion = new Map(applied.map((m) => [m.version, m.checksum]));
  const pending: Migration[] = [];
  for (const m of known) {
    const checksum = appliedByVersion.get(m.version);
    if (checksum === undefined) pending.push(m);
    else if (checksum !== m.checksum) {
      throw new Error(`migration ${m.version}_${m.name} was changed after it was applied (checksum mismatch)`);
    }
  }
  return pending;
}
