import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceError } from './errors.ts';
import { JSON_CONTENT_TYPE, parseJsonRequest, serializeJsonError, serializeJsonResponse } from './json-codec.ts';
import { thrown } from './testing/thrown.ts';

const TARGET = 'AWSOrganizationsV20161128';

describe('parseJsonRequest', () => {
  it('takes the operation from X-Amz-Target and reads the body against the model', () => {
    const parsed = parseJsonRequest(
      'organizations',
      `${TARGET}.CreatePolicy`,
      JSON.stringify({
        Content: '{"Version":"2012-10-17","Statement":[]}',
        Description: 'deny all',
        Name: 'DenyAll',
        Type: 'SERVICE_CONTROL_POLICY',
        Tags: [{ Key: 'team', Value: 'blue' }],
        Unknown: 'ignored',
      }),
    );
    assert.deepEqual(parsed, {
      operation: 'CreatePolicy',
      input: {
        Content: '{"Version":"2012-10-17","Statement":[]}',
        Description: 'deny all',
        Name: 'DenyAll',
        Type: 'SERVICE_CONTROL_POLICY',
        Tags: [{ Key: 'team', Value: 'blue' }],
      },
    });
  });

  it('reads integers and treats an empty body and nulls as absent', () => {
    assert.deepEqual(parseJsonRequest('organizations', `${TARGET}.ListAccounts`, JSON.stringify({ MaxResults: 5, NextToken: null })).input, {
      MaxResults: 5,
    });
    assert.deepEqual(parseJsonRequest('organizations', `${TARGET}.ListRoots`, '').input, {});
    assert.deepEqual(parseJsonRequest('organizations', `${TARGET}.DescribeOrganization`, '{}'), { operation: 'DescribeOrganization', input: {} });
  });

  it('truncates a fractional integer, as AWS\'s JSON services do', () => {
    assert.deepEqual(parseJsonRequest('organizations', `${TARGET}.ListAccounts`, '{"MaxResults": 3.9}').input, { MaxResults: 3 });
  });

  it('refuses a lone surrogate and a time past JavaScript\'s dates as SerializationException, never a 500', () => {
    const surrogate = thrown(() => parseJsonRequest('organizations', `${TARGET}.CreateOrganizationalUnit`, '{"ParentId":"r-abcd","Name":"fz\\ud800x"}'));
    assert.equal(surrogate.code, 'SerializationException');
    const CT = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';
    for (const time of ['8640000000001', '1e300', '-1e15', '"99999999999999"']) {
      assert.equal(thrown(() => parseJsonRequest('cloudtrail', `${CT}.LookupEvents`, `{"StartTime":${time}}`)).code, 'SerializationException', time);
    }
    assert.ok(parseJsonRequest('cloudtrail', `${CT}.LookupEvents`, '{"StartTime":1700000000}').input['StartTime'] instanceof Date);
  });

  it('accepts an operation name already split from its target prefix', () => {
    assert.equal(parseJsonRequest('organizations', 'ListRoots', '{}').operation, 'ListRoots');
  });

  for (const target of [`${TARGET}.NoSuchOperation`, 'AWSOrganizationsV20000101.ListRoots', '']) {
    it(`answers target ${JSON.stringify(target)} with UnknownOperationException`, () => {
      const error = thrown(() => parseJsonRequest('organizations', target, '{}'));
      assert.equal(error.code, 'UnknownOperationException');
      assert.equal(error.httpStatus, 400);
    });
  }

  for (const [body, message] of [
    ['{"MaxResults": "5"}', 'class java.lang.String can not be converted to an Integer'],
    ['{"MaxResults": true}', 'class java.lang.Boolean can not be converted to an Integer'],
    ['{"NextToken": 7}', 'class java.lang.Short can not be converted to an String'],
    ['{"NextToken": 70000}', 'class java.lang.Integer can not be converted to an String'],
    ['{"NextToken": 1.5}', 'class java.lang.Double can not be converted to an String'],
    ['{"NextToken": ["a"]}', 'Start of list found where not expected'],
    ['{"NextToken": {"a": 1}}', 'Start of structure or map found where not expected.'],
    ['[]', 'Start of list found where not expected'],
  ] as const) {
    it(`answers ${body} with SerializationException`, () => {
      const error = thrown(() => parseJsonRequest('organizations', `${TARGET}.ListAccounts`, body));
      assert.equal(error.code, 'SerializationException');
      assert.equal(error.httpStatus, 400);
      assert.equal(error.message, message);
    });
  }

  it('answers a list where a structure list is expected, and the reverse', () => {
    assert.equal(thrown(() => parseJsonRequest('organizations', `${TARGET}.CreatePolicy`, '{"Tags": {"a": 1}}')).message,
      'Start of structure or map found where not expected.');
    assert.equal(thrown(() => parseJsonRequest('organizations', `${TARGET}.CreatePolicy`, '{"Tags": 5}')).message,
      'Expected list or null');
  });

  it('answers a body that is not JSON with SerializationException', () => {
    assert.equal(thrown(() => parseJsonRequest('organizations', `${TARGET}.ListRoots`, '{nope')).code, 'SerializationException');
  });

  it('validates with the model and answers InvalidInputException with a Reason', () => {
    const error = thrown(() => parseJsonRequest('organizations', `${TARGET}.DescribeAccount`, '{"AccountId": "12345"}'));
    assert.equal(error.code, 'InvalidInputException');
    assert.deepEqual(error.fields, { Reason: 'INVALID_PATTERN' });
    const range = thrown(() => parseJsonRequest('organizations', `${TARGET}.ListAccounts`, '{"MaxResults": 0}'));
    assert.deepEqual(range.fields, { Reason: 'MIN_VALUE_EXCEEDED' });
  });

  it('refuses a Query service outright', () => {
    assert.throws(() => parseJsonRequest('iam', 'CreateUser', '{}'), /JSON/);
  });
});

describe('serializeJsonResponse', () => {
  it('writes members in model order, timestamps as epoch seconds, nothing undeclared', () => {
    const body = serializeJsonResponse('organizations', 'DescribeAccount', {
      Account: {
        JoinedTimestamp: new Date('2024-01-02T03:04:05.250Z'),
        Name: 'prod',
        Id: '123456789012',
        Arn: 'arn:aws:organizations::111111111111:account/o-abcdefghij/123456789012',
        Email: 'prod@example.com',
        Status: 'ACTIVE',
        JoinedMethod: 'CREATED',
        Secret: 'never written',
      },
    });
    const document = JSON.parse(body) as { Account: Record<string, unknown> };
    assert.equal(document.Account['JoinedTimestamp'], 1704164645.25);
    assert.equal(document.Account['Secret'], undefined);
    assert.deepEqual(Object.keys(document.Account).slice(0, 3), ['Id', 'Arn', 'Email']);
  });

  it('writes lists of structures and booleans', () => {
    const body = serializeJsonResponse('organizations', 'ListPolicies', {
      Policies: [{ Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: true }],
    });
    assert.deepEqual(JSON.parse(body), {
      Policies: [{ Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: true }],
    });
  });

  it('writes {} for an operation without output', () => {
    assert.equal(serializeJsonResponse('organizations', 'DeleteOrganization', undefined), '{}');
  });
});

describe('serializeJsonError', () => {
  it('writes __type, Message and the error\'s extra members', () => {
    const answer = serializeJsonError(
      serviceError('organizations', 'ConstraintViolationException', 'You have too many accounts.', { Reason: 'ACCOUNT_NUMBER_LIMIT_EXCEEDED' }),
    );
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.headers, { 'Content-Type': JSON_CONTENT_TYPE });
    assert.deepEqual(JSON.parse(answer.body), {
      __type: 'ConstraintViolationException',
      Message: 'You have too many accounts.',
      Reason: 'ACCOUNT_NUMBER_LIMIT_EXCEEDED',
    });
  });

  it('uses the model\'s fault for server-side errors and hides anything unexpected', () => {
    assert.equal(serializeJsonError(serviceError('organizations', 'ServiceException', 'Try again later.')).status, 500);
    const answer = serializeJsonError(new RangeError('secret detail'));
    assert.equal(answer.status, 500);
    assert.equal(JSON.parse(answer.body).__type, 'InternalFailure');
    assert.doesNotMatch(answer.body, /secret detail/);
  });
});
