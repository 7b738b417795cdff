import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checksumOf, loadMigrations, migration, pendingMigrations, sortedMigrations } from './migrations.ts';

test('both dialects ship the same numbered migrations, in order', async () => {
  const sqlite = await loadMigrations('sqlite');
  const postgres = await loadMigrations('postgres');
  assert.ok(sqlite.length > 0);
  assert.deepEqual(
    sqlite.map((m) => [m.version, m.name]),
    postgres.map((m) => [m.version, m.name]),
  );
  assert.deepEqual(
    sqlite.map((m) => m.version),
    sqlite.map((_, i) => i + 1),
    'versions run 1, 2, 3… without gaps',
  );
  for (const m of [...sqlite, ...postgres]) assert.equal(m.checksum, checksumOf(m.sql));
});

test('migrations are sorted by version, and a duplicated version is refused', () => {
  const [a, b, c] = [migration(1, 'a', 'A'), migration(2, 'b', 'B'), migration(10, 'c', 'C')];
  assert.deepEqual(sortedMigrations([c, a, b]), [a, b, c]);
  assert.throws(() => sortedMigrations([a, migration(1, 'again', 'X')]), /share version 1/);
});

test('pending = not applied yet; an applied one whose text changed is an error; unknown applied ones are ignored', () => {
  const known = [migration(1, 'a', 'A'), migration(2, 'b', 'B'), migration(3, 'c', 'C')];
  assert.deepEqual(pendingMigrations(known, []), known);
  assert.deepEqual(
    pendingMigrations(known, [{ version: 1, checksum: checksumOf('A') }, { version: 9, checksum: 'from a newer node' }]),
    known.slice(1),
  );
  assert.throws(() => pendingMigrations(known, [{ version: 2, checksum: checksumOf('B, edited') }]), /2_b was changed/);
});
