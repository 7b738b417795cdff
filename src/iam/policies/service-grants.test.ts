import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePolicyLenient, type CompiledPolicy } from '../../policy/index.ts';
import { patternsCoverService, patternsMatchSomeServiceAction, policyGrantsService } from './service-grants.ts';

function policy(statements: object[]): CompiledPolicy {
  const compiled = compilePolicyLenient({ Version: '2012-10-17', Statement: statements }, 'identity').policy;
  assert.ok(compiled);
  return compiled;
}

/** The compiled action patterns of one Allow statement with these actions. */
function patterns(actions: string[]) {
  return policy([{ Effect: 'Allow', Action: actions, Resource: '*' }]).statements[0]!.actions.patterns;
}

const allow = (action: string | string[]) => ({ Effect: 'Allow', Action: action, Resource: '*' });
const allowNot = (notAction: string | string[]) => ({ Effect: 'Allow', NotAction: notAction, Resource: '*' });

describe('Action patterns that reach a service', () => {
  for (const [pattern, service, expected] of [
    ['*', 's3', true],
    ['s3:*', 's3', true],
    ['s3:Get*', 's3', true],
    ['S3:getobject', 's3', true],
    ['s3:GetObject', 'S3', true],
    ['s*:*', 's3', true],
    ['s3*', 's3', true],
    ['?3:*', 's3', true],
    ['*:GetObject', 's3', true],
    ['*3:?', 's3', true],
    ['s3:*', 'ec2', false],
    ['s3:Get*', 's3api', false],
    ['s3*', 'ec2', false],
    ['s3:', 's3', false],
    ['s3:Get-Object', 's3', false],
    ['s3:*:*', 's3', false],
    ['s3', 's3', false],
    ['iam:*', 'iam', true],
    ['execute-api:Invoke', 'execute-api', true],
  ] as const) {
    test(`${pattern} ${expected ? 'reaches' : 'does not reach'} ${service}`, () => {
      assert.equal(patternsMatchSomeServiceAction(patterns([pattern]), service), expected);
    });
  }
});

describe('NotAction lists that exclude a whole service', () => {
  for (const [list, service, expected] of [
    [['s3:*'], 's3', true],
    [['*'], 's3', true],
    [['s3*'], 's3', true],
    [['S3:?*'], 's3', true],
    [['*:*'], 'iam', true],
    [['s3:*'], 'ec2', false],
    [['s3:Get*'], 's3', false],
    [['s3:??*'], 's3', false],
    [['s3:?', 's3:??*'], 's3', true],
    [['iam:*', 'sts:*'], 'sts', true],
    [['iam:*', 'sts:*'], 'ec2', false],
  ] as const) {
    test(`[${list.join(', ')}] ${expected ? 'excludes' : 'leaves part of'} ${service}`, () => {
      assert.equal(patternsCoverService(patterns([...list]), service), expected);
    });
  }

  test('names starting with every letter and digit, listed one by one, cover the service', () => {
    const everyStart = [...'abcdefghijklmnopqrstuvwxyz0123456789'].map((c) => `s3:${c}*`);
    assert.equal(patternsCoverService(patterns(everyStart), 's3'), true);
    assert.equal(patternsCoverService(patterns(everyStart.filter((p) => p !== 's3:q*')), 's3'), false);
  });
});

describe('policies', () => {
  test('an Allow statement grants; a Deny statement does not', () => {
    assert.equal(policyGrantsService(policy([allow('s3:GetObject')]), 's3'), true);
    assert.equal(policyGrantsService(policy([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }]), 's3'), false);
    assert.equal(policyGrantsService(policy([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }, allow('ec2:*')]), 's3'), false);
    assert.equal(policyGrantsService(policy([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }, allow('ec2:*')]), 'ec2'), true);
  });

  test('conditions and resources do not matter: the policy can be used for the service', () => {
    const conditioned = { ...allow('iam:GetUser'), Resource: 'arn:aws:iam::123456789012:user/bob', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    assert.equal(policyGrantsService(policy([conditioned]), 'iam'), true);
  });

  test('NotAction grants every service it does not exclude', () => {
    const everythingButIam = policy([allowNot(['iam:*', 'organizations:*'])]);
    assert.equal(policyGrantsService(everythingButIam, 's3'), true);
    assert.equal(policyGrantsService(everythingButIam, 'iam'), false);
    assert.equal(policyGrantsService(policy([allowNot('s3:DeleteBucket')]), 's3'), true);
  });

  test('a statement indexed under another service is skipped, one with a wildcard service is not', () => {
    const both = policy([allow(['ec2:*', 'sqs:Send*']), allow('*:List*')]);
    assert.equal(policyGrantsService(both, 'sqs'), true);
    assert.equal(policyGrantsService(both, 'sns'), true);
    assert.equal(policyGrantsService(policy([allow(['ec2:*', 'sqs:Send*'])]), 'sns'), false);
  });
});

/**
 * An independent oracle: a plain recursive wildcard matcher, tried on every name up to a
 * length that is sure to contain a witness. With `c` spelled by no pattern, a name made of
 * `c`s shows whether the patterns' wildcards alone cover a length, which settles coverage;
 * so names up to one longer than the longest pattern decide both questions exactly.
 */
function naiveMatch(pattern: string, subject: string): boolean {
  if (pattern === '') return subject === '';
  const [head, rest] = [pattern[0]!, pattern.slice(1)];
  if (head === '*') return naiveMatch(rest, subject) || (subject !== '' && naiveMatch(pattern, subject.slice(1)));
  return subject !== '' && (head === '?' || head === subject[0]) && naiveMatch(rest, subject.slice(1));
}

function namesUpTo(length: number): string[] {
  const names: string[] = [];
  let layer = [''];
  for (let i = 1; i <= length; i++) {
    layer = layer.flatMap((prefix) => [...'abc'].map((c) => prefix + c));
    names.push(...layer);
  }
  return names;
}

describe('against a brute-force oracle', () => {
  const service = 'ab';
  const patternText = fc.array(fc.constantFrom('a', 'b', ':', '*', '?'), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));
  const names = namesUpTo(6);
  const matched = (list: string[], name: string) => list.some((p) => naiveMatch(p, `${service}:${name}`));

  test('Action: reaches the service exactly when some name matches', () => {
    fc.assert(
      fc.property(fc.array(patternText, { minLength: 1, maxLength: 2 }), (list) => {
        assert.equal(patternsMatchSomeServiceAction(patterns(list), service), names.some((name) => matched(list, name)), list.join(' '));
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  test('NotAction: covers the service exactly when every name matches', () => {
    fc.assert(
      fc.property(fc.array(patternText, { minLength: 1, maxLength: 3 }), (list) => {
        assert.equal(patternsCoverService(patterns(list), service), names.every((name) => matched(list, name)), list.join(' '));
      }),
      { numRuns: 300, seed: 20240602 },
    );
  });
});
