import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadAuthorizationData, type AuthorizationData } from './authorization-data.ts';
import { mapRequest } from './map-request.ts';
import { wire } from './testing/requests.ts';
import type { GatewayRequest, MapResult } from './types.ts';

let data: AuthorizationData;
before(async () => {
  data = await loadAuthorizationData();
});

function invalid(request: GatewayRequest, pattern: RegExp): void {
  const result: MapResult = mapRequest(data, request);
  assert.equal(result.kind, 'unmapped', JSON.stringify(result).slice(0, 300));
  assert.equal((result as { reason: string }).reason, 'invalid-request', (result as { message: string }).message);
  assert.match((result as { message: string }).message, pattern);
}

function operation(request: GatewayRequest): string {
  const result = mapRequest(data, request);
  assert.equal(result.kind, 'mapped', JSON.stringify(result).slice(0, 300));
  return (result as { operation: string }).operation;
}

const body = (text: string) => Buffer.from(text);

describe('S3 requests moto could read otherwise are refused (parser-differential-s3.ts)', () => {
  it('a raw ; in the path, a raw # in the path or the query', () => {
    invalid(wire('s3', 'GET', '/b/secret.bin;.txt'), /raw ;/);
    invalid(wire('s3', 'GET', '/b/secret.bin#.txt'), /raw #/);
    invalid(wire('s3', 'GET', '/b/k?x-id=GetObject#&tagging'), /raw #/);
    assert.equal(operation(wire('s3', 'GET', '/b/a%3Bb%23c.txt')), 'GetObject');
    assert.equal(operation(wire('s3', 'GET', '/b/k?tagging')), 'GetObjectTagging');
  });

  it('an x-amz-copy-source urlparse reads otherwise', () => {
    const copy = (source: string) => wire('s3', 'PUT', '/dst/k', { headers: { 'x-amz-copy-source': source } });
    invalid(copy('src/k#.txt'), /percent-encode #/);
    invalid(copy('src/k?versionId=v1#x'), /percent-encode #/);
    invalid(copy('src/k;.txt'), /percent-encode #/);
    invalid(copy('src/sec\tret'), /control characters/);
    invalid(copy('pub:secret/key'), /scheme/);
    invalid(copy('src/k?versionId=&versionId=v1'), /one query parameter/);
    invalid(copy('src/k?versionId=v1&versionId=v2'), /one query parameter/);
    invalid(copy('src/k?versionId='), /one query parameter/);
    invalid(copy('src/k?other=1'), /one query parameter/);
    assert.equal(operation(copy('src/k?versionId=v1')), 'CopyObject');
    assert.equal(operation(copy('/src/a%3Ab%23c%3B?versionId=v1')), 'CopyObject');
    assert.equal(operation(copy('src/k')), 'CopyObject');
  });

  it('a form body, whatever the method; a form Content-Type without a body is harmless', () => {
    const form = (method: string, type = 'application/x-www-form-urlencoded', text = 'versionId=v1') => wire('s3', method, '/b/k', { headers: { 'content-type': type, 'content-length': String(text.length) }, body: body(text) });
    invalid(form('GET'), /form body/);
    invalid(form('DELETE'), /form body/);
    invalid(form('PUT'), /form body/);
    invalid(form('DELETE', 'multipart/form-data; boundary=x'), /form body/);
    invalid(form('DELETE', 'Application/X-WWW-Form-Urlencoded ; charset=utf-8'), /form body/);
    invalid(wire('s3', 'DELETE', '/b/k', { headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' } }), /form body/);
    assert.equal(operation(wire('s3', 'GET', '/b/k', { headers: { 'content-type': 'application/x-www-form-urlencoded' } })), 'GetObject');
    assert.equal(operation(form('PUT', 'text/plain')), 'PutObject');
  });

  it('a percent-encoded path-style bucket; a key\'s %2F, or a virtual-hosted path\'s, stays a key\'s', () => {
    invalid(wire('s3', 'PUT', '/bucket%2Fkey'), /percent-encoded/);
    invalid(wire('s3', 'GET', '/bucket%2fkey/more'), /percent-encoded/);
    invalid(wire('s3', 'GET', '/b%75cket/key'), /percent-encoded/);
    assert.equal(operation(wire('s3', 'GET', '/bucket/a%2Fb')), 'GetObject');
    assert.equal(operation(wire('s3', 'GET', '/a%2Fb', { bucket: 'bucket' })), 'GetObject');
  });

  it('x-amz-tagging naming a tag key twice', () => {
    const put = (tagging: string) => wire('s3', 'PUT', '/b/k', { headers: { 'x-amz-tagging': tagging } });
    invalid(put('classification=secret&classification=public'), /classification more than once/);
    invalid(put('a=1&b=2&a'), /a more than once/);
    assert.equal(operation(put('classification=public&team=blue')), 'PutObject');
  });

  it('an XML document with a prefixed element, or an element read once repeated', () => {
    const del = (xml: string) => wire('s3', 'POST', '/b?delete', { body: body(xml) });
    invalid(del('<Delete><Object><x:Key xmlns:x="urn:x">public/a</x:Key><Key>secret</Key></Object></Delete>'), /namespace prefix \(x:Key\)/);
    invalid(del('<x:Delete xmlns:x="urn:x"><Object><Key>a</Key></Object></x:Delete>'), /namespace prefix/);
    invalid(del('<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>'), /Object has more than one Key/);
    invalid(del('<Delete><Object><Key>a</Key><VersionId/><VersionId>v1</VersionId></Object></Delete>'), /more than one VersionId/);
    assert.equal(operation(del('<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b</Key><VersionId>v1</VersionId></Object></Delete>')), 'DeleteObjects');
    const tag = (xml: string) => wire('s3', 'PUT', '/b/k?tagging', { body: body(xml) });
    invalid(tag('<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value><Value>2</Value></Tag></TagSet></Tagging>'), /Tag has more than one Value/);
    invalid(tag('<Tagging><TagSet/><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>'), /more than one TagSet/);
    assert.equal(operation(tag('<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag></TagSet></Tagging>')), 'PutObjectTagging');
    const latin = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><Delete><Object><Key>caf'), Buffer.from([0xe9]), Buffer.from('</Key></Object></Delete>')]);
    invalid(wire('s3', 'POST', '/b?delete', { body: latin }), /declares the encoding ISO-8859-1/);
    invalid(wire('s3', 'POST', '/b?delete', { body: Buffer.from(latin.toString('latin1').replace(' encoding="ISO-8859-1"', ''), 'latin1') }), /not UTF-8/);
    assert.equal(operation(del('<?xml version="1.0" encoding="UTF-8"?><Delete><Object><Key>café</Key></Object></Delete>')), 'DeleteObjects');
    const hold = (xml: string) => wire('s3', 'PUT', '/b/k?legal-hold', { body: body(xml) });
    invalid(hold('<LegalHold><Status>OFF</Status><Status>ON</Status></LegalHold>'), /more than one Status/);
  });
});
