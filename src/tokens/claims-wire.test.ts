import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionClaims } from '../kernel/session.ts';
import { fromWire, toWire } from './claims-wire.ts';
import { EVERY_FIELD, FEDERATED_USER, ROLE_SESSION, ROOT_USER_SESSION } from './test-claims.ts';

function throughJson(claims: SessionClaims): SessionClaims | undefined {
  return fromWire(JSON.parse(JSON.stringify(toWire(claims))));
}

test('every kind and every field survive the compact form exactly', () => {
  for (const claims of [ROLE_SESSION, EVERY_FIELD, FEDERATED_USER, ROOT_USER_SESSION]) {
    assert.deepStrictEqual(throughJson(claims), claims);
  }
});

test('whole-second instants become epoch seconds; others keep their text', () => {
  const wire = toWire(ROLE_SESSION);
  assert.equal(wire.t, Date.parse(ROLE_SESSION.issuedAt) / 1000);
  assert.equal(wire.e, Date.parse(ROLE_SESSION.expiresAt) / 1000);
  const root = toWire(ROOT_USER_SESSION);
  assert.equal(root.t, ROOT_USER_SESSION.issuedAt);
  assert.equal(root.m, '2024-05-17T09:30:15+00:00');
});

test('the compact form is much smaller than the claims as JSON', () => {
  const compact = JSON.stringify(toWire(EVERY_FIELD)).length;
  const plain = JSON.stringify(EVERY_FIELD).length;
  assert.ok(compact < plain - 100, `${compact} vs ${plain}`);
});

test('a tag named __proto__ stays an ordinary tag', () => {
  const claims: SessionClaims = { ...ROLE_SESSION, tags: JSON.parse('{"__proto__":"x","team":"red"}') as Record<string, string> };
  const decoded = throughJson(claims);
  assert.ok(decoded?.tags);
  assert.deepEqual(Object.keys(decoded.tags), ['__proto__', 'team']);
  assert.equal(Object.getPrototypeOf(decoded.tags), Object.prototype);
  assert.equal(decoded.tags['__proto__'], 'x');
});

test('claims STS should never build are refused when sealing', () => {
  assert.throws(() => toWire({ ...ROLE_SESSION, expiresAt: 'tomorrow' }), TypeError);
  assert.throws(() => toWire({ ...ROLE_SESSION, kind: 'admin' as SessionClaims['kind'] }), TypeError);
  assert.throws(() => toWire({ ...ROLE_SESSION, v: 2 as 1 }), TypeError);
});

test('anything but a valid compact form decodes to undefined, never throws', () => {
  const good = toWire(EVERY_FIELD) as unknown as Record<string, unknown>;
  const variants: unknown[] = [
    null,
    42,
    'text',
    [],
    {},
    { ...good, v: 2 },
    { ...good, k: 'x' },
    { ...good, k: 'toString' },
    { ...good, a: 111122223333 },
    { ...good, e: 'not a date' },
    { ...good, e: 1e300 },
    { ...good, e: 1.5 },
    { ...good, r: ['id', 'arn', 'name'] },
    { ...good, r: ['id', 'arn', 'name', 4] },
    { ...good, u: { i: 'id', a: 'arn', extra: 1 } },
    { ...good, u: { i: 'id', a: 'arn', r: 'yes' } },
    { ...good, p: { a: 'not-a-list' } },
    { ...good, g: { team: 1 } },
    { ...good, x: [1] },
    { ...good, c: 1 },
    { ...good, y: ['ec2.amazonaws.com'] },
    { ...good, y: ['ec2.amazonaws.com', 'arn', '3.0'] },
    { ...good, y: ['ec2.amazonaws.com', 7] },
    { ...good, q: { 'idp.example.com:sub': 7 } },
    { ...good, q: { 'idp.example.com:amr': ['authenticated', 1] } },
    { ...good, q: ['idp.example.com:sub'] },
    // A federated user's keys without the federation they come from.
    { ...Object.fromEntries(Object.entries(good).filter(([key]) => key !== 'w')), q: { 'idp.example.com:sub': 'alice' } },
    // A field this version does not know could be a restriction: refused, not ignored.
    { ...good, z: 'new restriction' },
    JSON.parse(`{${JSON.stringify(good).slice(1, -1)},"__proto__":{}}`),
  ];
  for (const variant of variants) assert.equal(fromWire(variant), undefined, JSON.stringify(variant));
  assert.ok(fromWire(good));
});

test('a root session (AssumeRoot) keeps its kind and task policy through the compact form', () => {
  const claims: SessionClaims = {
    v: 1, kind: 'root-session', accountId: '444455556666', accessKeyId: 'ASIAROOTSESSION00001', secretAccessKey: 's'.repeat(40),
    issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-01T00:15:00Z',
    sessionPolicies: { arns: ['arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials'] }, sourceIdentity: 'alice',
  };
  assert.equal(toWire(claims).k, 'a');
  assert.deepStrictEqual(throughJson(claims), claims);
});
