import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRawHttpRequest } from './raw-http-request.ts';

test('request line, headers and body are split out; the target may contain spaces', () => {
  const req = parseRawHttpRequest('POST /example space/?a=1&b HTTP/1.1\nHost:example.amazonaws.com\nContent-Length:13\n\nParam1=value1');
  assert.deepEqual(req, {
    method: 'POST',
    path: '/example space/',
    query: 'a=1&b',
    headers: { Host: 'example.amazonaws.com', 'Content-Length': '13' },
    body: 'Param1=value1',
  });
});

test('folded lines continue the previous value, each fold becoming one space', () => {
  const req = parseRawHttpRequest('GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value1\n  value2\n     value3\n');
  assert.equal(req.headers['My-Header1'], 'value1 value2 value3');
  assert.equal(req.body, '');
});

test('repeated headers, in any case, are kept in order under the first spelling', () => {
  const req = parseRawHttpRequest('GET / HTTP/1.1\r\nMy-Header1:value2\r\nmy-header1: value1 \r\n\r\n');
  assert.deepEqual(req.headers, { 'My-Header1': ['value2', 'value1'] });
  assert.equal(req.body, '');
});

test('the body is kept byte for byte, blank lines included', () => {
  assert.equal(parseRawHttpRequest('POST / HTTP/1.1\nHost:h\n\na\n\nb\n').body, 'a\n\nb\n');
});

test('malformed input is refused', () => {
  assert.throws(() => parseRawHttpRequest('GET\n'), SyntaxError);
  assert.throws(() => parseRawHttpRequest('GET / HTTP/1.1\nNoColon\n'), SyntaxError);
  assert.throws(() => parseRawHttpRequest('GET / HTTP/1.1\n folded-first\n'), SyntaxError);
});
