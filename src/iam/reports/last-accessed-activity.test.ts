import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditQuery, StoredAuditEvent } from '../../store/types.ts';
import { readActivity } from './last-accessed-activity.ts';

const ACCOUNT = '123456789012';
const USER = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, id: 'AIDAALICE' };
const ROLE = { arn: `arn:aws:iam::${ACCOUNT}:role/worker`, id: 'AROAWORKER' };

let seq = 0;
function event(stream: string, key: string, time: string, record: Record<string, unknown>, action?: string): { stream: string; key: string; event: StoredAuditEvent } {
  return { stream, key, event: { time, seq: ++seq, requestId: `r${seq}`, accountId: stream, data: { record, ...(action ? { decision: { decision: 'ImplicitDeny', action } } : {}) } } };
}

const user = (principalId: string) => ({ type: 'IAMUser', principalId });
const session = (roleId: string) => ({ type: 'AssumedRole', principalId: `${roleId}:s1`, sessionContext: { sessionIssuer: { type: 'Role', principalId: roleId } } });

/** An audit log in memory that answers queryAudit as the stores do (newest first, endTime inclusive). */
function store(events: ReturnType<typeof event>[]) {
  const queries: AuditQuery[] = [];
  return {
    queries,
    async queryAudit(query: AuditQuery): Promise<StoredAuditEvent[]> {
      queries.push(query);
      return events
        .filter((e) => e.stream === query.accountId && e.key === query.attribute?.value && (query.endTime === undefined || e.event.time <= query.endTime))
        .map((e) => e.event)
        .sort((a, b) => (a.time === b.time ? b.seq - a.seq : a.time < b.time ? 1 : -1))
        .slice(0, query.limit);
    },
  };
}

test('latest attempt per service and action, allowed or denied, over both streams, up to the moment', async () => {
  const log = store([
    event(ACCOUNT, USER.arn, '2026-01-01T00:00:01.000Z', { eventSource: 'iam.amazonaws.com', eventName: 'GetUser', awsRegion: 'us-east-1', userIdentity: user(USER.id) }, 'iam:GetUser'),
    event(ACCOUNT, USER.arn, '2026-01-01T00:00:02.000Z', { eventSource: 'iam.amazonaws.com', eventName: 'ListUsers', awsRegion: 'us-east-1', userIdentity: user(USER.id) }, 'iam:ListUsers'),
    event(ACCOUNT, USER.arn, '2026-01-01T00:00:03.000Z', { eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', awsRegion: 'eu-west-1', userIdentity: user(USER.id) }, 's3:ListAllMyBuckets'),
    event(`data:${ACCOUNT}`, USER.arn, '2026-01-01T00:00:04.000Z', { eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'eu-west-2', userIdentity: user(USER.id) }, 's3:GetObject'),
    // After the job: not in its report.
    event(ACCOUNT, USER.arn, '2026-01-01T00:00:09.000Z', { eventSource: 'iam.amazonaws.com', eventName: 'GetGroup', awsRegion: 'us-east-1', userIdentity: user(USER.id) }, 'iam:GetGroup'),
  ]);
  const activity = await readActivity(log, ACCOUNT, [USER], '2026-01-01T00:00:05.000Z');
  const alice = activity.get(USER.arn)!;
  assert.deepEqual(Object.fromEntries(alice.services), {
    iam: { time: '2026-01-01T00:00:02.000Z', region: 'us-east-1' },
    s3: { time: '2026-01-01T00:00:04.000Z', region: 'eu-west-2' },
  });
  assert.deepEqual([...alice.actions.keys()].sort(), ['iam:getuser', 'iam:listusers', 's3:getobject', 's3:listallmybuckets']);
  assert.deepEqual(log.queries.map((q) => [q.accountId, q.attribute?.attr, q.endTime]), [
    [ACCOUNT, 'tessera:Principal', '2026-01-01T00:00:05.000Z'],
    [`data:${ACCOUNT}`, 'tessera:Principal', '2026-01-01T00:00:05.000Z'],
  ]);
});

test("a role's sessions count for the role; an earlier entity of the same name does not", async () => {
  const log = store([
    event(ACCOUNT, ROLE.arn, '2026-01-01T00:00:01.000Z', { eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage', awsRegion: 'us-west-2', userIdentity: session(ROLE.id) }),
    event(ACCOUNT, ROLE.arn, '2026-01-01T00:00:02.000Z', { eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', awsRegion: 'us-west-2', userIdentity: session('AROAOLDWORKER') }, 'kms:Decrypt'),
    event(ACCOUNT, USER.arn, '2026-01-01T00:00:03.000Z', { eventSource: 'iam.amazonaws.com', eventName: 'GetUser', awsRegion: 'us-east-1', userIdentity: user('AIDAOLDALICE') }, 'iam:GetUser'),
  ]);
  const activity = await readActivity(log, ACCOUNT, [ROLE, USER, ROLE], '2026-01-02T00:00:00.000Z');
  assert.deepEqual([...activity.keys()], [ROLE.arn, USER.arn]);
  // No decision (refused before authorization): the action is named by the operation.
  assert.deepEqual([...activity.get(ROLE.arn)!.actions.keys()], ['sqs:sendmessage']);
  assert.deepEqual([...activity.get(ROLE.arn)!.services.keys()], ['sqs']);
  assert.equal(activity.get(USER.arn)!.services.size, 0);
});
