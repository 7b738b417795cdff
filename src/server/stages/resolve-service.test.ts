import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveService } from './resolve-service.ts';
import type { RequestContext } from '../request-context.ts';

function context(headers: Record<string, string>, query = '', body = ''): RequestContext {
  return {
    requestId: 'r',
    receivedAt: new Date(0),
    startedMs: 0,
    http: { method: 'POST', path: '/', query, headers, body: Buffer.from(body), remoteAddress: '', secure: false },
  };
}

async function resolved(headers: Record<string, string>, query = '', body = ''): Promise<RequestContext> {
  const ctx = context(headers, query, body);
  await resolveService(ctx);
  return ctx;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

test('Action names the Query service; without a known Action, the credential scope does', async () => {
  assert.equal((await resolved(FORM, '', 'Action=GetCallerIdentity')).service, 'sts');
  assert.equal((await resolved(FORM, '', 'Action=ListUsers')).service, 'iam');
  const stsScope = { ...FORM, authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00' };
  assert.equal((await resolved(stsScope, '', 'Action=Nope')).service, 'sts');
  // The scope is read even when the rest of the header would fail authentication.
  assert.equal((await resolved({ authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts/aws4_request' })).service, 'sts');
  assert.equal((await resolved({}, `X-Amz-Credential=${encodeURIComponent('AKID/20150830/us-east-1/sts/aws4_request')}`)).service, 'sts');
  assert.equal((await resolved({ authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request' })).service, 'iam');
  assert.equal((await resolved({})).service, 'iam');
});

test('X-Amz-Target: the JSON service of its prefix; any other prefix, even an Object.prototype name, stays Organizations', async () => {
  const known = await resolved({ 'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts' });
  assert.equal(known.protocol, 'json');
  assert.equal(known.service, 'organizations');
  assert.equal(known.action, 'ListAccounts');
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    for (const target of [`${name}.X`, name, `AWSOrganizationsV20161128.${name}`, `${name}.${name}`]) {
      const ctx = await resolved({ 'x-amz-target': target });
      assert.equal(ctx.service, 'organizations', target);
      assert.equal(typeof ctx.service, 'string', target);
    }
  }
});

test('an Action or a scope service named after an Object.prototype member resolves to a service of ours', async () => {
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    assert.equal((await resolved(FORM, '', `Action=${name}`)).service, 'iam', name);
    const scope = { authorization: `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/${name}/aws4_request` };
    assert.equal((await resolved(scope, '', `Action=${name}`)).service, 'iam', name);
  }
});

/**
 * A ~16 KB header of one repeated character once cost ~0.3–0.9 s here (a backtracking
 * scope pattern), before any authentication. The bound is generous: the stage takes well
 * under a millisecond. The fastest of three runs is judged, so a busy machine cannot fail it.
 */
test('hostile input: long headers and presigned credentials of one character resolve in linear time', async () => {
  const bound = 50;
  for (const size of [1024, 8 * 1024, 16 * 1024, 64 * 1024]) {
    for (const char of ['a', '0', 'C', '/', ' ', ',', '=', '-']) {
      const long = char.repeat(size);
      const cases: Array<[string, Record<string, string>, string]> = [
        ['header', { authorization: long }, ''],
        ['header after the scheme', { authorization: `AWS4-HMAC-SHA256 Credential=${long}` }, ''],
        ['header of scope-like parts', { authorization: `AWS4-HMAC-SHA256 Credential=${`${char}/20150830/`.repeat(size / 16)}` }, ''],
        ['presigned', {}, `X-Amz-Credential=${encodeURIComponent(long)}`],
      ];
      for (const [form, headers, query] of cases) {
        let fastest = Infinity;
        for (let run = 0; run < 3; run++) {
          const started = performance.now();
          await resolveService(context(headers, query));
          fastest = Math.min(fastest, performance.now() - started);
        }
        assert.ok(fastest < bound, `${form}, ${size} × ${JSON.stringify(char)}: ${fastest.toFixed(1)} ms`);
      }
    }
  }
});
