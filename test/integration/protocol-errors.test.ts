import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';
import { sendRaw, signedJson, signedQuery, xmlText } from '../support/raw-request.ts';

describe('Query protocol edges', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('unknown Action → InvalidAction 400', async () => {
    const res = await signedQuery(server.url, server.root, { Action: 'MakeMeAdmin', Version: '2010-05-08' });
    assert.equal(res.status, 400);
    assert.equal(xmlText(res.body, 'Code'), 'InvalidAction');
  });

  test('an operation of the model not implemented yet → NotImplemented naming it', async () => {
    // Tessera serves the slice of CloudTrail that event history and trails need; the rest of the
    // model answers NotImplemented, in its JSON 1.1 protocol.
    const res = await signedJson(server.url, server.root, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.CreateEventDataStore', { Name: 'store' }, { service: 'cloudtrail' });
    assert.equal(res.status, 501, res.body);
    assert.equal(JSON.parse(res.body).__type, 'NotImplemented');
    assert.match(JSON.parse(res.body).message ?? JSON.parse(res.body).Message ?? '', /CreateEventDataStore/);
  });

  test('several validation errors are counted and joined as AWS does', async () => {
    const res = await signedQuery(server.url, server.root, { Action: 'CreateUser', Version: '2010-05-08', UserName: 'a b', Path: `/${'p'.repeat(512)}/` });
    assert.equal(res.status, 400);
    assert.equal(xmlText(res.body, 'Code'), 'ValidationError');
    assert.match(xmlText(res.body, 'Message') ?? '', /^2 validation errors detected: Value '.*' at '.*' failed to satisfy constraint: .*; Value '.*' at '.*' failed to satisfy constraint: .*$/);
  });

  test('a missing required parameter is "Member must not be null"', async () => {
    const res = await signedQuery(server.url, server.root, { Action: 'CreateUser', Version: '2010-05-08' });
    assert.equal(res.status, 400);
    assert.equal(xmlText(res.body, 'Message'), "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null");
  });

  test('lists in the flattened form (Tags.member.N.Key) are parsed', async () => {
    const res = await signedQuery(server.url, server.root, {
      Action: 'CreateUser', Version: '2010-05-08', UserName: 'tagged',
      'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1', 'Tags.member.2.Key': 'b', 'Tags.member.2.Value': '2',
    });
    assert.equal(res.status, 200, res.body);
    const compact = res.body.replace(/>\s+</g, '><');
    assert.match(compact, /<Tags><member><Key>a<\/Key><Value>1<\/Value><\/member><member><Key>b<\/Key><Value>2<\/Value><\/member><\/Tags>/);
  });

  test('a body over 1 MiB is refused with 413 before anything else', async () => {
    const res = await sendRaw(server.url, { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&x=' + 'a'.repeat(1024 * 1024) });
    assert.equal(res.status, 413);
  });

  test('XML special characters are escaped in responses', async () => {
    const res = await signedQuery(server.url, server.root, {
      // IAM paths may hold any printable ASCII, so they carry XML's special characters.
      Action: 'CreateUser', Version: '2010-05-08', UserName: 'xml-user', Path: '/a<&>"b/',
    });
    assert.equal(res.status, 200, res.body);
    assert.ok(/<Path>\/a&lt;&amp;&gt;(&quot;|")b\/<\/Path>/.test(res.body), res.body);
  });
});
