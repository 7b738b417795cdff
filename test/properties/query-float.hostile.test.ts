// The Query protocol's float syntax, scanned in one pass: the same language as
// the RegExp it replaced, without its quadratic backtracking on long digit runs.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '../../src/protocol/errors.ts';
import { buildServiceModel } from '../../src/protocol/model.ts';
import { isQueryFloat, parseQueryParams } from '../../src/protocol/query-parser.ts';
import { bestTime } from '../support/timing.ts';

/** The RegExp the parser used before: the reference for the language, and for the timing it must beat. */
const FORMER_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^(NaN|[+-]?Infinity)$/;
const BOUND_MS = 10;

const model = buildServiceModel('iam', {
  metadata: { apiVersion: '1', protocol: 'query', endpointPrefix: 'test', serviceId: 'Test' },
  operations: {},
  shapes: { Input: { type: 'structure', members: { Ratio: { shape: 'Ratio' } } }, Ratio: { type: 'double' } },
});

describe('isQueryFloat', () => {
  it('accepts exactly what the former RegExp accepted, for every string of up to 4 of these characters', () => {
    const alphabet = ['0', '9', '.', 'e', 'E', '+', '-', 'N', 'a', 'I', 'x', ' '];
    let checked = 0;
    const visit = (text: string, depth: number): void => {
      assert.equal(isQueryFloat(text), FORMER_FLOAT.test(text), JSON.stringify(text));
      checked += 1;
      if (depth > 0) for (const c of alphabet) visit(text + c, depth - 1);
    };
    visit('', 4);
    for (const text of ['NaN', 'Infinity', '+Infinity', '-Infinity', '+NaN', 'Infinityx', 'infinity', '1.5E-3', '.5', '5.', '-.5e+10']) {
      assert.equal(isQueryFloat(text), FORMER_FLOAT.test(text), text);
    }
    assert.ok(checked > 20_000);
  });

  it('judges 20,000 digits and a wrong character within the bound, where the former RegExp did not', () => {
    const hostile = Buffer.from(`${'1'.repeat(20_000)}x`, 'utf16le').toString('utf16le');
    assert.ok(bestTime(() => isQueryFloat(hostile), BOUND_MS) <= BOUND_MS);
    assert.ok(bestTime(() => FORMER_FLOAT.test(hostile), BOUND_MS, 1) > BOUND_MS, 'the former RegExp was fast: the input is not hostile');
  });

  it('refuses a 1 MiB near miss through the parser with the Query ValidationError, quickly', () => {
    const raw = `${'1'.repeat(1024 * 1024 - 1)}x`;
    const ms = bestTime(() => assert.throws(
      () => parseQueryParams('iam', model, 'Input', new URLSearchParams({ Ratio: raw })),
      (error: unknown) => error instanceof ServiceError && error.code === 'ValidationError' && error.message.endsWith('for parameter Ratio: expected a number'),
    ), 200);
    assert.ok(ms < 200, `${ms.toFixed(0)} ms`);
    assert.equal(parseQueryParams('iam', model, 'Input', new URLSearchParams({ Ratio: '-2.5e3' })).Ratio, -2500);
  });
});
