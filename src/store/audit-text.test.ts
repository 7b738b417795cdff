import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditLookupKeys, encodeAuditData } from './audit-text.ts';
import { encodeData } from './records.ts';

test('a NUL in the caller\'s text is written as U+FFFD — in values, list items and member names', () => {
  const data = { requestParameters: { secretId: 's', description: 'evil\0', list: ['a\0b', 1, null], ['k\0']: true } };
  assert.throws(() => encodeData(data), /U\+0000/, 'entities still refuse it');
  assert.deepEqual(JSON.parse(encodeAuditData(data)), { requestParameters: { secretId: 's', description: 'evil\uFFFD', list: ['a\uFFFDb', 1, null], ['k\uFFFD']: true } });
});

test('data without a NUL is written exactly as JSON.stringify writes it, a backslash-u0000 text included', () => {
  for (const data of [{ a: 'x', b: [1, 'y'], c: { d: false } }, { text: '\\u0000 is not a NUL' }, { ['__proto__']: 'member' }]) {
    assert.equal(encodeAuditData(data), JSON.stringify(data));
  }
  const parsed = JSON.parse('{"__proto__":{"x":"\\u0000"}}') as unknown;
  assert.equal(encodeAuditData(parsed), '{"__proto__":{"x":"\uFFFD"}}', 'a __proto__ member stays a member');
});

test('lookup keys: values with a NUL are rewritten, others returned as they are', () => {
  const keys = [{ attr: 'ResourceName', value: 'key\0.txt' }, { attr: 'EventName', value: 'PutObject' }];
  assert.deepEqual(auditLookupKeys(keys), [{ attr: 'ResourceName', value: 'key\uFFFD.txt' }, { attr: 'EventName', value: 'PutObject' }]);
  const clean = [{ attr: 'EventName', value: 'GetObject' }];
  assert.equal(auditLookupKeys(clean), clean);
});
