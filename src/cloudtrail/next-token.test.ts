import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../protocol/errors.ts';
import { filtersKey, openNextToken, sealNextToken } from './next-token.ts';
import { createSecretBox } from '../store/secret-box.ts';
import { generateMasterKeyBase64, masterKeyFromConfig } from '../store/master-key.ts';

const newSealer = () => createSecretBox(masterKeyFromConfig(generateMasterKeyBase64()));

const sealer = newSealer();
const ACCOUNT = '111122223333';
const filters = filtersKey({ attribute: null });

test('a token opens for its account and filters only', () => {
  const token = sealNextToken(sealer, ACCOUNT, filters, { time: '2024-01-01T00:00:00.000Z', seq: 42 });
  assert.deepEqual(openNextToken(sealer, token, ACCOUNT, filters), { time: '2024-01-01T00:00:00.000Z', seq: 42 });
  const refused = (fn: () => unknown) => assert.throws(fn, (err) => err instanceof ServiceError && err.code === 'InvalidNextTokenException');
  refused(() => openNextToken(sealer, token, '999999999999', filters));
  refused(() => openNextToken(sealer, token, ACCOUNT, filtersKey({ attribute: { attr: 'EventName', value: 'x' } })));
  refused(() => openNextToken(sealer, token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA'), ACCOUNT, filters));
  refused(() => openNextToken(sealer, '', ACCOUNT, filters));
  refused(() => openNextToken(sealer, 'x'.repeat(100_000), ACCOUNT, filters));
  refused(() => openNextToken(newSealer(), token, ACCOUNT, filters));
  // A sealed value for another purpose is not a token.
  refused(() => openNextToken(sealer, sealer.seal(JSON.stringify({ a: ACCOUNT, f: filters, t: 'x', s: 1 }), 'other'), ACCOUNT, filters));
});
