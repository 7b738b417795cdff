import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PrincipalProblem } from './principal.ts';
import { compilePrincipals, matchPrincipals, notPrincipalApplies, principalKeys } from './principal.ts';
import { principalFromArn } from './principal-arn.ts';
import type { EvaluationPrincipal } from './types.ts';

const A = '111122223333';
const caller = (arn: string): EvaluationPrincipal => {
  const p = principalFromArn(arn);
  assert.ok(p, arn);
  return p;
};
const grant = (element: unknown, who: EvaluationPrincipal) => {
  const problems: PrincipalProblem[] = [];
  const compiled = compilePrincipals(element, 'Principal', problems);
  assert.deepEqual(problems, [], 'element should be valid');
  return matchPrincipals(compiled, principalKeys(who));
};
const notApplies = (element: unknown, who: EvaluationPrincipal, effect: 'Allow' | 'Deny' = 'Deny') =>
  notPrincipalApplies(compilePrincipals(element, 'NotPrincipal', []), principalKeys(who), effect);

const user = caller(`arn:aws:iam::${A}:user/team/alice`);
const session = caller(`arn:aws:sts::${A}:assumed-role/Admin/alice-session`);
const root = caller(`arn:aws:iam::${A}:root`);
const federated: EvaluationPrincipal = { ...caller(`arn:aws:sts::${A}:federated-user/bob`), parentUserArn: `arn:aws:iam::${A}:user/bob-admin` };

describe('Principal matching', () => {
  it('"*" and {"AWS": "*"} name everyone, including anonymous and service callers, directly', () => {
    for (const who of [user, session, root, { kind: 'anonymous' } as EvaluationPrincipal, { kind: 'service', serviceName: 'ec2.amazonaws.com' } as EvaluationPrincipal]) {
      assert.equal(grant('*', who), 'direct');
      assert.equal(grant({ AWS: '*' }, who), 'direct');
    }
  });

  it('an account ID or root ARN names every principal of that account as an account grant', () => {
    assert.equal(grant({ AWS: A }, user), 'account');
    assert.equal(grant({ AWS: `arn:aws:iam::${A}:root` }, session), 'account');
    assert.equal(grant({ AWS: '999999999999' }, user), null);
  });

  it('a user ARN names that user directly, whatever the path', () => {
    assert.equal(grant({ AWS: `arn:aws:iam::${A}:user/alice` }, user), 'direct');
    assert.equal(grant({ AWS: `arn:aws:iam::${A}:user/other/alice` }, user), 'direct');
    assert.equal(grant({ AWS: `arn:aws:iam::${A}:user/bob` }, user), null);
  });

  it('a role ARN names every session of the role, as a role grant; a session ARN names one session directly', () => {
    assert.equal(grant({ AWS: `arn:aws:iam::${A}:role/Admin` }, session), 'role');
    assert.equal(grant({ AWS: `arn:aws:iam::${A}:role/path/Admin` }, session), 'role');
    assert.equal(grant({ AWS: `arn:aws:sts::${A}:assumed-role/Admin/alice-session` }, session), 'direct');
    assert.equal(grant({ AWS: `arn:aws:sts::${A}:assumed-role/Admin/other` }, session), null);
  });

  it('federated users: the session ARN directly, the IAM user behind it as a role-like grant', () => {
    assert.equal(grant({ AWS: `arn:aws:sts::${A}:federated-user/bob` }, federated), 'direct');
    assert.equal(grant({ AWS: `arn:aws:iam::${A}:user/bob-admin` }, federated), 'role');
  });

  it('prefers the strongest way a list names the caller', () => {
    assert.equal(grant({ AWS: [A, `arn:aws:iam::${A}:role/Admin`, `arn:aws:sts::${A}:assumed-role/Admin/alice-session`] }, session), 'direct');
  });

  it('Service, Federated and CanonicalUser principals', () => {
    const service: EvaluationPrincipal = { kind: 'service', serviceName: 'lambda.amazonaws.com' };
    assert.equal(grant({ Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com'] }, service), 'direct');
    assert.equal(grant({ Service: 'ec2.amazonaws.com' }, service), null);
    assert.equal(grant({ AWS: A }, service), null, 'a service is not a member of an account');
    const idp: EvaluationPrincipal = { kind: 'web-identity', provider: 'accounts.google.com' };
    assert.equal(grant({ Federated: 'accounts.google.com' }, idp), 'direct');
    const canonical: EvaluationPrincipal = { kind: 'anonymous', canonicalUserId: 'abc123' };
    assert.equal(grant({ CanonicalUser: 'abc123' }, canonical), 'direct');
  });

  it('anonymous callers are named only by "*"', () => {
    assert.equal(grant({ AWS: A }, { kind: 'anonymous' }), null);
  });

  it('reports principals it cannot understand', () => {
    for (const bad of [{ AWS: 'arn:aws:iam::*:root' }, { AWS: 'alice' }, { AWS: [] }, { Unknown: 'x' }, {}, ['*'], 'alice', { Service: '*' }, { AWS: `arn:aws:s3:::${A}` }]) {
      const problems: PrincipalProblem[] = [];
      compilePrincipals(bad, 'Principal', problems);
      assert.ok(problems.length > 0, JSON.stringify(bad));
    }
  });
});

describe('Unique-ID principals', () => {
  const bobId = 'AIDAEXAMPLEBOB000001';
  const adminId = 'AROAEXAMPLEADMIN0001';
  const withId = (who: EvaluationPrincipal, uniqueId: string): EvaluationPrincipal => ({ ...who, uniqueId });
  const bob = withId(caller(`arn:aws:iam::${A}:user/bob`), bobId);
  const adminSession = withId(session, adminId);

  it('a user\'s unique ID names that user directly; another ID, or a caller without one, is not named', () => {
    assert.equal(grant({ AWS: bobId }, bob), 'direct');
    assert.equal(grant({ AWS: 'AIDAEXAMPLEBOB000002' }, bob), null, 'a user created again under the name has another ID');
    assert.equal(grant({ AWS: bobId }, caller(`arn:aws:iam::${A}:user/bob`)), null, 'the name alone does not match an ID');
  });

  it('a role\'s unique ID names every session of the role, as the role ARN does', () => {
    assert.equal(grant({ AWS: adminId }, adminSession), 'role');
    assert.equal(grant({ AWS: [adminId, `arn:aws:sts::${A}:assumed-role/Admin/alice-session`] }, adminSession), 'direct', 'the session ARN is still the strongest');
    assert.equal(grant({ AWS: adminId }, withId(session, 'AROAEXAMPLEADMIN0002')), null);
  });

  it('a federated user is named through its IAM user\'s unique ID, as through its ARN', () => {
    assert.equal(grant({ AWS: bobId }, withId(federated, bobId)), 'role');
    assert.equal(grant({ AWS: bobId }, federated), null);
  });

  it('the root user, services and anonymous callers are never named by a unique ID, whatever they carry', () => {
    for (const who of [root, { kind: 'service', serviceName: 'ec2.amazonaws.com' } as EvaluationPrincipal, { kind: 'anonymous' } as EvaluationPrincipal]) {
      assert.equal(grant({ AWS: bobId }, withId(who, bobId)), null, who.kind);
    }
  });

  it('unique IDs match exactly (case and length)', () => {
    assert.equal(grant({ AWS: bobId }, withId(bob, bobId.toLowerCase())), null);
    assert.equal(grant({ AWS: bobId }, withId(bob, `${bobId}X`)), null);
  });

  it('NotPrincipal: a unique ID lists the user or role in the caller\'s chain', () => {
    assert.equal(notApplies({ AWS: [bobId, A] }, bob), false, 'account and user (by ID) listed: exempt from the Deny');
    assert.equal(notApplies({ AWS: [bobId, A] }, withId(bob, 'AIDAEXAMPLEBOB000002')), true, 'a new user of the name is not exempt');
    assert.equal(notApplies({ AWS: [adminId, A, `arn:aws:sts::${A}:assumed-role/Admin/alice-session`] }, adminSession), false);
    assert.equal(notApplies({ AWS: [A, `arn:aws:sts::${A}:assumed-role/Admin/alice-session`] }, adminSession), true, 'the role itself unlisted');
    assert.equal(notApplies({ AWS: [bobId, A, `arn:aws:sts::${A}:federated-user/bob`] }, withId(federated, bobId)), false);
    assert.equal(notApplies({ AWS: bobId }, bob, 'Allow'), false, 'with Allow, listing the user by ID excludes it');
    assert.equal(notApplies({ AWS: bobId }, withId(bob, 'AIDAEXAMPLEBOB000002'), 'Allow'), true);
  });
});

describe('NotPrincipal', () => {
  it('exempts a user only when both the account and the user are listed', () => {
    assert.equal(notApplies({ AWS: `arn:aws:iam::${A}:user/alice` }, user), true);
    assert.equal(notApplies({ AWS: [`arn:aws:iam::${A}:user/alice`, `arn:aws:iam::${A}:root`] }, user), false);
    assert.equal(notApplies({ AWS: `arn:aws:iam::${A}:root` }, user), true, 'listing the account does not exempt its users');
  });

  it('exempts a role session only when the account, the role and the session are all listed', () => {
    const role = `arn:aws:iam::${A}:role/Admin`;
    const sessionArn = `arn:aws:sts::${A}:assumed-role/Admin/alice-session`;
    assert.equal(notApplies({ AWS: [role, `arn:aws:iam::${A}:root`] }, session), true);
    assert.equal(notApplies({ AWS: [role, sessionArn, A] }, session), false);
  });

  it('with Allow, excludes a caller when any identity of its chain is listed', () => {
    assert.equal(notApplies({ AWS: `arn:aws:iam::${A}:user/alice` }, user, 'Allow'), false);
    assert.equal(notApplies({ AWS: A }, session, 'Allow'), false, 'listing the account excludes its role sessions from the Allow');
    assert.equal(notApplies({ AWS: `arn:aws:iam::${A}:user/bob` }, user, 'Allow'), true);
  });

  it('exempts the root user when its account is listed, and never exempts anonymous callers', () => {
    assert.equal(notApplies({ AWS: A }, root), false);
    assert.equal(notApplies({ AWS: A }, { kind: 'anonymous' }), true);
    assert.equal(notApplies('*', { kind: 'anonymous' }), false);
  });
});
