// Runs the policy-evaluation conformance corpus (test/conformance/policy/*.json) against the
// engine: one test per case, named after its file and case name. The corpus encodes AWS's
// documented behaviour; a failure is either an engine bug or a wrong case, never "expected".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { evaluateScenario } from '../../src/policy/index.ts';
import { loadJsonCorpus, duplicateNames } from './policy/load-json-corpus.ts';
import { checkEvaluationCase, decidingKeys, type EvaluationCase } from './policy/case-shape.ts';

// The brief for this corpus asks for at least this many cases; fewer means files went missing.
const MINIMUM_CASES = 300;

const corpus = loadJsonCorpus(fileURLToPath(new URL('./policy/', import.meta.url)));

test('policy evaluation corpus is well-formed', () => {
  assert.deepEqual(corpus.fileProblems, []);
  assert.deepEqual(duplicateNames(corpus.entries), [], 'case names must be unique across the corpus');
  assert.ok(corpus.entries.length >= MINIMUM_CASES, `expected at least ${MINIMUM_CASES} cases, found ${corpus.entries.length}`);
});

const byTopic = Map.groupBy(corpus.entries, (entry) => entry.topic);
for (const [topic, entries] of byTopic) {
  describe(topic, () => {
    for (const entry of entries) {
      const checked = checkEvaluationCase(entry.value);
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

function runCase(kase: EvaluationCase): void {
  const result = evaluateScenario(kase.scenario);
  const got = { decision: result.decision, deciding: decidingKeys(result.deciding) };
  const want = { decision: kase.expect.decision, deciding: decidingKeys(kase.expect.deciding) };
  const context = [`source: ${kase.source}`, kase.note ? `note: ${kase.note}` : '', `engine reason: ${result.reason}`]
    .filter(Boolean).join('\n');
  assert.deepEqual(got, want, context);
  if (kase.expect.reason !== undefined) assert.equal(result.reason, kase.expect.reason, context);
}
