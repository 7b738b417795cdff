// The corpus checkers must reject the slips they exist to catch; otherwise a typo in a case
// would run as a silently different scenario.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEvaluationCase, decidingKeys } from './case-shape.ts';
import { checkValidationCase } from '../policy-validation/case-shape.ts';

const SOURCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html#reference_policies_elements_effect';
const goodCase = () => ({
  name: 'allow then deny',
  source: SOURCE,
  scenario: {
    request: { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
    identityPolicies: [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }] },
      { name: 'Named', document: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Deny', Action: '*', Resource: '*' } }) },
    ],
    scps: [[{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }]],
  },
  expect: {
    decision: 'ExplicitDeny',
    deciding: [
      { policyKind: 'identity', policy: 'identityPolicies[0]', statementIndex: 1 },
      { policyKind: 'identity', policy: 'Named', statementIndex: 0 },
    ],
  },
});

describe('checkEvaluationCase', () => {
  test('accepts a well-formed case, resolving named and positional policies', () => {
    const checked = checkEvaluationCase(goodCase());
    assert.deepEqual(checked.problems, []);
    assert.equal(checked.value?.name, 'allow then deny');
  });

  test('rejects unknown fields at every level', () => {
    const c = goodCase() as Record<string, any>;
    c.expected = {};
    c.scenario.request.contxt = {};
    c.expect.deciding[0].sid = 'x';
    const { problems, value } = checkEvaluationCase(c);
    assert.equal(value, undefined);
    assert.deepEqual(problems, [
      'case: unknown field "expected"',
      'scenario.request: unknown field "contxt"',
      'expect.deciding[0]: unknown field "sid"',
    ]);
  });

  test('rejects a source without an AWS documentation anchor', () => {
    const c = { ...goodCase(), source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html' };
    assert.match(checkEvaluationCase(c).problems.join('\n'), /#fragment/);
  });

  test('rejects a deciding entry naming a policy the scenario does not have', () => {
    const c = goodCase();
    c.expect.deciding[0] = { policyKind: 'identity', policy: 'identityPolicies[5]', statementIndex: 0 };
    assert.deepEqual(checkEvaluationCase(c).problems, ['expect.deciding[0]: the scenario has no policy named "identityPolicies[5]"']);
  });

  test('rejects a deciding entry of the wrong kind or a statement out of range', () => {
    const c = goodCase();
    c.expect.deciding = [
      { policyKind: 'scp', policy: 'identityPolicies[0]', statementIndex: 1 },
      { policyKind: 'identity', policy: 'identityPolicies[0]', statementIndex: 7 },
    ];
    assert.deepEqual(checkEvaluationCase(c).problems, [
      'expect.deciding[0]: "identityPolicies[0]" is a identity policy, not scp',
      'expect.deciding[1]: "identityPolicies[0]" has no statement 7',
    ]);
  });

  test('rejects a deciding statement whose effect contradicts the decision', () => {
    const c = goodCase();
    c.expect.deciding = [{ policyKind: 'identity', policy: 'identityPolicies[0]', statementIndex: 0 }];
    assert.match(checkEvaluationCase(c).problems.join('\n'), /decided by Deny statements, but this one is Allow/);
    const allowed = { ...goodCase(), expect: { decision: 'Allowed', deciding: [{ policyKind: 'scp', policy: 'scps[0][0]', statementIndex: 0 }] } };
    assert.deepEqual(checkEvaluationCase(allowed).problems, []);
  });

  test('rejects an unknown decision and malformed levels', () => {
    const c = goodCase() as Record<string, any>;
    c.expect.decision = 'Deny';
    c.scenario.rcps = [[]];
    const problems = checkEvaluationCase(c).problems.join('\n');
    assert.match(problems, /expect.decision must be one of Allowed, ExplicitDeny, ImplicitDeny/);
    assert.match(problems, /scenario.rcps must be an array of non-empty arrays/);
  });

  test('rejects a bare string where a policy is expected', () => {
    const c = goodCase() as Record<string, any>;
    c.scenario.resourcePolicy = '{"Statement":[]}';
    assert.deepEqual(checkEvaluationCase(c).problems, ['scenario.resourcePolicy: a policy document must be an object']);
  });

  test('decidingKeys compares deciding statements as a set', () => {
    const a = { policyKind: 'identity', policy: 'p', statementIndex: 1 };
    const b = { policyKind: 'scp', policy: 'scps[0][0]', statementIndex: 0 };
    assert.deepEqual(decidingKeys([b, a, a]), decidingKeys([a, b]));
    assert.notDeepEqual(decidingKeys([a]), decidingKeys([{ ...a, statementIndex: 2 }]));
  });
});

describe('checkValidationCase', () => {
  const good = { name: 'n', source: SOURCE, kind: 'identity', inlineFor: 'role', document: '{}', expect: { valid: false, messages: ['Syntax errors in policy.'] } };

  test('accepts a well-formed case', () => {
    assert.deepEqual(checkValidationCase(good).problems, []);
  });

  test('rejects inlineFor on a kind other than identity', () => {
    assert.deepEqual(checkValidationCase({ ...good, kind: 'trust' }).problems, ['inlineFor applies to identity policies only']);
  });

  test('rejects a document that is not text', () => {
    assert.deepEqual(checkValidationCase({ ...good, document: { Statement: [] } }).problems, ['document must be a string: the exact policy text']);
  });

  test('a rejection without messages must explain itself in a note', () => {
    const bare = { ...good, expect: { valid: false } };
    assert.equal(checkValidationCase(bare).problems.length, 1);
    assert.deepEqual(checkValidationCase({ ...bare, note: 'AWS text names the entity' }).problems, []);
  });

  test('rejects messages on a valid expectation and empty message lists', () => {
    assert.deepEqual(checkValidationCase({ ...good, expect: { valid: true, messages: ['x'] } }).problems, ['expect: unknown field "messages"']);
    assert.deepEqual(checkValidationCase({ ...good, expect: { valid: false, messages: [] } }).problems, ['expect.messages must be a non-empty array of non-empty strings']);
  });
});
