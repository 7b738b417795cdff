import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../protocol/errors.ts';
import { contextFromEntries } from './context-entries.ts';

function invalidInput(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    assert.equal(err.code, 'InvalidInput');
    assert.equal(err.httpStatus, 400);
    return err.message;
  }
  assert.fail('expected InvalidInput');
}

test('typed scalars and lists become engine context values', () => {
  const context = contextFromEntries([
    { ContextKeyName: 'aws:username', ContextKeyValues: ['alice'], ContextKeyType: 'string' },
    { ContextKeyName: 'aws:TagKeys', ContextKeyValues: ['a', 'b'], ContextKeyType: 'stringList' },
    { ContextKeyName: 'aws:MultiFactorAuthAge', ContextKeyValues: ['42.5'], ContextKeyType: 'numeric' },
    { ContextKeyName: 'ec2:Counts', ContextKeyValues: ['1', '-2e3'], ContextKeyType: 'numericList' },
    { ContextKeyName: 'aws:SecureTransport', ContextKeyValues: ['TRUE'], ContextKeyType: 'boolean' },
    { ContextKeyName: 'x:Flags', ContextKeyValues: ['false', 'true'], ContextKeyType: 'booleanList' },
    { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['203.0.113.9'], ContextKeyType: 'ip' },
    { ContextKeyName: 'x:Blocks', ContextKeyValues: ['10.0.0.0/8', '2001:db8::/32'], ContextKeyType: 'ipList' },
    { ContextKeyName: 'x:Blob', ContextKeyValues: ['QUJD'], ContextKeyType: 'binary' },
    { ContextKeyName: 'aws:CurrentTime', ContextKeyValues: ['2019-04-25T11:00:00Z'], ContextKeyType: 'date' },
    { ContextKeyName: 'x:Dates', ContextKeyValues: ['1556190000', '20190425T110000Z'], ContextKeyType: 'dateList' },
  ]);
  assert.deepEqual(context, {
    'aws:username': 'alice',
    'aws:TagKeys': ['a', 'b'],
    'aws:MultiFactorAuthAge': 42.5,
    'ec2:Counts': [1, -2000],
    'aws:SecureTransport': true,
    'x:Flags': [false, true],
    'aws:SourceIp': '203.0.113.9',
    'x:Blocks': ['10.0.0.0/8', '2001:db8::/32'],
    'x:Blob': 'QUJD',
    'aws:CurrentTime': '2019-04-25T11:00:00Z',
    'x:Dates': ['1556190000', '20190425T110000Z'],
  });
});

test('values that do not read as their type are InvalidInput naming the key', () => {
  assert.match(invalidInput(() => contextFromEntries([{ ContextKeyName: 'n:n', ContextKeyValues: ['ten'], ContextKeyType: 'numeric' }])), /"ten".*n:n.*numeric/);
  assert.match(invalidInput(() => contextFromEntries([{ ContextKeyName: 'b:b', ContextKeyValues: ['yes'], ContextKeyType: 'boolean' }])), /b:b/);
  assert.match(invalidInput(() => contextFromEntries([{ ContextKeyName: 'i:i', ContextKeyValues: ['10.0.0.0/33'], ContextKeyType: 'ip' }])), /i:i/);
  assert.match(invalidInput(() => contextFromEntries([{ ContextKeyName: 'i:i', ContextKeyValues: ['300.1.1.1'], ContextKeyType: 'ipList' }])), /ipList/);
  assert.match(invalidInput(() => contextFromEntries([{ ContextKeyName: 'd:d', ContextKeyValues: ['yesterday'], ContextKeyType: 'date' }])), /d:d/);
  assert.match(invalidInput(() => contextFromEntries([{ ContextKeyName: 'x:x', ContextKeyValues: ['abc'], ContextKeyType: 'binary' }])), /x:x/);
});

test('a scalar type takes one value; no values leaves the key out; no name is refused', () => {
  assert.match(invalidInput(() => contextFromEntries([{ ContextKeyName: 's:s', ContextKeyValues: ['a', 'b'], ContextKeyType: 'string' }])), /stringList/);
  assert.deepEqual(contextFromEntries([{ ContextKeyName: 's:s', ContextKeyValues: [], ContextKeyType: 'string' }]), {});
  invalidInput(() => contextFromEntries([{ ContextKeyValues: ['a'], ContextKeyType: 'string' }]));
});

test('without a type: one value is a string, several a list; a repeated key takes the last entry', () => {
  assert.deepEqual(contextFromEntries([{ ContextKeyName: 'a:a', ContextKeyValues: ['1'] }, { ContextKeyName: 'b:b', ContextKeyValues: ['1', '2'] }]), { 'a:a': '1', 'b:b': ['1', '2'] });
  assert.deepEqual(
    contextFromEntries([
      { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['10.0.0.1'], ContextKeyType: 'ip' },
      { ContextKeyName: 'AWS:SOURCEIP', ContextKeyValues: ['10.0.0.2'], ContextKeyType: 'ip' },
    ]),
    { 'AWS:SOURCEIP': '10.0.0.2' },
  );
});
