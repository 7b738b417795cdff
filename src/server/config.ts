import type { Quotas } from '../kernel/quotas.ts';
import type { GatewaySettings } from '../gateway/upstreams.ts';

/** Everything `tessera serve` can be told; see README for each flag and its environment twin. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** `sqlite:PATH`, `sqlite::memory:` or a `postgres://` URL. */
  store: string;
  accountId?: string;
  rootAccessKeyId?: string;
  rootSecretAccessKey?: string;
  /** base64 of 32 bytes; otherwise read from or generated into `<dataDir>/master.key`. */
  masterKey?: string;
  dev: boolean;
  /** Lets dev mode listen on a non-loopback host (a container, a CI service); logged loudly. */
  devAllowRemote?: boolean;
  logLevel: LogLevel;
  /** PEM certificate chain and private key files: the server speaks HTTPS when both are set. */
  tlsCert?: string;
  tlsKey?: string;
  /**
   * Worker processes sharing the listen socket (`tessera serve` only; see serve-command.ts).
   * Undefined: one per core with a persistent store, one in dev mode.
   */
  workers?: number;
  quotas: Quotas;
  /** Protected services: their upstreams, the credentials used there, enforce or audit (README "Protecting other services"). */
  gateway?: GatewaySettings;
  /** AccessDenied texts end with an encoded authorization message (default off: AWS's text alone). */
  encodedAuthorizationMessages?: boolean;
  /** How long audit events are kept, in seconds (default 90 days); pruned in the background. */
  auditRetentionSeconds?: number;
  /** Root of trails' local delivery: one folder per S3 bucket name (other buckets are the S3 upstream's; without either no trail can be created). */
  trailDir?: string;
  /** How often logging trails deliver log files and digests, in seconds (default 300). */
  trailDeliverySeconds?: number;
  /** The URL relying parties reach this server at: the base of outbound federation issuers (README "Outbound identity federation"). */
  publicUrl?: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Whether `host` is a loopback address: the only place dev mode listens without --dev-allow-remote. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/** Why dev mode may not listen on `host` as configured, or undefined. */
export function remoteDevRefusal(config: Pick<ServerConfig, 'dev' | 'devAllowRemote' | 'host'>): string | undefined {
  if (!config.dev || config.devAllowRemote || isLoopbackHost(config.host)) return undefined;
  return `--dev only listens on loopback (127.0.0.1, ::1, localhost); refusing --host ${config.host}. In a container or CI service add --dev-allow-remote (TESSERA_DEV_ALLOW_REMOTE=1)`;
}
