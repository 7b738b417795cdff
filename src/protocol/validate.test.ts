import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from './errors.ts';
import { buildServiceModel } from './model.ts';
import { describeViolation, findViolations, memberPathName, validateInput, validationMessage } from './validate.ts';
import { bestTime } from '../../test/support/timing.ts';
import { thrown } from './testing/thrown.ts';

const model = buildServiceModel('iam', {
  metadata: { apiVersion: '1', protocol: 'query', endpointPrefix: 'test', serviceId: 'Test' },
  operations: {},
  shapes: {
    Input: {
      type: 'structure',
      required: ['Name'],
      members: {
        Name: { shape: 'Name' },
        Count: { shape: 'Count' },
        Ids: { shape: 'IdList' },
        Labels: { shape: 'LabelMap' },
        Nested: { shape: 'Nested' },
        Secret: { shape: 'Secret' },
        Data: { shape: 'Data' },
      },
    },
    Name: { type: 'string', min: 1, max: 5, pattern: '[a-z]+' },
    Count: { type: 'integer', min: 1, max: 10 },
    IdList: { type: 'list', member: { shape: 'Id' }, max: 2 },
    Id: { type: 'string', min: 2, max: 3 },
    LabelMap: { type: 'map', key: { shape: 'Id' }, value: { shape: 'Name' } },
    Nested: { type: 'structure', required: ['Inner'], members: { Inner: { shape: 'Name' } } },
    Secret: { type: 'string', min: 8, sensitive: true },
    Data: { type: 'blob', max: 2 },
  },
});

function messages(input: Record<string, unknown>): string[] {
  return findViolations(model, 'Input', input).map(describeViolation);
}

describe('findViolations', () => {
  it('accepts a value within every constraint', () => {
    assert.deepEqual(
      messages({ Name: 'abc', Count: 10, Ids: ['ab', 'abc'], Labels: { ab: 'x' }, Nested: { Inner: 'y' }, Secret: 'long enough', Data: new Uint8Array(2) }),
      [],
    );
  });

  it('reports a missing required member as null', () => {
    assert.deepEqual(messages({}), ["Value null at 'name' failed to satisfy constraint: Member must not be null"]);
    assert.deepEqual(messages({ Name: 'a', Nested: {} }), [
      "Value null at 'nested.inner' failed to satisfy constraint: Member must not be null",
    ]);
  });

  it('reports string length both ways', () => {
    assert.deepEqual(messages({ Name: 'abcdef' }), [
      "Value 'abcdef' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5",
    ]);
  });

  it('names the pattern before the length, as AWS does', () => {
    assert.deepEqual(messages({ Name: '' }), [
      "Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+",
      "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]);
  });

  it('still names the pattern before the length when a value is too long, as AWS does', () => {
    assert.deepEqual(messages({ Name: 'ABCDEF' }), [
      "Value 'ABCDEF' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+",
      "Value 'ABCDEF' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5",
    ]);
    assert.deepEqual(messages({ Name: 'a', Labels: { ab: 'ABCDEF' } }), [
      "Value '{ab=ABCDEF}' at 'labels' failed to satisfy constraint: Map value must satisfy constraint: " +
        '[Member must have length less than or equal to 5, Member must have length greater than or equal to 1, ' +
        'Member must satisfy regular expression pattern: [a-z]+]',
    ]);
  });

  it('counts length in code points', () => {
    const emoji = findViolations(buildServiceModel('iam', {
      metadata: { apiVersion: '1', protocol: 'query', endpointPrefix: 't', serviceId: 'T' },
      operations: {},
      shapes: { In: { type: 'structure', members: { S: { shape: 'S' } } }, S: { type: 'string', max: 2 } },
    }), 'In', { S: '\u{1f600}\u{1f600}' });
    assert.deepEqual(emoji, []);
  });

  it('reports numeric range both ways', () => {
    assert.deepEqual(messages({ Name: 'a', Count: 0 }), [
      "Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ]);
    assert.deepEqual(messages({ Name: 'a', Count: 11 }), [
      "Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10",
    ]);
  });

  it('judges a list of plain values as a whole', () => {
    assert.deepEqual(messages({ Name: 'a', Ids: ['ab', 'cd', 'ef'] }), [
      "Value '[ab, cd, ef]' at 'ids' failed to satisfy constraint: Member must have length less than or equal to 2",
    ]);
    assert.deepEqual(messages({ Name: 'a', Ids: ['a'] }), [
      "Value '[a]' at 'ids' failed to satisfy constraint: Member must satisfy constraint: " +
        '[Member must have length less than or equal to 3, Member must have length greater than or equal to 2]',
    ]);
  });

  it('judges map keys and values as a whole', () => {
    assert.deepEqual(messages({ Name: 'a', Labels: { a: 'ok', ab: 'NOT' } }), [
      "Value '{a=ok, ab=NOT}' at 'labels' failed to satisfy constraint: Map keys must satisfy constraint: " +
        '[Member must have length less than or equal to 3, Member must have length greater than or equal to 2]',
      "Value '{a=ok, ab=NOT}' at 'labels' failed to satisfy constraint: Map value must satisfy constraint: " +
        '[Member must have length less than or equal to 5, Member must have length greater than or equal to 1, ' +
        'Member must satisfy regular expression pattern: [a-z]+]',
    ]);
  });

  it('leaves sensitive values out of the message', () => {
    assert.deepEqual(messages({ Name: 'a', Secret: 'short' }), [
      "Value at 'secret' failed to satisfy constraint: Member must have length greater than or equal to 8",
    ]);
  });

  it('measures blobs in bytes', () => {
    assert.deepEqual(messages({ Name: 'a', Data: new Uint8Array(3) }), [
      "Value 'java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 2",
    ]);
  });

  it('lists several errors in model member order', () => {
    const all = findViolations(model, 'Input', { Count: 99, Secret: 'x', Ids: ['a'] });
    assert.deepEqual(all.map((v) => v.path), ['name', 'count', 'ids', 'secret']);
    assert.equal(
      validationMessage(all.slice(0, 2)),
      "2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; " +
        "Value '99' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10",
    );
    assert.match(validationMessage(all.slice(0, 1)), /^1 validation error detected: Value null at 'name'/);
  });

  it('lowers only the first letter of member names', () => {
    assert.equal(memberPathName('UserName'), 'userName');
    assert.equal(memberPathName('SAMLAssertion'), 'sAMLAssertion');
    assert.equal(memberPathName('ClientIDList'), 'clientIDList');
  });
});

describe('validateInput against the real models', () => {
  it('answers IAM with ValidationError and AWS\'s message', () => {
    const error = thrown(() => validateInput('iam', 'CreateUser', { UserName: 'a b' }));
    assert.equal(error.code, 'ValidationError');
    assert.equal(error.httpStatus, 400);
    assert.equal(error.type, 'Sender');
    assert.equal(
      error.message,
      "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
  });

  it('addresses list elements of structures as tags.N.member.field', () => {
    const error = thrown(() =>
      validateInput('iam', 'TagUser', { UserName: 'bob', Tags: [{ Key: 'ok', Value: 'fine' }, { Key: 'team', Value: 'D&T' }] }),
    );
    assert.equal(
      error.message,
      "1 validation error detected: Value 'D&T' at 'tags.2.member.value' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
    );
  });

  it('reports enums as IAM does: without the value or the value set', () => {
    const error = thrown(() => validateInput('iam', 'UpdateAccessKey', { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Paused' }));
    assert.equal(error.message, "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set");
  });

  it('matches STS\'s answer for empty ARNs, in AWS\'s member order', () => {
    const error = thrown(() =>
      validateInput('sts', 'AssumeRoleWithSAML', { RoleArn: '', PrincipalArn: '', SAMLAssertion: 'x'.repeat(10) }),
    );
    const pattern =
      '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+';
    assert.equal(
      error.message,
      `4 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}; ` +
        "Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
        `Value '' at 'principalArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}; ` +
        "Value '' at 'principalArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
  });

  it('answers Organizations with InvalidInputException and a Reason', () => {
    const error = thrown(() => validateInput('organizations', 'DescribeAccount', { AccountId: '12' }));
    assert.equal(error.code, 'InvalidInputException');
    assert.equal(error.httpStatus, 400);
    assert.equal(error.message, 'You provided a value that does not match the required pattern.');
    assert.deepEqual(error.fields, { Reason: 'INVALID_PATTERN' });
    const missing = thrown(() => validateInput('organizations', 'DescribeAccount', {}));
    assert.deepEqual(missing.fields, { Reason: 'INPUT_REQUIRED' });
  });

  it('judges a 1 MiB email-like value at once, pattern first', () => {
    const email = `a@${'a.'.repeat(512 * 1024)} `;
    let error!: ServiceError;
    const ms = bestTime(() => (error = thrown(() => validateInput('organizations', 'CreateAccount', { Email: email, AccountName: 'x' }))), 500);
    assert.ok(ms < 500, `${ms.toFixed(0)} ms`);
    assert.deepEqual(error.fields, { Reason: 'INVALID_PATTERN' });
    const tooLong = thrown(() => validateInput('organizations', 'CreateAccount', { Email: `a@b.${'c'.repeat(64)}`, AccountName: 'x' }));
    assert.deepEqual(tooLong.fields, { Reason: 'MAX_LENGTH_EXCEEDED' });
  });

  it('passes valid input', () => {
    validateInput('iam', 'CreateUser', { UserName: 'alice', Tags: [{ Key: 'team', Value: 'blue' }] });
    validateInput('sts', 'GetCallerIdentity', {});
  });
});
