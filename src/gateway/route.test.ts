import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeRequest, virtualHostedBucket } from './route.ts';
import { bestTime } from '../../test/support/timing.ts';

const SERVED = new Set(['iam', 'sts', 'organizations', 'cloudtrail']);
const scope = (service: string) => `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;
const route = (head: { method?: string; path?: string; query?: string; headers?: Record<string, string> }, s3Upstream = true) =>
  routeRequest({ method: head.method ?? 'GET', path: head.path ?? '/', query: head.query ?? '', headers: head.headers ?? {} }, { served: SERVED, s3Upstream });

test('a SigV4 scope naming a service Tessera does not serve is the gateway\'s, header or presigned', () => {
  assert.deepEqual(route({ headers: { authorization: scope('s3') } }), { kind: 'gateway', service: 's3', unsigned: false });
  assert.deepEqual(route({ headers: { authorization: scope('dynamodb') } }, false), { kind: 'gateway', service: 'dynamodb', unsigned: false });
  assert.deepEqual(route({ query: `X-Amz-Credential=${encodeURIComponent('AKID/20240101/us-east-1/s3/aws4_request')}` }), { kind: 'gateway', service: 's3', unsigned: false });
  for (const service of SERVED) assert.deepEqual(route({ headers: { authorization: scope(service) } }), { kind: 'tessera' });
  assert.deepEqual(route({ headers: { authorization: scope('s3'), host: 'photos.localhost:4600' } }), { kind: 'gateway', service: 's3', unsigned: false, hostBucket: 'photos' });
});

test('unsigned requests are S3\'s only with an S3 upstream, and never when shaped like STS or IAM', () => {
  assert.deepEqual(route({ path: '/bucket/key' }), { kind: 'gateway', service: 's3', unsigned: true });
  assert.deepEqual(route({ path: '/bucket/key' }, false), { kind: 'tessera' });
  assert.deepEqual(route({ query: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15' }), { kind: 'tessera' });
  assert.deepEqual(route({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } }), { kind: 'tessera' });
  assert.deepEqual(route({ method: 'POST', headers: { 'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts' } }), { kind: 'tessera' });
  // A SigV2 header is S3's (and refused there); a malformed SigV4 header stays Tessera's, which explains it.
  assert.deepEqual(route({ headers: { authorization: 'AWS AKID:c2ln' } }), { kind: 'gateway', service: 's3', unsigned: true });
  assert.deepEqual(route({ headers: { authorization: 'AWS4-HMAC-SHA256 garbage' } }), { kind: 'tessera' });
});

test('virtual-hosted buckets come from *.localhost, *.s3.localhost and S3\'s own host names only', () => {
  assert.equal(virtualHostedBucket('photos.localhost:4600'), 'photos');
  assert.equal(virtualHostedBucket('my.dotted.bucket.s3.localhost'), 'my.dotted.bucket');
  assert.equal(virtualHostedBucket('logs.s3.us-west-2.amazonaws.com'), 'logs');
  assert.equal(virtualHostedBucket('logs.s3-us-west-2.amazonaws.com'), 'logs');
  for (const host of ['localhost:4600', '127.0.0.1:4600', '[::1]:4600', 'tessera:4600', 'Abc.localhost', 'ab.localhost', '-x-.localhost', `${'a'.repeat(70)}.localhost`, undefined]) {
    assert.equal(virtualHostedBucket(host), host === 'Abc.localhost' ? 'abc' : undefined, String(host));
  }
});

test('hostile: long hosts, queries and scopes are routed in linear time', () => {
  for (const size of [1024, 64 * 1024]) {
    const ms = bestTime(() => {
      route({ headers: { host: `${'a.'.repeat(size)}localhost`, authorization: `AWS4-HMAC-SHA256 Credential=${'/'.repeat(size)}` }, query: '&'.repeat(size) });
      route({ query: `Action${'='.repeat(size)}` });
    }, 50);
    assert.ok(ms < 50, `${size}: ${ms.toFixed(1)} ms`);
  }
});
