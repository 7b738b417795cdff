import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionTagProblem } from './session-tag-limits.ts';

const tag = (Key: string, Value = 'v') => ({ Key, Value });

test('AWS\'s session tag limits: 50 tags, keys 1-128, values up to 256, tag characters only', () => {
  assert.equal(sessionTagProblem(Array.from({ length: 50 }, (_, i) => tag(`k${i}`))), undefined);
  assert.match(sessionTagProblem(Array.from({ length: 51 }, (_, i) => tag(`k${i}`)))!, /more than 50/);
  assert.equal(sessionTagProblem([tag('k'.repeat(128), 'v'.repeat(256)), tag('a b_.:/=+-@é', ''), tag('日本', '値')]), undefined);
  assert.match(sessionTagProblem([tag('')])!, /1 to 128/);
  assert.match(sessionTagProblem([tag('k'.repeat(129))])!, /1 to 128/);
  assert.match(sessionTagProblem([tag('k', 'v'.repeat(257))])!, /at most 256/);
  for (const bad of ['k!', 'k*', 'k"', 'k\n']) assert.match(sessionTagProblem([tag(bad)])!, /key .* holds a character/s, JSON.stringify(bad));
  assert.match(sessionTagProblem([tag('k', 'a;b')])!, /value of session tag k holds a character/);
});
