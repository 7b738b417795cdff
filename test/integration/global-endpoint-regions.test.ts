import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../src/sigv4/index.ts';
import { sendRaw, xmlText, type RawResponse } from '../support/raw-request.ts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * IAM's and Organizations' one endpoint each is in us-east-1: a request sent with Host
 * iam.amazonaws.com (or organizations.us-east-1.amazonaws.com) must be signed for us-east-1, as
 * STS's regional hosts must be signed for theirs (sts-regional-host.test.ts). A Host that names no
 * region (the endpoint-url of a local server) keeps every region.
 */
describe('IAM and Organizations: the credential scope\'s region and the global endpoint', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  function iam(host: string, region: string): Promise<RawResponse> {
    const body = new URLSearchParams({ Action: 'ListUsers', Version: '2010-05-08' }).toString();
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, server.root, { region, service: 'iam', date: new Date() });
    return sendRaw(server.url, { method: 'POST', path: '/', headers: signed.headers, body });
  }

  function organizations(host: string, region: string): Promise<RawResponse> {
    const body = '{}';
    const headers = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSOrganizationsV20161128.DescribeOrganization' };
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers, body }, server.root, { region, service: 'organizations', date: new Date() });
    return sendRaw(server.url, { method: 'POST', path: '/', headers: signed.headers, body });
  }

  test('iam.amazonaws.com refuses a scope naming another region than us-east-1', async () => {
    const res = await iam('iam.amazonaws.com', 'eu-west-1');
    assert.equal(res.status, 403, res.body);
    assert.equal(xmlText(res.body, 'Code'), 'SignatureDoesNotMatch');
    assert.equal(xmlText(res.body, 'Message'), 'Credential should be scoped to a valid region, not \'eu-west-1\'. ');
    assert.equal((await iam('iam.amazonaws.com', 'us-east-1')).status, 200);
  });

  test('organizations.us-east-1.amazonaws.com refuses another region, in Organizations\' JSON', async () => {
    const res = await organizations('organizations.us-east-1.amazonaws.com', 'eu-west-1');
    assert.equal(res.status, 400, res.body);
    const answer = JSON.parse(res.body) as { __type: string; message?: string; Message?: string };
    assert.equal(answer.__type, 'InvalidSignatureException');
    assert.match(answer.message ?? answer.Message ?? '', /Credential should be scoped to a valid region, not 'eu-west-1'/);
    // Signed for us-east-1, it passes authentication (the root of an account in no organization).
    const ok = await organizations('organizations.us-east-1.amazonaws.com', 'us-east-1');
    assert.equal(JSON.parse(ok.body).__type, 'AWSOrganizationsNotInUseException');
  });

  test('a host that names no region keeps every region', async () => {
    const local = new URL(server.url).host;
    assert.equal((await iam(local, 'eu-west-1')).status, 200);
    assert.equal(JSON.parse((await organizations(local, 'ap-south-1')).body).__type, 'AWSOrganizationsNotInUseException');
  });
});
