import { test } from 'node:test';
import assert from 'node:assert/strict';
import { principalFromSession } from './session-principal.ts';
import type { SessionClaims } from '../kernel/session.ts';

const common = { v: 1 as const, accountId: '111122223333', accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-01T01:00:00Z' };

test('role sessions, federated users and user sessions get AWS\'s ARNs and user IDs', () => {
  const role: SessionClaims = { ...common, kind: 'role-session', role: { id: 'AROAEXAMPLEID', arn: 'arn:aws:iam::111122223333:role/ops/Deploy', name: 'Deploy', path: '/ops/' }, sessionName: 'ci', tags: { team: 'red' } };
  const r = principalFromSession(role);
  assert.equal(r.kind, 'role-session');
  assert.equal(r.arn, 'arn:aws:sts::111122223333:assumed-role/Deploy/ci');
  assert.equal(r.userId, 'AROAEXAMPLEID:ci');
  assert.deepEqual(r.tags, { team: 'red' });
  assert.equal(r.session, role);

  const fed = principalFromSession({ ...common, kind: 'federated-user', federatedName: 'bob', user: { id: 'AIDAX', arn: 'arn:aws:iam::111122223333:user/alice', name: 'alice' } });
  assert.equal(fed.arn, 'arn:aws:sts::111122223333:federated-user/bob');
  assert.equal(fed.userId, '111122223333:bob');

  const userSession = principalFromSession({ ...common, kind: 'user-session', user: { id: 'AIDAX', arn: 'arn:aws:iam::111122223333:user/alice', name: 'alice' } });
  assert.equal(userSession.kind, 'user');
  assert.equal(userSession.arn, 'arn:aws:iam::111122223333:user/alice');
  const rootSession = principalFromSession({ ...common, kind: 'user-session', user: { id: '111122223333', arn: 'arn:aws:iam::111122223333:root', root: true } });
  assert.equal(rootSession.kind, 'root');
  assert.equal(rootSession.userId, '111122223333');
});

test('a root session (AssumeRoot) is the account\'s root user, its UserId the account ID', () => {
  const claims: SessionClaims = { ...common, kind: 'root-session', sessionPolicies: { arns: ['arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials'] } };
  const root = principalFromSession(claims);
  assert.deepEqual([root.kind, root.arn, root.userId, root.accountId], ['root', 'arn:aws:iam::111122223333:root', '111122223333', '111122223333']);
  assert.equal(root.session, claims);
  assert.equal(root.name, undefined);
});
