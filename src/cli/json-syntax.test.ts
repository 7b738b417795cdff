import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findJsonSyntaxError } from './json-syntax.ts';
import { bestTime } from '../../test/support/timing.ts';

test('valid JSON has no error', () => {
  for (const text of ['{}', '[]', '{"a": [1, -2.5e+3, true, false, null, "\\u00e9\\n"]}', ' "x" ', '0']) {
    assert.equal(findJsonSyntaxError(text), undefined, text);
  }
});

test('the line and column of the first mistake, with a reason', () => {
  const policy = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:*", "Resource": "*",}\n  ]\n}\n';
  assert.deepEqual(findJsonSyntaxError(policy), { line: 4, column: 59, reason: "expected a property name in double quotes, found '}' (a comma before it?)" });
  const cases: [string, number, number, RegExp][] = [
    ['{"a": [1,]}', 1, 10, /expected a value, found '\]'/],
    ["{'a': 1}", 1, 2, /expected a property name in double quotes/],
    ['{"a": \'x\'}', 1, 7, /strings take double quotes/],
    ['{"a" 1}', 1, 6, /expected ':'/],
    ['{"a": 1 "b": 2}', 1, 9, /expected ',' or '}'/],
    ['[1, 2]\n]', 2, 1, /after the end of the JSON document/],
    ['{"a": "x\ny"}', 1, 9, /U\+000A/],
    ['{"a": 01}', 1, 8, /leading 0/],
    ['{"a": "\\q"}', 1, 9, /invalid escape \\q/],
    ['{"a": "open', 1, 7, /not closed/],
    ['', 1, 1, /ends early: expected a value/],
    ['{\n  "a": [\n', 3, 1, /ends early/],
    ['\ufeff{}', 1, 1, /byte order mark/],
    ['{"a": tru}', 1, 7, /expected a value/],
  ];
  for (const [text, line, column, reason] of cases) {
    const found = findJsonSyntaxError(text);
    assert.ok(found, text);
    assert.deepEqual([found.line, found.column], [line, column], text);
    assert.match(found.reason, reason, text);
  }
});

test('agrees with JSON.parse wherever JSON.parse names a position', () => {
  for (const text of ['{"a": 1 "b": 2}', '[1,2]x', '{"a": 01}', '{"a":"\\q"}', '{"Statement":[{}] ']) {
    const v8 = /\(line (\d+) column (\d+)\)/.exec((() => { try { JSON.parse(text); return ''; } catch (e) { return (e as Error).message; } })());
    const found = findJsonSyntaxError(text)!;
    if (v8) assert.deepEqual([found.line, found.column], [Number(v8[1]), Number(v8[2])], text);
  }
});

test('hostile: deep nesting and large input are scanned in linear time without recursion', () => {
  const deepText = '['.repeat(1_000_000);
  const longText = `{"a": "${'x'.repeat(2_000_000)}", }`;
  const ms = bestTime(() => {
    const deep = findJsonSyntaxError(deepText);
    assert.equal(deep?.column, 1_000_001);
    const long = findJsonSyntaxError(longText);
    assert.match(long!.reason, /property name/);
  }, 2_000);
  assert.ok(ms < 2_000, `${ms.toFixed(0)} ms`);
});
