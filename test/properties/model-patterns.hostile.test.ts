// Every pattern of every model in models/aws against input built to make a
// backtracking matcher slow, at the longest value a member can carry (its
// maximum, or the 1 MiB body limit where it has none).
//
// Bound: the best of 3 runs must stay under 10 ms for input up to 64 KiB, and
// under 10 ms per 64 KiB beyond (160 ms at 1 MiB). A per-character loop in
// JavaScript needs about 5 ms per MiB on an idle 2-core machine and three times
// that under load; a quadratic matcher needs seconds at 16 KiB and hours at 1 MiB,
// which the last test shows this harness catching.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJavaPattern } from '../../src/protocol/java-regex.ts';
import { compilePatternMatcher } from '../../src/protocol/pattern-matcher.ts';
import { BODY_LIMIT, bestTime, hostileInputs, modelPatternUses } from '../support/model-patterns.ts';

const BOUND_MS = 10;
const BOUND_UNIT = 64 * 1024;

function boundFor(length: number): number {
  return BOUND_MS * Math.max(1, length / BOUND_UNIT);
}

interface Slowest {
  readonly ms: number;
  readonly input: string;
}

/** The input `matches` takes longest on, stopping at the first over its bound. */
function slowestInput(pattern: string, length: number, matches: (value: string) => boolean): Slowest {
  let slowest: Slowest = { ms: 0, input: '(none)' };
  for (const input of hostileInputs(pattern, length)) {
    const bound = boundFor(input.value.length);
    const ms = bestTime(() => matches(input.value), bound);
    if (ms / bound > slowest.ms / boundFor(length)) slowest = { ms, input: `${input.name} (${input.value.length} units)` };
    if (ms > bound) break;
  }
  return slowest;
}

describe('every model pattern on hostile input', () => {
  const uses = modelPatternUses();

  it('covers the patterns of every model, the unbounded ones at the body limit', () => {
    assert.ok(uses.length > 50);
    assert.ok(uses.some((use) => use.maxLength === undefined && use.pattern === '^arn:aws:organizations::.+:.+'));
  });

  for (const use of uses) {
    const length = Math.min(use.maxLength ?? BODY_LIMIT, BODY_LIMIT);
    it(`${use.pattern} at ${length} characters`, () => {
      const matcher = compilePatternMatcher(use.pattern);
      const slowest = slowestInput(use.pattern, length, (value) => matcher.matches(value));
      assert.ok(slowest.ms <= boundFor(length), `${slowest.ms.toFixed(1)} ms on ${slowest.input}`);
    });
  }

  it('catches a backtracking matcher: the RegExp translation fails the same bound', () => {
    // The Organizations email pattern at 16 KiB, the length the bug was reported at.
    const email = '[^\\s@]+@[^\\s@]+\\.[^\\s@]+';
    const reference = compileJavaPattern(email);
    const slowest = slowestInput(email, 16 * 1024, (value) => reference.test(value));
    assert.ok(slowest.ms > BOUND_MS, `the old engine stayed within ${BOUND_MS} ms (${slowest.ms.toFixed(1)} ms on ${slowest.input})`);
    const matcher = compilePatternMatcher(email);
    assert.ok(slowestInput(email, 16 * 1024, (value) => matcher.matches(value)).ms <= BOUND_MS);
  });
});
