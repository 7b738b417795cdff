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
