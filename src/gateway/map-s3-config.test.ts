import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRequest } from './map-request.ts';
import { authorizationDataForTests, checks, mapped } from './testing/mapping.ts';
import { OWNER, wire } from './testing/requests.ts';

const authorizationData = authorizationDataForTests();

const xml = (text: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
const S3_NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

// Bucket configuration sub-resources and the object operations beside them, as the aws CLI
// sends them, with the action the S3 API Reference's "Permissions" section names for each.
const CASES: [string, ReturnType<typeof wire>, string, string[]][] = [
  ['put-bucket-lifecycle-configuration', wire('s3', 'PUT', '/b?lifecycle'), 'PutBucketLifecycle', ['s3:PutLifecycleConfiguration arn:aws:s3:::b']],
  ['get-bucket-lifecycle-configuration', wire('s3', 'GET', '/b?lifecycle'), 'GetBucketLifecycle', ['s3:GetLifecycleConfiguration arn:aws:s3:::b']],
  ['delete-bucket-lifecycle', wire('s3', 'DELETE', '/b?lifecycle'), 'DeleteBucketLifecycle', ['s3:PutLifecycleConfiguration arn:aws:s3:::b']],
  ['put-bucket-cors', wire('s3', 'PUT', '/b?cors'), 'PutBucketCors', ['s3:PutBucketCORS arn:aws:s3:::b']],
  ['delete-bucket-cors', wire('s3', 'DELETE', '/b?cors'), 'DeleteBucketCors', ['s3:PutBucketCORS arn:aws:s3:::b']],
  ['put-bucket-website', wire('s3', 'PUT', '/b?website'), 'PutBucketWebsite', ['s3:PutBucketWebsite arn:aws:s3:::b']],
  ['delete-bucket-website', wire('s3', 'DELETE', '/b?website'), 'DeleteBucketWebsite', ['s3:DeleteBucketWebsite arn:aws:s3:::b']],
  ['put-bucket-encryption', wire('s3', 'PUT', '/b?encryption'), 'PutBucketEncryption', ['s3:PutEncryptionConfiguration arn:aws:s3:::b']],
  ['delete-bucket-encryption', wire('s3', 'DELETE', '/b?encryption'), 'DeleteBucketEncryption', ['s3:PutEncryptionConfiguration arn:aws:s3:::b']],
  ['get-bucket-ownership-controls', wire('s3', 'GET', '/b?ownershipControls'), 'GetBucketOwnershipControls', ['s3:GetBucketOwnershipControls arn:aws:s3:::b']],
  ['delete-bucket-ownership-controls', wire('s3', 'DELETE', '/b?ownershipControls'), 'DeleteBucketOwnershipControls', ['s3:PutBucketOwnershipControls arn:aws:s3:::b']],
  ['get-bucket-notification-configuration', wire('s3', 'GET', '/b?notification'), 'GetBucketNotification', ['s3:GetBucketNotification arn:aws:s3:::b']],
  // Its document is read (its destinations must allow S3: server/gateway/delivery-targets.ts).
  ['put-bucket-notification-configuration', wire('s3', 'PUT', '/b?notification', { body: xml(`<NotificationConfiguration ${S3_NS}/>`) }), 'PutBucketNotification', ['s3:PutBucketNotification arn:aws:s3:::b']],
  ['delete-bucket-replication', wire('s3', 'DELETE', '/b?replication'), 'DeleteBucketReplication', ['s3:PutReplicationConfiguration arn:aws:s3:::b']],
  // Its body names the target bucket (server/gateway/invocation-and-log-deliveries.ts): read first.
  ['put-bucket-logging', wire('s3', 'PUT', '/b?logging', { body: xml(`<BucketLoggingStatus ${S3_NS}/>`) }), 'PutBucketLogging', ['s3:PutBucketLogging arn:aws:s3:::b']],
  ['put-bucket-accelerate-configuration', wire('s3', 'PUT', '/b?accelerate'), 'PutBucketAccelerateConfiguration', ['s3:PutAccelerateConfiguration arn:aws:s3:::b']],
  ['get-bucket-request-payment', wire('s3', 'GET', '/b?requestPayment'), 'GetBucketRequestPayment', ['s3:GetBucketRequestPayment arn:aws:s3:::b']],
  ['list-bucket-inventory-configurations', wire('s3', 'GET', '/b?inventory'), 'ListBucketInventoryConfigurations', ['s3:GetInventoryConfiguration arn:aws:s3:::b']],
  ['delete-bucket-inventory-configuration', wire('s3', 'DELETE', '/b?inventory&id=i1'), 'DeleteBucketInventoryConfiguration', ['s3:PutInventoryConfiguration arn:aws:s3:::b']],
  ['get-bucket-analytics-configuration', wire('s3', 'GET', '/b?analytics&id=a1'), 'GetBucketAnalyticsConfiguration', ['s3:GetAnalyticsConfiguration arn:aws:s3:::b']],
  ['delete-bucket-metrics-configuration', wire('s3', 'DELETE', '/b?metrics&id=m1'), 'DeleteBucketMetricsConfiguration', ['s3:PutMetricsConfiguration arn:aws:s3:::b']],
  ['list-bucket-intelligent-tiering-configurations', wire('s3', 'GET', '/b?intelligent-tiering'), 'ListBucketIntelligentTieringConfigurations', ['s3:GetIntelligentTieringConfiguration arn:aws:s3:::b']],
  ['put-object-lock-configuration', wire('s3', 'PUT', '/b?object-lock'), 'PutObjectLockConfiguration', ['s3:PutBucketObjectLockConfiguration arn:aws:s3:::b']],
  ['get-object-lock-configuration', wire('s3', 'GET', '/b?object-lock'), 'GetObjectLockConfiguration', ['s3:GetBucketObjectLockConfiguration arn:aws:s3:::b']],
  ['get-bucket-policy-status', wire('s3', 'GET', '/b?policyStatus'), 'GetBucketPolicyStatus', ['s3:GetBucketPolicyStatus arn:aws:s3:::b']],
  ['restore-object', wire('s3', 'POST', '/b/cold/k?restore'), 'RestoreObject', ['s3:RestoreObject arn:aws:s3:::b/cold/k']],
  ['select-object-content', wire('s3', 'POST', '/b/data.csv?select&select-type=2'), 'SelectObjectContent', ['s3:GetObject arn:aws:s3:::b/data.csv']],
  ['get-object-acl --version-id', wire('s3', 'GET', '/b/k?acl&versionId=v1'), 'GetObjectAcl', ['s3:GetObjectVersionAcl arn:aws:s3:::b/k']],
  ['put-object-acl --version-id', wire('s3', 'PUT', '/b/k?acl&versionId=v1', { headers: { 'x-amz-acl': 'private' } }), 'PutObjectAcl', ['s3:PutObjectVersionAcl arn:aws:s3:::b/k']],
];

describe('S3 bucket configurations → actions and resources', () => {
  for (const [name, request, operation, expected] of CASES) {
    it(name, () => {
      const result = mapRequest(authorizationData(), request);
      assert.equal(mapped(result).operation, operation);
      assert.deepEqual(checks(result), expected);
    });
  }
});

describe('PutBucketNotificationConfiguration asks for its document', () => {
  it('its destinations are checked against their policies once it is read', () => {
    assert.equal(mapRequest(authorizationData(), wire('s3', 'PUT', '/b?notification')).kind, 'needs-body');
  });
});

describe('PutBucketReplication passes its role to S3', () => {
  const replication = (role: string) => xml(`<ReplicationConfiguration ${S3_NS}><Role>${role}</Role><Rule><ID>r</ID><Priority>1</Priority><Status>Enabled</Status><Filter><Prefix></Prefix></Filter><Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination></Rule></ReplicationConfiguration>`);

  it('asks for its document, then needs iam:PassRole on the Role, passed to s3.amazonaws.com', () => {
    const request = wire('s3', 'PUT', '/src?replication');
    const first = mapRequest(authorizationData(), request);
    assert.equal(first.kind, 'needs-body');
    const result = mapped(mapRequest(authorizationData(), { ...request, body: replication(' arn:aws:iam::111111111111:role/service-role/s3-repl ') }));
    assert.deepEqual(checks(result), ['s3:PutReplicationConfiguration arn:aws:s3:::src', 'iam:PassRole arn:aws:iam::111111111111:role/service-role/s3-repl']);
    assert.deepEqual(result.targets[1]!.context, { 'iam:PassedToService': 's3.amazonaws.com' });
    assert.equal(result.resourceAccountId, OWNER);
  });

  it('a Role that is not a role ARN passes nothing (S3 refuses the document itself)', () => {
    const result = mapRequest(authorizationData(), { ...wire('s3', 'PUT', '/src?replication'), body: replication('not-a-role') });
    assert.deepEqual(checks(result), ['s3:PutReplicationConfiguration arn:aws:s3:::src']);
  });

  it('a document that is not a ReplicationConfiguration is refused, never forwarded unread', () => {
    const result = mapRequest(authorizationData(), { ...wire('s3', 'PUT', '/src?replication'), body: xml('<Tagging><TagSet/></Tagging>') });
    assert.equal(result.kind, 'unmapped');
    assert.equal(result.kind === 'unmapped' ? result.reason : '', 'invalid-request');
  });
});

describe('PutBucketInventoryConfiguration: s3:InventoryAccessibleOptionalFields', () => {
  const inventory = (optional: string) => xml(`<InventoryConfiguration ${S3_NS}><Id>i1</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination><Bucket>arn:aws:s3:::dst</Bucket><Format>CSV</Format></S3BucketDestination></Destination><IncludedObjectVersions>Current</IncludedObjectVersions>${optional}<Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>`);
  const request = wire('s3', 'PUT', '/b?inventory&id=i1');

  it('asks for its document, then sets the key to the fields listed', () => {
    assert.equal(mapRequest(authorizationData(), request).kind, 'needs-body');
    const result = mapped(mapRequest(authorizationData(), { ...request, body: inventory('<OptionalFields><Field>Size</Field><Field>ObjectOwner</Field></OptionalFields>') }));
    assert.deepEqual(checks(result), ['s3:PutInventoryConfiguration arn:aws:s3:::b']);
    assert.deepEqual(result.targets[0]!.context?.['s3:InventoryAccessibleOptionalFields'], ['Size', 'ObjectOwner']);
  });

  it('a configuration without OptionalFields leaves the key absent', () => {
    const result = mapped(mapRequest(authorizationData(), { ...request, body: inventory('') }));
    assert.equal(Object.hasOwn(result.targets[0]!.context ?? {}, 's3:InventoryAccessibleOptionalFields'), false);
  });
});

describe('ACL grant headers as condition keys', () => {
  it('PutObjectAcl and PutBucketAcl set s3:x-amz-acl and each s3:x-amz-grant-… key from its header, as sent', () => {
    const grants = {
      'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"',
      'x-amz-grant-write': 'id="w"',
      'x-amz-grant-read-acp': 'id="ra"',
      'x-amz-grant-write-acp': 'id="wa"',
      'x-amz-grant-full-control': 'id="fc", emailAddress="a@example.com"',
    };
    for (const target of ['/b/k?acl', '/b?acl']) {
      const context = mapped(mapRequest(authorizationData(), wire('s3', 'PUT', target, { headers: grants }))).targets[0]!.context!;
      for (const [header, value] of Object.entries(grants)) assert.equal(context[`s3:${header}`], value, `${target} ${header}`);
      assert.equal(Object.hasOwn(context, 's3:x-amz-acl'), false);
    }
  });

  it('an upload with grant headers also needs s3:PutObjectAcl, decided on the same grant keys', () => {
    const result = mapped(mapRequest(authorizationData(), wire('s3', 'PUT', '/b/k', { headers: { 'x-amz-grant-read': 'id="r"', 'x-amz-storage-class': 'STANDARD_IA' } })));
    assert.deepEqual(checks(result), ['s3:PutObject arn:aws:s3:::b/k', 's3:PutObjectAcl arn:aws:s3:::b/k']);
    assert.equal(result.targets[1]!.context?.['s3:x-amz-grant-read'], 'id="r"');
    assert.equal(result.targets[0]!.context?.['s3:x-amz-storage-class'], 'STANDARD_IA');
  });
});

describe('s3:TlsVersion', () => {
  it('is the TLS version of the client\'s connection, on every S3 action; absent over plain HTTP', () => {
    const overTls = mapped(mapRequest(authorizationData(), { ...wire('s3', 'PUT', '/b?lifecycle'), tlsVersion: '1.3' }));
    assert.equal(overTls.targets[0]!.context?.['s3:TlsVersion'], '1.3');
    const upload = mapped(mapRequest(authorizationData(), { ...wire('s3', 'PUT', '/b/k', { headers: { 'x-amz-acl': 'private' } }), tlsVersion: '1.2' }));
    assert.deepEqual(upload.targets.map((target) => target.context?.['s3:TlsVersion']), ['1.2', '1.2']);
    const plain = mapped(mapRequest(authorizationData(), wire('s3', 'PUT', '/b?lifecycle')));
    assert.equal(Object.hasOwn(plain.targets[0]!.context ?? {}, 's3:TlsVersion'), false);
  });
});
