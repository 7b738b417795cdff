import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64, parseBool, parseDate, parseNumber } from './typed-values.ts';

describe('typed value parsing', () => {
  it('parses numbers strictly', () => {
    assert.equal(parseNumber('42'), 42);
    assert.equal(parseNumber('-3.5'), -3.5);
    assert.equal(parseNumber('1e3'), 1000);
    assert.equal(parseNumber('.5'), 0.5);
    for (const bad of ['', ' 1', '1 ', '0x10', 'NaN', 'Infinity', '1,000', 'abc']) assert.equal(parseNumber(bad), null, bad);
  });

  it('parses ISO 8601 dates with and without time and offset, and epoch seconds', () => {
    const utc = Date.UTC(2020, 0, 2, 3, 4, 5);
    assert.equal(parseDate('2020-01-02T03:04:05Z'), utc);
    assert.equal(parseDate('2020-01-02T03:04:05'), utc, 'no offset means UTC');
    assert.equal(parseDate('2020-01-02T05:04:05+02:00'), utc);
    assert.equal(parseDate('2020-01-02T01:04:05-0200'), utc);
    assert.equal(parseDate('2020-01-02T03:04:05.250Z'), utc + 250);
    assert.equal(parseDate('2020-01-02'), Date.UTC(2020, 0, 2));
    assert.equal(parseDate('20200102T030405Z'), utc);
    assert.equal(parseDate(String(utc / 1000)), utc);
    for (const bad of ['', '2020-13-01', '2020-02-30', '2020-01-02T25:00:00Z', 'yesterday', '2020/01/02']) {
      assert.equal(parseDate(bad), null, bad);
    }
  });

  it('parses booleans case-insensitively and nothing else', () => {
    assert.equal(parseBool('true'), true);
    assert.equal(parseBool('FALSE'), false);
    assert.equal(parseBool('yes'), null);
    assert.equal(parseBool('1'), null);
  });

  it('decodes base64 so equal bytes compare equal with or without padding', () => {
    assert.equal(decodeBase64('QmluYXJ5'), 'Binary');
    assert.equal(decodeBase64('YQ=='), decodeBase64('YQ'));
    assert.equal(decodeBase64('YQ=='), 'a');
    assert.equal(decodeBase64('not base64!'), null);
    assert.equal(decodeBase64('Y'), null);
  });
});
