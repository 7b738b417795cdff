// The upload half of a POST Object (post-object.ts): the file streamed upstream as a
// PutObject, counted against the policy's content-length-range with its end held back until
// the count passed, and S3's answer to a POST written from the upstream's.

import type { ClientRequest, IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { clientOrigin } from '../../gateway/answer-rewrite.ts';
import { GatewayError, gatewayError } from '../../gateway/errors.ts';
import type { LengthRange, PostFields } from '../../gateway/post-policy.ts';
import { escapeXml } from '../../protocol/xml.ts';
import type { Flow } from './flow.ts';

/** S3's largest POST upload. */
const MAX_POST_OBJECT_BYTES = 5 * 1024 * 1024 * 1024;

/**
 * Counts the file against the range and S3's ceiling; a file larger than allowed fails as soon
 * as it passes the maximum, one smaller than the minimum at its end — before the upstream
 * request is ended, so nothing is stored.
 */
class SizeLimit extends Transform {
  #size = 0;
  readonly #range: LengthRange | undefined;

  constructor(range: LengthRange | undefined) {
    super();
    this.#range = range;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#size += chunk.length;
    const max = Math.min(this.#range?.max ?? MAX_POST_OBJECT_BYTES, MAX_POST_OBJECT_BYTES);
    if (this.#size > max) {
      done(gatewayError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, { ProposedSize: String(this.#size), MaxSizeAllowed: String(max) }));
      return;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.#range !== undefined && this.#size < this.#range.min) {
      done(gatewayError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, { ProposedSize: String(this.#size), MinSizeAllowed: String(this.#range.min) }));
      return;
    }
    done();
  }
}

export async function putUpstream(
  flow: Flow,
  file: Readable,
  range: LengthRange | undefined,
  target: { upstream: URL; accountId: string; path: string; headers: Record<string, string> },
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  const { deps } = flow;
  const request: ClientRequest = deps.gateway.client.open(target.upstream, {
    service: 's3', region: 'us-east-1', accountId: target.accountId, method: 'PUT', path: target.path, query: '', headers: { ...target.headers }, streamed: true,
  });
  const answered = new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  answered.catch(() => {});
  try {
    await pipeline(file, new SizeLimit(range), request);
  } catch (err) {
    request.destroy();
    file.resume();
    if (err instanceof GatewayError) throw err;
    throw gatewayError('IncompleteBody', 'The request body terminated unexpectedly', 400);
  }
  try {
    return await answered;
  } catch (err) {
    deps.logger.warn('gateway forward failed', { requestId: flow.ctx.requestId, service: 's3', operation: 'PostObject', error: String(err) });
    throw gatewayError('ServiceUnavailable', `Tessera could not reach the s3 upstream (${target.upstream.host}).`, 503);
  }
}

/** S3's answer to a POST upload: by success_action_redirect, success_action_status, or 204. */
export function respond(flow: Flow, fields: PostFields, upload: { bucket: string; key: string; status: number; headers: IncomingMessage['headers']; body: Buffer }): void {
  const { ctx, res } = flow;
  const requestId = { 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': ctx.requestId };
  if (upload.status < 200 || upload.status >= 300) {
    // The upstream's own refusal, passed on as it answered.
    const contentType = upload.headers['content-type'];
    res.writeHead(upload.status, { ...(contentType ? { 'content-type': contentType } : {}), 'content-length': String(upload.body.length), ...requestId });
    res.end(upload.body);
    return;
  }
  const etag = typeof upload.headers['etag'] === 'string' ? upload.headers['etag'] : '';
  const host = ctx.http.headers['host'];
  const origin = clientOrigin(Array.isArray(host) ? host[0] : host, ctx.http.secure) ?? '';
  const location = `${origin}/${encodePathPart(upload.bucket)}/${upload.key.split('/').map(encodePathPart).join('/')}`;
  const common = { ...requestId, ...(etag ? { etag } : {}), location };
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect !== undefined && /^https?:\/\//i.test(redirect)) {
    const target = new URL(redirect);
    target.searchParams.set('bucket', upload.bucket);
    target.searchParams.set('key', upload.key);
    target.searchParams.set('etag', etag);
    res.writeHead(303, { ...common, location: target.toString(), 'content-length': '0' });
    res.end();
    return;
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(upload.bucket)}</Bucket><Key>${escapeXml(upload.key)}</Key><ETag>${escapeXml(etag)}</ETag></PostResponse>`, 'utf8');
    res.writeHead(201, { ...common, 'content-type': 'application/xml', 'content-length': String(body.length) });
    res.end(body);
    return;
  }
  res.writeHead(status === '200' ? 200 : 204, { ...common, 'content-length': '0' });
  res.end();
}

/** A path segment as S3 writes it: RFC 3986 unreserved characters kept, the rest percent-encoded. */
export function encodePathPart(part: string): string {
  return encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
