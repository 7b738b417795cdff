import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awsPrincipalValues, replaceAwsPrincipalValues } from './principal-values.ts';
import { bestTime } from '../../test/support/timing.ts';

const A = '111122223333';
const bob = `arn:aws:iam::${A}:user/bob`;
const app = `arn:aws:iam::${A}:role/app`;

describe('awsPrincipalValues', () => {
  it('lists the AWS values of Principal and NotPrincipal, strings and arrays, once each', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: bob }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', NotPrincipal: { AWS: [app, A, bob] }, Action: 'sts:AssumeRole' },
      ],
    });
    assert.deepEqual(awsPrincipalValues(text), [bob, app, A]);
  });

  it('reads a single statement object and decodes escapes', () => {
    const text = `{"Statement":{"Principal":{"AWS":"arn:aws:iam::${A}:user\\/bob"},"Effect":"Allow","Action":"sts:AssumeRole"}}`;
    assert.deepEqual(awsPrincipalValues(text), [bob]);
  });

  it('ignores everything that is not an AWS principal: services, federated, conditions, resources, other places', () => {
    const text = JSON.stringify({
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com', Federated: app },
        Action: 'sts:AssumeRole',
        Condition: { ArnEquals: { 'aws:PrincipalArn': bob } },
        Resource: bob,
      }, 'not a statement', { Principal: '*' }],
      AWS: bob,
      Principal: { AWS: bob },
    });
    assert.deepEqual(awsPrincipalValues(text), []);
  });

  it('answers nothing for text that is not a JSON object, without throwing', () => {
    for (const text of ['', 'null', '[1,2]', '{"Statement":', '{"Statement":[{"Principal":{"AWS":"x"}', '{"a" 1}', '"x"', '{"Statement":[{"Principal":{"AWS":[1,"y",{"z":"w"}]}}]}']) {
      const values = awsPrincipalValues(text);
      assert.ok(Array.isArray(values), text);
    }
    assert.deepEqual(awsPrincipalValues('{"Statement":[{"Principal":{"AWS":[1,"y",{"z":"w"}]}}]}'), ['y'], 'non-string elements are skipped');
    assert.deepEqual(awsPrincipalValues('{"Statement":[{"Principal":{"AWS":"x"}'), [], 'unterminated documents yield nothing');
  });

  it('visits every duplicate member, whichever one JSON.parse keeps', () => {
    const text = `{"Statement":{"Principal":{"AWS":"${bob}"},"Principal":{"AWS":"${app}","AWS":"${A}"}}}`;
    assert.deepEqual(awsPrincipalValues(text), [bob, app, A]);
  });

  it('scans hostile input in linear time', () => {
    const deep = `{"Statement":[{"Principal":{"AWS":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}}]}`;
    const many = JSON.stringify({ Statement: [{ Principal: { AWS: Array.from({ length: 50_000 }, (_, i) => `arn:aws:iam::${A}:user/u${i}`) } }] });
    const escapes = '{"Statement":"' + '\\"'.repeat(200_000);
    const ms = bestTime(() => {
      assert.deepEqual(awsPrincipalValues(deep), []);
      assert.equal(awsPrincipalValues(many).length, 50_000);
      assert.deepEqual(awsPrincipalValues(escapes), []);
    }, 2000);
    assert.ok(ms < 2000, `well under two seconds (${ms.toFixed(0)} ms)`);
  });
});

describe('replaceAwsPrincipalValues', () => {
  it('replaces mapped principal values only, keeping every other character', () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [ {
      "Effect" : "Allow",
      "Principal": { "AWS": [ "${bob}",  "${A}" ] },
      "Action": "sts:AssumeRole",
      "Condition": { "ArnEquals": { "aws:PrincipalArn": "${bob}" } }
  } ]
}`;
    const out = replaceAwsPrincipalValues(text, new Map([[bob, 'AIDAEXAMPLEEXAMPLE12']]));
    assert.equal(out, text.replace(`[ "${bob}",`, '[ "AIDAEXAMPLEEXAMPLE12",'));
    assert.match(out, /"aws:PrincipalArn": "arn:aws:iam::111122223333:user\/bob"/, 'the condition keeps the ARN');
  });

  it('replaces an escaped spelling of the value, and NotPrincipal values too', () => {
    const text = `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::${A}:role\\/app"},"Action":"*"}]}`;
    const out = replaceAwsPrincipalValues(text, new Map([[app, 'AROAEXAMPLEEXAMPLE12']]));
    assert.equal(out, `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"AROAEXAMPLEEXAMPLE12"},"Action":"*"}]}`);
  });

  it('returns the text unchanged when nothing is mapped or the text is not a policy', () => {
    const text = JSON.stringify({ Statement: { Principal: { AWS: bob } } });
    assert.equal(replaceAwsPrincipalValues(text, new Map()), text);
    assert.equal(replaceAwsPrincipalValues(text, new Map([[app, 'x']])), text);
    assert.equal(replaceAwsPrincipalValues('not json', new Map([[bob, 'x']])), 'not json');
  });

  it('JSON-encodes the replacement, so a mapped value cannot break out of its string', () => {
    const text = JSON.stringify({ Statement: { Principal: { AWS: bob } } });
    const out = replaceAwsPrincipalValues(text, new Map([[bob, '","AWS":"*']]));
    assert.deepEqual(JSON.parse(out), { Statement: { Principal: { AWS: '","AWS":"*' } } });
  });
});
