import { join } from 'node:path';
import { openStore } from '../store/open-store.ts';
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

export async function withStore<T>(values: Record<string, unknown>, env: NodeJS.ProcessEnv, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeUrlOf(values, env));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
