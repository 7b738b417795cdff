import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { isoSeconds } from '../../src/kernel/clock.ts';
import { accessKeyId, secretAccessKey } from '../../src/kernel/ids.ts';
import { cryptoRandom } from '../../src/kernel/random.ts';
import type { SessionClaims } from '../../src/kernel/session.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { sendRaw, signedJson } from '../support/raw-request.ts';

/**
 * Authentication errors as an Organizations (JSON 1.1) client reads them: the JSON dialect's
 * codes (InvalidSignatureException, UnrecognizedClientException, …) with its 400 status, not
 * the Query services' SignatureDoesNotMatch or InvalidClientTokenId. Organizations operations
 * answer NotImplemented once authenticated; only authentication is under test here.
 */
describe('Organizations: authentication errors in the JSON dialect', () => {
  let server: TestServer;
  const clients: OrganizationsClient[] = [];
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.stop();
  });

  function organizations(credentials: Credentials, options: { systemClockOffset?: number } = {}): OrganizationsClient {
    const client = new OrganizationsClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1, ...options });
    clients.push(client);
    return client;
  }

  test('valid credentials pass authentication (and reach the operation: no organization yet)', async () => {
    const err = await awsError(() => organizations(server.root).send(new DescribeOrganizationCommand({})));
    assert.equal(err.name, 'AWSOrganizationsNotInUseException');
    assert.equal(err.status, 400);
  });

  test('an unknown access key is UnrecognizedClientException', async () => {
    const err = await awsError(() => organizations({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) }).send(new ListAccountsCommand({})));
    assert.deepEqual([err.name, err.status, err.message], ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.']);
  });

  test('a wrong secret is InvalidSignatureException', async () => {
    const err = await awsError(() => organizations({ ...server.root, secretAccessKey: 'wrong'.repeat(8) }).send(new ListAccountsCommand({})));
    assert.equal(err.name, 'InvalidSignatureException');
    assert.equal(err.status, 400);
    assert.match(err.message, /^The request signature we calculated does not match the signature you provided\./);
  });

  test('a request signed an hour ago is InvalidSignatureException (Signature expired)', async () => {
    const err = await awsError(() => organizations(server.root, { systemClockOffset: -3600_000 }).send(new ListAccountsCommand({})));
    assert.equal(err.name, 'InvalidSignatureException');
    assert.equal(err.status, 400);
    assert.match(err.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  test('a signature scoped to another service is InvalidSignatureException', async () => {
    const res = await signedJson(server.url, server.root, 'AWSOrganizationsV20161128.ListAccounts', {}, { service: 'iam' });
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), { __type: 'InvalidSignatureException', Message: "Credential should be scoped to correct service: 'organizations'. " });
  });

  test('an expired session token is ExpiredTokenException', async () => {
    const now = Date.now();
    const id = accessKeyId(cryptoRandom, 'ASIA', server.accountId);
    const secret = secretAccessKey(cryptoRandom);
    const claims: SessionClaims = {
      v: 1, kind: 'user-session', accountId: server.accountId, accessKeyId: id, secretAccessKey: secret,
      user: { id: server.accountId, arn: `arn:aws:iam::${server.accountId}:root`, root: true },
      issuedAt: isoSeconds(new Date(now - 2 * 3600_000)), expiresAt: isoSeconds(new Date(now - 3600_000)),
    };
    const token = await server.tessera.deps.sessions.issue(claims);
    const err = await awsError(() => organizations({ accessKeyId: id, secretAccessKey: secret, sessionToken: token }).send(new ListAccountsCommand({})));
    assert.deepEqual([err.name, err.status, err.message], ['ExpiredTokenException', 400, 'The security token included in the request is expired']);
  });

  test('an unsigned request is MissingAuthenticationTokenException', async () => {
    const res = await sendRaw(server.url, { method: 'POST', path: '/', headers: { 'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
    assert.deepEqual(JSON.parse(res.body), { __type: 'MissingAuthenticationTokenException', Message: 'Missing Authentication Token' });
  });

  test('a malformed Authorization header is IncompleteSignatureException', async () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=AKIAROOTTESTKEY00001/20250101/us-east-1/organizations/aws4_request';
    const res = await sendRaw(server.url, { method: 'POST', path: '/', headers: { authorization, 'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts' }, body: '{}' });
    assert.equal(res.status, 400);
    const body = JSON.parse(res.body);
    assert.equal(body.__type, 'IncompleteSignatureException');
    assert.match(body.Message, /^Authorization header requires 'Signature' parameter\./);
  });

  test('the Query services keep their own codes for the same failures', async () => {
    const res = await sendRaw(server.url, { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListUsers&Version=2010-05-08' });
    assert.equal(res.status, 403);
    assert.match(res.body, /<Code>MissingAuthenticationToken<\/Code>/);
  });
});
