import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkSqlitePath, ensureDirectory, ensureWritableDirectory, UnusablePathError } from './usable-paths.ts';
import { bestTimeAsync } from '../../test/support/timing.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-paths-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs `fn`, which must fail with an UnusablePathError matching `pattern`, well under a second. */
async function failsQuickly(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const ms = await bestTimeAsync(() => assert.rejects(fn(), (err: Error) => err instanceof UnusablePathError && pattern.test(err.message)), 500);
  assert.ok(ms < 500, `fails at once (${ms.toFixed(0)} ms)`);
}

test('creates missing folders one level at a time, private', async () => {
  const dir = join(root, 'a', 'b', 'c');
  await ensureWritableDirectory(dir, 'data directory');
  assert.ok(statSync(dir).isDirectory());
  assert.equal(statSync(dir).mode & 0o077, 0);
  assert.deepEqual(readdirSync(dir), [], 'the write probe is removed');
  await ensureDirectory(dir, 'data directory'); // already there: fine
});

test('a path under /proc fails at once (Node\'s recursive mkdir spins forever there)', async () => {
  await failsQuickly(() => ensureWritableDirectory('/proc/tessera-x/y', 'data directory'), /^data directory \/proc\/tessera-x\/y: cannot create \/proc\/tessera-x: no such file or directory \(ENOENT\)$/);
  await failsQuickly(() => ensureWritableDirectory('/proc/self', 'data directory'), /^data directory \/proc\/self: cannot create files in it: /);
});

test('a file where a directory is expected fails with the path', async () => {
  const file = join(root, 'plain-file');
  writeFileSync(file, 'x');
  await failsQuickly(() => ensureWritableDirectory(file, 'data directory'), /plain-file: exists but is not a directory$/);
  await failsQuickly(() => ensureWritableDirectory(join(file, 'below'), 'data directory'), /plain-file\/below: a part of the path is a file, not a directory$/);
});

test('a SQLite path must be a SQLite file (or absent or empty) in a writable folder', async () => {
  await checkSqlitePath(join(root, 'db', 'new.db'));
  const empty = join(root, 'empty.db');
  writeFileSync(empty, '');
  await checkSqlitePath(empty);
  const garbage = join(root, 'garbage.db');
  writeFileSync(garbage, 'definitely not a database, but long enough');
  await failsQuickly(() => checkSqlitePath(garbage), /garbage\.db: the file is not a SQLite database$/);
  await failsQuickly(() => checkSqlitePath(root), /: exists but is not a regular file$/);
  await failsQuickly(() => checkSqlitePath('/proc/tessera-x/tessera.db'), /^SQLite store \/proc\/tessera-x\/tessera\.db: its directory \/proc\/tessera-x: cannot create/);
});
