// Runs the policy-validation conformance corpus (test/conformance/policy-validation/*.json):
// each case hands the exact document text to validatePolicy and compares the error
// diagnostics with AWS's MalformedPolicyDocument / LimitExceeded messages, as a set.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { validatePolicy } from '../../src/policy/index.ts';
import { loadJsonCorpus, duplicateNames } from './policy/load-json-corpus.ts';
import { checkValidationCase, type ValidationCase } from './policy-validation/case-shape.ts';

const MINIMUM_CASES = 40;

const corpus = loadJsonCorpus(fileURLToPath(new URL('./policy-validation/', import.meta.url)));

test('policy validation corpus is well-formed', () => {
  assert.deepEqual(corpus.fileProblems, []);
  assert.deepEqual(duplicateNames(corpus.entries), [], 'case names must be unique across the corpus');
  assert.ok(corpus.entries.length >= MINIMUM_CASES, `expected at least ${MINIMUM_CASES} cases, found ${corpus.entries.length}`);
});

const byTopic = Map.groupBy(corpus.entries, (entry) => entry.topic);
for (const [topic, entries] of byTopic) {
  describe(topic, () => {
    for (const entry of entries) {
      const checked = checkValidationCase(entry.value);
      if (checked.value === undefined) {
        test(`case #${entry.index} is malformed`, () => {
          assert.fail(`${topic}.json case #${entry.index}:\n  ${checked.problems.join('\n  ')}`);
        });
        continue;
      }
      const kase = checked.value;
      test(kase.name, () => runCase(kase));
    }
  });
}

const uniqueSorted = (messages: readonly string[]): string[] => [...new Set(messages)].sort();

function runCase(kase: ValidationCase): void {
  const options = { ...(kase.inlineFor ? { inlineFor: kase.inlineFor } : {}), ...(kase.managed ? { managed: true } : {}) };
  const diagnostics = validatePolicy(kase.document, kase.kind, options);
  assert.ok(Array.isArray(diagnostics), 'validatePolicy must return an array of diagnostics');
  const errors = uniqueSorted(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message));
  const context = [`source: ${kase.source}`, kase.note ? `note: ${kase.note}` : ''].filter(Boolean).join('\n');
  if (kase.expect.valid) {
    assert.deepEqual(errors, [], `expected a valid ${kase.kind} policy\n${context}`);
    return;
  }
  assert.ok(errors.length > 0, `expected the ${kase.kind} policy to be rejected\n${context}`);
  if (kase.expect.messages !== undefined) {
    assert.deepEqual(errors, uniqueSorted(kase.expect.messages), context);
  }
  if (kase.expect.first !== undefined) {
    const first = diagnostics.find((d) => d.severity === 'error')?.message;
    assert.equal(first, kase.expect.first, `the message IAM answers with (the first error)\n${context}`);
  }
}
