import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statementSpans } from './statement-positions.ts';

test("AWS's one-line example: just past each brace, 1-based", () => {
  // The document of the CLI's simulate-custom-policy example; AWS answers 1:38 – 1:167.
  const text =
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}';
  assert.deepEqual(statementSpans(text), [{ start: { line: 1, column: 38 }, end: { line: 1, column: 167 } }]);
});

test('statements of a pretty-printed array, each on its own lines', () => {
  const text = [
    '{',
    '  "Version": "2012-10-17",',
    '  "Statement": [',
    '    {',
    '      "Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"',
    '    },',
    '    { "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*" }',
    '  ]',
    '}',
  ].join('\n');
  assert.deepEqual(statementSpans(text), [
    { start: { line: 4, column: 6 }, end: { line: 6, column: 6 } },
    { start: { line: 7, column: 6 }, end: { line: 7, column: 66 } },
  ]);
});

test('CRLF and lone CR end lines once each', () => {
  const crlf = '{\r\n"Statement":\r\n[{"Effect":"Allow"}]}';
  assert.deepEqual(statementSpans(crlf), [{ start: { line: 3, column: 3 }, end: { line: 3, column: 20 } }]);
  const cr = '{\r"Statement":\r[{"Effect":"Allow"}]}';
  assert.deepEqual(statementSpans(cr), [{ start: { line: 3, column: 3 }, end: { line: 3, column: 20 } }]);
});

test('braces and brackets inside strings and nested values do not confuse the scanner', () => {
  const text = '{"Id":"{[x]}","Statement":[{"Sid":"S","Condition":{"StringLike":{"k":["a}","b]\\"{"]}}},{"Effect":"Deny"}]}';
  const spans = statementSpans(text);
  assert.equal(spans.length, 2);
  const second = text.indexOf('{"Effect":"Deny"}');
  assert.deepEqual(spans[1], { start: { line: 1, column: second + 2 }, end: { line: 1, column: second + '{"Effect":"Deny"}'.length + 1 } });
});

test('the last duplicated Statement member wins, as in JSON.parse', () => {
  const text = '{"Statement":{"Effect":"Allow"},"Statement":[{"Effect":"Deny"},{"Effect":"Allow"}]}';
  const spans = statementSpans(text);
  assert.equal(spans.length, 2);
  assert.equal(spans[0]?.start.column, text.lastIndexOf('[') + 3);
});

test('an escaped key still names Statement; non-object elements keep their index', () => {
  const text = '{"\\u0053tatement":["oops",{"Effect":"Allow"}]}';
  const spans = statementSpans(text);
  assert.equal(spans[0], null);
  assert.equal(spans[1]?.start.column, text.indexOf('{"Effect"') + 2);
});

test('no Statement, or not an object: no spans', () => {
  assert.deepEqual(statementSpans('{"Version":"2012-10-17"}'), []);
  assert.deepEqual(statementSpans('[]'), []);
  assert.deepEqual(statementSpans('{}'), []);
  assert.deepEqual(statementSpans('{"Statement":'), []);
});
