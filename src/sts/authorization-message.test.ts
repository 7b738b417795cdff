import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretBox } from '../store/secret-box.ts';
import { generateMasterKeyBase64, masterKeyFromConfig } from '../store/master-key.ts';
import { FixedClock } from '../kernel/clock.ts';
import { cryptoRandom } from '../kernel/random.ts';
import type { OperationContext } from '../kernel/operation.ts';
import type { Principal } from '../kernel/principal.ts';
import { PolicyCache } from '../policy/index.ts';
import { ServiceError } from '../protocol/errors.ts';
import { authorizationMessageHandlers, encodeAuthorizationMessage, type AuthorizationFailure } from './authorization-message.ts';

const secrets = createSecretBox(masterKeyFromConfig(generateMasterKeyBase64()));
const account = '111122223333';

const failure: AuthorizationFailure = {
  principal: { arn: `arn:aws:iam::${account}:user/alice`, id: 'AIDAEXAMPLE', name: 'alice' },
  action: 'iam:DeleteUser',
  resource: `arn:aws:iam::${account}:user/bob`,
  decision: {
    decision: 'ExplicitDeny',
    reason: 'an explicit deny in an identity-based policy',
    deciding: [{ policyKind: 'identity', policy: 'user/alice/inline/guard', statementIndex: 1, sid: 'NoDeletes', effect: 'Deny' }],
    missingContextKeys: ['aws:SourceVpc'],
  },
  context: { 'aws:SourceIp': '10.0.0.1', 'aws:TagKeys': ['a', 'b'], 'aws:CurrentTime': new Date('2024-05-01T10:00:00.250Z'), 'aws:SecureTransport': false },
};

function callerIn(accountId: string): OperationContext {
  const principal: Principal = { kind: 'user', accountId, arn: `arn:aws:iam::${accountId}:user/admin`, userId: 'AIDAADMIN', name: 'admin', tags: {}, accessKeyId: 'AKIAEXAMPLE' };
  return {
    store: undefined as never, secrets, clock: new FixedClock('2024-05-01T10:00:00Z'), random: cryptoRandom, quotas: undefined as never,
    policyCache: new PolicyCache(), sessions: { issue: async () => { throw new Error('unused'); } }, principal, requestId: 'r', region: 'us-east-1',
  };
}

const decode = (encoded: string, ctx = callerIn(account)) => authorizationMessageHandlers.DecodeAuthorizationMessage({ EncodedMessage: encoded }, ctx);

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return err;
  }
  assert.fail('expected a rejection');
}

test('the encoded message is opaque and decodes to AWS\'s shape', async () => {
  const encoded = encodeAuthorizationMessage(secrets, failure);
  assert.doesNotMatch(encoded, /alice|DeleteUser|10\.0\.0\.1/, 'nothing readable without decoding');
  const decoded = JSON.parse((await decode(encoded)).DecodedMessage!);
  assert.deepEqual(decoded, {
    allowed: false,
    explicitDeny: true,
    matchedStatements: { items: [{ statementId: 'NoDeletes', effect: 'DENY', policy: 'user/alice/inline/guard', policyKind: 'identity', statementIndex: 1 }] },
    failures: { items: ['an explicit deny in an identity-based policy', 'missing context key: aws:SourceVpc'] },
    context: {
      principal: { id: 'AIDAEXAMPLE', name: 'alice', arn: `arn:aws:iam::${account}:user/alice` },
      action: 'iam:DeleteUser',
      resource: `arn:aws:iam::${account}:user/bob`,
      conditions: {
        items: [
          { key: 'aws:CurrentTime', values: { items: [{ value: '2024-05-01T10:00:00Z' }] } },
          { key: 'aws:SecureTransport', values: { items: [{ value: 'false' }] } },
          { key: 'aws:SourceIp', values: { items: [{ value: '10.0.0.1' }] } },
          { key: 'aws:TagKeys', values: { items: [{ value: 'a' }, { value: 'b' }] } },
        ],
      },
    },
  });
});

test('an implicit deny says so', async () => {
  const implicit = encodeAuthorizationMessage(secrets, { ...failure, decision: { decision: 'ImplicitDeny', reason: 'no identity-based policy allows the iam:DeleteUser action', deciding: [], missingContextKeys: [] } });
  const decoded = JSON.parse((await decode(implicit)).DecodedMessage!);
  assert.equal(decoded.explicitDeny, false);
  assert.deepEqual(decoded.matchedStatements, { items: [] });
  assert.deepEqual(decoded.failures, { items: ['no identity-based policy allows the iam:DeleteUser action'] });
});

test('altered, forged, foreign-sealed or another account\'s messages are refused alike', async () => {
  const encoded = encodeAuthorizationMessage(secrets, failure);
  const flipped = encoded.slice(0, -5) + (encoded.at(-5) === 'A' ? 'B' : 'A') + encoded.slice(-4);
  const forged = Buffer.from(JSON.stringify({ allowed: true })).toString('base64url');
  const otherPurpose = secrets.seal(JSON.stringify({ context: { principal: { arn: `arn:aws:iam::${account}:user/x` } } }), 'some-other-context');
  const otherServer = createSecretBox(masterKeyFromConfig(generateMasterKeyBase64()));
  for (const bad of [flipped, forged, otherPurpose, encodeAuthorizationMessage(otherServer, failure), 'not a message', encoded.slice(0, 40)]) {
    const err = await rejection(decode(bad));
    assert.equal(err.code, 'InvalidAuthorizationMessageException');
    assert.equal(err.httpStatus, 400);
  }
  const elsewhere = await rejection(decode(encoded, callerIn('444455556666')));
  assert.equal(elsewhere.code, 'InvalidAuthorizationMessageException');
});

test('a huge context is trimmed so the message stays within the model\'s 10,240 characters', async () => {
  const context: Record<string, string> = {};
  for (let i = 0; i < 400; i++) context[`aws:RequestTag/key-${String(i).padStart(3, '0')}`] = 'v'.repeat(60);
  const encoded = encodeAuthorizationMessage(secrets, { ...failure, context });
  assert.ok(encoded.length <= 10_240, `${encoded.length} characters`);
  const decoded = JSON.parse((await decode(encoded)).DecodedMessage!);
  assert.ok(decoded.context.conditions.items.length > 0 && decoded.context.conditions.items.length < 400);
  assert.equal(decoded.context.conditions.items[0].key, 'aws:RequestTag/key-000', 'the first keys are kept');
  assert.equal(decoded.matchedStatements.items.length, 1);
});
