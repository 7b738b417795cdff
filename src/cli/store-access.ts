import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, parseStoreUrl } from '../store/open-store.ts';
import type { Store } from '../store/types.ts';
import type { FlagSpec } from './flags.ts';

/**
 * The flags of commands that read a store directly (`tessera audit verify`, `tessera explain`,
 * `tessera policy generate`): the same --data-dir / --store as `serve`, or their TESSERA_*
 * twins. They read only — no master key is needed.
 */
export const STORE_FLAGS = {
  'data-dir': { type: 'string', value: 'DIR', help: 'state directory (default ./.tessera)', env: 'TESSERA_DATA_DIR' },
  store: { type: 'string', value: 'URL', help: 'sqlite:PATH or postgres://… (default sqlite:<data-dir>/tessera.db)', env: 'TESSERA_STORE' },
} as const satisfies Record<string, FlagSpec & { value: string; help: string; env: string }>;

export function storeUrlOf(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  const dataDir = (values['data-dir'] as string | undefined) ?? env['TESSERA_DATA_DIR'] ?? '.tessera';
  return (values['store'] as string | undefined) ?? env['TESSERA_STORE'] ?? `sqlite:${join(dataDir, 'tessera.db')}`;
}

/**
 * Opens the store these commands read. A SQLite store that is not there is a mistaken
 * --data-dir or --store (or the wrong working directory): refused, rather than created empty
 * and read as a store that recorded nothing.
 */
export async function withStore<T>(values: Record<string, unknown>, env: NodeJS.ProcessEnv, work: (store: Store) => Promise<T>): Promise<T> {
  const url = storeUrlOf(values, env);
  refuseMissingSqliteStore(url);
  const store = await openStore(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** For commands that only read: a SQLite store that is not there is a mistake, never created empty. */
export function refuseMissingSqliteStore(url: string): void {
  const location = parseStoreUrl(url);
  if (location.dialect === 'sqlite' && location.path !== ':memory:' && !existsSync(location.path)) {
    throw new Error(`SQLite store ${location.path}: does not exist (is --data-dir or --store right? TESSERA_DATA_DIR, TESSERA_STORE)`);
  }
}
