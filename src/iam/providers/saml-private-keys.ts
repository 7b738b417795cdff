import { createPrivateKey } from 'node:crypto';
import type { OperationContext } from '../../kernel/operation.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { addAndRemoveKey, encryptionRequiresKey, invalidPrivateKey, lastKeyRequired, noSuchPrivateKey, privateKeyLimit } from './messages.ts';
import { opaqueId } from './opaque-id.ts';
import { samlPrivateKeyContext, type SamlPrivateKeyData } from './records.ts';

/**
 * The private keys a SAML provider keeps for decrypting encrypted assertions, and AWS's rules
 * for them: at most two, never shown again (only their IDs and when they were added), sealed
 * at rest, and at least one while AssertionEncryptionMode is Required.
 */

const MAX_PRIVATE_KEYS = 2;

export interface KeyChange {
  mode?: 'Required' | 'Allowed';
  add?: string;
  remove?: string;
}

export interface KeyState {
  mode?: 'Required' | 'Allowed';
  keys: SamlPrivateKeyData[];
}

/** The keys and mode after `change`, or the InvalidInput/LimitExceeded AWS answers. */
export function applyKeyChange(ctx: OperationContext, providerId: string, state: KeyState, change: KeyChange): KeyState {
  if (change.add !== undefined && change.remove !== undefined) throw addAndRemoveKey();
  let keys = state.keys;
  if (change.add !== undefined) {
    const added = sealedKey(ctx, providerId, change.add);
    if (keys.length >= MAX_PRIVATE_KEYS) throw privateKeyLimit(MAX_PRIVATE_KEYS);
    keys = [...keys, added];
  }
  const mode = change.mode ?? state.mode;
  if (change.remove !== undefined) {
    if (!keys.some((k) => k.keyId === change.remove)) throw noSuchPrivateKey(change.remove);
    keys = keys.filter((k) => k.keyId !== change.remove);
    if (keys.length === 0 && mode === 'Required') throw lastKeyRequired();
  }
  if (mode === 'Required' && keys.length === 0) throw encryptionRequiresKey();
  return { ...(mode ? { mode } : {}), keys };
}

function sealedKey(ctx: OperationContext, providerId: string, pem: string): SamlPrivateKeyData {
  let type: string;
  try {
    type = createPrivateKey(pem).type;
  } catch {
    throw invalidPrivateKey();
  }
  if (type !== 'private') throw invalidPrivateKey();
  const keyId = opaqueId(ctx.random, '', 26);
  return { keyId, sealedKey: ctx.secrets.seal(pem, samlPrivateKeyContext(providerId, keyId)), addedAt: isoSeconds(ctx.clock.now()) };
}
