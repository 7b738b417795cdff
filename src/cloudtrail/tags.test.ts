import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../protocol/errors.ts';
import { checkedTags, MAX_TAGS_PER_TRAIL, withoutTags, withTags } from './tags.ts';
import { parseTrailArn } from './trail-records.ts';

const refusedWith = (code: string) => (error: unknown) => error instanceof ServiceError && error.code === code;

test('checkedTags keeps valid tags as given, a tag without a value without one', () => {
  assert.deepEqual(checkedTags([{ Key: 'team', Value: 'audit' }, { Key: 'flag' }], { whole: true }), [{ Key: 'team', Value: 'audit' }, { Key: 'flag' }]);
  assert.deepEqual(checkedTags(undefined, { whole: true }), []);
  assert.deepEqual(checkedTags([{ Key: 'Ünïcode 名前 1_.:/=+-@', Value: 'ok @ 2' }], { whole: false }).length, 1);
});

test('checkedTags refuses bad keys and values: InvalidTagParameterException', () => {
  const bad: Array<[string, { Key: string; Value?: string }[]]> = [
    ['reserved prefix', [{ Key: 'aws:created-by', Value: 'x' }]],
    ['reserved prefix, any case', [{ Key: 'Aws:x' }]],
    ['a character outside the pattern', [{ Key: 'a;b' }]],
    ['a value character outside the pattern', [{ Key: 'a', Value: 'x<y' }]],
    ['129 characters', [{ Key: 'k'.repeat(129) }]],
    ['a 257-character value', [{ Key: 'k', Value: 'v'.repeat(257) }]],
    ['a key twice', [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }]],
  ];
  for (const [label, tags] of bad) assert.throws(() => checkedTags(tags, { whole: false }), refusedWith('InvalidTagParameterException'), label);
  // Lengths are counted in Unicode characters: 128 astral characters are 256 UTF-16 units.
  assert.equal(checkedTags([{ Key: '𝒜'.repeat(128) }], { whole: false }).length, 1);
});

test('checkedTags counts a whole set against the limit of 50', () => {
  const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  assert.equal(checkedTags(tags(MAX_TAGS_PER_TRAIL), { whole: true }).length, 50);
  assert.throws(() => checkedTags(tags(MAX_TAGS_PER_TRAIL + 1), { whole: true }), refusedWith('TagsLimitExceededException'));
  // AddTags' tags are counted with the trail's (tags.ts, addTags), not alone.
  assert.equal(checkedTags(tags(MAX_TAGS_PER_TRAIL + 1), { whole: false }).length, 51);
});

test('withTags replaces by key in place and appends new keys; withoutTags removes by key', () => {
  const current = [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }];
  assert.deepEqual(withTags(current, [{ Key: 'b', Value: 'two' }, { Key: 'c' }]), [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two' }, { Key: 'c' }]);
  assert.deepEqual(withTags(current, [{ Key: 'a' }]), [{ Key: 'a' }, { Key: 'b', Value: '2' }], 'a key without a value has none');
  assert.deepEqual(withTags([], []), []);
  assert.deepEqual(withoutTags(current, [{ Key: 'a' }, { Key: 'missing' }]), [{ Key: 'b', Value: '2' }]);
  assert.deepEqual(withoutTags(current, [{ Key: 'B' }]), current, 'keys are case-sensitive');
});

test('parseTrailArn reads arn:<partition>:cloudtrail:<region>:<account>:trail/<name> and nothing else', () => {
  assert.deepEqual(parseTrailArn('arn:aws:cloudtrail:us-east-1:123456789012:trail/main'), { partition: 'aws', region: 'us-east-1', accountId: '123456789012', name: 'main' });
  assert.equal(parseTrailArn('arn:aws-us-gov:cloudtrail:us-gov-west-1:123456789012:trail/t')?.region, 'us-gov-west-1');
  for (const bad of [
    'arn:aws:cloudtrail:us-east-1:123456789012:trail/',
    'arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/x',
    'arn:aws:cloudtrail:us-east-1:12345678901:trail/x',
    'arn:aws:cloudtrail::123456789012:trail/x',
    'arn:aws:cloudtrail:..:123456789012:trail/x',
    'arn:aws:cloudtrail:us-east-1:123456789012:trail/x:y',
    'arn:aws:iam::123456789012:user/x',
    'arn:AWS:cloudtrail:us-east-1:123456789012:trail/x',
    `arn:aws:cloudtrail:${'a-'.repeat(5000)}1:123456789012:trail/x`,
    'main',
  ]) assert.equal(parseTrailArn(bad), undefined, bad);
});
