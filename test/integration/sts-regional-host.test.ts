import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { signRequest } from '../../src/sigv4/index.ts';
import { sendRaw, xmlText, type RawResponse } from '../support/raw-request.ts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * STS refuses a signature scoped to another region than the endpoint it was sent to:
 * `--endpoint-url https://sts.us-east-1.amazonaws.com --region us-east-2` gets
 * SignatureDoesNotMatch "Credential should be scoped to a valid region, not 'us-east-2'. "
 * (cloud-custodian/cloud-custodian#4874), and the global sts.amazonaws.com is us-east-1's
 * (aws/aws-sdk-net#73). A Host that names no region (127.0.0.1:PORT) keeps every region.
 */
describe('STS: the credential scope\'s region and the regional endpoint', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  /** GetCallerIdentity signed for `region`, sent with Host `host` (the client resolved it to this server). */
  async function callerIdentity(host: string, region: string): Promise<RawResponse> {
    const body = new URLSearchParams({ Action: 'GetCallerIdentity', Version: '2011-06-15' }).toString();
    const signed = signRequest(
      { method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
      server.root,
      { region, service: 'sts', date: new Date() },
    );
    return sendRaw(server.url, { method: 'POST', path: '/', headers: signed.headers, body });
  }

  function assertWrongRegion(res: RawResponse, region: string): void {
    assert.equal(res.status, 403, res.body);
    assert.equal(xmlText(res.body, 'Code'), 'SignatureDoesNotMatch');
    assert.equal(xmlText(res.body, 'Type'), 'Sender');
    assert.equal(xmlText(res.body, 'Message'), `Credential should be scoped to a valid region, not '${region}'. `);
  }

  test('a regional STS host refuses a scope naming another region', async () => {
    assertWrongRegion(await callerIdentity('sts.eu-west-1.amazonaws.com', 'us-west-2'), 'us-west-2');
    assertWrongRegion(await callerIdentity('sts.us-east-1.amazonaws.com', 'us-east-2'), 'us-east-2');
    assertWrongRegion(await callerIdentity('STS.EU-WEST-1.AMAZONAWS.COM:443', 'eu-central-1'), 'eu-central-1');
    assertWrongRegion(await callerIdentity('sts-fips.us-gov-west-1.amazonaws.com', 'us-east-1'), 'us-east-1');
  });

  test('the global STS host is us-east-1\'s', async () => {
    assertWrongRegion(await callerIdentity('sts.amazonaws.com', 'us-west-1'), 'us-west-1');
    assert.equal((await callerIdentity('sts.amazonaws.com', 'us-east-1')).status, 200);
  });

  test('a scope naming the host\'s region is served', async () => {
    for (const [host, region] of [['sts.eu-west-1.amazonaws.com', 'eu-west-1'], ['sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'], ['sts.ap-southeast-2.amazonaws.com.', 'ap-southeast-2']] as const) {
      const res = await callerIdentity(host, region);
      assert.equal(res.status, 200, `${host}: ${res.body}`);
      assert.equal(xmlText(res.body, 'Account'), server.accountId);
    }
  });

  test('a host that names no region keeps every region (endpoint-url http://127.0.0.1:PORT)', async () => {
    const host = new URL(server.url).host;
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) assert.equal((await callerIdentity(host, region)).status, 200, region);
    assert.equal((await callerIdentity('localhost', 'eu-west-1')).status, 200);
    assert.equal((await callerIdentity('sts.tessera.internal', 'eu-west-1')).status, 200);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const out = await server.sts(server.root, region).send(new GetCallerIdentityCommand({}));
      assert.equal(out.Account, server.accountId);
    }
  });
});
