/**
 * Child process of sqlite-durability.test.ts: commits records one transaction at a time into
 * the file given as argv[2] and prints each id only after its transaction has committed, until
 * it is killed. Every printed id is therefore a write the store acknowledged.
 */
import { writeSync } from 'node:fs';
import { openSqliteStore } from './sqlite-store.ts';
import { durabilityRecord } from './sqlite-durability-record.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: sqlite-durability-child.ts <database file>');

const store = await openSqliteStore(file);
for (let i = 0; ; i++) {
  const record = durabilityRecord(i);
  await store.transaction(async (tx) => {
    await tx.insert(record);
    await tx.link('durability', record.accountId, 'batch', record.id);
  });
  // Synchronous write straight to fd 1: nothing buffered in this process can be lost to the
  // kill after the parent has been told.
  writeSync(1, `${record.id}\n`);
}
