import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { startTessera, type StartOptions, type Tessera } from '../../src/server/app.ts';
import type { ServerConfig } from '../../src/server/config.ts';
import { defaultQuotas } from '../../src/kernel/quotas.ts';
import { jsonLogger } from '../../src/server/logger.ts';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';

/**
 * TESSERA_TEST_STORE=postgres runs every test server of this process on PostgreSQL (one
 * throwaway cluster per test process, a fresh database per server) instead of SQLite, so
 * the same SDK suites prove both stores. The cluster stops when its last server stops.
 */
const USE_POSTGRES = process.env['TESSERA_TEST_STORE'] === 'postgres';
let cluster: Promise<PostgresCluster> | undefined;
let clusterUsers = 0;
let databases = 0;

async function postgresDatabase(): Promise<string> {
  clusterUsers++;
  cluster ??= startPostgresCluster();
  return (await cluster).createDatabase(`tessera_${process.pid}_${++databases}`);
}

async function releasePostgres(): Promise<void> {
  if (--clusterUsers > 0 || !cluster) return;
  const running = cluster;
  cluster = undefined;
  await (await running).stop();
}

/** A live Tessera on a free loopback port, with real AWS SDK clients pointed at it. */
export interface TestServer {
  tessera: Tessera;
  url: string;
  accountId: string;
  root: Credentials;
  dataDir: string;
  iam(credentials?: Credentials, region?: string): IAMClient;
  sts(credentials?: Credentials, region?: string): STSClient;
  stop(): Promise<void>;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}, options: StartOptions & { keepDataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.keepDataDir ?? (await mkdtemp(join(tmpdir(), 'tessera-test-')));
  const onPostgres = USE_POSTGRES && overrides.store === undefined && !overrides.dev && options.keepDataDir === undefined;
  const config: ServerConfig = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    store: `sqlite:${join(dataDir, 'tessera.db')}`,
    dev: false,
    logLevel: 'silent',
    quotas: defaultQuotas,
    rootAccessKeyId: 'AKIAROOTTESTKEY00001',
    rootSecretAccessKey: 'root-secret-for-tests-0000000000000000000',
    ...overrides,
    ...(onPostgres ? { store: await postgresDatabase() } : {}),
  };
  let tessera: Tessera;
  try {
    tessera = await startTessera(config, { logger: jsonLogger('silent'), ...options });
  } catch (err) {
    if (onPostgres) await releasePostgres();
    throw err;
  }
  const root = { accessKeyId: config.rootAccessKeyId!, secretAccessKey: config.rootSecretAccessKey! };
  const clients: { destroy(): void }[] = [];
  const clientConfig = (credentials: Credentials, region: string) => ({
    endpoint: tessera.url,
    region,
    credentials,
    maxAttempts: 1,
  });
  return {
    tessera,
    url: tessera.url,
    accountId: tessera.defaultAccountId,
    root,
    dataDir,
    iam(credentials = root, region = 'us-east-1') {
      const client = new IAMClient(clientConfig(credentials, region));
      clients.push(client);
      return client;
    },
    sts(credentials = root, region = 'us-east-1') {
      const client = new STSClient(clientConfig(credentials, region));
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.destroy();
      await tessera.close();
      if (onPostgres) await releasePostgres();
      if (!options.keepDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` and returns the AWS error it threw (fails if it did not throw). */
export async function awsError(fn: () => Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; requestId: string | undefined }> {
  try {
    await fn();
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, requestId: e.$metadata?.requestId };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The whole error an SDK call fails with (its modeled members too, such as S3's ArgumentName1). */
export async function sdkFailure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * AWS's AccessDenied text, as Tessera answers it by default: nothing appended (failing if an
 * encoded authorization message is there).
 */
export function deniedText(message: string): string {
  if (message.includes(ENCODED_MARKER)) throw new Error(`an encoded authorization failure message where AWS's text alone was expected: ${message}`);
  return message;
}

const ENCODED_MARKER = ' Encoded authorization failure message: ';

/**
 * With --encoded-authorization-messages: AWS's text without the ` Encoded authorization
 * failure message: <blob>` Tessera appends (failing if the blob is missing).
 */
export function deniedTextWithEncoded(message: string): string {
  const at = message.indexOf(ENCODED_MARKER);
  if (at < 0 || message.length - at - ENCODED_MARKER.length < 16) throw new Error(`no encoded authorization failure message in: ${message}`);
  return message.slice(0, at);
}
