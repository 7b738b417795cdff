import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ServiceError } from '../protocol/errors.ts';
import { packedPolicySize } from './packed-size.ts';

function refusal(fn: () => unknown): ServiceError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return err;
  }
  assert.fail('expected a refusal');
}

const policy = (statements: number) => JSON.stringify({
  Version: '2012-10-17',
  Statement: Array.from({ length: statements }, (_, i) => ({ Effect: 'Allow', Action: `s3:GetObject`, Resource: `arn:aws:s3:::bucket-${i}/*` })),
});

test('nothing packed: no PackedPolicySize', () => {
  assert.equal(packedPolicySize(undefined, {}), undefined);
});

test('a small policy uses a small share, and more content uses more', () => {
  const small = packedPolicySize({ inline: policy(1) }, {})!;
  assert.ok(small > 0 && small < 20, `small policy: ${small}%`);
  const larger = packedPolicySize({ inline: policy(20) }, { team: 'red' })!;
  assert.ok(larger > small, `${larger}% > ${small}%`);
  assert.ok(packedPolicySize(undefined, { team: 'red' })! > 0);
  assert.ok(packedPolicySize({ arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }, {})! > 0);
});

test('white space in the policy does not count', () => {
  const compact = policy(5);
  const spaced = JSON.stringify(JSON.parse(compact), null, 8);
  assert.equal(packedPolicySize({ inline: spaced }, {}), packedPolicySize({ inline: compact }, {}));
});

test('a full 2,048-character policy fits', () => {
  let statements = 1;
  while (policy(statements + 1).length <= 2048) statements++;
  const percent = packedPolicySize({ inline: policy(statements) }, {})!;
  assert.ok(percent <= 100, `${percent}%`);
});

test('50 maximal random tags are refused, naming the tags', () => {
  const tags: Record<string, string> = {};
  for (let i = 0; i < 50; i++) tags[`${i}-${randomBytes(90).toString('base64url').slice(0, 120)}`] = randomBytes(200).toString('base64url').slice(0, 256);
  const err = refusal(() => packedPolicySize(undefined, tags));
  assert.equal(err.code, 'PackedPolicyTooLarge');
  assert.match(err.message, /^Packed size of session tags consumes \d+% of allotted space\.$/);
});

test('tags that fit alone but not with the policy: the policy message', () => {
  const tags: Record<string, string> = {};
  for (let i = 0; i < 4; i++) tags[`k${i}`] = randomBytes(192).toString('base64url');
  const random = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${randomBytes(1400).toString('base64url').slice(0, 1900)}` }] });
  assert.ok(packedPolicySize(undefined, tags)! <= 100);
  const err = refusal(() => packedPolicySize({ inline: random }, tags));
  assert.equal(err.code, 'PackedPolicyTooLarge');
  assert.match(err.message, /^Packed policy consumes \d+% of allotted space, please use smaller policy\.$/);
});
