import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalHeaders,
  canonicalHeaderValue,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  normalizePathSegments,
  sortSignedHeaders,
} from './canonical-request.ts';
import { indexHeaders } from './header-index.ts';
import { EMPTY_PAYLOAD_HASH } from './payload-hash.ts';

test('path normalization removes dot segments and empty segments, keeping a trailing slash', () => {
  const cases: [string, string][] = [
    ['/', '/'],
    ['//', '/'],
    ['/./', '/'],
    ['/example/..', '/'],
    ['/a/b/../../..', '/'],
    ['//example//', '/example/'],
    ['/./example', '/example'],
    ['/a/./b/../c/', '/a/c/'],
    ['/a/..b', '/a/..b'],
  ];
  for (const [path, expected] of cases) assert.equal(normalizePathSegments(path), expected, path);
});

test('the canonical URI encodes the wire path once more; unnormalized paths keep their dots', () => {
  assert.equal(canonicalUri('/example space/'), '/example%20space/');
  assert.equal(canonicalUri('/a%20b'), '/a%2520b');
  assert.equal(canonicalUri('/ሴ'), '/%E1%88%B4');
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalUri('/a/../b', false), '/a/../b');
  assert.equal(canonicalUri('/a/../b', true), '/b');
});

test('the canonical query sorts by encoded name, then value; bare names get an empty value', () => {
  assert.equal(canonicalQuery(''), '');
  assert.equal(canonicalQuery('b=2&a=3&a=1&c'), 'a=1&a=3&b=2&c=');
  assert.equal(canonicalQuery('Param2=value2&Param1=value1'), 'Param1=value1&Param2=value2');
  assert.equal(canonicalQuery('a%20b=c%2fd&Z=y&%E1%88%B4=x'), '%E1%88%B4=x&Z=y&a%20b=c%2Fd', 'sorted by the encoded bytes, as in get-vanilla-query-order-encoded');
  assert.equal(canonicalQuery('&&a=1&'), 'a=1');
  assert.equal(canonicalQuery('a=1&X-Amz-Signature=abc&b=2', (name) => name === 'X-Amz-Signature'), 'a=1&b=2');
  assert.equal(canonicalQuery('X-Amz-%53ignature=abc', (name) => name === 'X-Amz-Signature'), '', 'omission looks at the decoded name');
});

test('header values are trimmed and inner whitespace runs collapse to one space', () => {
  assert.equal(canonicalHeaderValue('  a   b \t c  '), 'a b c');
  assert.equal(canonicalHeaderValue('value1\r\n  value2'), 'value1 value2');
  assert.equal(canonicalHeaderValue('"a   b"'), '"a b"');
});

test('canonical headers join repeated values with commas, in arrival order', () => {
  const headers = indexHeaders({ Host: 'example.com', 'My-Header': ['b ', ' a'], 'my-header': 'c' });
  assert.equal(canonicalHeaders(headers, ['host', 'my-header']), 'host:example.com\nmy-header:b,a,c\n');
  assert.equal(canonicalHeaders(headers, ['absent']), 'absent:\n');
});

test('signed header names are lower-cased, de-duplicated and sorted', () => {
  assert.deepEqual(sortSignedHeaders(['X-Amz-Date', 'host', 'Content-Type', 'HOST']), ['content-type', 'host', 'x-amz-date']);
});

test('canonicalRequest assembles the six parts', () => {
  const canonical = canonicalRequest({
    method: 'GET',
    path: '/',
    query: 'Action=ListUsers&Version=2010-05-08',
    headers: { Host: 'iam.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
    signedHeaders: ['host', 'x-amz-date'],
    payloadHash: EMPTY_PAYLOAD_HASH,
  });
  assert.equal(
    canonical,
    'GET\n/\nAction=ListUsers&Version=2010-05-08\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' + EMPTY_PAYLOAD_HASH,
  );
});

test('canonicalHeaderValue: values already canonical come back as they are, the rest as the collapsing rule makes them', () => {
  const slow = (value: string) => value.replace(/[ \t\r\n]+/g, ' ').trim();
  const samples = ['', 'a', 'a b', 'application/x-www-form-urlencoded; charset=utf-8', ' a', 'a ', 'a  b', 'a\tb', 'a\r\n b', '\u00a0a', 'a\u00a0', 'a\u00a0b', '\va', 'a\f', ' ', '  ', 'a \u2003', '\ufeffa'];
  for (const value of samples) assert.equal(canonicalHeaderValue(value), slow(value), JSON.stringify(value));
});

test('sortSignedHeaders: a list already lower-case and in order is used as is; any other is lower-cased, de-duplicated and sorted', () => {
  assert.deepEqual(sortSignedHeaders(['content-type', 'host', 'x-amz-date']), ['content-type', 'host', 'x-amz-date']);
  assert.deepEqual(sortSignedHeaders(['host', 'content-type']), ['content-type', 'host']);
  assert.deepEqual(sortSignedHeaders(['Host', 'content-type']), ['content-type', 'host']);
  assert.deepEqual(sortSignedHeaders(['host', 'host', 'x-amz-date']), ['host', 'x-amz-date']);
  assert.deepEqual(sortSignedHeaders(['host', 'HOST']), ['host']);
  assert.deepEqual(sortSignedHeaders([]), []);
});
