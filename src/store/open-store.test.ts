import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openStore, parseStoreUrl } from './open-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('parses each supported URL form', () => {
  assert.deepEqual(parseStoreUrl('sqlite::memory:'), { dialect: 'sqlite', path: ':memory:' });
  assert.deepEqual(parseStoreUrl('sqlite:data/tessera.db'), { dialect: 'sqlite', path: 'data/tessera.db' });
  assert.deepEqual(parseStoreUrl('sqlite:/var/lib/tessera/db.sqlite'), { dialect: 'sqlite', path: '/var/lib/tessera/db.sqlite' });
  assert.deepEqual(parseStoreUrl('postgres://u:p@db:5432/iam'), { dialect: 'postgres', url: 'postgres://u:p@db:5432/iam' });
  assert.deepEqual(parseStoreUrl('postgresql://db/iam?sslmode=require'), { dialect: 'postgres', url: 'postgresql://db/iam?sslmode=require' });
});

test('refuses other URLs without repeating them (they may hold a password)', () => {
  for (const url of ['mysql://root:hunter2@db/iam', 'hunter2', 'sqlite:', 'postgres:/hunter2@db']) {
    assert.throws(
      () => parseStoreUrl(url),
      (err: Error) => !err.message.includes('hunter2') && /sqlite:PATH|sqlite::memory:/.test(err.message),
      url,
    );
  }
});

test('sqlite:PATH creates the missing folders and a working, migrated store', async () => {
  const file = join(dir, 'nested', 'deeper', 'tessera.db');
  const store = await openStore(`sqlite:${file}`);
  try {
    assert.equal(store.dialect, 'sqlite');
    assert.ok(existsSync(file));
    await store.insert({ accountId: 'a', kind: 'user', id: 'U1', name: 'alice', parentId: '', path: '/', data: {}, createdAt: 't' });
  } finally {
    await store.close();
  }
  const reopened = await openStore(`sqlite:${file}`);
  try {
    assert.equal((await reopened.get('user', 'U1'))?.name, 'alice');
  } finally {
    await reopened.close();
  }
});

test('sqlite::memory: is a fresh store each time', async () => {
  const first = await openStore('sqlite::memory:');
  await first.insert({ accountId: 'a', kind: 'user', id: 'U1', name: 'alice', parentId: '', path: '/', data: {}, createdAt: 't' });
  const second = await openStore('sqlite::memory:');
  try {
    assert.equal(await second.get('user', 'U1'), undefined);
    assert.equal((await first.get('user', 'U1'))?.name, 'alice');
  } finally {
    await first.close();
    await second.close();
  }
});
