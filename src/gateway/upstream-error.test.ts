import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { parseUpstreamError, tapErrorAnswer, withoutQuotedValues } from './upstream-error.ts';

test('an error answer is read in each protocol\'s format', () => {
  const xml = Buffer.from('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;b</Key></Error>');
  assert.deepEqual(parseUpstreamError(xml, {}), { code: 'NoSuchKey', message: 'The specified key does not exist.' });
  const query = Buffer.from('<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic &quot;t&quot; does not exist</Message></Error></ErrorResponse>');
  assert.deepEqual(parseUpstreamError(query, {}), { code: 'NotFound', message: 'Topic "t" does not exist' });
  const json = Buffer.from('{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}');
  assert.deepEqual(parseUpstreamError(json, {}), { code: 'ResourceNotFoundException', message: 'Requested resource not found' });
  const restJson = Buffer.from('{"Message":"Function not found"}');
  assert.deepEqual(parseUpstreamError(restJson, { 'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/' }), { code: 'ResourceNotFoundException', message: 'Function not found' });
});

test('no code, no error: an HTML page, a truncated document or a code that is not a name', () => {
  assert.equal(parseUpstreamError(Buffer.from('<html><body>Bad Gateway</body></html>'), {}), undefined);
  assert.equal(parseUpstreamError(Buffer.from('<Error><Code>NoSuch'), {}), undefined);
  assert.equal(parseUpstreamError(Buffer.from('{"__type":"a b <script>"}'), {}), undefined);
  assert.equal(parseUpstreamError(Buffer.from(''), {}), undefined);
});

test('a quoted value is dropped from the recorded message, whatever member it belongs to', () => {
  assert.equal(withoutQuotedValues("1 validation error detected: Value 'hunter2' at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536"),
    "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536");
  assert.equal(withoutQuotedValues("2 validation errors detected: Value 'a' at 'name' failed; Value 'b' at 'value' failed"), "2 validation errors detected: Value at 'name' failed; Value at 'value' failed");
  assert.equal(withoutQuotedValues('Requested resource not found'), 'Requested resource not found');
});

test('the tap reads only the head of a long answer and leaves the stream to its reader', async () => {
  const big = Buffer.concat([Buffer.from('<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message>'), Buffer.alloc(100_000, 0x20), Buffer.from('</Error>')]);
  const answer = Readable.from([big.subarray(0, 10), big.subarray(10, 50_000), big.subarray(50_000)]);
  const read = tapErrorAnswer(answer, {});
  let passed = 0;
  for await (const chunk of answer) passed += (chunk as Buffer).length;
  assert.equal(passed, big.length);
  assert.deepEqual(read(), { code: 'SlowDown', message: 'Reduce your request rate.' });
});
