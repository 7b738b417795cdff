import { DatabaseSync } from 'node:sqlite';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { SqliteAuditOperations } from './sqlite-audit-operations.ts';
import { fromWire } from './sqlite-audit-wire.ts';
import type { AuditWriterRequest, AuditWriterReply, AuditWriterSetup } from './sqlite-audit-writer.ts';

/**
 * The audit file's writer thread (see sqlite-audit-writer.ts): every append that arrives while
 * a commit is in progress goes into the next transaction, so one fsync carries them all. Its
 * own connection may block on the file's lock (busy_timeout) and on the fsync: only this
 * thread waits, never the server's event loop.
 */
const setup = workerData as AuditWriterSetup;
const port = parentPort!;
const db = new DatabaseSync(setup.path, { timeout: setup.lockWaitMs, enableForeignKeyConstraints: false });
db.exec('PRAGMA synchronous = FULL');
const operations = new SqliteAuditOperations(db);
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');

/** One transaction for every request given; if it fails, each request in its own, so one bad event fails only its own request. */
function writeAll(requests: AuditWriterRequest[]): AuditWriterReply[] {
  const together = write(requests);
  if (together.error === undefined || requests.length === 1) return [together];
  return requests.map((request) => write([request]));
}

function write(requests: AuditWriterRequest[]): AuditWriterReply {
  const ids = requests.map((request) => request.id);
  try {
    begin.run();
    try {
      for (const request of requests) operations.append(fromWire(request.events));
      commit.run();
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
    return { ids };
  } catch (err) {
    return { ids, error: err instanceof Error ? err.message : String(err) };
  }
}

port.on('message', (first: AuditWriterRequest | 'close') => {
  if (first === 'close') {
    db.close();
    port.close();
    return;
  }
  const requests = [first];
  let closeAfter = false;
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
    const message = next.message as AuditWriterRequest | 'close';
    if (message === 'close') {
      closeAfter = true;
      break;
    }
    requests.push(message);
  }
  for (const reply of writeAll(requests)) port.postMessage(reply);
  if (closeAfter) {
    db.close();
    port.close();
  }
});
