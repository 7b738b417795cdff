import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAmzDate, parseAmzDate, parseHttpDate } from './amz-date.ts';

test('formatAmzDate writes ISO-8601 basic format in UTC, without fractions', () => {
  assert.equal(formatAmzDate(new Date('2015-08-30T12:36:00.999Z')), '20150830T123600Z');
  assert.equal(formatAmzDate(new Date('0999-01-02T03:04:05Z')), '09990102T030405Z');
});

test('parseAmzDate reads exactly ISO-8601 basic format', () => {
  assert.equal(parseAmzDate('20150830T123600Z')?.toISOString(), '2015-08-30T12:36:00.000Z');
  assert.equal(parseAmzDate('20160229T000000Z')?.toISOString(), '2016-02-29T00:00:00.000Z');
  for (const bad of ['20150230T123600Z', '20151301T000000Z', '20150830T240000Z', '20150830T126000Z', '2015-08-30T12:36:00Z', '20150830T123600', ' 20150830T123600Z', '']) {
    assert.equal(parseAmzDate(bad), undefined, bad);
  }
  assert.equal(parseAmzDate('00990101T000000Z')?.getUTCFullYear(), 99);
});

test('parseHttpDate reads IMF-fixdate, and basic format as a courtesy', () => {
  assert.equal(parseHttpDate('Sun, 30 Aug 2015 12:36:00 GMT')?.toISOString(), '2015-08-30T12:36:00.000Z');
  assert.equal(parseHttpDate('20150830T123600Z')?.toISOString(), '2015-08-30T12:36:00.000Z');
  assert.equal(parseHttpDate('Sun, 31 Feb 2015 12:36:00 GMT'), undefined);
  assert.equal(parseHttpDate('Sunday, 30-Aug-15 12:36:00 GMT'), undefined);
  assert.equal(parseHttpDate('Sun, 30 Aug 2015 12:36:00 UTC'), undefined);
});
