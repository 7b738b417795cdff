import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SIGV2_UNSIGNED_SELECTORS, sigv2UnsignedSelector } from './sigv2-unsigned-subresources.ts';

test('an operation-selecting sub-resource SigV2 does not sign is refused', () => {
  for (const query of ['AWSAccessKeyId=A&Signature=s&Expires=1&legal-hold', 'retention&AWSAccessKeyId=A', 'publicAccessBlock', 'legal%2Dhold=', 'OwnershipControls', 'x=1&encryption']) {
    const refusal = sigv2UnsignedSelector(query);
    assert.equal(refusal?.code, 'AccessDenied', query);
    assert.equal(refusal?.status, 403);
  }
});

test('signed sub-resources and plain parameters pass', () => {
  for (const query of ['AWSAccessKeyId=A&Signature=s%2B&Expires=1', 'tagging&AWSAccessKeyId=A', 'versionId=v&acl', 'prefix=retention&max-keys=2', 'list-type=2&prefix=a', 'uploadId=u&partNumber=1', '']) {
    assert.equal(sigv2UnsignedSelector(query), undefined, query);
  }
});

test('the set is every requestUri sub-resource of the S3 model that SigV2 does not sign (list-type aside)', () => {
  const model = JSON.parse(readFileSync(new URL('../../models/protected/s3-2006-03-01.json', import.meta.url), 'utf8')) as { operations: Record<string, { http: { requestUri: string } }> };
  const signed = new Set(['acl', 'lifecycle', 'location', 'logging', 'notification', 'partnumber', 'policy', 'requestpayment', 'torrent', 'uploadid', 'uploads',
    'versionid', 'versioning', 'versions', 'website', 'delete', 'cors', 'tagging', 'restore', 'replication', 'accelerate', 'analytics', 'metrics', 'inventory',
    'select', 'select-type', 'object-lock', 'storageclass', 'defaultobjectacl', 'list-type']);
  const literals = new Set<string>();
  for (const operation of Object.values(model.operations)) {
    const query = operation.http.requestUri.split('?')[1];
    if (query === undefined) continue;
    for (const part of query.split('&')) literals.add(part.split('=')[0]!.toLowerCase());
  }
  assert.deepEqual([...literals].filter((name) => !signed.has(name)).sort(), [...SIGV2_UNSIGNED_SELECTORS].sort());
});
