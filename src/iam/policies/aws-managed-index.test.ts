import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsManagedPolicyId, buildAwsManagedIndex, versionDocument, type RawManagedPolicies } from './aws-managed-index.ts';
import { AwsManagedCatalog, isAttachableAwsPolicy, loadAwsManagedCatalog } from './aws-managed.ts';

/** The package's data shape, in miniature. */
const RAW: RawManagedPolicies = {
  ZetaAccess: {
    arn: 'arn:aws:iam::aws:policy/ZetaAccess',
    latestVersionId: 'v10',
    versions: {
      v9: { createdDate: '2020-01-01T00:00:00.000Z', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'z:Old', Resource: '*' }] } },
      v10: { createdDate: '2021-01-01T00:00:00.000Z', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'z:New', Resource: '*' }] } },
      v2: { createdDate: '2019-01-01T00:00:00.000Z', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'z:Older', Resource: '*' }] } },
    },
    createdDate: '2019-01-01T00:00:00.000Z',
    lastUpdatedDate: '2021-01-01T00:00:00.000Z',
  },
  alphaRole: {
    arn: 'arn:aws:iam::aws:policy/service-role/alphaRole',
    latestVersionId: 'v1',
    versions: { v1: { createdDate: '2018-05-05T00:00:00.000Z', document: { Version: '2012-10-17', Statement: [] } } },
  },
  LinkedPolicy: {
    arn: 'arn:aws:iam::aws:policy/aws-service-role/LinkedPolicy',
    latestVersionId: 'v1',
    versions: { v1: { document: { Version: '2012-10-17', Statement: [] } } },
    createdDate: '2017-01-01T00:00:00.000Z',
  },
  // Skipped: the ARN does not name this policy, or the default version is missing.
  Mismatched: { arn: 'arn:aws:iam::aws:policy/Other', latestVersionId: 'v1', versions: { v1: { document: {} } } },
  NoDefault: { arn: 'arn:aws:iam::aws:policy/NoDefault', latestVersionId: 'v3', versions: { v1: { document: {} } } },
};

test('the index keeps names, paths, versions newest first and documents; sorted by name', () => {
  const index = buildAwsManagedIndex(RAW);
  assert.deepEqual(index.map((p) => [p.name, p.path]), [['alphaRole', '/service-role/'], ['LinkedPolicy', '/aws-service-role/'], ['ZetaAccess', '/']]);
  const zeta = index[2]!;
  assert.deepEqual(zeta.versions.map((v) => v.id), ['v10', 'v9', 'v2'], 'v10 is newer than v9');
  assert.equal(zeta.defaultVersionId, 'v10');
  assert.equal(zeta.defaultDocument, JSON.stringify(RAW['ZetaAccess']!.versions['v10']!.document));
  assert.equal(zeta.versions[0]!.deflated, undefined, 'the default document is kept as text, not twice');
  assert.ok(zeta.versions[1]!.deflated instanceof Uint8Array);
  assert.equal(versionDocument(zeta, 'v9'), JSON.stringify(RAW['ZetaAccess']!.versions['v9']!.document));
  assert.equal(versionDocument(zeta, 'v10'), zeta.defaultDocument);
  assert.equal(versionDocument(zeta, 'v3'), undefined);
  assert.deepEqual([zeta.createDate, zeta.updateDate], ['2019-01-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z']);
  // Missing dates fall back to the policy's, or the version's.
  const alpha = index[0]!;
  assert.deepEqual([alpha.createDate, alpha.updateDate], ['2018-05-05T00:00:00.000Z', '2018-05-05T00:00:00.000Z']);
  assert.equal(index[1]!.versions[0]!.createDate, '2017-01-01T00:00:00.000Z');
});

test('policy IDs have AWS\'s shape and are stable per ARN', () => {
  const id = awsManagedPolicyId('arn:aws:iam::aws:policy/ZetaAccess');
  assert.match(id, /^ANPA[A-Z2-7]{17}$/);
  assert.equal(awsManagedPolicyId('arn:aws:iam::aws:policy/ZetaAccess'), id);
  assert.notEqual(awsManagedPolicyId('arn:aws:iam::aws:policy/ZetaAccesS'), id);
});

test('the catalog finds by name in any case and by exact path; service-role policies are not attachable', () => {
  const catalog = new AwsManagedCatalog(buildAwsManagedIndex(RAW));
  assert.equal(catalog.find('zetaaccess', '/')?.arn, 'arn:aws:iam::aws:policy/ZetaAccess');
  assert.equal(catalog.find('ZetaAccess', '/service-role/'), undefined);
  assert.equal(catalog.find('Nope', '/'), undefined);
  assert.equal(isAttachableAwsPolicy(catalog.find('alphaRole', '/service-role/')!), true);
  assert.equal(isAttachableAwsPolicy(catalog.find('LinkedPolicy', '/aws-service-role/')!), false);
});

test('a data file is loaded in a worker thread into the same catalog', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-managed-'));
  try {
    const file = join(dir, 'managed.json');
    await writeFile(file, JSON.stringify(RAW));
    const catalog = await loadAwsManagedCatalog(file);
    assert.deepEqual(catalog.policies.map((p) => p.name), ['alphaRole', 'LinkedPolicy', 'ZetaAccess']);
    const zeta = catalog.find('ZetaAccess', '/')!;
    assert.equal(await catalog.document(zeta, 'v2'), JSON.stringify(RAW['ZetaAccess']!.versions['v2']!.document), 'deflated documents survive the trip');
    await assert.rejects(loadAwsManagedCatalog(join(dir, 'missing.json')), /ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
