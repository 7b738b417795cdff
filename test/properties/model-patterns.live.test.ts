// A caller whose key carries no permission sends 1 MiB values built to make a
// backtracking matcher take hours; a live server answers with AWS's validation
// error at once, since parsing (and so pattern matching) precedes authorization.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { signedJson, signedQuery, xmlText } from '../support/raw-request.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/** Generous for a loaded machine; the quadratic matcher this replaces needed hours on these values. */
const ANSWER_WITHIN_MS = 2_000;
const VALUE_UNITS = 1024 * 1024 - 4096;

describe('a 1 MiB parameter against a model pattern, from a key with no permissions', () => {
  let server: TestServer;
  let powerless: Credentials;

  before(async () => {
    server = await startTestServer();
    await server.iam().send(new CreateUserCommand({ UserName: 'powerless' }));
    const { AccessKey } = await server.iam().send(new CreateAccessKeyCommand({ UserName: 'powerless' }));
    powerless = { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
  });
  after(async () => server.stop());

  it('Organizations CreateAccount with an email-like near miss: InvalidInputException, quickly', async () => {
    // a@a.a.a.…a. then a space: every dot is a place the old matcher tried the rest from.
    const email = `a@${'a.'.repeat(VALUE_UNITS / 2)} `;
    const started = performance.now();
    const res = await signedJson(server.url, powerless, 'AWSOrganizationsV20161128.CreateAccount', { Email: email, AccountName: 'x' });
    const elapsed = performance.now() - started;
    assert.equal(res.status, 400, res.body.slice(0, 300));
    const body = JSON.parse(res.body) as { __type?: string; Message?: string; message?: string; Reason?: string };
    assert.match(body.__type ?? '', /InvalidInputException$/);
    assert.equal(body.Reason, 'INVALID_PATTERN');
    assert.ok(elapsed < ANSWER_WITHIN_MS, `answered in ${elapsed.toFixed(0)} ms`);
  });

  it('IAM CreateUser with an over-long bad name: ValidationError naming pattern then length, quickly', async () => {
    const name = `${'a'.repeat(VALUE_UNITS / 2)} `;
    const started = performance.now();
    const res = await signedQuery(server.url, powerless, { Action: 'CreateUser', Version: '2010-05-08', UserName: name });
    const elapsed = performance.now() - started;
    assert.equal(res.status, 400, res.body.slice(0, 300));
    assert.equal(xmlText(res.body, 'Code'), 'ValidationError');
    const value = `Value '${name}' at 'userName' failed to satisfy constraint: `;
    assert.equal(
      xmlText(res.body, 'Message'),
      `2 validation errors detected: ${value}Member must satisfy regular expression pattern: [\\w+=,.@-]+; ` +
        `${value}Member must have length less than or equal to 64`,
    );
    assert.ok(elapsed < ANSWER_WITHIN_MS, `answered in ${elapsed.toFixed(0)} ms`);
  });

  it('the same key is still refused the operation when its input is valid', async () => {
    const res = await signedQuery(server.url, powerless, { Action: 'CreateUser', Version: '2010-05-08', UserName: 'valid-name' });
    assert.equal(res.status, 403, res.body.slice(0, 300));
    assert.equal(xmlText(res.body, 'Code'), 'AccessDenied');
  });
});
