import type { SecretSealer } from '../kernel/operation.ts';
import { createSecretBox, generateMasterKeyBase64, masterKeyFromConfig } from '../store/secret-box.ts';
import type { Store } from '../store/types.ts';

/** Test helpers for the key-ring tests. */

/** A real secret box (AES-GCM envelope) under a fresh master key. */
export function freshSealer(): SecretSealer {
  return createSecretBox(masterKeyFromConfig(generateMasterKeyBase64()));
}

/** `store`, counting how many times each key-ring read (list) reaches it. */
export function countingStore(store: Store): { store: Store; lists: () => number } {
  let lists = 0;
  const counted = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'list') {
        return (...args: Parameters<Store['list']>) => {
          lists++;
          return target.list(...args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: counted, lists: () => lists };
}
