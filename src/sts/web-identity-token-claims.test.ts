import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AWS_CLAIMS_NAMESPACE, MAX_PAYLOAD_BYTES, payloadBytes, tokenClaims, type TokenClaimsInput } from './web-identity-token-claims.ts';

const base: TokenClaimsInput = {
  issuer: 'http://127.0.0.1:4600/_tessera/outbound/0123456789abcdef0123456789abcdef',
  audiences: ['https://api.example.com'],
  subject: 'arn:aws:iam::111122223333:role/app',
  principalArn: 'arn:aws:sts::111122223333:assumed-role/app/s1',
  accountId: '111122223333',
  region: 'eu-west-1',
  issuedAtSeconds: 1_700_000_000,
  durationSeconds: 300,
  jti: 'j-1',
  principalTags: {},
  requestTags: [],
};

test('token claims: the standard claims and the AWS namespace', () => {
  const claims = tokenClaims({ ...base, principalTags: { team: 'data' }, requestTags: [{ Key: 'job', Value: '7' }], orgId: 'o-abcdefghij' });
  assert.equal(claims['iss'], base.issuer);
  assert.equal(claims['aud'], 'https://api.example.com');
  assert.equal(claims['sub'], 'arn:aws:iam::111122223333:role/app');
  assert.equal(claims['exp'], 1_700_000_300);
  assert.deepEqual(JSON.parse(JSON.stringify(claims[AWS_CLAIMS_NAMESPACE])), {
    aws_account: '111122223333', source_region: 'eu-west-1', principal_id: 'arn:aws:sts::111122223333:assumed-role/app/s1',
    org_id: 'o-abcdefghij', principal_tags: { team: 'data' }, request_tags: { job: '7' },
  });
});

test('token claims: several audiences are an array; empty tag sets and no organization are left out', () => {
  const claims = tokenClaims({ ...base, audiences: ['a', 'b'] });
  assert.deepEqual(claims['aud'], ['a', 'b']);
  const aws = claims[AWS_CLAIMS_NAMESPACE] as Record<string, unknown>;
  assert.equal('principal_tags' in aws || 'request_tags' in aws || 'org_id' in aws, false);
});

test('token claims: a tag named __proto__ is an ordinary key', () => {
  const claims = tokenClaims({ ...base, requestTags: [{ Key: '__proto__', Value: 'x' }] });
  assert.match(JSON.stringify(claims), /"request_tags":\{"__proto__":"x"\}/);
});

test('payload size: 50 long request tags and 50 long principal tags exceed the limit', () => {
  const requestTags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`.padEnd(128, 'k'), Value: 'v'.repeat(256) }));
  const principalTags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`.padEnd(128, 'p'), 'v'.repeat(256)]));
  assert.ok(payloadBytes(tokenClaims(base)) < MAX_PAYLOAD_BYTES);
  assert.ok(payloadBytes(tokenClaims({ ...base, requestTags, principalTags })) > MAX_PAYLOAD_BYTES);
});
