import { readFile, writeFile, chmod } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/types.ts';
import { systemClock, type Clock } from '../kernel/clock.ts';
import { cryptoRandom, type RandomSource } from '../kernel/random.ts';
import { iamOperations, iamPolicySource } from '../iam/index.ts';
import { awsManagedCatalog } from '../iam/policies/aws-managed.ts';
import { stsOperations, workloadOperations } from '../sts/index.ts';
import { cloudTrailOperations } from '../cloudtrail/index.ts';
import { accountGuardrails, organizationMembership, organizationsOperations, organizationPolicySource } from '../organizations/index.ts';
import { OrganizationGuardrails } from '../authz/organization-policies.ts';
import { buildRegistry } from '../operations/registry.ts';
import { loadServiceModel, type ServiceName } from '../protocol/model.ts';
import { Authorizer } from '../authz/authorizer.ts';
import { discoveryKeySource, fetchJsonOverHttps } from '../federation/oidc/discovery-keys.ts';
import { federatedAuthenticators } from './federated-callers.ts';
import { getDefaultAccountId, type RootCredentials } from '../iam/accounts.ts';
import { AuditSink } from './audit-sink.ts';
import { DEFAULT_RETENTION_SECONDS, pruneExpiredEvents } from '../cloudtrail/retention.ts';
import { deliverTrails, type DeliveryReport } from '../cloudtrail/delivery.ts';
import { localTrailObjects } from '../cloudtrail/trail-objects.ts';
import { adminRoutes } from './admin-routes.ts';
import { bootstrap, writeRootCredentialsFile } from './bootstrap.ts';
import { isLoopbackHost, remoteDevRefusal, type ServerConfig } from './config.ts';
import type { ServerDeps } from './deps.ts';
import { createHttpServer } from './http-server.ts';
import { gracefulCloser } from './graceful-close.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { openMasterKeySource, sealerFor } from './secrets.ts';
import { checkStartupPaths } from './startup-checks.ts';
import { readTlsCredentials } from './tls-files.ts';
import { SecretBoxError } from '../store/secret-box.ts';
import { TESSERA_VERSION } from './version.ts';
import { SigningKeyCache } from '../sigv4/index.ts';
import { PolicyCache } from '../policy/index.ts';
import { PolicySetCache } from '../authz/policy-set-cache.ts';
import { TokenKeyRing, issueSessionToken } from '../tokens/index.ts';
import { AuthorizationEpochs } from '../iam/authorization-epoch.ts';
import { AccessKeyCache } from '../credentials/access-key-cache.ts';
import { createGatewayRuntime, NO_GATEWAY } from './gateway/runtime.ts';
import type { PeerInvalidation } from './gateway/peer-invalidation.ts';
import { routedTrailObjects, s3TrailObjects } from './gateway/s3-trail-objects.ts';
import { upstreamFor } from '../gateway/upstreams.ts';

/**
 * Wires one Tessera server from its configuration: store, secrets, bootstrap account, the
 * pipeline and the HTTP listener. Nothing here is global, so tests run several in a process.
 */
export interface Tessera {
  url: string;
  port: number;
  host: string;
  deps: ServerDeps;
  defaultAccountId: string;
  /** The root credentials created by this start, if it created them (shown once). */
  createdRootCredentials?: RootCredentials;
  /** Delivers every logging trail's new events now (as the delivery interval would). */
  deliverTrails(): Promise<DeliveryReport>;
  /** Stops listening, lets requests in flight finish (up to `graceMs`), flushes the audit log, delivers trails, closes the store. */
  close(options?: CloseOptions): Promise<void>;
}

export interface CloseOptions {
  /** How long requests in flight may take to finish before their connections are cut (default 0). */
  graceMs?: number;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  random?: RandomSource;
  /**
   * The store was brought to the configured state by {@link prepareFirstStart} in another
   * process (a worker of `tessera serve --workers N`): read the default account, create nothing.
   */
  bootstrapped?: boolean;
  /** The other worker processes of this server, which the gateway tells what a write changed. */
  peers?: PeerInvalidation;
}

/** What {@link prepareFirstStart} did: the default account, and the root credentials if it created them. */
export interface FirstStart {
  defaultAccountId: string;
  createdRootCredentials?: RootCredentials;
}

/**
 * Everything a start does before it listens — checks, store migrations, the master key file,
 * token keys, the default account and root key (and its credentials file), the admin token —
 * then closes the store. `tessera serve --workers N` runs this once in its primary process,
 * so that N workers starting at once never race to create any of it.
 */
export async function prepareFirstStart(config: ServerConfig, options: StartOptions = {}): Promise<FirstStart> {
  const prepared = await openTessera(config, options, false);
  return { defaultAccountId: prepared.defaultAccountId, ...(prepared.createdRootCredentials ? { createdRootCredentials: prepared.createdRootCredentials } : {}) };
}

/** Every operation served, built once per process: a declaration without a target stops start-up. */
const OPERATIONS = buildRegistry([...iamOperations, ...stsOperations, ...organizationsOperations, ...cloudTrailOperations, ...workloadOperations], inModel);

function inModel(service: ServiceName, name: string): boolean {
  return loadServiceModel(service).operations.has(name);
}


export function startTessera(config: ServerConfig, options: StartOptions = {}): Promise<Tessera> {
  return openTessera(config, options, true) as Promise<Tessera>;
}

async function openTessera(config: ServerConfig, options: StartOptions, serve: boolean): Promise<Tessera | FirstStart> {
  const remoteDev = config.dev && !isLoopbackHost(config.host);
  // The CLI refuses this with its usage errors (exit 2); kept for servers started from code.
  const refusal = remoteDevRefusal(config);
  if (refusal !== undefined) throw new Error(refusal);
  const logger = options.logger ?? jsonLogger(config.logLevel);
  if (remoteDev) {
    logger.warn('DEV MODE ON A NON-LOOPBACK ADDRESS: anyone who reaches this server can act with the dev root key (test/test unless set) and wipe its state (POST /_tessera/reset). Use it only inside a container or CI network.', { host: config.host });
  }
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const storeUrl = config.dev ? 'sqlite::memory:' : config.store;
  await checkStartupPaths(config, clock.now());
  const tls = config.tlsCert !== undefined && config.tlsKey !== undefined ? await readTlsCredentials(config.tlsCert, config.tlsKey, clock.now()) : undefined;

  const store = await openStore(storeUrl);
  try {
    const keySource = await openMasterKeySource(config);
    const secrets = sealerFor(keySource, {
      onKeysReloaded: (currentKeyId, keyIds) => logger.info('master key file changed; keys read again', { file: keySource.file, currentKeyId, keyIds }),
      onReloadFailed: (error) => logger.warn('master key file changed but cannot be read; keeping the keys held', { error: String(error) }),
    });
    const audit = new AuditSink(store, logger);
    const tokenRing = new TokenKeyRing({ store, secrets, clock, random });
    try {
      await tokenRing.load();
    } catch (err) {
      // The first secret every start opens: a key that does not open it is the wrong key (or
      // one retired by `tessera master-key retire`), and every credential would fail.
      if (!(err instanceof SecretBoxError)) throw err;
      throw new Error(`the master key from ${keySource.description} does not open the secrets in this store (${err.message}); see README "Secrets"`, { cause: err });
    }
    const policyCache = new PolicyCache(10_000);
    const policySets = new PolicySetCache();
    const epochs = new AuthorizationEpochs(store);
    const signingKeys = new SigningKeyCache();
    // Requests reach the gateway only once listening, after the default account is known.
    const gateway = createGatewayRuntime({ settings: config.gateway ?? NO_GATEWAY, store, clock, signingKeys, defaultAccount: () => defaultAccountId, ...(options.peers ? { peers: options.peers } : {}) });
    // Trails deliver to a folder under --trail-dir, or else to the bucket behind the S3 upstream.
    const s3Upstream = upstreamFor(gateway.settings, 's3');
    const trailObjects = routedTrailObjects(
      config.trailDir !== undefined ? localTrailObjects(config.trailDir) : undefined,
      s3Upstream !== undefined ? s3TrailObjects({ client: gateway.client, upstream: s3Upstream, owners: gateway.owners, defaultAccount: () => defaultAccountId }) : undefined,
      () => defaultAccountId,
    );
    const deps: ServerDeps = {
      store, secrets, clock, random, quotas: config.quotas, logger, audit, signingKeys, policyCache, policySets, tokenRing, gateway,
      epochs, accessKeys: new AccessKeyCache(store, secrets, epochs),
      sessions: { issue: (claims) => issueSessionToken(tokenRing, claims) },
      operations: OPERATIONS,
      // OIDC key sets found by discovery are cached per server.
      organizationPolicies: (accountId) => accountGuardrails(store, policyCache, accountId),
      organizations: organizationMembership,
      federation: federatedAuthenticators(store, discoveryKeySource(fetchJsonOverHttps), secrets),
      authorizer: new Authorizer({
        source: iamPolicySource(store, policyCache, epochs), policyCache, policySets,
        organizations: new OrganizationGuardrails(organizationPolicySource(store, policyCache)),
      }),
      encodedAuthorizationMessages: config.encodedAuthorizationMessages ?? false,
      ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}),
      ...(trailObjects ? { trailDestinations: trailObjects } : {}),
    };
    const first = options.bootstrapped ? await bootstrappedAccount(deps.store) : await bootstrap(deps, config);
    let defaultAccountId = first.defaultAccountId;
    if (first.created && !config.dev) {
      const file = await writeRootCredentialsFile(config.dataDir, first.created);
      logger.info('created the default account and its root access key', { accountId: first.created.accountId, credentialsFile: file });
    }
    const adminToken = config.dev ? undefined : await loadOrCreateAdminToken(config.dataDir);
    if (!serve) {
      await store.close();
      return { defaultAccountId, ...(first.created ? { createdRootCredentials: first.created } : {}) };
    }

    const reset = async () => {
      audit.discard();
      await audit.flush();
      await store.clear();
      // Epochs start again from zero in the emptied store: what was kept by epoch must go.
      deps.accessKeys.clear();
      policySets.clear();
      await tokenRing.load(); // sessions issued before the reset no longer open
      const again = await bootstrap(deps, { ...config, accountId: defaultAccountId, ...(first.created ? {
        rootAccessKeyId: first.created.accessKeyId, rootSecretAccessKey: first.created.secretAccessKey } : {}) });
      defaultAccountId = again.defaultAccountId;
    };
    // Token keys past every token's lifetime are deleted; rotation itself happens on issue.
    const retirement = setInterval(() => {
      tokenRing.retire().catch((err) => logger.warn('token key retirement failed', { error: String(err) }));
    }, 3600_000);
    retirement.unref();
    // Events past the retention period are deleted at start and every hour after.
    const retentionSeconds = config.auditRetentionSeconds ?? DEFAULT_RETENTION_SECONDS;
    const prune = () => {
      pruneExpiredEvents(store, clock.now(), retentionSeconds)
        .then((deleted) => deleted > 0 && logger.info('audit events past retention deleted', { deleted, retentionSeconds }))
        .catch((err) => logger.warn('audit retention pruning failed', { error: String(err) }));
    };
    const pruning = setInterval(prune, Math.min(3600, retentionSeconds) * 1000);
    pruning.unref();
    prune();
    // Logging trails deliver on an interval, and once more when the server stops.
    const deliverTrailsNow = async () => (trailObjects ? deliverTrails({ store, secrets, clock, objects: trailObjects, logFailure: (trail, err) => logger.warn('trail delivery failed', { trail, error: String(err) }) }) : { trails: 0, logFiles: 0, digests: 0 });
    const delivery = setInterval(() => {
      deliverTrailsNow().catch((err) => logger.warn('trail delivery failed', { error: String(err) }));
    }, (config.trailDeliverySeconds ?? 300) * 1000);
    delivery.unref();
    const admin = adminRoutes({ deps, dev: config.dev, adminToken, version: TESSERA_VERSION, defaultAccountId: () => defaultAccountId, reset });
    const server = createHttpServer(deps, admin, tls);
    const closeServer = gracefulCloser(server);
    await listen(server, config.port, config.host);
    // The AWS managed policy catalog is read in the background once listening (~60–150 ms, its
    // decompression off the event loop), so the first request naming one rarely waits for it.
    const prewarm = setTimeout(() => {
      awsManagedCatalog().catch((err) => logger.warn('AWS managed policy catalog not loaded; the first request naming one tries again', { error: String(err) }));
    }, 0);
    prewarm.unref();
    const port = (server.address() as AddressInfo).port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `${tls ? 'https' : 'http'}://${host}:${port}`,
      port,
      host: config.host,
      deps,
      defaultAccountId,
      ...(first.created ? { createdRootCredentials: first.created } : {}),
      deliverTrails: deliverTrailsNow,
      async close(closeOptions: CloseOptions = {}) {
        clearInterval(retirement);
        clearInterval(pruning);
        clearInterval(delivery);
        await closeServer(closeOptions.graceMs ?? 0);
        gateway.close();
        await audit.flush();
        await deliverTrailsNow().catch((err) => logger.warn('trail delivery failed', { error: String(err) }));
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** A worker's default account: the one its primary's first-start preparation set. */
async function bootstrappedAccount(store: Store): Promise<{ defaultAccountId: string; created?: RootCredentials }> {
  const defaultAccountId = await getDefaultAccountId(store);
  if (defaultAccountId === undefined) throw new Error('the store has no default account; the primary process prepares it before starting workers');
  return { defaultAccountId };
}

function listen(server: Server | HttpsServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The bearer token of the admin API: generated once into `<dataDir>/admin-token` (0600). */
async function loadOrCreateAdminToken(dataDir: string): Promise<string> {
  const path = join(dataDir, 'admin-token');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    const token = randomBytes(32).toString('base64url');
    await writeFile(path, token + '\n', { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    await chmod(path, 0o600);
    return (await readFile(path, 'utf8')).trim();
  }
}

export type { Store };
