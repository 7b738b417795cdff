import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xmlNestingExceeds } from './xml-nesting.ts';

test('nesting past the limit is seen; self-closed elements, comments, declarations and siblings do not count', () => {
  const deep = (n: number) => `<?xml version="1.0"?>${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
  assert.equal(xmlNestingExceeds(deep(64), 64), false);
  assert.equal(xmlNestingExceeds(deep(65), 64), true);
  assert.equal(xmlNestingExceeds(deep(10_000), 64), true);
  assert.equal(xmlNestingExceeds(`<r>${'<a/><!-- c --><b x="1"></b>'.repeat(1000)}</r>`, 2), false);
  assert.equal(xmlNestingExceeds(`<!DOCTYPE r><r><a><b/></a></r>`, 2), false);
  assert.equal(xmlNestingExceeds(`<r><a><b><c/></b></a></r>`, 2), true);
  assert.equal(xmlNestingExceeds('no markup', 1), false);
  assert.equal(xmlNestingExceeds('<unterminated', 0), false);
});

