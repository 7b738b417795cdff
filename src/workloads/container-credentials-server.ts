import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isoSeconds } from '../kernel/clock.ts';
import type { RandomSource } from '../kernel/random.ts';
import { headerOf, startPlainServer, type PlainResponse, type RunningServer } from './loopback-server.ts';
import type { RefreshingCredentials } from './refreshing-credentials.ts';

/**
 * The ECS container credentials endpoint for one task: `GET <AWS_CONTAINER_CREDENTIALS_FULL_URI>`
 * with `Authorization: <AWS_CONTAINER_AUTHORIZATION_TOKEN>` answers the task role's
 * credentials as ECS's agent does ({AccessKeyId, Expiration, RoleArn, SecretAccessKey, Token}).
 * The URI's path and the token are random per endpoint; a missing or wrong token is 401, any
 * other path 404, any method but GET or HEAD 405 (JSON `{"code", "message"}` bodies, best
 * effort: ECS publishes no texts for them). Credentials that cannot be had are 500 with the reason.
 */
export interface ContainerEndpoint extends RunningServer {
  fullUri: string;
  authorizationToken: string;
}

export interface ContainerCredentialsOptions {
  host?: string;
  port?: number;
  credentials: RefreshingCredentials;
  random: RandomSource;
  onError?: (err: unknown) => void;
}

export async function startContainerCredentials(options: ContainerCredentialsOptions): Promise<ContainerEndpoint> {
  const path = `/v2/credentials/${Buffer.from(options.random.bytes(16)).toString('hex')}`;
  const token = Buffer.from(options.random.bytes(32)).toString('base64url');
  const server = await startPlainServer(options.host ?? '127.0.0.1', options.port ?? 0, (req) => answer(req, path, token, options), options.onError ?? (() => undefined));
  return { ...server, fullUri: `${server.url}${path}`, authorizationToken: token };
}

async function answer(req: IncomingMessage, path: string, token: string, options: ContainerCredentialsOptions): Promise<PlainResponse> {
  if ((req.url ?? '/').split('?', 1)[0] !== path) return error(404, 'NotFound', 'No credentials are served at this path.');
  if (req.method !== 'GET' && req.method !== 'HEAD') return error(405, 'MethodNotAllowed', 'Only GET is served.');
  if (!sameToken(headerOf(req, 'authorization'), token)) {
    return error(401, 'InvalidAuthorizationToken', 'The Authorization header is missing or does not hold AWS_CONTAINER_AUTHORIZATION_TOKEN.');
  }
  const current = await options.credentials.current(undefined);
  if (!current.ok) return error(500, current.error.code, current.error.message);
  const { credentials } = current.held;
  return json(200, {
    AccessKeyId: credentials.AccessKeyId,
    Expiration: isoSeconds(credentials.Expiration),
    RoleArn: credentials.RoleArn,
    SecretAccessKey: credentials.SecretAccessKey,
    Token: credentials.SessionToken,
  });
}

/** Constant-time whatever the lengths: both sides are hashed first. */
function sameToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function json(status: number, value: unknown): PlainResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

function error(status: number, code: string, message: string): PlainResponse {
  return json(status, { code, message });
}
