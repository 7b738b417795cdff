import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../protocol/errors.ts';
import { assumeRoleDuration, durationUntil, userSessionDuration } from './durations.ts';

function refusal(fn: () => unknown): ServiceError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return err;
  }
  assert.fail('expected a refusal');
}

test('AssumeRole lasts an hour by default, and up to the role maximum when asked', () => {
  assert.equal(assumeRoleDuration(undefined, 3600, false), 3600);
  assert.equal(assumeRoleDuration(900, 3600, false), 900);
  assert.equal(assumeRoleDuration(43_200, 43_200, false), 43_200);
});

test('AssumeRole over the role maximum is refused with AWS text', () => {
  const err = refusal(() => assumeRoleDuration(7200, 3600, false));
  assert.equal(err.code, 'ValidationError');
  assert.equal(err.message, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
});

test('a chained AssumeRole is capped at an hour whatever the role allows', () => {
  assert.equal(assumeRoleDuration(undefined, 43_200, true), 3600);
  assert.equal(assumeRoleDuration(3600, 43_200, true), 3600);
  const err = refusal(() => assumeRoleDuration(3601, 43_200, true));
  assert.equal(err.code, 'ValidationError');
  assert.equal(err.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
});

test('user sessions last twelve hours by default; root sessions at most one hour', () => {
  assert.equal(userSessionDuration(undefined, false), 43_200);
  assert.equal(userSessionDuration(129_600, false), 129_600);
  assert.equal(userSessionDuration(undefined, true), 3600);
  assert.equal(userSessionDuration(129_600, true), 3600);
  assert.equal(userSessionDuration(900, true), 900);
});

test('a session ends no later than its notAfter instant, in whole seconds', () => {
  const t0 = new Date('2024-05-01T10:00:00Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  assert.equal(durationUntil(3600, undefined, t0), 3600);
  assert.equal(durationUntil(3600, at(1200), t0), 1200, 'the earlier end wins');
  assert.equal(durationUntil(900, at(1200), t0), 900);
  assert.equal(durationUntil(3600, at(1200), at(0.5)), 1199, 'never past the end');
  assert.equal(durationUntil(3600, at(30), t0), 30, 'shorter than 900 s when the end comes sooner');
});
