/**
 * Store URLs, apart from the stores themselves so start-up checks can read one without
 * loading a database driver.
 */

/** Where a store lives, parsed from its URL. */
export type StoreLocation = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

const SQLITE_PREFIX = 'sqlite:';
const MEMORY = ':memory:';

/**
 * `sqlite:PATH` (relative to the working directory, or absolute), `sqlite::memory:`, or a
 * `postgres://` / `postgresql://` connection URL. Error messages never repeat the URL, which
 * may carry a password.
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url.startsWith(SQLITE_PREFIX)) {
    const path = url.slice(SQLITE_PREFIX.length);
    if (path === '') throw new Error('store URL "sqlite:" needs a file path (sqlite:PATH) or :memory: (sqlite::memory:)');
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(
    `unsupported store URL${scheme ? ` scheme "${scheme}:"` : ''}: use sqlite:PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DATABASE`,
  );
}
