import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRequest } from './map-request.ts';
import { authorizationDataForTests, checks, mapped } from './testing/mapping.ts';
import { NOW, OWNER, wire } from './testing/requests.ts';

const authorizationData = authorizationDataForTests();

// What the aws CLI's `s3` commands send (ls, cp, mv, rm, sync, mb, rb, presign), with the
// permissions the S3 User Guide lists for each operation.
const CASES: [string, ReturnType<typeof wire>, string, string[]][] = [
  ['s3 ls', wire('s3', 'GET', '/'), 'ListBuckets', ['s3:ListAllMyBuckets *']],
  ['s3 ls s3://b/dir/', wire('s3', 'GET', '/b?list-type=2&prefix=dir%2F&delimiter=%2F&encoding-type=url'), 'ListObjectsV2', ['s3:ListBucket arn:aws:s3:::b']],
  ['s3 ls (v1 listing)', wire('s3', 'GET', '/b?prefix=&delimiter=%2F&encoding-type=url'), 'ListObjects', ['s3:ListBucket arn:aws:s3:::b']],
  ['s3 cp (upload)', wire('s3', 'PUT', '/b/dir/file.txt', { headers: { 'content-length': '5' } }), 'PutObject', ['s3:PutObject arn:aws:s3:::b/dir/file.txt']],
  ['s3 cp (download: head)', wire('s3', 'HEAD', '/b/dir/file.txt'), 'HeadObject', ['s3:GetObject arn:aws:s3:::b/dir/file.txt']],
  ['s3 cp (download)', wire('s3', 'GET', '/b/dir/file.txt'), 'GetObject', ['s3:GetObject arn:aws:s3:::b/dir/file.txt']],
  ['SDK v3 GetObject (x-id)', wire('s3', 'GET', '/b/k?x-id=GetObject'), 'GetObject', ['s3:GetObject arn:aws:s3:::b/k']],
  ['s3 cp s3:// s3:// (copy)', wire('s3', 'PUT', '/dst/new.txt', { headers: { 'x-amz-copy-source': 'src/old%20name.txt', 'x-amz-metadata-directive': 'COPY' } }), 'CopyObject', ['s3:PutObject arn:aws:s3:::dst/new.txt', 's3:GetObject arn:aws:s3:::src/old name.txt']],
  ['copy of a version', wire('s3', 'PUT', '/dst/k', { headers: { 'x-amz-copy-source': '/src/k?versionId=v1' } }), 'CopyObject', ['s3:PutObject arn:aws:s3:::dst/k', 's3:GetObjectVersion arn:aws:s3:::src/k']],
  ['s3 rm', wire('s3', 'DELETE', '/b/dir/file.txt'), 'DeleteObject', ['s3:DeleteObject arn:aws:s3:::b/dir/file.txt']],
  ['s3api delete-object --version-id', wire('s3', 'DELETE', '/b/k?versionId=3HL4kqtJ'), 'DeleteObject', ['s3:DeleteObjectVersion arn:aws:s3:::b/k']],
  ['s3 mb', wire('s3', 'PUT', '/newbucket', { body: Buffer.alloc(0) }), 'CreateBucket', ['s3:CreateBucket arn:aws:s3:::newbucket']],
  ['s3 mb (trailing slash)', wire('s3', 'PUT', '/newbucket/', { body: Buffer.alloc(0) }), 'CreateBucket', ['s3:CreateBucket arn:aws:s3:::newbucket']],
  ['s3 rb', wire('s3', 'DELETE', '/oldbucket'), 'DeleteBucket', ['s3:DeleteBucket arn:aws:s3:::oldbucket']],
  ['head-bucket', wire('s3', 'HEAD', '/b'), 'HeadBucket', ['s3:ListBucket arn:aws:s3:::b']],
  ['get-bucket-location', wire('s3', 'GET', '/b?location'), 'GetBucketLocation', ['s3:GetBucketLocation arn:aws:s3:::b']],
  // Multipart (aws s3 cp of a large file)
  ['create-multipart-upload', wire('s3', 'POST', '/b/big.bin?uploads'), 'CreateMultipartUpload', ['s3:PutObject arn:aws:s3:::b/big.bin']],
  ['upload-part', wire('s3', 'PUT', '/b/big.bin?partNumber=2&uploadId=abc'), 'UploadPart', ['s3:PutObject arn:aws:s3:::b/big.bin']],
  ['upload-part-copy', wire('s3', 'PUT', '/b/big.bin?partNumber=1&uploadId=abc', { headers: { 'x-amz-copy-source': 'src/part' } }), 'UploadPartCopy', ['s3:PutObject arn:aws:s3:::b/big.bin', 's3:GetObject arn:aws:s3:::src/part']],
  ['complete-multipart-upload', wire('s3', 'POST', '/b/big.bin?uploadId=abc'), 'CompleteMultipartUpload', ['s3:PutObject arn:aws:s3:::b/big.bin']],
  ['abort-multipart-upload', wire('s3', 'DELETE', '/b/big.bin?uploadId=abc'), 'AbortMultipartUpload', ['s3:AbortMultipartUpload arn:aws:s3:::b/big.bin']],
  ['list-parts', wire('s3', 'GET', '/b/big.bin?uploadId=abc'), 'ListParts', ['s3:ListMultipartUploadParts arn:aws:s3:::b/big.bin']],
  ['list-multipart-uploads', wire('s3', 'GET', '/b?uploads'), 'ListMultipartUploads', ['s3:ListBucketMultipartUploads arn:aws:s3:::b']],
  // Bucket policy, tagging, ACL, versioning
  ['get-bucket-policy', wire('s3', 'GET', '/b?policy'), 'GetBucketPolicy', ['s3:GetBucketPolicy arn:aws:s3:::b']],
  ['put-bucket-policy', wire('s3', 'PUT', '/b?policy'), 'PutBucketPolicy', ['s3:PutBucketPolicy arn:aws:s3:::b']],
  ['delete-bucket-policy', wire('s3', 'DELETE', '/b?policy'), 'DeleteBucketPolicy', ['s3:DeleteBucketPolicy arn:aws:s3:::b']],
  ['put-bucket-tagging', wire('s3', 'PUT', '/b?tagging'), 'PutBucketTagging', ['s3:PutBucketTagging arn:aws:s3:::b']],
  ['delete-bucket-tagging', wire('s3', 'DELETE', '/b?tagging'), 'DeleteBucketTagging', ['s3:PutBucketTagging arn:aws:s3:::b']],
  ['get-object-tagging', wire('s3', 'GET', '/b/k?tagging'), 'GetObjectTagging', ['s3:GetObjectTagging arn:aws:s3:::b/k']],
  ['get-object-tagging of a version', wire('s3', 'GET', '/b/k?tagging&versionId=v2'), 'GetObjectTagging', ['s3:GetObjectVersionTagging arn:aws:s3:::b/k']],
  ['get-bucket-acl', wire('s3', 'GET', '/b?acl'), 'GetBucketAcl', ['s3:GetBucketAcl arn:aws:s3:::b']],
  ['put-object-acl', wire('s3', 'PUT', '/b/k?acl', { headers: { 'x-amz-acl': 'public-read' } }), 'PutObjectAcl', ['s3:PutObjectAcl arn:aws:s3:::b/k']],
  ['get-bucket-versioning', wire('s3', 'GET', '/b?versioning'), 'GetBucketVersioning', ['s3:GetBucketVersioning arn:aws:s3:::b']],
  ['put-bucket-versioning', wire('s3', 'PUT', '/b?versioning'), 'PutBucketVersioning', ['s3:PutBucketVersioning arn:aws:s3:::b']],
  ['list-object-versions', wire('s3', 'GET', '/b?versions&prefix=a'), 'ListObjectVersions', ['s3:ListBucketVersions arn:aws:s3:::b']],
  ['delete-bucket-lifecycle', wire('s3', 'DELETE', '/b?lifecycle'), 'DeleteBucketLifecycle', ['s3:PutLifecycleConfiguration arn:aws:s3:::b']],
  ['get-bucket-cors', wire('s3', 'GET', '/b?cors'), 'GetBucketCors', ['s3:GetBucketCORS arn:aws:s3:::b']],
  // Virtual-hosted style: the router passes the bucket from the Host header.
  ['virtual-hosted get', wire('s3', 'GET', '/dir/k.txt', { bucket: 'vhost' }), 'GetObject', ['s3:GetObject arn:aws:s3:::vhost/dir/k.txt']],
  ['virtual-hosted list', wire('s3', 'GET', '/?list-type=2', { bucket: 'vhost' }), 'ListObjectsV2', ['s3:ListBucket arn:aws:s3:::vhost']],
  ['virtual-hosted policy', wire('s3', 'GET', '/?policy', { bucket: 'vhost' }), 'GetBucketPolicy', ['s3:GetBucketPolicy arn:aws:s3:::vhost']],
  ['key with encoded characters', wire('s3', 'GET', '/b/a%20b/%E2%82%AC%2Bc'), 'GetObject', ['s3:GetObject arn:aws:s3:::b/a b/€+c']],
  ['key ending in /', wire('s3', 'PUT', '/b/folder/'), 'PutObject', ['s3:PutObject arn:aws:s3:::b/folder/']],
];

describe('S3 operations → actions and resources', () => {
  for (const [name, request, operation, expected] of CASES) {
    it(name, () => {
      const result = mapped(mapRequest(authorizationData(), request));
      assert.equal(result.operation, operation);
      assert.equal(result.protocol, 'rest-xml');
      assert.deepEqual(checks(result), expected);
      assert.equal(result.resourceAccountId, OWNER);
    });
  }
});

describe('S3 condition keys', () => {
  it('ListObjectsV2: s3:prefix, s3:delimiter, s3:max-keys and the signature keys', () => {
    const [check] = mapped(mapRequest(authorizationData(), wire('s3', 'GET', '/b?list-type=2&prefix=home%2Falice%2F&delimiter=%2F&max-keys=100'))).targets;
    assert.deepEqual(check!.context, {
      's3:prefix': 'home/alice/',
      's3:delimiter': '/',
      's3:max-keys': '100',
      's3:ResourceAccount': OWNER,
      's3:authType': 'REST-HEADER',
      's3:signatureversion': 'AWS4-HMAC-SHA256',
      's3:signatureAge': 10_000,
      's3:x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    });
  });

  it('PutObject: ACL, encryption, storage class and tagging headers; ACL and tags need their own permissions too', () => {
    const result = mapped(mapRequest(authorizationData(), wire('s3', 'PUT', '/b/k', {
      headers: { 'x-amz-acl': 'bucket-owner-full-control', 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-storage-class': 'STANDARD_IA', 'x-amz-tagging': 'project=blue&cost%20center=42' },
    })));
    assert.deepEqual(checks(result), ['s3:PutObject arn:aws:s3:::b/k', 's3:PutObjectTagging arn:aws:s3:::b/k', 's3:PutObjectAcl arn:aws:s3:::b/k']);
    const context = result.targets[0]!.context!;
    assert.equal(context['s3:x-amz-acl'], 'bucket-owner-full-control');
    assert.equal(context['s3:x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(context['s3:x-amz-storage-class'], 'STANDARD_IA');
    assert.equal(context['s3:RequestObjectTag/project'], 'blue');
    assert.equal(context['s3:RequestObjectTag/cost center'], '42');
    assert.deepEqual(context['s3:RequestObjectTagKeys'], ['project', 'cost center']);
  });

  it('CopyObject: s3:x-amz-copy-source and s3:x-amz-metadata-directive on the target; the source object is looked up for its tags', () => {
    const result = mapped(mapRequest(authorizationData(), wire('s3', 'PUT', '/dst/k', { headers: { 'x-amz-copy-source': 'src/a.txt', 'x-amz-metadata-directive': 'REPLACE' } })));
    assert.equal(result.targets[0]!.context!['s3:x-amz-copy-source'], 'src/a.txt');
    assert.equal(result.targets[0]!.context!['s3:x-amz-metadata-directive'], 'REPLACE');
    assert.deepEqual(result.lookups.filter((lookup) => lookup.kind === 's3-object-tags'), [{ kind: 's3-object-tags', check: 1, bucket: 'src', key: 'a.txt' }]);
  });

  it('GetObject of a version: s3:VersionId, and the version\'s tags are looked up', () => {
    const result = mapped(mapRequest(authorizationData(), wire('s3', 'GET', '/b/k?versionId=v7')));
    assert.equal(result.targets[0]!.context!['s3:VersionId'], 'v7');
    assert.ok(result.lookups.some((lookup) => lookup.kind === 's3-object-tags' && lookup.versionId === 'v7' && lookup.key === 'k'));
    assert.ok(result.lookups.some((lookup) => lookup.kind === 'resource-policy' && lookup.resource === 'arn:aws:s3:::b'), 'the bucket policy decides object access');
  });

  it('a presigned URL: REST-QUERY-STRING, its algorithm and the age of its signature', () => {
    const presigned = wire('s3', 'GET', '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240501%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240501T115000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=00');
    presigned.headers = { host: 'localhost:4600' };
    const result = mapped(mapRequest(authorizationData(), presigned));
    assert.equal(result.operation, 'GetObject');
    const context = result.targets[0]!.context!;
    assert.equal(context['s3:authType'], 'REST-QUERY-STRING');
    assert.equal(context['s3:signatureversion'], 'AWS4-HMAC-SHA256');
    assert.equal(context['s3:signatureAge'], NOW.getTime() - Date.UTC(2024, 4, 1, 11, 50, 0));
  });

  it('the resource account is the owner the caller names', () => {
    const request = wire('s3', 'GET', '/b/k', { ownerAccountId: '999999999999' });
    const result = mapped(mapRequest(authorizationData(), request));
    assert.equal(result.resourceAccountId, '999999999999');
    assert.equal(result.targets[0]!.context!['s3:ResourceAccount'], '999999999999');
  });
});

describe('S3 operations decided by their body', () => {
  const DELETE = '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a.txt</Key></Object><Object><Key>dir/b.txt</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>';

  it('DeleteObjects asks for its body, then needs s3:DeleteObject on each key', () => {
    const request = wire('s3', 'POST', '/b?delete');
    const first = mapRequest(authorizationData(), request);
    assert.equal(first.kind, 'needs-body');
    assert.equal(first.kind === 'needs-body' && first.operation, 'DeleteObjects');
    const result = mapped(mapRequest(authorizationData(), { ...request, body: Buffer.from(DELETE) }));
    assert.deepEqual(checks(result), ['s3:DeleteObject arn:aws:s3:::b/a.txt', 's3:DeleteObjectVersion arn:aws:s3:::b/dir/b.txt']);
  });

  it('a presigned URL\'s x-amz-* query parameters are its headers; one given both ways with different values is refused', () => {
    const presigned = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240501%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240501T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=00';
    const headers = { host: 'localhost:4600' };
    const request = { ...wire('s3', 'PUT', `/b/k?${presigned}&x-amz-acl=public-read&x-amz-tagging=project%3Dblue`), headers };
    const result = mapped(mapRequest(authorizationData(), request));
    assert.deepEqual(checks(result), ['s3:PutObject arn:aws:s3:::b/k', 's3:PutObjectTagging arn:aws:s3:::b/k', 's3:PutObjectAcl arn:aws:s3:::b/k']);
    assert.equal(result.targets[0]!.context?.['s3:x-amz-acl'], 'public-read');
    assert.equal(result.targets[0]!.context?.['s3:RequestObjectTag/project'], 'blue');
    const conflicting = mapRequest(authorizationData(), { ...request, headers: { ...headers, 'x-amz-acl': 'private' } });
    assert.equal(conflicting.kind, 'unmapped');
  });

  it('CreateBucket: the CreateBucketConfiguration\'s LocationConstraint is s3:LocationConstraint; no body, no key', () => {
    const request = wire('s3', 'PUT', '/newbucket');
    assert.equal(mapRequest(authorizationData(), request).kind, 'needs-body');
    const body = Buffer.from('<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>');
    assert.equal(mapped(mapRequest(authorizationData(), { ...request, body })).targets[0]!.context?.['s3:LocationConstraint'], 'eu-west-1');
    assert.equal(mapped(mapRequest(authorizationData(), { ...request, body: Buffer.alloc(0) })).targets[0]!.context?.['s3:LocationConstraint'], undefined);
    const malformed = mapRequest(authorizationData(), { ...request, body: Buffer.from('<CreateBucketConfiguration><LocationConstraint>') });
    assert.equal(malformed.kind === 'unmapped' && malformed.code, 'MalformedXML');
  });

  it('PutObjectTagging: the Tagging document\'s tags are s3:RequestObjectTag/<key>', () => {
    const request = wire('s3', 'PUT', '/b/k?tagging');
    assert.equal(mapRequest(authorizationData(), request).kind, 'needs-body');
    const body = Buffer.from('<Tagging><TagSet><Tag><Key>env</Key><Value>prod</Value></Tag></TagSet></Tagging>');
    const result = mapped(mapRequest(authorizationData(), { ...request, body }));
    assert.deepEqual(checks(result), ['s3:PutObjectTagging arn:aws:s3:::b/k']);
    assert.equal(result.targets[0]!.context!['s3:RequestObjectTag/env'], 'prod');
    assert.deepEqual(result.targets[0]!.context!['s3:RequestObjectTagKeys'], ['env']);
  });

  for (const [name, body] of [
    ['malformed XML', '<Delete><Object><Key>a</Key></Delete>'],
    ['another document', '<Tagging/>'],
    ['an entity declaration', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Delete><Object><Key>&x;</Key></Object></Delete>'],
    ['no objects', '<Delete></Delete>'],
  ] as const) {
    it(`DeleteObjects with ${name} is invalid`, () => {
      const result = mapRequest(authorizationData(), { ...wire('s3', 'POST', '/b?delete'), body: Buffer.from(body) });
      assert.equal(result.kind, 'unmapped');
      assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request');
    });
  }
});

describe('S3 requests that map to nothing', () => {
  it('an unknown sub-resource is not read as a listing', () => {
    const result = mapRequest(authorizationData(), wire('s3', 'GET', '/b?notaresource'));
    assert.equal(result.kind, 'unmapped');
    assert.equal(result.kind === 'unmapped' && result.reason, 'unknown-operation');
    assert.match(result.kind === 'unmapped' ? result.message : '', /GET \/b\?notaresource matches no s3 operation/);
  });

  it('directory-bucket operations are refused, naming the operation', () => {
    const result = mapRequest(authorizationData(), wire('s3', 'GET', '/b?session'));
    assert.equal(result.kind, 'unmapped');
    assert.equal(result.kind === 'unmapped' && result.reason, 'refused-operation');
    assert.equal(result.kind === 'unmapped' && result.operation, 'CreateSession');
  });

  it('a method no operation has on that path', () => {
    const result = mapRequest(authorizationData(), wire('s3', 'PATCH', '/b/k'));
    assert.equal(result.kind === 'unmapped' && result.reason, 'unknown-operation');
  });
});
