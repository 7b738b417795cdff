// The gateway's parts for one server: its settings, the request mapper (read once, on the
// first protected request), the upstream client, the lookup cache, the bucket owners and the
// payload verifiers. Built by app.ts; nothing global.

import { BucketOwners, type BucketOwnerTable } from '../../gateway/bucket-owners.ts';
import { createRequestMapper, type RequestMapper } from '../../gateway/index.ts';
import { LookupCache } from '../../gateway/lookup-cache.ts';
import { BUILT_IN_VERIFIERS, type PayloadVerifier } from '../../gateway/payload.ts';
import { UpstreamClient } from '../../gateway/upstream-http.ts';
import { upstreamFor, type GatewaySettings } from '../../gateway/upstreams.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { SigningKeyCache } from '../../sigv4/index.ts';
import type { Store } from '../../store/types.ts';
import { Kind, Link } from '../../iam/kinds.ts';
import { iamArn } from '../../kernel/arns.ts';
import { NO_PEERS, type Invalidation, type PeerInvalidation } from './peer-invalidation.ts';
import { storeUploadKeys, type UploadKeys } from './upload-keys.ts';
import { storeLogsQueries, type LogsQueries } from './logs-queries.ts';

export interface GatewayRuntime {
  settings: GatewaySettings;
  mapper(): Promise<RequestMapper>;
  client: UpstreamClient;
  cache: LookupCache;
  owners: BucketOwners;
  /** The KMS keys of the SSE-KMS multipart uploads started through this server (upload-keys.ts). */
  uploadKeys: UploadKeys;
  /** The log groups of the CloudWatch Logs Insights queries started through this server (logs-queries.ts). */
  logsQueries: LogsQueries;
  /**
   * A write through this server changed resources: forgets what this process and the other
   * workers read about them; resolves once they have.
   */
  invalidate(change: Invalidation): Promise<void>;
  /** Tried in order: the first that handles a payload form verifies it. */
  verifiers: readonly PayloadVerifier[];
  /** The default account: the upstream identity of anonymous requests and of buckets found upstream. */
  defaultAccount(): string;
  close(): void;
}

export const NO_GATEWAY: GatewaySettings = { upstreams: new Map(), credentials: new Map(), accountHeader: 'x-moto-account-id', mode: 'enforce' };

/** The owners table in the store: one entity per bucket (the name is global, as on S3). */
const BUCKET_OWNER_KIND = 'gateway-bucket-owner';

export function storeBucketOwnerTable(store: Store, now: () => string): BucketOwnerTable {
  return {
    async get(bucket) {
      return (await store.get(BUCKET_OWNER_KIND, bucket))?.accountId;
    },
    async put(bucket, accountId) {
      await store.transaction(async (tx) => {
        const existing = await tx.get(BUCKET_OWNER_KIND, bucket);
        if (existing?.accountId === accountId) return;
        if (existing !== undefined) await tx.delete(BUCKET_OWNER_KIND, bucket);
        await tx.insert({ accountId, kind: BUCKET_OWNER_KIND, id: bucket, name: bucket, parentId: '', path: '/', data: {}, createdAt: now() });
      });
    },
    async delete(bucket) {
      await store.delete(BUCKET_OWNER_KIND, bucket);
    },
  };
}

export function createGatewayRuntime(options: {
  settings: GatewaySettings;
  store: Store;
  clock: Clock;
  signingKeys: SigningKeyCache;
  defaultAccount: () => string;
  verifiers?: readonly PayloadVerifier[];
  cacheTtlMs?: number;
  /** The other worker processes of this server, told of every invalidation. */
  peers?: PeerInvalidation;
}): GatewayRuntime {
  const { settings, clock } = options;
  const client = new UpstreamClient(settings, () => clock.now(), options.signingKeys);
  const nowMs = () => clock.now().getTime();
  const ttlMs = options.cacheTtlMs ?? settings.cacheMs;
  let mapper: Promise<RequestMapper> | undefined;
  const s3 = upstreamFor(settings, 's3');
  const region = 'us-east-1';
  const owners = new BucketOwners({
    table: storeBucketOwnerTable(options.store, () => clock.now().toISOString()),
    defaultAccount: options.defaultAccount,
    now: nowMs,
    ...(ttlMs !== undefined ? { ttlMs } : {}),
    discovery: {
      async listBuckets(accountId) {
        if (s3 === undefined) return [];
        const answer = await client.call(s3, { service: 's3', region, accountId, method: 'GET', path: '/', query: '', headers: {} }, 8 * 1024 * 1024);
        if (answer.status !== 200) throw new Error(`the S3 upstream answered ListBuckets with ${answer.status}`);
        return bucketNames(answer.body.toString('utf8'));
      },
      async exists(bucket, accountId) {
        if (s3 === undefined) return false;
        const answer = await client.call(s3, { service: 's3', region, accountId, method: 'HEAD', path: `/${encodeURIComponent(bucket)}`, query: '', headers: {} });
        return answer.status !== 404;
      },
    },
  });
  const cache = new LookupCache({ now: nowMs, ...(ttlMs !== undefined ? { ttlMs } : {}) });
  const drop = (change: Invalidation) => {
    for (const resource of change.resources) cache.invalidate(resource);
    for (const bucket of change.buckets) owners.forget(bucket);
  };
  const peers = options.peers ?? NO_PEERS;
  peers.subscribe(drop);
  return {
    settings,
    // EC2's IamInstanceProfile: iam:PassRole on the role the profile holds, in Tessera's own store.
    mapper: () => (mapper ??= createRequestMapper({ instanceProfileRole: (profileArn) => instanceProfileRole(options.store, profileArn) })),
    client,
    cache,
    owners,
    uploadKeys: storeUploadKeys(options.store, () => clock.now().toISOString()),
    logsQueries: storeLogsQueries(options.store, () => clock.now()),
    invalidate(change) {
      drop(change);
      return peers.publish(change);
    },
    verifiers: options.verifiers ?? BUILT_IN_VERIFIERS,
    defaultAccount: options.defaultAccount,
    close: () => client.close(),
  };
}

/** The ARN of the role an instance profile (by its ARN; its name is the last segment) holds, if it holds one. */
export async function instanceProfileRole(store: Store, profileArn: string): Promise<string | undefined> {
  const match = /^arn:aws[\w-]*:iam::(\d{12}):instance-profile\/(?:.*\/)?([^/]+)$/.exec(profileArn);
  if (match === null) return undefined;
  const profile = await store.getByName(match[1]!, Kind.instanceProfile, match[2]!);
  if (profile === undefined || profile === null) return undefined;
  const [roleId] = await store.linksFrom(Link.profileRole, profile.id, { limit: 1 });
  const role = roleId === undefined ? undefined : await store.get(Kind.role, roleId);
  return role === undefined || role === null ? undefined : iamArn(role.accountId, 'role', role.path, role.name);
}

/** The `<Name>`s of a ListAllMyBucketsResult (bucket names hold no `<`). */
function bucketNames(xml: string): string[] {
  const names: string[] = [];
  let at = 0;
  for (;;) {
    const start = xml.indexOf('<Name>', at);
    if (start < 0) return names;
    const end = xml.indexOf('</Name>', start);
    if (end < 0) return names;
    names.push(xml.slice(start + 6, end));
    at = end + 7;
  }
}
