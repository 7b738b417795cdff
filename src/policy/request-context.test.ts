import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestContext } from './request-context.ts';
import type { EvaluationPrincipal } from './types.ts';

const values = (ctx: RequestContext, key: string) => ctx.get(key.toLowerCase())?.strings;

describe('request context', () => {
  it('finds supplied keys case-insensitively and keeps multi-valued keys as arrays', () => {
    const ctx = new RequestContext({ kind: 'anonymous' }, { 'AWS:SourceIp': '10.0.0.1', 'aws:TagKeys': ['a', 'b'], 'k:n': 5, 'k:b': true }, undefined);
    assert.deepEqual(values(ctx, 'aws:sourceip'), ['10.0.0.1']);
    assert.deepEqual(values(ctx, 'aws:tagkeys'), ['a', 'b']);
    assert.equal(ctx.get('aws:tagkeys')?.multiValued, true);
    assert.deepEqual(values(ctx, 'k:n'), ['5']);
    assert.deepEqual(values(ctx, 'k:b'), ['true']);
    assert.equal(ctx.get('k:missing'), undefined);
  });

  it('derives principal keys for each kind of caller', () => {
    const user: EvaluationPrincipal = { kind: 'user', accountId: '111122223333', name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', tags: { Team: 'red' }, userId: 'AIDAEXAMPLE' };
    const u = new RequestContext(user, undefined, '444455556666');
    assert.deepEqual(values(u, 'aws:username'), ['alice']);
    assert.deepEqual(values(u, 'aws:userid'), ['AIDAEXAMPLE']);
    assert.deepEqual(values(u, 'aws:PrincipalType'), ['User']);
    assert.deepEqual(values(u, 'aws:PrincipalAccount'), ['111122223333']);
    assert.deepEqual(values(u, 'aws:PrincipalTag/team'), ['red'], 'tag keys are case-insensitive');
    assert.deepEqual(values(u, 'aws:PrincipalIsAWSService'), ['false']);
    assert.deepEqual(values(u, 'aws:ResourceAccount'), ['444455556666']);

    const root = new RequestContext({ kind: 'root', accountId: '111122223333' }, undefined, undefined);
    assert.deepEqual(values(root, 'aws:PrincipalArn'), ['arn:aws:iam::111122223333:root']);
    assert.deepEqual(values(root, 'aws:PrincipalType'), ['Account']);
    assert.deepEqual(values(root, 'aws:userid'), ['111122223333']);
    assert.equal(values(root, 'aws:username'), undefined);

    const session = new RequestContext({ kind: 'role-session', accountId: '111122223333', roleName: 'Dev', sessionName: 's' }, undefined, undefined);
    assert.deepEqual(values(session, 'aws:PrincipalArn'), ['arn:aws:iam::111122223333:role/Dev']);
    assert.deepEqual(values(session, 'aws:PrincipalType'), ['AssumedRole']);
    assert.equal(values(session, 'aws:username'), undefined);

    const service = new RequestContext({ kind: 'service', serviceName: 'ec2.amazonaws.com' }, undefined, undefined);
    assert.deepEqual(values(service, 'aws:PrincipalServiceName'), ['ec2.amazonaws.com']);
    assert.deepEqual(values(service, 'aws:PrincipalIsAWSService'), ['true']);
    assert.equal(values(service, 'aws:PrincipalAccount'), undefined);
  });

  it('lets supplied values override derived ones', () => {
    const ctx = new RequestContext({ kind: 'user', accountId: '1', name: 'alice' }, { 'aws:username': 'override' }, undefined);
    assert.deepEqual(values(ctx, 'aws:username'), ['override']);
  });

  it('substitutes only single-valued keys into variables', () => {
    const ctx = new RequestContext({ kind: 'anonymous' }, { 'k:one': 'x', 'k:many': ['a', 'b'], 'k:list1': ['only'] }, undefined);
    assert.equal(ctx.variable('k:one'), 'x');
    assert.equal(ctx.variable('k:many'), undefined);
    assert.equal(ctx.variable('k:list1'), undefined, 'an array is multi-valued even with one element');
    assert.equal(ctx.variable('k:none'), undefined);
  });
});
