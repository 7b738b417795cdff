// Requests to an upstream, signed with the gateway's own credentials for the account they act
// in (and the account header moto reads), over keep-alive connections. Two uses: the forwarder
// (a client's request, its body streamed) and the lookups (small reads of policies and tags,
// their answers read whole up to a bound).

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { signRequest, UNSIGNED_PAYLOAD, type SigningKeyCacheLike } from '../sigv4/index.ts';
import { credentialsFor, type GatewaySettings } from './upstreams.ts';

/** A request as the upstream will receive it (path-style; the raw, encoded path). */
export interface UpstreamRequest {
  service: string;
  region: string;
  /** The account the request acts in upstream: its credentials sign it. */
  accountId: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[]>;
  /** A body to sign whole (small requests); undefined when the body streams (signed as UNSIGNED-PAYLOAD). */
  body?: Buffer;
  /** The body streams: sign it as UNSIGNED-PAYLOAD (S3 accepts it; its integrity was verified by Tessera). */
  streamed?: boolean;
  /** The payload form a streamed body is signed as (default UNSIGNED-PAYLOAD; an unsigned-trailer re-encoding). */
  streamedContentSha256?: string;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** The part of the settings the client needs. */
export type UpstreamTarget = Pick<GatewaySettings, 'credentials' | 'accountHeader'>;

/** Lower-case percent-decoding of a raw path, byte-exact for UTF-8 (S3's canonical URI encodes the path once). */
export function decodePath(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export class UpstreamClient {
  readonly #settings: UpstreamTarget;
  readonly #keys: SigningKeyCacheLike | undefined;
  readonly #http = new HttpAgent({ keepAlive: true, maxSockets: 128 });
  readonly #https = new HttpsAgent({ keepAlive: true, maxSockets: 128 });
  readonly #now: () => Date;

  constructor(settings: UpstreamTarget, now: () => Date, keys?: SigningKeyCacheLike) {
    this.#settings = settings;
    this.#now = now;
    this.#keys = keys;
  }

  /** Starts a signed request; the caller writes (or pipes) the body and reads the response. */
  open(upstream: URL, request: UpstreamRequest): ClientRequest {
    const headers: Record<string, string | string[]> = { ...request.headers, host: upstream.host };
    if (this.#settings.accountHeader !== '') headers[this.#settings.accountHeader] = request.accountId;
    if (request.streamed) headers['x-amz-content-sha256'] = request.streamedContentSha256 ?? UNSIGNED_PAYLOAD;
    else if (request.service === 's3') delete headers['x-amz-content-sha256'];
    const s3 = request.service === 's3';
    // S3 signs the path encoded once (and never normalizes it); the others sign it encoded twice.
    const signed = signRequest(
      { method: request.method, path: s3 ? decodePath(request.path) : request.path, query: request.query, headers, body: request.body ?? '' },
      credentialsFor(this.#settings, request.accountId),
      { region: request.region, service: request.service, date: this.#now(), normalizePath: !s3, contentSha256Header: s3 && !request.streamed, ...(this.#keys ? { keyCache: this.#keys } : {}) },
    );
    const secure = upstream.protocol === 'https:';
    const options = {
      method: request.method,
      host: upstream.hostname.startsWith('[') ? upstream.hostname.slice(1, -1) : upstream.hostname,
      port: upstream.port === '' ? (secure ? 443 : 80) : Number(upstream.port),
      path: `${request.path}${request.query === '' ? '' : `?${request.query}`}`,
      headers: signed.headers,
      agent: secure ? this.#https : this.#http,
    };
    return secure ? httpsRequest(options) : httpRequest(options);
  }

  /** A small request answered whole (at most `maxBytes` of answer; more is an error). */
  call(upstream: URL, request: UpstreamRequest, maxBytes = 1024 * 1024, timeoutMs = 10_000): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      const req = this.open(upstream, request);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`the upstream did not answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new Error(`the upstream's answer is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.end(request.body);
    });
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}
