import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { durabilityRecord, type DurabilityData } from './sqlite-durability-record.ts';
import { openSqliteStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-durability-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CHILD = fileURLToPath(new URL('./sqlite-durability-child.ts', import.meta.url));
/** Kill the writer once it has acknowledged this many commits, i.e. mid-stream. */
const KILL_AFTER = 150;

/** Runs the writer until it has acknowledged `KILL_AFTER` ids, SIGKILLs it, returns every id it printed. */
function writeUntilKilled(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.split('\n').length > KILL_AFTER && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended by itself (code ${code}): ${stderr}`));
      // Ids printed after the kill was sent are acknowledged too; only a torn last line is not.
      else resolve(stdout.split('\n').slice(0, -1));
    });
  });
}

test('every write acknowledged before a SIGKILL is in the file afterwards, whole', { timeout: 60_000 }, async () => {
  const file = join(dir, 'killed.db');
  const acknowledged = await writeUntilKilled(file);
  assert.ok(acknowledged.length >= KILL_AFTER, `only ${acknowledged.length} ids acknowledged`);

  const store = await openSqliteStore(file);
  try {
    for (const [i, id] of acknowledged.entries()) {
      const expected = durabilityRecord(i);
      assert.equal(id, expected.id, 'ids are acknowledged in order');
      const stored = await store.get<DurabilityData>('durability', id);
      assert.deepEqual(stored, { ...expected, version: 1 }, `record ${id}`);
      assert.equal(await store.hasLink('durability', 'batch', id), true, `link of ${id} (same transaction)`);
    }
    // At most the one transaction in flight at the kill may have committed without being
    // acknowledged; nothing may be half there (record without its link, or the reverse).
    const records = await store.count('111122223333', 'durability');
    assert.ok(records - acknowledged.length <= 1, `${records} records for ${acknowledged.length} acknowledged`);
    assert.equal(await store.countLinksFrom('durability', 'batch'), records);
  } finally {
    await store.close();
  }

  const db = new DatabaseSync(file, { readOnly: true });
  try {
    assert.equal(db.prepare('PRAGMA integrity_check').get()?.integrity_check, 'ok');
  } finally {
    db.close();
  }
});
