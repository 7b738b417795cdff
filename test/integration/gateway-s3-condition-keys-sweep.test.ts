import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Amazon S3 condition keys through the gateway, against moto, as the Service Authorization
 * Reference lists them per action and the Amazon S3 User Guide / API Reference document them:
 *
 * - "Amazon S3 Signature Version 4 Authentication Specific Policy Keys" (API Reference,
 *   bucket-policy-s3-sigv4-conditions.html): s3:signatureversion is `AWS` (SigV2) or
 *   `AWS4-HMAC-SHA256`; s3:authType is `REST-HEADER`, `REST-QUERY-STRING` or `POST`;
 *   s3:signatureAge is "the length of time, in milliseconds, that a signature is valid in an
 *   authenticated request", and works for presigned URLs; s3:x-amz-content-sha256 lets a policy
 *   "disallow unsigned content in your bucket" (Deny StringEquals `UNSIGNED-PAYLOAD`).
 * - Header keys (s3:x-amz-acl, s3:x-amz-server-side-encryption, s3:x-amz-website-redirect-location,
 *   s3:x-amz-copy-source, s3:x-amz-metadata-directive, …) are the value of the request's header
 *   of that name. A SigV4 presigned URL carries its x-amz-* headers as query parameters (the
 *   SDKs "hoist" them: @aws-sdk/s3-request-presigner "moves all the AWS-specific headers
 *   (starting with `x-amz-`) to the request query string"), and S3 applies them from there.
 * - s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys are the tags the request writes
 *   (x-amz-tagging, or the Tagging document of PutObjectTagging); s3:ExistingObjectTag/<key> the
 *   tags of the object the request is about.
 * - s3:prefix, s3:delimiter, s3:max-keys are the listing's parameters; an absent parameter is
 *   an absent key (a `Null: true` condition holds), IAM's rule for every key "not present in the
 *   request context".
 * - s3:TlsVersion is absent over plain HTTP; aws:SecureTransport is false.
 *
 * Each key is checked three ways: an Allow only when the key has the value the request carries
 * (succeeds), an Allow of s3:* with a Deny when the key has that value (refused — a key the
 * gateway fails to set is a Deny that silently never applies), and the same Deny with another
 * value (succeeds — the Deny refuses because of its condition).
 */

const V = '2012-10-17';
const B = 'cond-keys';
const VERSIONED = 'cond-keys-versions';
const LOCKED = 'cond-keys-locked';
type Condition = Record<string, Record<string, unknown>>;
/** A call as a user: `ok`, `AccessDenied`, or another failure's description. */
type Call = (user: Credentials) => Promise<string>;

describe('S3 condition keys through the gateway (Service Authorization Reference; Amazon S3 User Guide)', () => {
  let env: GatewayEnv;
  let root: S3Client;
  let account: string;
  let serial = 0;

  before(async () => {
    env = await startGatewayEnv();
    root = env.s3(env.server.root);
    account = env.server.accountId;
    await root.send(new CreateBucketCommand({ Bucket: B }));
    await root.send(new CreateBucketCommand({ Bucket: VERSIONED }));
    await root.send(new PutBucketVersioningCommand({ Bucket: VERSIONED, VersioningConfiguration: { Status: 'Enabled' } }));
    await root.send(new CreateBucketCommand({ Bucket: LOCKED, ObjectLockEnabledForBucket: true }));
    await root.send(new PutObjectCommand({ Bucket: B, Key: 'source.txt', Body: 'source' }));
    await root.send(new PutObjectCommand({ Bucket: B, Key: 'private/secret.txt', Body: 'secret' }));
    await root.send(new PutObjectCommand({ Bucket: B, Key: 'docs/a.txt', Body: 'a' }));
    await root.send(new PutObjectCommand({ Bucket: B, Key: 'tagged.txt', Body: 'tagged', Tagging: 'class=secret' }));
    await root.send(new PutObjectCommand({ Bucket: LOCKED, Key: 'held.txt', Body: 'held', ContentMD5: md5('held') }));
  });
  after(() => env?.stop());

  function md5(text: string): string {
    return createHash('md5').update(text).digest('base64');
  }

  /** `ok`, `AccessDenied`, or the error's name and message. */
  async function sdk(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'ok';
    } catch (err) {
      const e = err as Error;
      return e.name === 'AccessDenied' ? e.name : `${e.name}: ${e.message}`;
    }
  }

  /** A presigned URL's answer, as `ok`, `AccessDenied`, or its status and body. */
  async function fetched(url: string, init: RequestInit = {}): Promise<string> {
    const answer = await fetch(url, init);
    const text = await answer.text();
    if (answer.ok) return 'ok';
    return answer.status === 403 && text.includes('<Code>AccessDenied</Code>') ? 'AccessDenied' : `${answer.status}: ${text.slice(0, 300)}`;
  }

  const s3 = (user: Credentials) => env.s3(user);

  async function as(statements: Record<string, unknown>[]): Promise<Credentials> {
    serial += 1;
    return env.user(`s3-cond-${serial}`, [{ Version: V, Statement: statements }]);
  }

  /**
   * The three checks of one key: [Allow `action` only when the key has `value` (and `alsoNeeds`
   * unconditionally) → ok, Allow s3:* and Deny `action` when it has `value` → refused, the same
   * Deny for `other` → ok].
   */
  async function sweep(action: string, operator: string, key: string, value: unknown, other: unknown, call: Call, alsoNeeds: string[] = []): Promise<void> {
    const condition = (v: unknown): Condition => ({ [operator]: { [key]: v } });
    const allowOnly = [{ Effect: 'Allow', Action: action, Resource: '*', Condition: condition(value) }];
    if (alsoNeeds.length > 0) allowOnly.push({ Effect: 'Allow', Action: alsoNeeds as unknown as string, Resource: '*' } as (typeof allowOnly)[number]);
    const denying = (v: unknown) => [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }, { Effect: 'Deny', Action: action, Resource: '*', Condition: condition(v) }];
    const got = {
      allowWhenValue: await call(await as(allowOnly)),
      denyWhenValue: await call(await as(denying(value))),
      denyWhenOther: await call(await as(denying(other))),
    };
    assert.deepEqual(got, { allowWhenValue: 'ok', denyWhenValue: 'AccessDenied', denyWhenOther: 'ok' }, `${action} with ${operator} ${key} = ${JSON.stringify(value)}`);
  }

  let keySerial = 0;
  const fresh = (prefix = 'obj') => `${prefix}-${++keySerial}.txt`;

  describe('object writes: header keys', () => {
    test('PutObject: s3:x-amz-server-side-encryption is the x-amz-server-side-encryption header', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-server-side-encryption', 'AES256', 'aws:kms', (u) =>
        sdk(s3(u).send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: 'x', ServerSideEncryption: 'AES256' }))));
    });

    test('PutObject without encryption: a Null s3:x-amz-server-side-encryption Deny (AWS\'s "deny unencrypted uploads") applies', async () => {
      await sweep('s3:PutObject', 'Null', 's3:x-amz-server-side-encryption', 'true', 'false', (u) =>
        sdk(s3(u).send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: 'x' }))));
    });

    test('CreateMultipartUpload: s3:x-amz-server-side-encryption-aws-kms-key-id is the x-amz-server-side-encryption-aws-kms-key-id header', async () => {
      // An SSE-KMS upload also needs kms:GenerateDataKey and kms:Decrypt on the key: a real key of moto's.
      const kmsKey = (await env.kms(env.server.root).send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-server-side-encryption-aws-kms-key-id', kmsKey, `${kmsKey}0`, (u) =>
        sdk(s3(u).send(new CreateMultipartUploadCommand({ Bucket: B, Key: fresh(), ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKey }))), ['kms:*']);
    });

    test('PutObject: s3:x-amz-website-redirect-location is the x-amz-website-redirect-location header', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-website-redirect-location', '/elsewhere.html', '/other.html', (u) =>
        sdk(s3(u).send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: 'x', WebsiteRedirectLocation: '/elsewhere.html' }))));
    });

    test('PutObject: s3:x-amz-acl is the x-amz-acl header (the upload needs s3:PutObjectAcl too)', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-acl', 'public-read', 'private', (u) =>
        sdk(s3(u).send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: 'x', ACL: 'public-read' }))), ['s3:PutObjectAcl']);
    });

    test('CreateBucket: s3:x-amz-acl is the x-amz-acl header (and it needs s3:PutBucketAcl)', async () => {
      let n = 0;
      await sweep('s3:CreateBucket', 'StringEquals', 's3:x-amz-acl', 'public-read', 'private', (u) =>
        sdk(s3(u).send(new CreateBucketCommand({ Bucket: `cond-keys-acl-${++n}`, ACL: 'public-read' }))), ['s3:PutBucketAcl']);
    });

    test('PutObject: s3:RequestObjectTag/<key> is the x-amz-tagging header\'s value (the upload needs s3:PutObjectTagging too)', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:RequestObjectTag/project', 'blue', 'red', (u) =>
        sdk(s3(u).send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: 'x', Tagging: 'project=blue&team=core' }))), ['s3:PutObjectTagging']);
    });

    test('PutObject: s3:RequestObjectTagKeys is the x-amz-tagging header\'s keys', async () => {
      await sweep('s3:PutObject', 'ForAnyValue:StringEquals', 's3:RequestObjectTagKeys', 'team', 'owner', (u) =>
        sdk(s3(u).send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: 'x', Tagging: 'project=blue&team=core' }))), ['s3:PutObjectTagging']);
    });

    test('PutObjectTagging: s3:RequestObjectTag/<key> comes from the Tagging document', async () => {
      await sweep('s3:PutObjectTagging', 'StringEquals', 's3:RequestObjectTag/project', 'blue', 'red', (u) =>
        sdk(s3(u).send(new PutObjectTaggingCommand({ Bucket: B, Key: 'source.txt', Tagging: { TagSet: [{ Key: 'project', Value: 'blue' }] } }))));
    });

    test('PutObjectTagging: s3:RequestObjectTagKeys comes from the Tagging document', async () => {
      await sweep('s3:PutObjectTagging', 'ForAnyValue:StringEquals', 's3:RequestObjectTagKeys', 'project', 'owner', (u) =>
        sdk(s3(u).send(new PutObjectTaggingCommand({ Bucket: B, Key: 'source.txt', Tagging: { TagSet: [{ Key: 'project', Value: 'blue' }] } }))));
    });

    test('PutObject: s3:if-none-match is the If-None-Match header', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:if-none-match', '*', 'etag', (u) =>
        sdk(s3(u).send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: 'x', IfNoneMatch: '*' }))));
    });
  });

  describe('presigned uploads: the x-amz-* headers the presigner hoists into the query', () => {
    // @aws-sdk/s3-request-presigner moves x-amz-acl and x-amz-tagging into the URL's query; S3
    // applies them from there, so the keys must be read from there too.
    const presignedPut = (input: ConstructorParameters<typeof PutObjectCommand>[0]): Call => async (u) => {
      const url = await getSignedUrl(s3(u), new PutObjectCommand(input), { expiresIn: 300 });
      return fetched(url, { method: 'PUT', body: 'x' });
    };

    test('the URL does carry x-amz-acl in its query (what the tests below rely on)', async () => {
      const url = await getSignedUrl(s3(env.server.root), new PutObjectCommand({ Bucket: B, Key: 'k', ACL: 'public-read', Tagging: 'project=blue' }), { expiresIn: 300 });
      const query = new URL(url).searchParams;
      assert.equal(query.get('x-amz-acl'), 'public-read');
      assert.equal(query.get('x-amz-tagging'), 'project=blue');
    });

    test('presigned PutObject with ACL: s3:x-amz-acl is the hoisted x-amz-acl', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-acl', 'public-read', 'private', presignedPut({ Bucket: B, Key: fresh('presigned'), ACL: 'public-read' }), ['s3:PutObjectAcl']);
    });

    test('presigned PutObject with ACL needs s3:PutObjectAcl, as the header form does', async () => {
      const putOnly = await as([{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }]);
      assert.equal(await presignedPut({ Bucket: B, Key: fresh('presigned'), ACL: 'public-read' })(putOnly), 'AccessDenied');
    });

    test('presigned PutObject with Tagging: s3:RequestObjectTag/<key> is the hoisted x-amz-tagging', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:RequestObjectTag/project', 'blue', 'red', presignedPut({ Bucket: B, Key: fresh('presigned'), Tagging: 'project=blue' }), ['s3:PutObjectTagging']);
    });
  });

  describe('copies', () => {
    test('CopyObject: s3:x-amz-copy-source is the x-amz-copy-source header', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-copy-source', `${B}/source.txt`, `${B}/other.txt`, (u) =>
        sdk(s3(u).send(new CopyObjectCommand({ Bucket: B, Key: fresh('copy'), CopySource: `${B}/source.txt` }))), ['s3:GetObject']);
    });

    test('CopyObject: s3:x-amz-metadata-directive is the x-amz-metadata-directive header', async () => {
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-metadata-directive', 'REPLACE', 'COPY', (u) =>
        sdk(s3(u).send(new CopyObjectCommand({ Bucket: B, Key: fresh('copy'), CopySource: `${B}/source.txt`, MetadataDirective: 'REPLACE', Metadata: { a: 'b' } }))), ['s3:GetObject']);
    });

    test('CopyObject: a copy-source Deny on a prefix is not escaped by writing the source with a leading slash', async () => {
      // Both spellings name the same source object to S3 (API Reference, CopyObject: the source
      // is "the name of the source bucket and the key of the source object, separated by a slash").
      const user = await as([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringLike: { 's3:x-amz-copy-source': `${B}/private/*` } } }]);
      const got = {
        plain: await sdk(s3(user).send(new CopyObjectCommand({ Bucket: B, Key: fresh('copy'), CopySource: `${B}/private/secret.txt` }))),
        leadingSlash: await sdk(s3(user).send(new CopyObjectCommand({ Bucket: B, Key: fresh('copy'), CopySource: `/${B}/private/secret.txt` }))),
        encoded: await sdk(s3(user).send(new CopyObjectCommand({ Bucket: B, Key: fresh('copy'), CopySource: `${B}/private%2Fsecret.txt` }))),
      };
      assert.deepEqual(got, { plain: 'AccessDenied', leadingSlash: 'AccessDenied', encoded: 'AccessDenied' });
    });
  });

  describe('existing object tags', () => {
    /** A fresh object tagged class=secret (each check may change or remove its tags). */
    const taggedObject = async () => {
      const key = fresh('tagged');
      await root.send(new PutObjectCommand({ Bucket: B, Key: key, Body: 'x', Tagging: 'class=secret' }));
      return key;
    };

    test('GetObject: s3:ExistingObjectTag/<key> is the object\'s tag', async () => {
      await sweep('s3:GetObject', 'StringEquals', 's3:ExistingObjectTag/class', 'secret', 'public', (u) =>
        sdk(s3(u).send(new GetObjectCommand({ Bucket: B, Key: 'tagged.txt' })).then((r) => r.Body?.transformToString())));
    });

    test('GetObjectTagging: s3:ExistingObjectTag/<key> is the object\'s tag', async () => {
      await sweep('s3:GetObjectTagging', 'StringEquals', 's3:ExistingObjectTag/class', 'secret', 'public', (u) =>
        sdk(s3(u).send(new GetObjectTaggingCommand({ Bucket: B, Key: 'tagged.txt' }))));
    });

    test('PutObjectTagging: s3:ExistingObjectTag/<key> is the tag the object has before the write', async () => {
      await sweep('s3:PutObjectTagging', 'StringEquals', 's3:ExistingObjectTag/class', 'secret', 'public', async (u) =>
        sdk(s3(u).send(new PutObjectTaggingCommand({ Bucket: B, Key: await taggedObject(), Tagging: { TagSet: [{ Key: 'class', Value: 'public' }] } }))));
    });

    test('DeleteObjectTagging: s3:ExistingObjectTag/<key> is the object\'s tag', async () => {
      await sweep('s3:DeleteObjectTagging', 'StringEquals', 's3:ExistingObjectTag/class', 'secret', 'public', async (u) =>
        sdk(s3(u).send(new DeleteObjectTaggingCommand({ Bucket: B, Key: await taggedObject() }))));
    });
  });

  describe('listings', () => {
    test('ListObjectsV2: s3:prefix is the prefix parameter', async () => {
      await sweep('s3:ListBucket', 'StringEquals', 's3:prefix', 'docs/', 'home/', (u) => sdk(s3(u).send(new ListObjectsV2Command({ Bucket: B, Prefix: 'docs/' }))));
    });

    test('ListObjectsV2 with an empty prefix: s3:prefix is ""', async () => {
      await sweep('s3:ListBucket', 'StringEquals', 's3:prefix', '', 'docs/', (u) => sdk(s3(u).send(new ListObjectsV2Command({ Bucket: B, Prefix: '' }))));
    });

    test('ListObjectsV2 without a prefix: s3:prefix is absent (a Null condition holds)', async () => {
      await sweep('s3:ListBucket', 'Null', 's3:prefix', 'true', 'false', (u) => sdk(s3(u).send(new ListObjectsV2Command({ Bucket: B }))));
    });

    test('ListObjectsV2: s3:delimiter is the delimiter parameter', async () => {
      await sweep('s3:ListBucket', 'StringEquals', 's3:delimiter', '/', '|', (u) => sdk(s3(u).send(new ListObjectsV2Command({ Bucket: B, Delimiter: '/' }))));
    });

    test('ListObjectsV2: s3:max-keys is the max-keys parameter (numeric)', async () => {
      await sweep('s3:ListBucket', 'NumericEquals', 's3:max-keys', '5', '10', (u) => sdk(s3(u).send(new ListObjectsV2Command({ Bucket: B, MaxKeys: 5 }))));
    });

    test('ListObjectVersions: s3:prefix is the prefix parameter', async () => {
      await sweep('s3:ListBucketVersions', 'StringEquals', 's3:prefix', 'docs/', 'home/', (u) => sdk(s3(u).send(new ListObjectVersionsCommand({ Bucket: VERSIONED, Prefix: 'docs/' }))));
    });

    test('ListObjectVersions: s3:max-keys is the max-keys parameter', async () => {
      await sweep('s3:ListBucketVersions', 'NumericLessThanEquals', 's3:max-keys', '5', '4', (u) => sdk(s3(u).send(new ListObjectVersionsCommand({ Bucket: VERSIONED, MaxKeys: 5 }))));
    });
  });

  describe('versions', () => {
    test('GetObject of a version: s3:VersionId is its versionId (s3:GetObjectVersion)', async () => {
      const version = (await root.send(new PutObjectCommand({ Bucket: VERSIONED, Key: 'v.txt', Body: 'v1' }))).VersionId!;
      await root.send(new PutObjectCommand({ Bucket: VERSIONED, Key: 'v.txt', Body: 'v2' }));
      await sweep('s3:GetObjectVersion', 'StringEquals', 's3:VersionId', version, 'other-version', (u) =>
        sdk(s3(u).send(new GetObjectCommand({ Bucket: VERSIONED, Key: 'v.txt', VersionId: version })).then((r) => r.Body?.transformToString())));
    });

    test('DeleteObject of a version: s3:VersionId is its versionId (s3:DeleteObjectVersion)', async () => {
      // Each allowed delete consumes a version: one per check, each checked against its own id.
      const versions: string[] = [];
      for (let i = 0; i < 3; i++) versions.push((await root.send(new PutObjectCommand({ Bucket: VERSIONED, Key: 'd.txt', Body: `d${i}` }))).VersionId!);
      const del = (user: Credentials, version: string) => sdk(s3(user).send(new DeleteObjectCommand({ Bucket: VERSIONED, Key: 'd.txt', VersionId: version })));
      const cond = (v: string): Condition => ({ StringEquals: { 's3:VersionId': v } });
      const got = {
        allowWhenValue: await del(await as([{ Effect: 'Allow', Action: 's3:DeleteObjectVersion', Resource: '*', Condition: cond(versions[0]!) }]), versions[0]!),
        denyWhenValue: await del(await as([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObjectVersion', Resource: '*', Condition: cond(versions[1]!) }]), versions[1]!),
        denyWhenOther: await del(await as([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObjectVersion', Resource: '*', Condition: cond(versions[0]!) }]), versions[2]!),
      };
      assert.deepEqual(got, { allowWhenValue: 'ok', denyWhenValue: 'AccessDenied', denyWhenOther: 'ok' });
    });
  });

  describe('Object Lock', () => {
    test('PutObjectLegalHold: s3:object-lock-legal-hold is the LegalHold document\'s Status', async () => {
      await sweep('s3:PutObjectLegalHold', 'StringEquals', 's3:object-lock-legal-hold', 'OFF', 'ON', (u) =>
        sdk(s3(u).send(new PutObjectLegalHoldCommand({ Bucket: LOCKED, Key: 'held.txt', LegalHold: { Status: 'OFF' }, ContentMD5: md5('<LegalHold xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>OFF</Status></LegalHold>') }))));
    });
  });

  describe('authentication and transport keys', () => {
    const getHeader: Call = (u) => sdk(s3(u).send(new GetObjectCommand({ Bucket: B, Key: 'source.txt' })).then((r) => r.Body?.transformToString()));
    const getPresigned: Call = async (u) => fetched(await getSignedUrl(s3(u), new GetObjectCommand({ Bucket: B, Key: 'source.txt' }), { expiresIn: 3600 }));
    /** A URL signed 20 minutes ago, valid for an hour. */
    const getPresignedOld: Call = async (u) =>
      fetched(await getSignedUrl(s3(u), new GetObjectCommand({ Bucket: B, Key: 'source.txt' }), { expiresIn: 3600, signingDate: new Date(Date.now() - 20 * 60_000) }));

    test('s3:authType is REST-HEADER for an Authorization header', async () => {
      await sweep('s3:GetObject', 'StringEquals', 's3:authType', 'REST-HEADER', 'REST-QUERY-STRING', getHeader);
    });

    test('s3:authType is REST-QUERY-STRING for a presigned URL', async () => {
      await sweep('s3:GetObject', 'StringEquals', 's3:authType', 'REST-QUERY-STRING', 'REST-HEADER', getPresigned);
    });

    test('s3:signatureversion is AWS4-HMAC-SHA256 for a SigV4 presigned URL', async () => {
      await sweep('s3:GetObject', 'StringEquals', 's3:signatureversion', 'AWS4-HMAC-SHA256', 'AWS', getPresigned);
    });

    test('s3:signatureAge is the signature\'s age in milliseconds: a URL signed 20 minutes ago is older than 600000', async () => {
      await sweep('s3:GetObject', 'NumericGreaterThan', 's3:signatureAge', '600000', '3600000', getPresignedOld);
    });

    test('s3:signatureAge of a SigV2 presigned URL is 0 ("In Signature Version 2, this value is always set to 0")', async () => {
      // The aws CLI v1 presigns with SigV2 under its own defaults (no config file).
      const presignedV2: Call = async (u) => {
        const out = await env.cli(['s3', 'presign', `s3://${B}/source.txt`, '--expires-in', '300'], u, { AWS_CONFIG_FILE: '/dev/null' });
        assert.match(out.stdout, /[?&]AWSAccessKeyId=.*&Signature=/, out.stderr);
        return fetched(out.stdout.trim());
      };
      await sweep('s3:GetObject', 'NumericEquals', 's3:signatureAge', '0', '1', presignedV2);
    });

    test('s3:ResourceAccount is the bucket owner\'s account', async () => {
      await sweep('s3:GetObject', 'StringEquals', 's3:ResourceAccount', account, '999999999999', getHeader);
    });

    test('s3:TlsVersion over plain HTTP: absent — a Null condition holds', async () => {
      await sweep('s3:GetObject', 'Null', 's3:TlsVersion', 'true', 'false', getHeader);
    });

    test('s3:TlsVersion over plain HTTP: a NumericLessThan Deny does not apply (the key is absent)', async () => {
      const user = await as([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } }]);
      assert.equal(await getHeader(user), 'ok');
    });

    test('aws:SecureTransport is false over plain HTTP', async () => {
      await sweep('s3:GetObject', 'Bool', 'aws:SecureTransport', 'false', 'true', getHeader);
    });

    test('s3:x-amz-content-sha256 is the payload hash the request signed', async () => {
      const body = 'hashed body';
      const hash = createHash('sha256').update(body).digest('hex');
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-content-sha256', hash, 'UNSIGNED-PAYLOAD', (u) =>
        sdk(s3(u).send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: body }))));
    });

    test('s3:x-amz-content-sha256 is UNSIGNED-PAYLOAD for an unsigned payload (AWS\'s "deny uploads where payloads are not signed")', async () => {
      const unsigned: Call = (u) => {
        const client = s3(u);
        client.middlewareStack.add((next) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
          return next(args);
        }, { step: 'build', name: 'unsignedPayload' });
        return sdk(client.send(new PutObjectCommand({ Bucket: B, Key: fresh(), Body: 'unsigned body' })));
      };
      await sweep('s3:PutObject', 'StringEquals', 's3:x-amz-content-sha256', 'UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', unsigned);
    });
  });
});
