// The forwarder: the client's request, re-signed with the gateway's upstream credentials, goes
// to the upstream with its headers (Range, conditional and checksum headers, Content-Type, …)
// and its body streamed through the payload's verifier; the upstream's answer — success or
// its own error — streams back unchanged. Memory does not grow with the body: each side waits
// for the other (backpressure), and a verifier holds back at most one chunk.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished, pipeline } from 'node:stream';
import { tapErrorAnswer, type UpstreamError } from './upstream-error.ts';
import type { Readable } from 'node:stream';
import { GatewayError, type GatewayFailure } from './errors.ts';
import { payloadRefusal, type PayloadPlan } from './payload.ts';
import type { UpstreamClient, UpstreamRequest } from './upstream-http.ts';
import { MAX_REWRITTEN_ANSWER, type AnswerRewrite } from './answer-rewrite.ts';
import { claimBodyMemory, UpstreamBodyWriter } from './upstream-body.ts';
import { SIGV2_HEADER_ECHOES, SIGV2_QUERY_PARAMETERS } from './sigv2-query.ts';

/** Hop-by-hop headers, the client's signature and anything the gateway sets itself. */
const NOT_FORWARDED = new Set([
  'host', 'authorization', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'expect', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
]);
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'trailer']);

/** The presigning parameters of the client's URL (SigV4's and SigV2's): the upstream request is signed afresh. */
const PRESIGN_PARAMETERS = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token', ...SIGV2_QUERY_PARAMETERS]);

export type ForwardBody =
  | { kind: 'none' }
  /** A body read whole (a JSON or Query request, or a small S3 document the decision needed, decoded). */
  | { kind: 'buffer'; data: Buffer; dropHeaders?: readonly string[] }
  | { kind: 'stream'; source: Readable; plan: PayloadPlan };

export interface ForwardPlan {
  upstream: URL;
  request: Omit<UpstreamRequest, 'body' | 'streamed' | 'headers'>;
  /** The client's headers (lower-case names). */
  headers: Readonly<Record<string, string | readonly string[]>>;
  body: ForwardBody;
  /** The account header the upstream reads: a client's own is never passed on. */
  accountHeader: string;
  /** URLs of the upstream's in a successful answer, rewritten to the client's address. */
  rewrite?: AnswerRewrite;
  /** Tessera's ID of the request: the answer's request ID headers carry it in place of the upstream's. */
  requestId?: string;
  /**
   * Asked before a 404 answer is passed on: a failure returned replaces it (S3 hides which keys
   * are missing from a caller who may not list the bucket), and the upstream's answer is dropped.
   */
  hideMissing?: () => Promise<GatewayFailure | undefined>;
  /**
   * Run once the upstream answered with success, the answer paused until it settles, so the
   * client hears of the success only after it (a new bucket's default settings, which AWS has
   * in place when CreateBucket returns). It must not throw: its failures are its own to report.
   */
  afterSuccess?: () => Promise<void>;
  /**
   * Asked with the head of any answer but a 404 that hideMissing takes, before a byte of it is
   * passed on: a failure returned replaces it, and the upstream's answer is dropped unread (S3's
   * GetObject of an SSE-KMS object, for a caller who may not decrypt with its key).
   */
  checkAnswer?: (headers: IncomingMessage['headers'], status: number) => Promise<GatewayFailure | undefined>;
  /**
   * Keep a successful answer's body, as the client received it, when it is at most this many
   * bytes (its CloudTrail responseElements: gateway/response-elements.ts). Larger, or cut short,
   * nothing is kept.
   */
  keepAnswerBytes?: number;
}

export type ForwardOutcome =
  /** The upstream answered and its answer was passed on (`complete`: to its end); `error`: the error it answered, if any. */
  | { kind: 'answered'; status: number; complete: boolean; error?: UpstreamError; body?: Buffer }
  /** Nothing was sent to the client: answer it with `failure`. */
  | { kind: 'failed'; failure: GatewayFailure; cause: string };

/** The client's query without the presigning parameters. */
export function forwardedQuery(query: string): string {
  if (query === '') return '';
  const parts = query.split('&');
  const sigv2 = parts.some((part) => part.startsWith('AWSAccessKeyId=') || part.startsWith('Signature='));
  return parts
    .filter((part) => {
      if (part === '') return false;
      const eq = part.indexOf('=');
      let name = eq < 0 ? part : part.slice(0, eq);
      try {
        name = decodeURIComponent(name);
      } catch {
        return true;
      }
      return !PRESIGN_PARAMETERS.has(name) && !(sigv2 && SIGV2_HEADER_ECHOES.has(name.toLowerCase()));
    })
    .join('&');
}

export function forwardedHeaders(plan: ForwardPlan): Record<string, string | string[]> {
  const payloadDrops: readonly string[] = plan.body.kind === 'stream' ? plan.body.plan.dropHeaders : plan.body.kind === 'buffer' ? (plan.body.dropHeaders ?? []) : [];
  const dropped = (name: string) => NOT_FORWARDED.has(name) || name === plan.accountHeader || payloadDrops.includes(name);
  const headers: Record<string, string | string[]> = {};
  for (const name in plan.headers) {
    if (name === 'content-length' || dropped(name)) continue;
    const value = plan.headers[name]!;
    headers[name] = Array.isArray(value) ? [...value] : (value as string);
  }
  const length = plan.headers['content-length'];
  if (plan.body.kind === 'buffer') headers['content-length'] = String(plan.body.data.length);
  else if (plan.body.kind === 'stream' && length !== undefined && !dropped('content-length')) headers['content-length'] = Array.isArray(length) ? length[0]! : (length as string);
  if (plan.body.kind === 'stream') Object.assign(headers, plan.body.plan.setHeaders);
  return headers;
}

export function forward(client: UpstreamClient, plan: ForwardPlan, res: ServerResponse, beforeBody: () => void): Promise<ForwardOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ForwardOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const fail = (failure: GatewayFailure, cause: string) => {
      upstreamRequest.destroy();
      if (!res.headersSent) {
        settle({ kind: 'failed', failure, cause });
        return;
      }
      res.destroy();
      settle({ kind: 'answered', status: res.statusCode, complete: false });
    };
    const upstreamRequest = client.open(plan.upstream, {
      ...plan.request,
      headers: forwardedHeaders(plan),
      ...(plan.body.kind === 'buffer' ? { body: plan.body.data } : {}),
      streamed: plan.body.kind === 'stream',
      ...(plan.body.kind === 'stream' && plan.body.plan.reencode ? { streamedContentSha256: plan.body.plan.reencode.contentSha256 } : {}),
    });
    upstreamRequest.on('error', (err) => {
      if (err instanceof GatewayError || payloadRefusal(err) !== undefined) return; // the body's verifier failed: reported by the pipeline
      fail({ code: 'ServiceUnavailable', message: `Tessera could not reach the ${plan.request.service} upstream (${plan.upstream.host}).`, status: 503 }, String(err));
    });
    const answered = (answer: IncomingMessage) => {
      const { hideMissing } = plan;
      const status = answer.statusCode ?? 0;
      if (answer.statusCode !== 404 || hideMissing === undefined) {
        const { checkAnswer } = plan;
        if (checkAnswer === undefined) return relay(answer, res, plan, settle);
        // The answer waits, paused, while the caller's right to its content is decided.
        checkAnswer(answer.headers, status).then((failure) => {
          if (failure === undefined) return relay(answer, res, plan, settle);
          answer.destroy();
          settle({ kind: 'failed', failure, cause: 'an answer the caller may not read (checkAnswer)' });
        }, (err: unknown) => {
          answer.destroy();
          settle({ kind: 'failed', failure: err instanceof GatewayError ? err.failure : { code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500 }, cause: String(err) });
        });
        return;
      }
      // The answer waits, paused, while the caller's right to learn it is decided.
      hideMissing().then((failure) => {
        if (failure === undefined) return relay(answer, res, plan, settle);
        answer.resume();
        settle({ kind: 'failed', failure, cause: 'a missing object hidden from a caller who may not list its bucket' });
      }, (err: unknown) => {
        answer.resume();
        settle({ kind: 'failed', failure: err instanceof GatewayError ? err.failure : { code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500 }, cause: String(err) });
      });
    };
    upstreamRequest.on('response', (answer: IncomingMessage) => {
      const status = answer.statusCode ?? 0;
      // What a success must be followed by runs before the client hears of it; then the answer
      // goes the way every answer goes (checked, hidden or relayed).
      if (plan.afterSuccess !== undefined && status >= 200 && status < 300) {
        const next = () => answered(answer);
        plan.afterSuccess().then(next, next);
        return;
      }
      answered(answer);
    });

    if (plan.body.kind === 'stream') {
      const { source } = plan.body;
      // The client's body buffers are freed as soon as what came from them was written upstream.
      const claimed = plan.body.plan.inputReleasable === true ? claimBodyMemory(source) : undefined;
      beforeBody();
      const verifier = plan.body.plan.verify();
      const reencoder = plan.body.plan.reencode?.after(verifier);
      const sink = new UpstreamBodyWriter(upstreamRequest, claimed);
      const done = (err: NodeJS.ErrnoException | null | undefined) => {
        if (err === undefined || err === null) return;
        const refused = err instanceof GatewayError ? err.failure : payloadRefusal(err);
        if (refused !== undefined) fail(refused, err.message);
        else if (!(source as IncomingMessage).complete) fail({ code: 'IncompleteBody', message: 'The request body terminated unexpectedly', status: 400 }, String(err));
      };
      if (reencoder === undefined) pipeline(source, verifier, sink, done);
      else pipeline(source, verifier, reencoder, sink, done);
    } else {
      upstreamRequest.end(plan.body.kind === 'buffer' ? plan.body.data : undefined);
    }
  });
}

function relay(answer: IncomingMessage, res: ServerResponse, plan: ForwardPlan, settle: (outcome: ForwardOutcome) => void): void {
  const { rewrite } = plan;
  const method = plan.request.method;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !NOT_RETURNED.has(name)) headers[name] = value;
  }
  if (plan.requestId !== undefined) withRequestId(headers, plan.requestId, plan.request.service);
  const status = answer.statusCode ?? 502;
  const success = status >= 200 && status < 300;
  if (rewrite?.location !== undefined && success && typeof headers['location'] === 'string') {
    const location = rewrite.location(headers['location']);
    if (location !== undefined) headers['location'] = location;
  }
  if (method.toUpperCase() === 'HEAD') {
    res.writeHead(status, headers);
    answer.resume();
    res.end();
    settle({ kind: 'answered', status, complete: true });
    return;
  }
  const encoding = headers['content-encoding'];
  const declared = Number(headers['content-length'] ?? 0);
  if (rewrite?.body !== undefined && success && (encoding === undefined || encoding === 'identity') && declared <= MAX_REWRITTEN_ANSWER) {
    relayRewritten(answer, res, status, headers, rewrite.body, settle, plan.keepAnswerBytes ?? 0);
    return;
  }
  res.writeHead(status, headers);
  if (status < 400) {
    const kept = success && plan.keepAnswerBytes !== undefined && (encoding === undefined || encoding === 'identity') ? tapAnswer(answer, plan.keepAnswerBytes) : undefined;
    passBody(answer, res, (complete) => {
      const body = complete ? kept?.() : undefined;
      settle({ kind: 'answered', status, complete, ...(body !== undefined ? { body } : {}) });
    });
    return;
  }
  // An error answer is read as it passes, for its CloudTrail event (upstream-error.ts).
  const upstreamError = tapErrorAnswer(answer, answer.headers);
  passBody(answer, res, (complete) => {
    const error = upstreamError();
    settle({ kind: 'answered', status, complete, ...(error ? { error } : {}) });
  });
}

/** The request ID headers the SDKs read ($metadata.requestId), S3's and the others'. */
const REQUEST_ID_HEADERS = ['x-amz-request-id', 'x-amzn-requestid', 'x-amzn-request-id'];

/**
 * The client sees Tessera's request ID, the one its CloudTrail event and `tessera explain`
 * know, wherever the upstream put its own (an upstream's ID means nothing to a client of
 * Tessera's: its logs are not the client's to read).
 */
function withRequestId(headers: Record<string, string | string[]>, requestId: string, service: string): void {
  let replaced = false;
  for (const name of REQUEST_ID_HEADERS) {
    if (headers[name] === undefined) continue;
    headers[name] = requestId;
    replaced = true;
  }
  if (!replaced) headers[service === 's3' ? 'x-amz-request-id' : 'x-amzn-requestid'] = requestId;
}

/**
 * The answer's body streamed to the client, with backpressure (`pipe`); either side failing or
 * closing early destroys both. What `stream.pipeline` does for two streams, without its
 * per-call AbortController (whose abort() builds a DOMException with a stack trace): for a
 * small answer that was a noticeable share of the gateway's CPU time.
 */
function passBody(answer: IncomingMessage, res: ServerResponse, settle: (complete: boolean) => void): void {
  let done = false;
  const end = (err: Error | null | undefined) => {
    if (done) return;
    done = true;
    if (err) {
      answer.destroy();
      res.destroy();
    }
    settle(!err);
  };
  finished(answer, (err) => {
    if (err) end(err);
  });
  finished(res, end);
  answer.pipe(res);
}

/** A small document answer read whole and rewritten; one that grows past the bound passes on unchanged. */
/** The answer's body as it passes, if it is at most `max` bytes. */
function tapAnswer(answer: IncomingMessage, max: number): () => Buffer | undefined {
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
    else answer.off('data', collect);
  };
  answer.on('data', collect);
  return () => {
    answer.off('data', collect);
    return size <= max ? Buffer.concat(chunks) : undefined;
  };
}

function relayRewritten(answer: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | string[]>, rewrite: (body: Buffer) => Buffer, settle: (outcome: ForwardOutcome) => void, keepBytes: number): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = (chunk: Buffer) => {
    size += chunk.length;
    chunks.push(chunk);
    if (size <= MAX_REWRITTEN_ANSWER) return;
    answer.off('data', collect);
    answer.off('end', finish);
    answer.pause();
    res.writeHead(status, headers);
    res.write(Buffer.concat(chunks));
    passBody(answer, res, (complete) => settle({ kind: 'answered', status, complete }));
  };
  const finish = () => {
    const body = rewrite(Buffer.concat(chunks));
    delete headers['content-length'];
    res.writeHead(status, { ...headers, 'content-length': String(body.length) });
    res.end(body, () => settle({ kind: 'answered', status, complete: true, ...(body.length <= keepBytes ? { body } : {}) }));
  };
  answer.on('data', collect);
  answer.once('end', finish);
  answer.once('error', () => {
    res.destroy();
    settle({ kind: 'answered', status, complete: false });
  });
  res.once('close', () => {
    if (!res.writableFinished) settle({ kind: 'answered', status, complete: false });
  });
}
