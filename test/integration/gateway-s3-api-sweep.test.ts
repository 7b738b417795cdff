import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * The fidelity sweep of the S3 gateway with the aws CLI (`aws s3api …`) through Tessera in front
 * of moto: the operations whose checks were wrong — GetObjectAttributes without the object's
 * read, Object Lock uploads and governance bypass without their actions, Object Lock and
 * copy-source version condition keys never set — each with a user allowed exactly what AWS
 * requires, and one allowed a little less.
 */
describe('S3 API sweep through the gateway (aws s3api)', () => {
  let env: GatewayEnv;
  let root: Credentials;
  const BUCKET = 'sweep-versions';
  const LOCKED = 'sweep-locked';
  const object = (bucket: string, key = '*') => `arn:aws:s3:::${bucket}/${key}`;
  const inFuture = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

  const s3api = async (args: string[], credentials: Credentials) => {
    const run = await env.cli(['s3api', ...args, '--output', 'json'], credentials);
    return { ...run, json: run.code === 0 && run.stdout.trim() !== '' ? (JSON.parse(run.stdout) as Record<string, unknown>) : undefined };
  };
  const ok = async (args: string[], credentials: Credentials) => {
    const run = await s3api(args, credentials);
    assert.equal(run.code, 0, run.stderr);
    return run.json ?? {};
  };
  const refused = async (args: string[], credentials: Credentials, action: string, resource: string) => {
    const run = await s3api(args, credentials);
    assert.notEqual(run.code, 0, `expected a refusal of ${args.join(' ')}`);
    assert.match(run.stderr, /\(AccessDenied\)/);
    assert.ok(run.stderr.includes(`is not authorized to perform: ${action} on resource: "${resource}"`), run.stderr);
  };

  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    await ok(['create-bucket', '--bucket', BUCKET], root);
    await ok(['put-bucket-versioning', '--bucket', BUCKET, '--versioning-configuration', 'Status=Enabled'], root);
    await ok(['create-bucket', '--bucket', LOCKED, '--object-lock-enabled-for-bucket'], root);
  });
  after(() => env?.stop());

  test('GetObjectAttributes needs s3:GetObject (s3:GetObjectVersion for a version) as well as the attributes action', async () => {
    const first = String((await ok(['put-object', '--bucket', BUCKET, '--key', 'attrs.txt'], root))['VersionId']);
    await ok(['put-object', '--bucket', BUCKET, '--key', 'attrs.txt'], root);
    const attributesOnly = await env.user('attributes-only', [allow(['s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'], object(BUCKET))]);
    await refused(['get-object-attributes', '--bucket', BUCKET, '--key', 'attrs.txt', '--object-attributes', 'ETag'], attributesOnly, 's3:GetObject', object(BUCKET, 'attrs.txt'));
    await refused(['get-object-attributes', '--bucket', BUCKET, '--key', 'attrs.txt', '--version-id', first, '--object-attributes', 'ETag'], attributesOnly, 's3:GetObjectVersion', object(BUCKET, 'attrs.txt'));

    const reader = await env.user('attributes-reader', [allow(['s3:GetObjectAttributes', 's3:GetObject', 's3:GetObjectVersionAttributes', 's3:GetObjectVersion'], object(BUCKET))]);
    const current = await ok(['get-object-attributes', '--bucket', BUCKET, '--key', 'attrs.txt', '--object-attributes', 'ETag', 'ObjectSize'], reader);
    assert.equal(current['ObjectSize'], 0);
    const version = await ok(['get-object-attributes', '--bucket', BUCKET, '--key', 'attrs.txt', '--version-id', first, '--object-attributes', 'ETag'], reader);
    assert.equal(version['VersionId'], first);
  });

  test('an upload with a retention or a legal hold needs s3:PutObjectRetention / s3:PutObjectLegalHold', async () => {
    const writer = await env.user('lock-writer', [allow('s3:PutObject', object(LOCKED))]);
    const retention = ['--object-lock-mode', 'GOVERNANCE', '--object-lock-retain-until-date', inFuture(1)];
    await refused(['put-object', '--bucket', LOCKED, '--key', 'kept.txt', ...retention], writer, 's3:PutObjectRetention', object(LOCKED, 'kept.txt'));
    await refused(['put-object', '--bucket', LOCKED, '--key', 'held.txt', '--object-lock-legal-hold-status', 'ON'], writer, 's3:PutObjectLegalHold', object(LOCKED, 'held.txt'));
    // Nothing was written.
    const listed = await ok(['list-objects-v2', '--bucket', LOCKED], root);
    assert.equal(listed['Contents'], undefined);

    const locker = await env.user('lock-locker', [allow(['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold'], object(LOCKED))]);
    await ok(['put-object', '--bucket', LOCKED, '--key', 'kept.txt', ...retention], locker);
    await ok(['put-object', '--bucket', LOCKED, '--key', 'held.txt', '--object-lock-legal-hold-status', 'ON'], locker);
    const hold = await ok(['get-object-legal-hold', '--bucket', LOCKED, '--key', 'held.txt'], root);
    assert.deepEqual(hold['LegalHold'], { Status: 'ON' });
  });

  test('PutObjectRetention is decided on the mode and the days of its Retention document', async () => {
    await ok(['put-object', '--bucket', LOCKED, '--key', 'retained.txt'], root);
    const governanceUpToAMonth = await env.user('governance-month', [allow('s3:PutObjectRetention', object(LOCKED), {
      Condition: { StringEquals: { 's3:object-lock-mode': 'GOVERNANCE' }, NumericLessThanEquals: { 's3:object-lock-remaining-retention-days': '30' } },
    })]);
    const retention = (mode: string, days: number) => ['put-object-retention', '--bucket', LOCKED, '--key', 'retained.txt', '--retention', `Mode=${mode},RetainUntilDate=${inFuture(days)}`];
    await refused(retention('COMPLIANCE', 2), governanceUpToAMonth, 's3:PutObjectRetention', object(LOCKED, 'retained.txt'));
    await refused(retention('GOVERNANCE', 40), governanceUpToAMonth, 's3:PutObjectRetention', object(LOCKED, 'retained.txt'));
    await ok(retention('GOVERNANCE', 2), governanceUpToAMonth);
    const head = await ok(['head-object', '--bucket', LOCKED, '--key', 'retained.txt'], root);
    assert.equal(head['ObjectLockMode'], 'GOVERNANCE');
  });

  test('bypassing governance retention needs s3:BypassGovernanceRetention (DeleteObject, PutObjectRetention, DeleteObjects)', async () => {
    const version = String((await ok(['put-object', '--bucket', LOCKED, '--key', 'bypassed.txt'], root))['VersionId']);
    const deleter = await env.user('lock-deleter', [allow(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention'], object(LOCKED))]);
    await refused(['delete-object', '--bucket', LOCKED, '--key', 'bypassed.txt', '--version-id', version, '--bypass-governance-retention'], deleter, 's3:BypassGovernanceRetention', object(LOCKED, 'bypassed.txt'));
    await refused(['put-object-retention', '--bucket', LOCKED, '--key', 'bypassed.txt', '--bypass-governance-retention', '--retention', `Mode=GOVERNANCE,RetainUntilDate=${inFuture(1)}`], deleter, 's3:BypassGovernanceRetention', object(LOCKED, 'bypassed.txt'));
    const objects = JSON.stringify({ Objects: [{ Key: 'bypassed.txt', VersionId: version }] });
    const many = await s3api(['delete-objects', '--bucket', LOCKED, '--delete', objects, '--bypass-governance-retention'], deleter);
    // Refused whole or object by object, the version stays.
    assert.ok(many.code !== 0 || JSON.stringify(many.json?.['Errors'] ?? []).includes('AccessDenied'), many.stdout + many.stderr);
    const versions = await ok(['list-object-versions', '--bucket', LOCKED, '--prefix', 'bypassed.txt'], root);
    assert.deepEqual((versions['Versions'] as { VersionId: string }[]).map((entry) => entry.VersionId), [version]);

    const bypasser = await env.user('lock-bypasser', [allow(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'], object(LOCKED))]);
    await ok(['delete-object', '--bucket', LOCKED, '--key', 'bypassed.txt', '--version-id', version, '--bypass-governance-retention'], bypasser);
  });

  test('CopyObject of a version: s3:GetObjectVersion on the source, decided on the source\'s s3:VersionId', async () => {
    const v1 = String((await ok(['put-object', '--bucket', BUCKET, '--key', 'source.txt'], root))['VersionId']);
    const v2 = String((await ok(['put-object', '--bucket', BUCKET, '--key', 'source.txt'], root))['VersionId']);
    const copier = await env.user('version-copier', [
      allow('s3:PutObject', object(BUCKET, 'copies/*')),
      allow('s3:GetObjectVersion', object(BUCKET, 'source.txt'), { Condition: { StringEquals: { 's3:VersionId': v1 } } }),
    ]);
    const copy = (version: string) => ['copy-object', '--bucket', BUCKET, '--key', 'copies/c.txt', '--copy-source', `${BUCKET}/source.txt?versionId=${version}`, '--metadata-directive', 'REPLACE'];
    await refused(copy(v2), copier, 's3:GetObjectVersion', object(BUCKET, 'source.txt'));
    const copied = await ok(copy(v1), copier);
    assert.equal(copied['CopySourceVersionId'], v1);
  });
});
