import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../protocol/errors.ts';
import type { SessionClaims } from '../kernel/session.ts';
import { sessionTags } from './session-tags.ts';

function refusal(fn: () => unknown): ServiceError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return err;
  }
  assert.fail('expected a refusal');
}

const roleSession = (tags: Record<string, string>, transitiveTagKeys: string[]): SessionClaims => ({
  v: 1, kind: 'role-session', accountId: '111122223333', accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's',
  issuedAt: '2024-01-01T00:00:00Z', expiresAt: '2024-01-01T01:00:00Z', tags, transitiveTagKeys,
});

test('requested tags and their transitive keys, spelt as given', () => {
  const set = sessionTags([{ Key: 'Project', Value: 'blue' }, { Key: 'cost', Value: '7' }], ['project'], undefined);
  assert.deepEqual(set, { tags: { Project: 'blue', cost: '7' }, transitiveTagKeys: ['Project'] });
  assert.deepEqual(sessionTags(undefined, undefined, undefined), { tags: {}, transitiveTagKeys: [] });
});

test('tag keys are unique regardless of case', () => {
  const err = refusal(() => sessionTags([{ Key: 'team', Value: 'a' }, { Key: 'TEAM', Value: 'b' }], undefined, undefined));
  assert.equal(err.code, 'InvalidParameterValue');
  assert.equal(err.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
});

test('a transitive key must be one of the requested tags', () => {
  const err = refusal(() => sessionTags([{ Key: 'team', Value: 'a' }], ['team', 'other'], undefined));
  assert.equal(err.code, 'InvalidParameterValue');
  assert.equal(err.message, 'The specified transitive tag key must be included in the requested tags.');
  assert.equal(refusal(() => sessionTags(undefined, ['team'], undefined)).code, 'InvalidParameterValue');
});

test('a role session passes on only its transitive tags, which stay transitive', () => {
  const caller = roleSession({ Project: 'blue', temp: 'x' }, ['project']);
  const set = sessionTags([{ Key: 'step', Value: '2' }], ['step'], caller);
  assert.deepEqual(set.tags, { Project: 'blue', step: '2' });
  assert.deepEqual(set.transitiveTagKeys, ['Project', 'step']);
  assert.deepEqual(sessionTags(undefined, undefined, caller), { tags: { Project: 'blue' }, transitiveTagKeys: ['Project'] });
});

test('an inherited transitive tag cannot be set again, in any case', () => {
  const caller = roleSession({ Project: 'blue' }, ['Project']);
  const err = refusal(() => sessionTags([{ Key: 'PROJECT', Value: 'red' }], undefined, caller));
  assert.equal(err.code, 'InvalidParameterValue');
  assert.equal(err.message, "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
  // A non-transitive tag of the caller is not inherited, so it may be set.
  assert.deepEqual(sessionTags([{ Key: 'temp', Value: 'y' }], undefined, roleSession({ Project: 'blue', temp: 'x' }, ['Project'])).tags, { Project: 'blue', temp: 'y' });
});

test('only role sessions chain: a user session passes nothing on', () => {
  const userSession: SessionClaims = { ...roleSession({ team: 'a' }, ['team']), kind: 'user-session' };
  assert.deepEqual(sessionTags(undefined, undefined, userSession), { tags: {}, transitiveTagKeys: [] });
});

test('a key with the reserved aws: prefix, in any case, is refused', () => {
  for (const key of ['aws:PrincipalArn', 'AWS:team', 'Aws:x']) {
    const err = refusal(() => sessionTags([{ Key: 'ok', Value: '1' }, { Key: key, Value: 'v' }], undefined, undefined));
    assert.equal(err.code, 'InvalidParameterValue');
    assert.equal(err.message, `The tag key ${key} uses the reserved prefix 'aws:'. Tag keys cannot start with 'aws:'.`);
  }
  // Only the prefix is reserved: a key that merely contains it is a tag like any other.
  assert.deepEqual(sessionTags([{ Key: 'team:aws:x', Value: 'v' }, { Key: 'awsx', Value: 'w' }], undefined, undefined).tags, { 'team:aws:x': 'v', awsx: 'w' });
});
