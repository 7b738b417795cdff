import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countPolicyCharacters, sizeLimitFor } from './size-limits.ts';
import type { PolicyKind, ValidateOptions } from './types.ts';
import { validatePolicy } from './validate.ts';

/** A valid identity-style policy of exactly `size` non-white-space characters. */
function policyOfSize(size: number, principal = false): string {
  const head = principal
    ? '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::'
    : '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::';
  const tail = '"}]}';
  const text = head + 'b'.repeat(size - head.length - tail.length) + tail;
  assert.equal(countPolicyCharacters(text), size);
  return text;
}
const sizeErrors = (text: string, kind: PolicyKind, options?: ValidateOptions) =>
  validatePolicy(text, kind, options).filter((d) => d.code === 'PolicySizeExceeded').map((d) => d.message);

describe('policy size limits', () => {
  it('does not count white space', () => {
    assert.equal(countPolicyCharacters(' { "a" :\n\t"b c" }\r\n'), 10); // { " a " : " b c " }
  });

  const cases: [PolicyKind, ValidateOptions, number, string][] = [
    ['identity', {}, 6144, 'Cannot exceed quota for PolicySize: 6144'],
    ['boundary', {}, 6144, 'Cannot exceed quota for PolicySize: 6144'],
    ['identity', { inlineFor: 'user' }, 2048, 'Maximum policy size of 2048 bytes exceeded for user'],
    ['identity', { inlineFor: 'group' }, 5120, 'Maximum policy size of 5120 bytes exceeded for group'],
    ['identity', { inlineFor: 'role' }, 10240, 'Maximum policy size of 10240 bytes exceeded for role'],
    ['session', {}, 2048, 'Cannot exceed quota for PolicySize: 2048'],
    ['scp', {}, 5120, 'Cannot exceed quota for PolicySize: 5120'],
  ];
  for (const [kind, options, limit, message] of cases) {
    it(`${kind}${options.inlineFor ? ` inline for ${options.inlineFor}` : ''}: ${limit} characters pass, ${limit + 1} fail`, () => {
      assert.deepEqual(sizeErrors(policyOfSize(limit), kind, options), []);
      assert.deepEqual(sizeErrors(policyOfSize(limit + 1), kind, options), [message]);
      assert.equal(sizeLimitFor(kind, options)?.limit, limit);
    });
  }

  it('trust (2,048) and RCP (5,120) limits, which need a principal', () => {
    const trustText = (size: number) => {
      const head = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"';
      const tail = '"}}}]}';
      return head + 'x'.repeat(size - head.length - tail.length) + tail;
    };
    assert.deepEqual(sizeErrors(trustText(2048), 'trust'), []);
    assert.deepEqual(sizeErrors(trustText(2049), 'trust'), ['Cannot exceed quota for ACLSizePerRole: 2048']);
    assert.deepEqual(sizeErrors(policyOfSize(5120, true), 'rcp'), []);
    assert.deepEqual(sizeErrors(policyOfSize(5121, true), 'rcp'), ['Cannot exceed quota for PolicySize: 5120']);
  });

  it('SCPs and RCPs count every character, white space included (Organizations\' rule)', () => {
    const padded = policyOfSize(5000).replace(/,/g, ',' + ' '.repeat(80));
    assert.ok(countPolicyCharacters(padded) <= 5120 && padded.length > 5120);
    assert.deepEqual(sizeErrors(padded, 'scp'), ['Cannot exceed quota for PolicySize: 5120']);
    assert.deepEqual(sizeErrors(padded, 'identity'), [], 'IAM does not count the white space');
  });

  it('white space does not push a policy over the limit', () => {
    const text = policyOfSize(2048).replace(/,/g, ',\n        ');
    assert.ok(text.length > 2048);
    assert.deepEqual(sizeErrors(text, 'session'), []);
  });

  it('names the entity in the inline message when told it', () => {
    assert.deepEqual(sizeErrors(policyOfSize(2049), 'identity', { inlineFor: 'user', entityName: 'alice' }), [
      'Maximum policy size of 2048 bytes exceeded for user alice',
    ]);
  });

  it('enforces no size limit on resource policies (it varies by service)', () => {
    assert.deepEqual(sizeErrors(policyOfSize(30000, true), 'resource'), []);
  });
});
