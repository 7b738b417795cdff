// The log groups of each CloudWatch Logs Insights query started through this server, kept in the
// store from StartQuery's answer (its queryId) for as long as CloudWatch Logs keeps a query's
// results: 7 days. GetQueryResults is authorized on the log groups the query read (the Service
// Authorization Reference: resource type log-group, required), and its request names only the
// query: the gateway decides it on the groups remembered here. A query started elsewhere
// (directly upstream, or more than 7 days ago) is unknown, and its results are refused unread.
// In the store, so every node of a PostgreSQL deployment knows the queries any node started.

import type { MappedRequest } from '../../gateway/index.ts';
import type { Store } from '../../store/types.ts';

const LOGS_QUERY_KIND = 'gateway-logs-query';

/** How long CloudWatch Logs keeps a query's results ("GetQueryResults": "available for 7 days"). */
export const QUERY_RESULTS_KEPT_MS = 7 * 24 * 3600 * 1000;

/** At most this many expired queries are forgotten per query remembered: the sweep stays a small, bounded write. */
const SWEEP_BATCH = 16;

interface RememberedQuery {
  /** The log group ARNs the query was authorized on (`arn:…:log-group:<name>`). */
  groups: string[];
}

export interface LogsQueries {
  /** The log group ARNs of the query `queryId` started in `accountId` and `region`; undefined when unknown or expired. */
  groups(accountId: string, region: string, queryId: string): Promise<readonly string[] | undefined>;
  remember(accountId: string, region: string, queryId: string, groups: readonly string[]): Promise<void>;
}

/**
 * One entity per query. Its id begins with the time it was remembered, so the oldest sort first
 * and expired ones are found by a short scan; its name (unique per account) is region/queryId,
 * by which it is found.
 */
export function storeLogsQueries(store: Store, now: () => Date): LogsQueries {
  const nameOf = (region: string, queryId: string) => `${region}/${queryId}`;
  const expired = (createdAt: string) => Date.parse(createdAt) <= now().getTime() - QUERY_RESULTS_KEPT_MS;
  return {
    async groups(accountId, region, queryId) {
      const record = await store.getByName<RememberedQuery>(accountId, LOGS_QUERY_KIND, nameOf(region, queryId));
      if (record === undefined || record === null || expired(record.createdAt)) return undefined;
      return record.data.groups;
    },
    async remember(accountId, region, queryId, groups) {
      const createdAt = now().toISOString();
      const name = nameOf(region, queryId);
      await store.transaction(async (tx) => {
        if (await tx.getByName(accountId, LOGS_QUERY_KIND, name)) return;
        await tx.insert<RememberedQuery>({ accountId, kind: LOGS_QUERY_KIND, id: `${createdAt}/${accountId}/${name}`, name, parentId: '', path: '/', data: { groups: [...groups] }, createdAt });
      });
      for (const old of await store.scan(LOGS_QUERY_KIND, { limit: SWEEP_BATCH })) {
        if (!expired(old.createdAt)) break;
        await store.delete(LOGS_QUERY_KIND, old.id);
      }
    },
  };
}

/** The queryId of a StartQuery answer (`{"queryId":"…"}`), if it has one. */
export function queryIdOf(answer: Buffer | undefined): string | undefined {
  if (answer === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(answer.toString('utf8'));
    const id = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['queryId'] : undefined;
    return typeof id === 'string' && id !== '' && id.length <= 256 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The log group ARNs StartQuery's checks were decided on: CloudWatch Logs authorizes a group as `…:log-group:<name>:log-stream:`. */
export function startedQueryGroups(targets: readonly { action: string; resource: string }[]): string[] {
  const groups: string[] = [];
  for (const target of targets) {
    if (target.action !== 'logs:StartQuery') continue;
    const group = target.resource.endsWith(':log-stream:') ? target.resource.slice(0, -':log-stream:'.length) : target.resource;
    if (!groups.includes(group)) groups.push(group);
  }
  return groups;
}

/** CloudWatch Logs names its JSON operations in X-Amz-Target. */
const GET_QUERY_RESULTS_TARGET = 'Logs_20140328.GetQueryResults';

/** What of a request rememberedQueryGroups reads. */
export interface QueryRequest {
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: Buffer | undefined;
  callerAccount: string;
  region: string;
}

/**
 * For a GetQueryResults request: the log groups its query read, as remembered for the caller's
 * account; undefined for any other request, or when the query is unknown (the mapper then refuses it).
 */
export async function rememberedQueryGroups(queries: LogsQueries, request: QueryRequest): Promise<readonly string[] | undefined> {
  const header = request.headers['x-amz-target'];
  // Named once; a request naming it twice is refused by the mapper (parser-differential.ts).
  const target = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
  if (target !== GET_QUERY_RESULTS_TARGET || request.body === undefined) return undefined;
  const queryId = queryIdOf(request.body);
  return queryId === undefined ? undefined : queries.groups(request.callerAccount, request.region, queryId);
}

/**
 * A query started: its log groups remembered under its queryId, for the caller's account. A
 * store failure is given to `onFailure` and only loses the query's results through the gateway:
 * GetQueryResults is then refused, never forwarded undecided.
 */
export async function keepStartedQuery(queries: LogsQueries, started: { targets: MappedRequest['targets']; answer: Buffer | undefined; callerAccount: string; region: string }, onFailure: (err: unknown) => void): Promise<void> {
  const queryId = queryIdOf(started.answer);
  const groups = startedQueryGroups(started.targets);
  if (queryId === undefined || groups.length === 0) return;
  try {
    await queries.remember(started.callerAccount, started.region, queryId, groups);
  } catch (err) {
    onFailure(err);
  }
}
