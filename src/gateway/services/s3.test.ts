// S3 mappings found by the fidelity sweep (aws CLI and boto3 against moto through Tessera):
// GetObjectAttributes' read of the object, Object Lock's actions and condition keys, governance
// bypass, and the copy source's version in s3:VersionId and its tag lookup.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRequest } from '../map-request.ts';
import { authorizationDataForTests, checks, mapped } from '../testing/mapping.ts';
import { NOW, wire } from '../testing/requests.ts';

const authorizationData = authorizationDataForTests();

describe('GetObjectAttributes reads the object', () => {
  it('needs s3:GetObject besides s3:GetObjectAttributes', () => {
    assert.deepEqual(checks(mapRequest(authorizationData(), wire('s3', 'GET', '/b/k?attributes', { headers: { 'x-amz-object-attributes': 'ETag' } }))), [
      's3:GetObjectAttributes arn:aws:s3:::b/k',
      's3:GetObject arn:aws:s3:::b/k',
    ]);
  });

  it('of a version: s3:GetObjectVersionAttributes and s3:GetObjectVersion, both with s3:VersionId', () => {
    const result = mapped(mapRequest(authorizationData(), wire('s3', 'GET', '/b/k?attributes&versionId=v3', { headers: { 'x-amz-object-attributes': 'ETag' } })));
    assert.deepEqual(checks(result), ['s3:GetObjectVersionAttributes arn:aws:s3:::b/k', 's3:GetObjectVersion arn:aws:s3:::b/k']);
    assert.equal(result.targets[1]!.context!['s3:VersionId'], 'v3');
    // The object's tags are read for the version asked for, for both checks.
    const tagLookups = result.lookups.filter((lookup) => lookup.kind === 's3-object-tags');
    assert.deepEqual(tagLookups.map((lookup) => lookup.kind === 's3-object-tags' && lookup.versionId), ['v3', 'v3']);
  });
});

describe('Object Lock', () => {
  const until = '2024-05-11T12:00:00.000Z';

  it('an upload with a retention needs s3:PutObjectRetention, with the mode, date and remaining days', () => {
    const result = mapped(mapRequest(authorizationData(), wire('s3', 'PUT', '/b/k', { headers: { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': until } })));
    assert.deepEqual(checks(result), ['s3:PutObject arn:aws:s3:::b/k', 's3:PutObjectRetention arn:aws:s3:::b/k']);
    const context = result.targets[0]!.context!;
    assert.equal(context['s3:object-lock-mode'], 'GOVERNANCE');
    assert.equal(context['s3:object-lock-retain-until-date'], until);
    // NOW is 2024-05-01T12:00:10Z: 9 days and 23:59:50 → 10 whole days.
    assert.equal(context['s3:object-lock-remaining-retention-days'], 10);
  });

  it('an upload with a legal hold needs s3:PutObjectLegalHold (CopyObject and CreateMultipartUpload too)', () => {
    const hold = { 'x-amz-object-lock-legal-hold': 'ON' };
    assert.deepEqual(checks(mapRequest(authorizationData(), wire('s3', 'PUT', '/b/k', { headers: hold }))), ['s3:PutObject arn:aws:s3:::b/k', 's3:PutObjectLegalHold arn:aws:s3:::b/k']);
    assert.deepEqual(checks(mapRequest(authorizationData(), wire('s3', 'POST', '/b/k?uploads', { headers: hold }))), ['s3:PutObject arn:aws:s3:::b/k', 's3:PutObjectLegalHold arn:aws:s3:::b/k']);
    assert.deepEqual(checks(mapRequest(authorizationData(), wire('s3', 'PUT', '/b/k', { headers: { ...hold, 'x-amz-copy-source': 'src/a' } }))), [
      's3:PutObject arn:aws:s3:::b/k',
      's3:GetObject arn:aws:s3:::src/a',
      's3:PutObjectLegalHold arn:aws:s3:::b/k',
    ]);
  });

  it('PutObjectRetention reads its Retention document for the s3:object-lock-* keys, not a header', () => {
    const request = wire('s3', 'PUT', '/b/k?retention', { headers: { 'x-amz-object-lock-mode': 'GOVERNANCE' } });
    assert.equal(mapRequest(authorizationData(), request).kind, 'needs-body');
    const body = Buffer.from(`<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>COMPLIANCE</Mode><RetainUntilDate>${until}</RetainUntilDate></Retention>`);
    const result = mapped(mapRequest(authorizationData(), { ...request, body }));
    assert.deepEqual(checks(result), ['s3:PutObjectRetention arn:aws:s3:::b/k']);
    const context = result.targets[0]!.context!;
    assert.equal(context['s3:object-lock-mode'], 'COMPLIANCE');
    assert.equal(context['s3:object-lock-retain-until-date'], until);
    assert.equal(context['s3:object-lock-remaining-retention-days'], 10);
  });

  it('PutObjectLegalHold reads its LegalHold document for s3:object-lock-legal-hold', () => {
    const request = wire('s3', 'PUT', '/b/k?legal-hold', { headers: { 'x-amz-object-lock-legal-hold': 'OFF' } });
    assert.equal(mapRequest(authorizationData(), request).kind, 'needs-body');
    const result = mapped(mapRequest(authorizationData(), { ...request, body: Buffer.from('<LegalHold><Status>ON</Status></LegalHold>') }));
    assert.equal(result.targets[0]!.context!['s3:object-lock-legal-hold'], 'ON');
  });

  it('a Retention body that is not one is an invalid request', () => {
    const result = mapRequest(authorizationData(), { ...wire('s3', 'PUT', '/b/k?retention'), body: Buffer.from('<LegalHold><Status>ON</Status></LegalHold>') });
    assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request');
  });

  it('a retention already past counts 0 days', () => {
    const result = mapped(mapRequest(authorizationData(), wire('s3', 'PUT', '/b/k', { headers: { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': '2024-01-01T00:00:00Z' } })));
    assert.equal(result.targets[0]!.context!['s3:object-lock-remaining-retention-days'], 0);
    assert.ok(NOW.getTime() > Date.parse('2024-01-01T00:00:00Z'));
  });
});

describe('governance bypass', () => {
  const bypass = { 'x-amz-bypass-governance-retention': 'true' };

  it('DeleteObject with x-amz-bypass-governance-retention: true needs s3:BypassGovernanceRetention', () => {
    assert.deepEqual(checks(mapRequest(authorizationData(), wire('s3', 'DELETE', '/b/k?versionId=v1', { headers: bypass }))), [
      's3:DeleteObjectVersion arn:aws:s3:::b/k',
      's3:BypassGovernanceRetention arn:aws:s3:::b/k',
    ]);
    // `false` bypasses nothing.
    assert.deepEqual(checks(mapRequest(authorizationData(), wire('s3', 'DELETE', '/b/k', { headers: { 'x-amz-bypass-governance-retention': 'false' } }))), ['s3:DeleteObject arn:aws:s3:::b/k']);
  });

  it('PutObjectRetention with the bypass needs it too', () => {
    const body = Buffer.from('<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2024-05-02T00:00:00Z</RetainUntilDate></Retention>');
    assert.deepEqual(checks(mapRequest(authorizationData(), { ...wire('s3', 'PUT', '/b/k?retention', { headers: bypass }), body })), [
      's3:PutObjectRetention arn:aws:s3:::b/k',
      's3:BypassGovernanceRetention arn:aws:s3:::b/k',
    ]);
  });

  it('DeleteObjects with the bypass needs it on each object', () => {
    const body = Buffer.from('<Delete><Object><Key>a</Key></Object><Object><Key>b</Key><VersionId>v1</VersionId></Object></Delete>');
    assert.deepEqual(checks(mapRequest(authorizationData(), { ...wire('s3', 'POST', '/b?delete', { headers: { 'x-amz-bypass-governance-retention': 'True' } }), body })), [
      's3:DeleteObject arn:aws:s3:::b/a',
      's3:DeleteObjectVersion arn:aws:s3:::b/b',
      's3:BypassGovernanceRetention arn:aws:s3:::b/a',
      's3:BypassGovernanceRetention arn:aws:s3:::b/b',
    ]);
  });
});

describe('the copy source of a version', () => {
  it('its s3:GetObjectVersion check has the source version as s3:VersionId, and reads that version\'s tags', () => {
    const result = mapped(mapRequest(authorizationData(), wire('s3', 'PUT', '/dst/k', { headers: { 'x-amz-copy-source': '/src/a?versionId=v9' } })));
    assert.deepEqual(checks(result), ['s3:PutObject arn:aws:s3:::dst/k', 's3:GetObjectVersion arn:aws:s3:::src/a']);
    assert.equal(result.targets[1]!.context!['s3:VersionId'], 'v9');
    const sourceTags = result.lookups.find((lookup) => lookup.kind === 's3-object-tags' && lookup.check === 1);
    assert.deepEqual(sourceTags, { kind: 's3-object-tags', check: 1, bucket: 'src', key: 'a', versionId: 'v9' });
  });
});
