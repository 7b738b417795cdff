import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { CloudWatchClient, ListMetricsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, type Credentials } from '../support/tessera-server.ts';

/**
 * The SDKs compress some request bodies (CloudWatch's PutMetricData over 10 KiB: gzip). The
 * gateway verifies the signature over the bytes as sent, then reads, authorizes and forwards the
 * decoded body — so what the upstream executes is what was authorized. A body that is not gzip, a
 * bomb past the body limit and any other coding are refused.
 */
describe('compressed request bodies through the gateway', () => {
  let env: GatewayEnv;
  const client = (credentials: Credentials) => new CloudWatchClient({ endpoint: env.server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  before(async () => {
    env = await startGatewayEnv();
  });
  after(() => env?.stop());

  /** A raw PutMetricData (JSON protocol) with this body and Content-Encoding, signed over the bytes sent. */
  async function putRaw(credentials: Credentials, body: Buffer, encoding: string): Promise<{ status: number; text: string }> {
    const url = new URL(env.server.url);
    const headers = {
      host: url.host, 'content-type': 'application/x-amz-json-1.0', 'content-encoding': encoding,
      'x-amz-target': 'GraniteServiceVersion20100801.PutMetricData', 'x-amzn-query-mode': 'true',
    };
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers, body }, credentials, { region: 'us-east-1', service: 'monitoring', date: new Date() });
    const res = await fetch(env.server.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    return { status: res.status, text: await res.text() };
  }

  const metrics = (namespace: string, count: number) => ({
    Namespace: namespace,
    MetricData: Array.from({ length: count }, (_, i) => ({ MetricName: `M${i}`, Value: i, Dimensions: [{ Name: 'Host', Value: 'h'.repeat(200) }] })),
  });

  test('the SDK\'s gzip body is authorized on what it holds and reaches the upstream decoded', async () => {
    const writer = await env.user('gz-writer', [
      allow('cloudwatch:PutMetricData', '*', { Condition: { StringEquals: { 'cloudwatch:namespace': 'Gz/Allowed' } } }),
      allow('cloudwatch:ListMetrics'),
    ]);
    const cw = client(writer);
    // 60 metrics with long dimensions: well over the SDK's 10 KiB compression threshold.
    await cw.send(new PutMetricDataCommand(metrics('Gz/Allowed', 60)));
    assert.equal((await cw.send(new ListMetricsCommand({ Namespace: 'Gz/Allowed' }))).Metrics?.length, 60);
    // The namespace is read from the decoded body: another one is refused, compressed or not.
    const refused = await awsError(() => cw.send(new PutMetricDataCommand(metrics('Gz/Other', 60))));
    assert.equal(refused.name, 'AccessDenied');
    assert.equal((await cw.send(new ListMetricsCommand({ Namespace: 'Gz/Other' }))).Metrics?.length ?? 0, 0);
    // The same body by hand: gzip of a JSON document naming the allowed namespace.
    const raw = await putRaw(writer, gzipSync(JSON.stringify({ Namespace: 'Gz/Allowed', MetricData: [{ MetricName: 'Raw', Value: 1 }] })), 'gzip');
    assert.equal(raw.status, 200, raw.text);
  });

  test('a body that is not gzip, a bomb past the body limit and other codings are refused', async () => {
    const writer = await env.user('gz-hostile', [allow('cloudwatch:PutMetricData')]);
    const notGzip = await putRaw(writer, Buffer.from('{"Namespace":"Gz/X","MetricData":[]}'), 'gzip');
    assert.equal(notGzip.status, 400, notGzip.text);
    assert.match(notGzip.text, /not valid gzip/);
    // 64 MiB of spaces inside a JSON string, compressed to a few KiB: decoding stops at the limit.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"Namespace":"'), Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from('"}')]));
    assert.ok(bomb.length < 200 * 1024);
    const started = performance.now();
    const large = await putRaw(writer, bomb, 'gzip');
    assert.equal(large.status, 413, large.text);
    assert.ok(performance.now() - started < 5_000);
    const brotli = await putRaw(writer, brotliCompressSync(Buffer.from('{"Namespace":"Gz/X","MetricData":[]}')), 'br');
    assert.equal(brotli.status, 400, brotli.text);
    assert.match(brotli.text, /Content-Encoding br/);
  });
});
