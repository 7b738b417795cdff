import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';
import { sendRaw, signedQuery, xmlText } from '../support/raw-request.ts';

const NOW = new Date('2026-03-01T12:00:00Z');

describe('SigV4 authentication failures get AWS codes and messages', () => {
  let server: TestServer;
  const clock = new FixedClock(NOW);
  before(async () => {
    server = await startTestServer({}, { clock });
  });
  after(async () => server.stop());

  const identity = { Action: 'GetCallerIdentity', Version: '2011-06-15' };

  test('a correctly signed request succeeds (header and presigned forms, POST and GET)', async () => {
    for (const form of ['header', 'query'] as const) {
      for (const method of ['POST', 'GET'] as const) {
        const res = await signedQuery(server.url, server.root, identity, { service: 'sts', date: NOW, form, method });
        assert.equal(res.status, 200, `${form} ${method}: ${res.body}`);
        assert.equal(xmlText(res.body, 'Arn'), `arn:aws:iam::${server.accountId}:root`);
        assert.match(res.body, /<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
        assert.match(String(res.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
        assert.equal(xmlText(res.body, 'RequestId'), res.headers['x-amzn-requestid']);
      }
    }
  });

  test('no authentication at all → MissingAuthenticationToken', async () => {
    const res = await sendRaw(server.url, { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(identity).toString() });
    assert.equal(res.status, 403);
    assert.equal(xmlText(res.body, 'Code'), 'MissingAuthenticationToken');
    assert.equal(xmlText(res.body, 'Type'), 'Sender');
    assert.match(res.body, /^<ErrorResponse/);
  });

  test('a malformed Authorization header → IncompleteSignature', async () => {
    const res = await sendRaw(server.url, {
      method: 'POST', path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20260301', 'x-amz-date': '20260301T120000Z' },
      body: new URLSearchParams(identity).toString(),
    });
    assert.equal(res.status, 400);
    assert.equal(xmlText(res.body, 'Code'), 'IncompleteSignature');
  });

  test('wrong secret → SignatureDoesNotMatch with AWS message', async () => {
    const res = await signedQuery(server.url, { ...server.root, secretAccessKey: 'wrong' }, identity, { service: 'sts', date: NOW });
    assert.equal(res.status, 403);
    assert.equal(xmlText(res.body, 'Code'), 'SignatureDoesNotMatch');
    assert.equal(xmlText(res.body, 'Message'), 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  });

  test('unknown access key → InvalidClientTokenId', async () => {
    const res = await signedQuery(server.url, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }, identity, { service: 'sts', date: NOW });
    assert.equal(res.status, 403);
    assert.equal(xmlText(res.body, 'Code'), 'InvalidClientTokenId');
    assert.equal(xmlText(res.body, 'Message'), 'The security token included in the request is invalid.');
  });

  test('clock skew over 15 minutes → SignatureDoesNotMatch "Signature expired"', async () => {
    const early = new Date(NOW.getTime() - 16 * 60_000);
    const res = await signedQuery(server.url, server.root, identity, { service: 'sts', date: early });
    assert.equal(res.status, 403);
    assert.equal(xmlText(res.body, 'Code'), 'SignatureDoesNotMatch');
    assert.equal(xmlText(res.body, 'Message'), 'Signature expired: 20260301T114400Z is now earlier than 20260301T114500Z (20260301T120000Z - 15 min.)');
    const within = await signedQuery(server.url, server.root, identity, { service: 'sts', date: new Date(NOW.getTime() - 14 * 60_000) });
    assert.equal(within.status, 200);
  });

  test('a scope naming another service → SignatureDoesNotMatch naming the right one', async () => {
    const res = await signedQuery(server.url, server.root, identity, { service: 'iam', date: NOW });
    assert.equal(res.status, 403);
    assert.equal(xmlText(res.body, 'Code'), 'SignatureDoesNotMatch');
    assert.equal(xmlText(res.body, 'Message'), "Credential should be scoped to correct service: 'sts'. ");
  });

  test('an expired presigned URL is refused', async () => {
    const signedAt = new Date(NOW.getTime() - 10 * 60_000);
    const res = await signedQuery(server.url, server.root, identity, { service: 'sts', date: signedAt, form: 'query', method: 'GET' });
    assert.equal(res.status, 200, 'within its 900 s');
    clock.advanceSeconds(600);
    try {
      const late = await signedQuery(server.url, server.root, identity, { service: 'sts', date: signedAt, form: 'query', method: 'GET' });
      // AWS's common error for a request past its presigned lifetime (IAM/STS common errors).
      assert.equal(late.status, 400, late.body);
      assert.equal(xmlText(late.body, 'Code'), 'RequestExpired');
    } finally {
      clock.set(NOW);
    }
  });

  test('the SDK signs with the real clock; the server follows a real clock too when not frozen', async () => {
    const real = await startTestServer();
    try {
      const who = await real.sts().send(new GetCallerIdentityCommand({}));
      assert.equal(who.Account, real.accountId);
    } finally {
      await real.stop();
    }
  });
});
