// Trails' objects in S3 buckets behind the gateway's S3 upstream. The delivery is CloudTrail's
// own service action, not a client's request: it is not authorized against any caller. Each
// request goes to the upstream directly, as the bucket's owning account (the bucket owners
// table), signed with that account's upstream credentials — the same requests a client's
// PutObject, GetObject, HeadObject, ListObjectsV2 and GetBucketPolicy would be forwarded as.

import { policyAllowsCloudTrail } from '../../cloudtrail/bucket-policy-check.ts';
import type { TrailObjectStore } from '../../cloudtrail/trail-objects.ts';
import type { TrailDeliveryProbe, TrailDestinations } from '../../kernel/operation.ts';
import type { BucketOwners } from '../../gateway/bucket-owners.ts';
import type { UpstreamClient, UpstreamRequest } from '../../gateway/upstream-http.ts';

export type TrailObjects = TrailObjectStore & TrailDestinations;

const REGION = 'us-east-1';
const METADATA_HEADER = 'x-amz-meta-';
/** A ListObjectsV2 page (1,000 keys) is far below this. */
const MAX_LIST_BYTES = 8 * 1024 * 1024;
/** S3's bucket policy quota is 20 KB. */
const MAX_POLICY_BYTES = 64 * 1024;
const MAX_LIST_PAGES = 100_000;

export function s3TrailObjects(options: { client: UpstreamClient; upstream: URL; owners: BucketOwners; defaultAccount: () => string }): TrailObjects {
  const { client, upstream, owners } = options;
  /** The owning account, or undefined when no account Tessera knows owns the bucket (or it does not exist). */
  const ownerOf = async (bucket: string): Promise<string | undefined> => {
    const owner = await owners.ownerOf(bucket, options.defaultAccount());
    return owner.kind === 'owned' ? owner.accountId : undefined;
  };
  const call = (accountId: string, request: Omit<UpstreamRequest, 'service' | 'region' | 'accountId'>, maxBytes?: number) =>
    client.call(upstream, { service: 's3', region: REGION, accountId, ...request }, maxBytes);
  const objectPath = (bucket: string, key: string) => `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const requireOwner = async (bucket: string): Promise<string> => {
    const owner = await ownerOf(bucket);
    if (owner === undefined) throw Object.assign(new Error(`the S3 bucket ${bucket} does not exist or no account Tessera knows owns it`), { status: 404 });
    return owner;
  };

  return {
    async bucketExists(bucket) {
      return (await ownerOf(bucket)) !== undefined;
    },
    async allowsDelivery(bucket, probe) {
      const owner = await ownerOf(bucket);
      if (owner === undefined) return false;
      const answer = await call(owner, { method: 'GET', path: `/${encodeURIComponent(bucket)}`, query: 'policy=', headers: {} }, MAX_POLICY_BYTES);
      if (answer.status === 404) return false; // NoSuchBucketPolicy
      if (answer.status !== 200) throw new Error(`the S3 upstream answered GetBucketPolicy on ${bucket} with ${answer.status}`);
      return policyAllowsCloudTrail(answer.body.toString('utf8'), bucket, probe, owner);
    },
    async put(bucket, key, body, metadata = {}) {
      const owner = await requireOwner(bucket);
      const headers: Record<string, string> = { 'content-length': String(body.length), 'content-type': 'application/x-gzip' };
      for (const [name, value] of Object.entries(metadata)) headers[`${METADATA_HEADER}${name}`] = value;
      const answer = await call(owner, { method: 'PUT', path: objectPath(bucket, key), query: '', headers, body });
      if (answer.status !== 200) throw Object.assign(new Error(`the S3 upstream answered PutObject ${bucket}/${key} with ${answer.status}`), { status: answer.status });
    },
    async get(bucket, key, maxBytes) {
      const owner = await ownerOf(bucket);
      if (owner === undefined) return undefined;
      // Asked for at most maxBytes + 1: an object over the bound reads as changed, as a local file does.
      const answer = await call(owner, { method: 'GET', path: objectPath(bucket, key), query: '', headers: { range: `bytes=0-${maxBytes}` } }, maxBytes + 64 * 1024);
      if (answer.status === 404) return undefined;
      if (answer.status !== 200 && answer.status !== 206) throw new Error(`the S3 upstream answered GetObject ${bucket}/${key} with ${answer.status}`);
      return answer.body.length > maxBytes ? undefined : answer.body;
    },
    async metadata(bucket, key) {
      const owner = await ownerOf(bucket);
      if (owner === undefined) return undefined;
      const answer = await call(owner, { method: 'HEAD', path: objectPath(bucket, key), query: '', headers: {} });
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw new Error(`the S3 upstream answered HeadObject ${bucket}/${key} with ${answer.status}`);
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (name.startsWith(METADATA_HEADER) && typeof value === 'string') metadata[name.slice(METADATA_HEADER.length)] = value;
      }
      return metadata;
    },
    async list(bucket, prefix) {
      const owner = await ownerOf(bucket);
      if (owner === undefined) return [];
      const keys: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const query = [`list-type=2`, `prefix=${encodeURIComponent(prefix)}`, ...(token ? [`continuation-token=${encodeURIComponent(token)}`] : [])].join('&');
        const answer = await call(owner, { method: 'GET', path: `/${encodeURIComponent(bucket)}`, query, headers: {} }, MAX_LIST_BYTES);
        if (answer.status !== 200) throw new Error(`the S3 upstream answered ListObjectsV2 on ${bucket} with ${answer.status}`);
        const xml = answer.body.toString('utf8');
        keys.push(...elements(xml, 'Key'));
        token = elements(xml, 'NextContinuationToken')[0];
        if (elements(xml, 'IsTruncated')[0] !== 'true' || token === undefined) break;
      }
      return keys.sort();
    },
  };
}

/**
 * Trails' destinations: a bucket with a folder under `--trail-dir` is delivered there; any
 * other bucket, when an S3 upstream is configured, in S3. The choice is made per call by the
 * folder's existence, so one server may deliver some trails locally and others to S3.
 *
 * A folder has no bucket policy: it is the default account's bucket, and only that account's
 * trails deliver into it. (Another account's trail could otherwise write under the default
 * account's own AWSLogs/<account>/ keys — its S3KeyPrefix chosen to land there — and those
 * files would read as tampering to `tessera audit verify`.) Other accounts deliver to S3
 * buckets behind the upstream, whose policies decide.
 */
export function routedTrailObjects(local: TrailObjectStore | undefined, s3: TrailObjects | undefined, defaultAccount: () => string): TrailObjects | undefined {
  if (local === undefined) return s3;
  const localAllows = (probe: TrailDeliveryProbe) => probe.accountId === defaultAccount();
  if (s3 === undefined) return { ...local, allowsDelivery: async (_bucket, probe) => localAllows(probe) };
  const pick = async (bucket: string): Promise<TrailObjects> => ((await local.bucketExists(bucket)) ? local : s3);
  return {
    bucketExists: async (bucket) => (await local.bucketExists(bucket)) || s3.bucketExists(bucket),
    allowsDelivery: async (bucket, probe) => ((await local.bucketExists(bucket)) ? localAllows(probe) : s3.allowsDelivery!(bucket, probe)),
    put: async (bucket, key, body, metadata) => (await pick(bucket)).put(bucket, key, body, metadata),
    get: async (bucket, key, maxBytes) => (await pick(bucket)).get(bucket, key, maxBytes),
    metadata: async (bucket, key) => (await pick(bucket)).metadata(bucket, key),
    list: async (bucket, prefix) => (await pick(bucket)).list(bucket, prefix),
  };
}

/** The text of every `<name>…</name>` element, XML character entities decoded (keys hold no markup). */
function elements(xml: string, name: string): string[] {
  const open = `<${name}>`;
  const close = `</${name}>`;
  const found: string[] = [];
  let at = 0;
  for (;;) {
    const start = xml.indexOf(open, at);
    if (start < 0) return found;
    const end = xml.indexOf(close, start);
    if (end < 0) return found;
    found.push(decodeEntities(xml.slice(start + open.length, end)));
    at = end + close.length;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, entity: string) => {
    const code = entity.startsWith('#x') ? Number.parseInt(entity.slice(2), 16) : entity.startsWith('#') ? Number.parseInt(entity.slice(1), 10) : undefined;
    if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return ENTITIES[entity] ?? whole;
  });
}
