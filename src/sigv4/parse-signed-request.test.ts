import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSignedRequest } from './parse-signed-request.ts';
import type { ParseResult, SigningRequest, SigV4Failure } from './types.ts';

const SIGNATURE = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
  `SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}`;

function request(headers: Record<string, string | string[]>, query = ''): SigningRequest {
  return { method: 'POST', path: '/', query, headers: { Host: 'iam.amazonaws.com', ...headers }, body: '' };
}

function failureOf(result: ParseResult): SigV4Failure {
  assert.equal(result.ok, false, 'expected a parse failure');
  return (result as { ok: false; error: SigV4Failure }).error;
}

test('a request with no signature at all is MissingAuthenticationToken', () => {
  assert.deepEqual(failureOf(parseSignedRequest(request({}))), {
    code: 'MissingAuthenticationToken',
    message: 'Request is missing Authentication Token',
    httpStatus: 403,
  });
  assert.equal(failureOf(parseSignedRequest(request({ Authorization: '   ' }))).code, 'MissingAuthenticationToken');
  assert.equal(failureOf(parseSignedRequest(request({}, 'Action=ListUsers&X-Amz-Date=20150830T123600Z'))).code, 'MissingAuthenticationToken');
});

test('the header form yields every part of the claim', () => {
  const result = parseSignedRequest(request({ authorization: AUTHORIZATION, 'X-Amz-Date': '20150830T123600Z', 'x-amz-security-token': 'TOKEN' }));
  assert.ok(result.ok);
  assert.deepEqual(result.auth, {
    form: 'header',
    accessKeyId: 'AKIDEXAMPLE',
    date: new Date('2015-08-30T12:36:00Z'),
    amzDate: '20150830T123600Z',
    credentialDate: '20150830',
    region: 'us-east-1',
    service: 'iam',
    terminator: 'aws4_request',
    signedHeaders: ['host', 'x-amz-date'],
    signature: SIGNATURE,
    securityToken: 'TOKEN',
  });
});

test('the Date header stands in for X-Amz-Date, converted to ISO-8601 basic format', () => {
  const result = parseSignedRequest(request({ Authorization: AUTHORIZATION, Date: 'Sun, 30 Aug 2015 12:36:00 GMT' }));
  assert.ok(result.ok);
  assert.equal(result.auth.amzDate, '20150830T123600Z');
  // X-Amz-Date wins when both are present.
  const both = parseSignedRequest(request({ Authorization: AUTHORIZATION, Date: 'Mon, 31 Aug 2015 00:00:00 GMT', 'X-Amz-Date': '20150830T123600Z' }));
  assert.ok(both.ok);
  assert.equal(both.auth.amzDate, '20150830T123600Z');
});

test('missing Authorization parts are reported together, with the header as received', () => {
  assert.deepEqual(failureOf(parseSignedRequest(request({ Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request' }))), {
    code: 'IncompleteSignature',
    httpStatus: 400,
    message:
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
      'Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request',
  });
});

test('a non-SigV4 scheme gets the full list of what is missing', () => {
  assert.equal(
    failureOf(parseSignedRequest(request({ Authorization: 'Basic dXNlcjpwYXNz', 'X-Amz-Date': '20150830T123600Z' }))).message,
    "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
      "Authorization header requires 'SignedHeaders' parameter. Authorization=Basic dXNlcjpwYXNz",
  );
});

test('a token that is not key=value is named, as AWS does for a stray space in the credential', () => {
  const authorization = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}`;
  assert.deepEqual(failureOf(parseSignedRequest(request({ Authorization: authorization, 'X-Amz-Date': '20150830T123600Z' }))), {
    code: 'IncompleteSignature',
    httpStatus: 400,
    message: `'/20150830/us-east-1/iam/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
  });
});

test('a malformed date is refused with AWS text', () => {
  assert.deepEqual(failureOf(parseSignedRequest(request({ Authorization: AUTHORIZATION, 'X-Amz-Date': '2015-08-30T12:36:00Z' }))), {
    code: 'IncompleteSignature',
    httpStatus: 400,
    message: "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
  });
  assert.equal(failureOf(parseSignedRequest(request({ Authorization: AUTHORIZATION, 'X-Amz-Date': '20150230T123600Z' }))).code, 'IncompleteSignature');
});

test('another algorithm is refused', () => {
  const authorization = AUTHORIZATION.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512');
  assert.deepEqual(failureOf(parseSignedRequest(request({ Authorization: authorization, 'X-Amz-Date': '20150830T123600Z' }))), {
    code: 'IncompleteSignature',
    httpStatus: 400,
    message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
  });
});

test('a credential without five parts is refused; trailing slashes are ignored', () => {
  const four = AUTHORIZATION.replace('AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request', 'AKIDEXAMPLE/20150830/us-east-1/iam');
  assert.deepEqual(failureOf(parseSignedRequest(request({ Authorization: four, 'X-Amz-Date': '20150830T123600Z' }))), {
    code: 'IncompleteSignature',
    httpStatus: 400,
    message: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/iam'",
  });
  const trailing = AUTHORIZATION.replace('aws4_request', 'aws4_request/');
  assert.equal(parseSignedRequest(request({ Authorization: trailing, 'X-Amz-Date': '20150830T123600Z' })).ok, true);
});

test('both an Authorization header and X-Amz-Algorithm in the query are refused', () => {
  assert.deepEqual(
    failureOf(parseSignedRequest(request({ Authorization: AUTHORIZATION, 'X-Amz-Date': '20150830T123600Z' }, 'X-Amz-Algorithm=AWS4-HMAC-SHA256'))),
    {
      code: 'SignatureDoesNotMatch',
      httpStatus: 400,
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    },
  );
});

const PRESIGNED =
  'Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z' +
  `&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=AQo%2Bz%2F%3D%3D&X-Amz-Signature=${SIGNATURE}`;

test('the query form yields every part of the claim, decoded', () => {
  const result = parseSignedRequest(request({}, PRESIGNED));
  assert.ok(result.ok);
  assert.deepEqual(result.auth, {
    form: 'query',
    accessKeyId: 'AKIDEXAMPLE',
    date: new Date('2015-08-30T12:36:00Z'),
    amzDate: '20150830T123600Z',
    credentialDate: '20150830',
    region: 'us-east-1',
    service: 'sts',
    terminator: 'aws4_request',
    signedHeaders: ['host'],
    signature: SIGNATURE,
    securityToken: 'AQo+z/==',
    expiresSeconds: 900,
  });
});

test('missing query parameters are reported together', () => {
  assert.deepEqual(failureOf(parseSignedRequest(request({}, `X-Amz-Signature=${SIGNATURE}`))), {
    code: 'IncompleteSignature',
    httpStatus: 400,
    message:
      "AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must include 'X-Amz-Credential'. " +
      "AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. " +
      'Re-examine the query-string parameters.',
  });
});

test('X-Amz-Expires must be a number, non-negative, and at most a week', () => {
  const withExpires = (value: string) => parseSignedRequest(request({}, PRESIGNED.replace('X-Amz-Expires=900', `X-Amz-Expires=${value}`)));
  assert.deepEqual(failureOf(withExpires('604801')), {
    code: 'AuthorizationQueryParametersError',
    httpStatus: 400,
    message: 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
  });
  assert.equal(failureOf(withExpires('-1')).message, 'X-Amz-Expires must be non-negative');
  assert.equal(failureOf(withExpires('soon')).message, 'X-Amz-Expires should be a number');
  const week = withExpires('604800');
  assert.ok(week.ok);
  assert.equal(week.auth.expiresSeconds, 604800);
});

test('pathological input is handled in linear time', () => {
  const slashes = `AKIDEXAMPLE${'/'.repeat(200_000)}x`;
  const authorization = `AWS4-HMAC-SHA256 Credential=${slashes}, SignedHeaders=host, Signature=${SIGNATURE}`;
  const started = performance.now();
  const result = parseSignedRequest(request({ Authorization: authorization, 'X-Amz-Date': '20150830T123600Z' }));
  const spaces = parseSignedRequest(request({ Authorization: `AWS4-HMAC-SHA256${' '.repeat(200_000)}x`, 'X-Amz-Date': '20150830T123600Z' }));
  const elapsed = performance.now() - started;
  assert.equal(failureOf(result).code, 'IncompleteSignature');
  assert.equal(failureOf(spaces).code, 'IncompleteSignature');
  assert.ok(elapsed < 1000, `took ${elapsed} ms`);
});

test('a repeated security token or presigned parameter is refused as ambiguous', () => {
  const twice = parseSignedRequest(request({}, `${PRESIGNED}&X-Amz-Security-Token=OTHER`));
  assert.deepEqual(failureOf(twice), {
    code: 'IncompleteSignature',
    httpStatus: 400,
    message: "'X-Amz-Security-Token' must not be repeated. Re-examine the query-string parameters and headers.",
  });
  assert.equal(failureOf(parseSignedRequest(request({}, `X-Amz-Signature=0&${PRESIGNED}`))).message.startsWith("'X-Amz-Signature' must not"), true);
  const headers = { Authorization: AUTHORIZATION, 'X-Amz-Date': '20150830T123600Z', 'X-Amz-Security-Token': ['A', 'B'] };
  assert.equal(failureOf(parseSignedRequest(request(headers))).message.startsWith("'X-Amz-Security-Token' must not"), true);
});
