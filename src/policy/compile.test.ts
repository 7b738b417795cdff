import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy, compilePolicyLenient, renamePolicy } from './compile.ts';
import { PolicyCache } from './policy-cache.ts';

const doc = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'S3', Effect: 'Allow', Action: ['s3:Get*', 'S3:List*'], Resource: '*' },
    { Sid: 'Ec2', Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
    { Sid: 'Any', Effect: 'Deny', Action: '*', Resource: 'arn:aws:s3:::secret/*' },
    { Sid: 'Not', Effect: 'Deny', NotAction: 'iam:*', Resource: 'arn:aws:s3:::other/*' },
    { Sid: 'WildService', Effect: 'Allow', Action: 's*:Get*', Resource: '*' },
  ],
});

describe('compilePolicy', () => {
  it('compiles a valid policy and keeps its text, version, and warnings', () => {
    const result = compilePolicy(doc, 'identity', 'managed/ReadOnly');
    assert.ok(result.ok);
    assert.equal(result.policy.name, 'managed/ReadOnly');
    assert.equal(result.policy.text, doc);
    assert.equal(result.policy.version, '2012-10-17');
    assert.equal(result.policy.statements.length, 5);
  });

  it('returns the diagnostics instead of a policy when the document is invalid', () => {
    const result = compilePolicy('{"Statement":{"Effect":"Allow","Action":"s3:*"}}', 'identity');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.diagnostics.some((d) => d.message === 'Policy statement must contain resources.'));
    assert.equal(compilePolicy(42 as unknown as string, 'identity').ok, false);
  });

  it('indexes statements by service prefix, keeping wildcard and NotAction statements for every service', () => {
    const result = compilePolicy(doc, 'identity');
    assert.ok(result.ok);
    const sids = (service: string) => result.policy.statementsForService(service).map((s) => s.sid);
    assert.deepEqual(sids('s3'), ['S3', 'Any', 'Not', 'WildService']);
    assert.deepEqual(sids('ec2'), ['Ec2', 'Any', 'Not', 'WildService']);
    assert.deepEqual(sids('iam'), ['Any', 'Not', 'WildService']);
    assert.equal(result.policy.statementsForService('s3'), result.policy.statementsForService('s3'), 'the index is computed once per service');
  });

  it('lenient compilation evaluates what it can and reports the rest', () => {
    const { policy, diagnostics } = compilePolicyLenient(
      { Statement: [{ Effect: 'allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: '*', Principal: '*' }] },
      'identity',
      'Legacy',
    );
    assert.ok(policy);
    assert.deepEqual(policy.statements.map((s) => s.index), [1], 'the statement with an unusable Effect is dropped');
    assert.ok(diagnostics.some((d) => d.severity === 'error'));
    assert.equal(compilePolicyLenient('not json', 'identity').policy, null);
  });

  it('renames without recompiling', () => {
    const result = compilePolicy(doc, 'identity', 'a');
    assert.ok(result.ok);
    const renamed = renamePolicy(result.policy, 'b');
    assert.equal(renamed.name, 'b');
    assert.equal(renamed.statements, result.policy.statements);
  });
});

describe('PolicyCache', () => {
  it('compiles each (kind, text) once and hands out the requested display name', () => {
    const cache = new PolicyCache(10);
    const a = cache.compile(doc, 'identity', 'user/alice/ReadOnly');
    const b = cache.compile(doc, 'identity', 'user/bob/ReadOnly');
    assert.ok(a.ok && b.ok);
    assert.equal(a.policy.name, 'user/alice/ReadOnly');
    assert.equal(b.policy.name, 'user/bob/ReadOnly');
    assert.equal(a.policy.statements, b.policy.statements);
    assert.deepEqual(cache.stats(), { size: 1, hits: 1, misses: 1 });
    cache.compile(doc, 'boundary');
    assert.equal(cache.stats().size, 2, 'the kind is part of the key');
  });

  it('caches invalid documents too, and evicts the least recently used entry', () => {
    const cache = new PolicyCache(2);
    cache.compile('{}', 'identity');
    cache.compile('{"x":1}', 'identity');
    cache.compile('{}', 'identity'); // refresh "{}"
    cache.compile('[]', 'identity'); // evicts '{"x":1}'
    assert.equal(cache.stats().size, 2);
    const before = cache.stats().misses;
    cache.compile('{}', 'identity');
    assert.equal(cache.stats().misses, before, '"{}" was kept');
    cache.compile('{"x":1}', 'identity');
    assert.equal(cache.stats().misses, before + 1, '{"x":1} had been evicted');
  });

  it('refuses a nonsensical capacity', () => {
    assert.throws(() => new PolicyCache(0), RangeError);
  });
});
