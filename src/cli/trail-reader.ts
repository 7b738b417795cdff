import { localTrailObjects } from '../cloudtrail/trail-objects.ts';
import { DEFAULT_ACCOUNT_HEADER, parseUpstreamCredentials, parseUpstreams, SettingError, upstreamFor } from '../gateway/upstreams.ts';
import { getDefaultAccountId } from '../iam/accounts.ts';
import { systemClock } from '../kernel/clock.ts';
import { createGatewayRuntime } from '../server/gateway/runtime.ts';
import { routedTrailObjects, s3TrailObjects, type TrailObjects } from '../server/gateway/s3-trail-objects.ts';
import { SigningKeyCache } from '../sigv4/index.ts';
import type { Store } from '../store/types.ts';
import { UsageError } from './flags.ts';

/**
 * Where `tessera audit verify` reads a trail's objects: a bucket's folder under --trail-dir,
 * or — with the same --upstream, --upstream-credentials and --upstream-account-header as
 * `serve` — the bucket behind the S3 upstream, read as its owning account (the bucket owners
 * table in the store), as delivery wrote it.
 */
export const TRAIL_READ_FLAGS = {
  'trail-dir': { type: 'string', value: 'DIR', help: 'where trails deliver locally (as given to serve)', env: 'TESSERA_TRAIL_DIR' },
  upstream: { type: 'string', multiple: true, value: '[SERVICE=]URL', help: "the upstreams given to serve: a bucket that is not a folder under --trail-dir is read from the S3 upstream (repeatable; env: comma-separated)", env: 'TESSERA_UPSTREAMS' },
  'upstream-credentials': { type: 'string', multiple: true, value: 'ACCOUNT=KEY:SECRET', help: 'the upstream credentials given to serve (repeatable; env: comma-separated)', env: 'TESSERA_UPSTREAM_CREDENTIALS' },
  'upstream-account-header': { type: 'string', value: 'NAME', help: `the header naming the account to the upstream (default ${DEFAULT_ACCOUNT_HEADER}; none for none)`, env: 'TESSERA_UPSTREAM_ACCOUNT_HEADER' },
} as const;

export interface TrailReader {
  objects: TrailObjects;
  close(): void;
}

function listed(values: Record<string, unknown>, env: NodeJS.ProcessEnv, flag: 'upstream' | 'upstream-credentials'): { items: string[]; from: string } {
  const given = values[flag] as string[] | undefined;
  if (given !== undefined && given.length > 0) return { items: given, from: `--${flag}` };
  const twin = TRAIL_READ_FLAGS[flag].env;
  return { items: (env[twin] ?? '').split(',').filter((item) => item.trim() !== ''), from: twin };
}

/** The settings alone (usage mistakes found before the store is opened); undefined without --trail-dir and an S3 upstream. */
export function trailReadSettings(values: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const trailDir = (values['trail-dir'] as string | undefined) ?? env['TESSERA_TRAIL_DIR'];
  const header = (values['upstream-account-header'] as string | undefined) ?? env['TESSERA_UPSTREAM_ACCOUNT_HEADER'];
  if (header !== undefined && header !== 'none' && !/^[A-Za-z0-9-]{1,100}$/.test(header)) throw new UsageError(`--upstream-account-header must be a header name or none, got '${header.slice(0, 100)}'`);
  try {
    const upstreams = listed(values, env, 'upstream');
    const credentials = listed(values, env, 'upstream-credentials');
    const gateway = {
      ...parseUpstreams(upstreams.items, upstreams.from),
      credentials: parseUpstreamCredentials(credentials.items, credentials.from),
      accountHeader: header === undefined ? DEFAULT_ACCOUNT_HEADER : header === 'none' ? '' : header.toLowerCase(),
      mode: 'enforce' as const,
    };
    const s3 = upstreamFor(gateway, 's3');
    if (trailDir === undefined && s3 === undefined) return undefined;
    return { trailDir, gateway, s3 };
  } catch (err) {
    if (err instanceof SettingError) throw new UsageError(err.message);
    throw err;
  }
}

export async function openTrailReader(settings: NonNullable<ReturnType<typeof trailReadSettings>>, store: Store): Promise<TrailReader> {
  const local = settings.trailDir !== undefined ? localTrailObjects(settings.trailDir) : undefined;
  if (settings.s3 === undefined) return { objects: local!, close: () => {} };
  const defaultAccount = (await getDefaultAccountId(store)) ?? '';
  const runtime = createGatewayRuntime({ settings: settings.gateway, store, clock: systemClock, signingKeys: new SigningKeyCache(), defaultAccount: () => defaultAccount });
  const s3 = s3TrailObjects({ client: runtime.client, upstream: settings.s3, owners: runtime.owners, defaultAccount: () => defaultAccount });
  return { objects: routedTrailObjects(local, s3, () => defaultAccount)!, close: () => runtime.close() };
}
