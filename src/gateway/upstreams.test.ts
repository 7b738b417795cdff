import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialsFor, parseUpstreamCredentials, parseUpstreams, upstreamFor } from './upstreams.ts';

test('--upstream URL serves every service; SERVICE=URL one; the named one wins', () => {
  const settings = parseUpstreams(['http://127.0.0.1:5000', 's3=https://minio.internal:9000/'], '--upstream');
  assert.equal(upstreamFor(settings, 's3')?.href, 'https://minio.internal:9000/');
  assert.equal(upstreamFor(settings, 'sqs')?.href, 'http://127.0.0.1:5000/');
  assert.equal(upstreamFor(parseUpstreams(['s3=http://a:1'], 'x'), 'sqs'), undefined);
  assert.equal(upstreamFor(parseUpstreams(['*=http://a:1'], 'x'), 'kms')?.host, 'a:1');
});

test('mistakes in --upstream are named', () => {
  const fails = (items: string[], pattern: RegExp) => assert.throws(() => parseUpstreams(items, 'TESSERA_UPSTREAMS'), pattern);
  fails(['ftp://x'], /TESSERA_UPSTREAMS: ftp:\/\/x must be an http:\/\/ or https:\/\/ URL/);
  fails(['not a url'], /is not a URL/);
  fails(['iam=http://x:1'], /Tessera serves iam itself/);
  fails(['s3=http://x:1', 's3=http://y:1'], /two upstreams for s3/);
  fails(['http://x:1', '*=http://y:1'], /more than one upstream for every service/);
  fails(['http://user:pw@x:1'], /must not carry credentials/);
  fails(['http://x:1/prefix'], /no path/);
  fails(['S 3=http://x:1'], /is not a service's signing name/);
});

test('--upstream-credentials: per account, * for the rest, test/test by default', () => {
  const credentials = parseUpstreamCredentials(['111111111111=AKID1:secret:with:colons', '*=AKIDX:sx'], '--upstream-credentials');
  assert.deepEqual(credentialsFor({ credentials }, '111111111111'), { accessKeyId: 'AKID1', secretAccessKey: 'secret:with:colons' });
  assert.deepEqual(credentialsFor({ credentials }, '222222222222'), { accessKeyId: 'AKIDX', secretAccessKey: 'sx' });
  assert.deepEqual(credentialsFor({ credentials: new Map() }, '222222222222'), { accessKeyId: 'test', secretAccessKey: 'test' });
  assert.throws(() => parseUpstreamCredentials(['12=A:B'], 'f'), /12 digits or \*/);
  assert.throws(() => parseUpstreamCredentials(['111111111111=AB'], 'f'), /ACCOUNT=ACCESS_KEY_ID:SECRET/);
  assert.throws(() => parseUpstreamCredentials(['111111111111=:B'], 'f'), /needs both/);
});
