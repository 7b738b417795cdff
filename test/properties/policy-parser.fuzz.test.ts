// Feeds the policy parser garbage: random text, random JSON, truncations and mutations of valid
// policies. validatePolicy must never throw and must always answer with well-formed
// diagnostics; text that is not JSON at all must never pass as valid. evaluateScenario may
// reject a malformed scenario, but only with its own ScenarioError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ScenarioError, evaluateScenario, validatePolicy, type Diagnostic, type PolicyKind } from '../../src/policy/index.ts';

const RUNS = { numRuns: 200 };
const KINDS: readonly PolicyKind[] = ['identity', 'resource', 'trust', 'boundary', 'scp', 'rcp', 'session'];
const INLINE = [undefined, 'user', 'group', 'role'] as const;

const VALID_POLICIES: readonly { kind: PolicyKind; text: string }[] = [
  { kind: 'identity', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:List*'], Resource: 'arn:aws:s3:::bucket/${aws:username}/*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } }] }) },
  { kind: 'resource', text: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Deny', NotPrincipal: { AWS: ['arn:aws:iam::111122223333:user/bob', '111122223333'] }, Action: 's3:*', NotResource: 'arn:aws:s3:::bucket/public/*' } }, null, 2) },
  { kind: 'trust', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com', AWS: 'arn:aws:iam::111122223333:role/x' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'e' } } }] }) },
  { kind: 'scp', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: ['iam:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] }, NumericLessThanIfExists: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': false } } }] }) },
  { kind: 'rcp', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }) },
];

/** Throws unless `value` is an array of well-formed diagnostics; returns its errors. */
function assertDiagnostics(value: unknown, input: string): Diagnostic[] {
  assert.ok(Array.isArray(value), `validatePolicy returned ${typeof value} for ${JSON.stringify(input.slice(0, 80))}`);
  for (const d of value as unknown[]) {
    assert.ok(typeof d === 'object' && d !== null, 'a diagnostic is an object');
    const { code, message, severity, path } = d as Record<string, unknown>;
    assert.equal(typeof code, 'string');
    assert.equal(typeof message, 'string');
    assert.ok((message as string).length > 0, 'a diagnostic has a message');
    assert.ok(severity === 'error' || severity === 'warning', `severity is error or warning, not ${String(severity)}`);
    assert.ok(path === undefined || typeof path === 'string', 'path is a string when present');
  }
  return (value as Diagnostic[]).filter((d) => d.severity === 'error');
}

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Validates `text` as every kind (and every inline target); text that is not JSON must be rejected each time. */
function validateEverywhere(text: string): void {
  const json = isJson(text);
  for (const kind of KINDS) {
    for (const inlineFor of kind === 'identity' ? INLINE : [undefined]) {
      const errors = assertDiagnostics(validatePolicy(text, kind, inlineFor ? { inlineFor } : undefined), text);
      if (!json) assert.ok(errors.length > 0, `non-JSON text passed as a valid ${kind} policy: ${JSON.stringify(text.slice(0, 80))}`);
    }
  }
}

test('random strings', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary-ascii', maxLength: 400 })), validateEverywhere), RUNS);
});

test('random JSON values', () => {
  fc.assert(fc.property(fc.json({ maxDepth: 4 }), validateEverywhere), RUNS);
});

test('random JSON in policy-shaped positions', () => {
  const anything = fc.jsonValue({ maxDepth: 3 });
  const shaped = fc.record({
    Version: fc.oneof(fc.constantFrom('2012-10-17', '2008-10-17'), anything),
    Statement: fc.oneof(anything, fc.array(fc.dictionary(
      fc.constantFrom('Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Extra'),
      anything,
    ), { maxLength: 3 })),
  });
  fc.assert(fc.property(shaped, (doc) => validateEverywhere(JSON.stringify(doc))), RUNS);
});

test('every truncation of valid policies', () => {
  for (const { kind, text } of VALID_POLICIES) {
    assert.deepEqual(assertDiagnostics(validatePolicy(text, kind), text).map((d) => d.message), [], `the untruncated ${kind} policy is valid`);
    for (let end = 0; end < text.length; end++) {
      const prefix = text.slice(0, end);
      const errors = assertDiagnostics(validatePolicy(prefix, kind), prefix);
      // A strict prefix of a JSON object is never a complete JSON value.
      assert.ok(errors.length > 0, `a truncated ${kind} policy passed: ${JSON.stringify(prefix)}`);
    }
  }
});

test('character-level mutations of valid policies', () => {
  const edit = fc.record({
    op: fc.constantFrom('insert', 'delete', 'replace'),
    at: fc.nat(),
    char: fc.oneof(fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '*', '$', '?', ' ', '\u0000', '\ud800', '\u00e9'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  });
  fc.assert(fc.property(fc.constantFrom(...VALID_POLICIES), fc.array(edit, { minLength: 1, maxLength: 6 }), ({ text }, edits) => {
    let mutated = text;
    for (const { op, at, char } of edits) {
      const i = at % (mutated.length + 1);
      if (op === 'insert') mutated = mutated.slice(0, i) + char + mutated.slice(i);
      else if (op === 'delete') mutated = mutated.slice(0, i) + mutated.slice(i + 1);
      else mutated = mutated.slice(0, i) + char + mutated.slice(i + 1);
    }
    validateEverywhere(mutated);
  }), RUNS);
});

test('structural mutations of valid policies', () => {
  fc.assert(fc.property(fc.constantFrom(...VALID_POLICIES), fc.nat(), fc.jsonValue({ maxDepth: 2 }), ({ text }, pick, replacement) => {
    const doc = JSON.parse(text) as unknown;
    replaceAt(doc, pick, replacement);
    validateEverywhere(JSON.stringify(doc));
  }), RUNS);
});

/** Replaces the `pick`-th (mod count) nested value of `root` with `replacement`, in place. */
function replaceAt(root: unknown, pick: number, replacement: unknown): void {
  const slots: { holder: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach((child, i) => { slots.push({ holder: node, key: i }); walk(child); });
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) { slots.push({ holder: node as Record<string, unknown>, key }); walk(child); }
    }
  };
  walk(root);
  const slot = slots[pick % slots.length];
  if (slot) (slot.holder as Record<string | number, unknown>)[slot.key] = replacement;
}

test('evaluateScenario answers or throws ScenarioError, nothing else, for malformed scenarios', () => {
  const policyish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...VALID_POLICIES).map(({ text }) => JSON.parse(text) as unknown));
  const scenario = fc.record({
    request: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({
      principal: fc.oneof(fc.constantFrom('arn:aws:iam::111122223333:user/alice', 'anonymous', 'ec2.amazonaws.com', 'arn:aws:sts::111122223333:assumed-role/r/s'), fc.string()),
      action: fc.oneof(fc.constant('s3:GetObject'), fc.string()),
      resource: fc.oneof(fc.constant('arn:aws:s3:::b/k'), fc.string()),
      context: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))), fc.jsonValue({ maxDepth: 2 })),
    })),
    identityPolicies: fc.oneof(fc.array(policyish, { maxLength: 2 }), fc.jsonValue({ maxDepth: 1 })),
    resourcePolicy: policyish,
    scps: fc.oneof(fc.array(fc.array(policyish, { maxLength: 2 }), { maxLength: 2 }), fc.jsonValue({ maxDepth: 1 })),
  }, { requiredKeys: ['request'] });
  fc.assert(fc.property(fc.oneof(scenario, fc.jsonValue({ maxDepth: 3 })), (input) => {
    try {
      const result = evaluateScenario(input);
      assert.ok(['Allowed', 'ExplicitDeny', 'ImplicitDeny'].includes(result.decision));
    } catch (error) {
      assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
    }
  }), RUNS);
});
