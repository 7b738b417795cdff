import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootCredentialsLines, storeForDisplay } from './serve-banner.ts';

test('the banner shows no PostgreSQL password and no supplied root secret', () => {
  assert.equal(storeForDisplay('postgres://tessera:s3cret@db:5432/t?sslmode=require'), 'postgres://tessera:***@db:5432/t?sslmode=require');
  assert.equal(storeForDisplay('postgresql://u@db/t?password=s3cret'), 'postgresql://u@db/t?password=***');
  assert.equal(storeForDisplay('sqlite:/data/tessera.db'), 'sqlite:/data/tessera.db');
  const created = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'given-secret' };
  assert.ok(!rootCredentialsLines(created, 'given-secret', '').includes('given-secret'));
  assert.ok(rootCredentialsLines(created, undefined, '').includes('given-secret'), 'a generated secret is shown once');
});
