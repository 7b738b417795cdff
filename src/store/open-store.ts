import { openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { parseStoreUrl } from './store-url.ts';
import type { Store } from './types.ts';
import { checkSqlitePath, UnusablePathError } from './usable-paths.ts';

export { parseStoreUrl, type StoreLocation } from './store-url.ts';

const MEMORY = ':memory:';

/**
 * Opens the store at `url`, creating the SQLite file's folder if needed, and migrates it. A
 * SQLite path that cannot be used fails with the path and the reason (UnusablePathError).
 */
export async function openStore(url: string): Promise<Store> {
  const location = parseStoreUrl(url);
  if (location.dialect === 'postgres') return openPostgresStore(location.url);
  if (location.path === MEMORY) return openSqliteStore(location.path);
  await checkSqlitePath(location.path);
  try {
    return await openSqliteStore(location.path);
  } catch (err) {
    // SQLite's own words ("unable to open database file") do not say which file.
    throw new UnusablePathError(`SQLite store ${location.path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
