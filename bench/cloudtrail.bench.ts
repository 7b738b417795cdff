import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.ts';
import { auditFilePath } from '../src/store/sqlite-audit-file.ts';
import type { AuditEvent, AuditQuery, Store } from '../src/store/types.ts';
import { auditEventsOf } from '../src/cloudtrail/record.ts';
import { seededRandom } from '../src/kernel/random.ts';
import type { Principal } from '../src/kernel/principal.ts';
import { AuditSink } from '../src/server/audit-sink.ts';
import { jsonLogger } from '../src/server/logger.ts';

/**
 * CloudTrail's event history at scale, with baselines from the same run:
 *   - LookupEvents' queries (newest page, by EventName, Username, ResourceName, AccessKeyId,
 *     a one-hour window, and the 100th page by keyset) on 1,000,000 events (BENCH_AUDIT_EVENTS),
 *     as a ratio of the same queries on 10,000 events, each filter matching at least a page in
 *     both: the indexes keep them flat (target ≤ 3);
 *   - the cost of the durability guarantee: events committed per second when every request
 *     waits for its own commit one at a time, and with group commit under 64 concurrent requests.
 */
const ACCOUNT = '444455556666';
const TOTAL = Number(process.env['BENCH_AUDIT_EVENTS'] ?? 1_000_000);
const SMALL = 10_000;
const OPERATIONS = ['CreateUser', 'GetUser', 'ListUsers', 'PutUserPolicy', 'AssumeRole', 'GetCallerIdentity', 'TagUser', 'ListRoles'];

function principal(i: number): Principal {
  const name = `user-${i % 100}`;
  return { kind: 'user', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, userId: `AIDA${String(i % 100).padStart(17, '0')}`, name, tags: {}, accessKeyId: `AKIA${String(i % 100).padStart(16, '0')}` };
}

function eventsFor(from: number, count: number, start: number): AuditEvent[] {
  const random = seededRandom(from + 1);
  const events: AuditEvent[] = [];
  for (let i = from; i < from + count; i++) {
    const op = OPERATIONS[i % OPERATIONS.length]!;
    const target = `arn:aws:iam::${ACCOUNT}:user/target-${i % 100}`;
    events.push(...auditEventsOf({
      requestId: `req-${i}`, time: new Date(start + i * 1000), eventSource: op.startsWith('Assume') || op === 'GetCallerIdentity' ? 'sts.amazonaws.com' : 'iam.amazonaws.com',
      eventName: op, awsRegion: 'us-east-1', principal: principal(i), sourceIPAddress: '10.0.0.1', userAgent: 'bench',
      requestParameters: { userName: `target-${i % 100}` }, responseElements: null, readOnly: op.startsWith('Get') || op.startsWith('List'),
      category: 'Management', resources: [target],
      decision: { decision: 'Allowed', action: `iam:${op}`, resource: target, checks: [{ action: `iam:${op}`, resource: target }] },
    }, random));
  }
  return events;
}

async function populate(store: Store, total: number, start: number): Promise<number> {
  const t0 = performance.now();
  for (let from = 0; from < total; from += 2000) await store.appendAudit(eventsFor(from, Math.min(2000, total - from), start));
  return performance.now() - t0;
}

/**
 * Makes `copies` copies of the first SMALL events (and their lookup keys), each later in time,
 * in SQL, in the store's audit file (a file store keeps its events there, not in the store
 * file): writing a million events through the store would take the bench minutes.
 */
function replicate(storeFile: string, copies: number): number {
  const t0 = performance.now();
  const db = new DatabaseSync(auditFilePath(storeFile));
  const held = () => Number((db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n);
  try {
    if (held() !== SMALL) throw new Error(`the audit file holds ${held()} events, not the ${SMALL} to copy`);
    // Indexes are rebuilt once after the copy: cheaper than keeping them up to date row by row.
    db.exec('DROP INDEX audit_lookup_by_value; DROP INDEX audit_events_by_time; DROP INDEX audit_events_by_age; DROP INDEX audit_events_by_request; DROP INDEX audit_events_by_account');
    db.exec('BEGIN');
    for (let k = 1; k < copies; k++) {
      const shift = `'+${k * SMALL} seconds'`;
      db.exec(`INSERT INTO audit_events (seq, time, request_id, account_id, event_id, data)
        SELECT seq + ${k * SMALL}, strftime('%Y-%m-%dT%H:%M:%fZ', time, ${shift}), request_id || '-${k}', account_id, event_id || '-${k}', data FROM audit_events WHERE seq <= ${SMALL}`);
      db.exec(`INSERT INTO audit_lookup (seq, attr, value, account_id, time)
        SELECT seq + ${k * SMALL}, attr, CASE attr WHEN 'EventId' THEN value || '-${k}' ELSE value END, account_id, strftime('%Y-%m-%dT%H:%M:%fZ', time, ${shift}) FROM audit_lookup WHERE seq <= ${SMALL}`);
    }
    db.exec('COMMIT');
    if (held() !== copies * SMALL) throw new Error(`the audit file holds ${held()} events, not ${copies * SMALL}`);
    db.exec(`CREATE INDEX audit_lookup_by_value ON audit_lookup (account_id, attr, value, time, seq);
      CREATE INDEX audit_events_by_time ON audit_events (account_id, time, seq);
      CREATE INDEX audit_events_by_age ON audit_events (time);
      CREATE INDEX audit_events_by_request ON audit_events (request_id);
      CREATE INDEX audit_events_by_account ON audit_events (account_id, seq);`);
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
  return performance.now() - t0;
}

async function median(run: () => Promise<unknown>, times = 15): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

async function queries(store: Store, total: number, start: number): Promise<Record<string, number>> {
  const page = (query: Omit<AuditQuery, 'accountId' | 'limit'>) => () => store.queryAudit({ accountId: ACCOUNT, limit: 51, ...query });
  const middle = new Date(start + Math.floor(total / 2) * 1000);
  // The 100th page: keyset position of the 5,000th newest event.
  const deep = (await store.queryAudit({ accountId: ACCOUNT, limit: 5000 })).at(-1)!;
  return {
    newest: await median(page({})),
    eventName: await median(page({ attribute: { attr: 'EventName', value: 'PutUserPolicy' } })),
    username: await median(page({ attribute: { attr: 'Username', value: 'user-7' } })),
    resourceName: await median(page({ attribute: { attr: 'ResourceName', value: 'target-42' } })),
    accessKeyId: await median(page({ attribute: { attr: 'AccessKeyId', value: principal(9).accessKeyId } })),
    hourWindow: await median(page({ startTime: middle.toISOString(), endTime: new Date(middle.getTime() + 3_600_000).toISOString() })),
    page100: await median(page({ before: { time: deep.time, seq: deep.seq } })),
  };
}

async function durability(store: Store): Promise<{ oneAtATime: number; groupCommit: number }> {
  const start = Date.now();
  const one = eventsFor(0, 200, start);
  let t0 = performance.now();
  for (const event of one) await store.appendAudit([event]);
  const oneAtATime = one.length / ((performance.now() - t0) / 1000);
  const sink = new AuditSink(store, jsonLogger('silent'));
  const many = eventsFor(1000, 2000, start);
  t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < many.length) await sink.write([many[next++]!]);
  }));
  const groupCommit = many.length / ((performance.now() - t0) / 1000);
  return { oneAtATime, groupCommit };
}

export async function runCloudTrailBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-ct-'));
  try {
    const start = Date.UTC(2025, 0, 1);
    const small = await openStore(`sqlite:${join(dir, 'small.db')}`);
    await populate(small, SMALL, start);
    const base = await queries(small, SMALL, start);
    const cost = await durability(small);
    await small.close();
    const file = join(dir, 'large.db');
    let large = await openStore(`sqlite:${file}`);
    const loadMs = await populate(large, SMALL, start);
    await large.close();
    const copyMs = replicate(file, TOTAL / SMALL);
    large = await openStore(`sqlite:${file}`);
    const big = await queries(large, TOTAL, start);
    await large.close();
    console.log(`\nCloudTrail event history (SQLite): ${TOTAL.toLocaleString('en')} events (${SMALL.toLocaleString('en')} written through the store in ${(loadMs / 1000).toFixed(1)} s, copied in SQL in ${(copyMs / 1000).toFixed(1)} s); ratio to ${SMALL.toLocaleString('en')} events (target ≤ 3)`);
    for (const [name, ms] of Object.entries(big)) {
      console.log(`  ${name.padEnd(14)} ${ms.toFixed(2).padStart(8)} ms   (${SMALL.toLocaleString('en')}: ${base[name]!.toFixed(2)} ms)   ratio ${(ms / base[name]!).toFixed(2)}`);
    }
    console.log(`Audit durability (events committed before the answer): one at a time ${cost.oneAtATime.toFixed(0)}/s; group commit, 64 concurrent ${cost.groupCommit.toFixed(0)}/s (${(cost.groupCommit / cost.oneAtATime).toFixed(1)}×)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await runCloudTrailBench();
