// URLs in an upstream's answer name the upstream's host (an SQS queue URL, an S3 Location):
// a client that follows them would bypass Tessera. The few answers that carry them are small
// documents (never object bodies); their URLs are rewritten to the address the client used —
// its Host header, on the scheme it connected with — so the next call comes back through
// Tessera. Everything else streams back unchanged.

import type { WireProtocol } from './model.ts';

/** How one answer is rewritten: its body (a small document read whole) and its Location header. */
export interface AnswerRewrite {
  body?: (body: Buffer) => Buffer;
  /** A new Location header from the upstream's (undefined: keep it). */
  location?: (value: string) => string | undefined;
}

/** Answers are read whole for rewriting up to this size; a larger one passes unchanged. */
export const MAX_REWRITTEN_ANSWER = 1024 * 1024;

/** Characters of a host[:port] (names, IPv4, bracketed IPv6): anything else is not rewritten into an answer. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The origin the client reached Tessera at, or undefined when its Host header is missing or odd. */
export function clientOrigin(host: string | undefined, secure: boolean): string | undefined {
  if (host === undefined || host.length > 300 || !HOST.test(host)) return undefined;
  return `${secure ? 'https' : 'http'}://${host}`;
}

/** `url` with its scheme and host replaced by `origin`; a value that is not an absolute URL is kept. */
export function withOrigin(url: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return url;
  return `${origin}${parsed.pathname}${parsed.search}`;
}

export interface RewriteContext {
  service: string;
  operation: string;
  protocol: WireProtocol;
  /** The origin the client used (see clientOrigin). */
  origin: string;
  /** The client's raw request path (its object or bucket, path- or virtual-hosted-style). */
  path: string;
}

/** The rewrite of an operation's answer, or undefined when it carries no URL of the upstream's. */
export function answerRewrite(context: RewriteContext): AnswerRewrite | undefined {
  const { service, operation, origin } = context;
  if (service === 'sqs' && SQS_URL_ANSWERS.has(operation)) {
    return { body: context.protocol === 'json' ? (body) => rewriteSqsJson(body, origin) : (body) => rewriteXmlElement(body, 'QueueUrl', (url) => withOrigin(url, origin)) };
  }
  if (service !== 's3') return undefined;
  // The object's or bucket's URL as the client addressed it.
  const own = `${origin}${context.path === '' ? '/' : context.path}`;
  if (operation === 'CompleteMultipartUpload') return { body: (body) => rewriteXmlElement(body, 'Location', () => own) };
  // S3 answers a path (`/bucket`) in us-east-1 and a URL elsewhere: only a URL names a host.
  if (operation === 'CreateBucket') return { location: (value) => (/^https?:\/\//i.test(value) ? own : undefined) };
  return undefined;
}

const SQS_URL_ANSWERS = new Set(['CreateQueue', 'GetQueueUrl', 'ListQueues']);

/** SQS's JSON answers: `QueueUrl` (CreateQueue, GetQueueUrl) and `QueueUrls` (ListQueues). */
function rewriteSqsJson(body: Buffer, origin: string): Buffer {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return body;
  const answer = document as Record<string, unknown>;
  let changed = false;
  if (typeof answer['QueueUrl'] === 'string') {
    answer['QueueUrl'] = withOrigin(answer['QueueUrl'], origin);
    changed = true;
  }
  if (Array.isArray(answer['QueueUrls'])) {
    answer['QueueUrls'] = answer['QueueUrls'].map((url: unknown) => (typeof url === 'string' ? withOrigin(url, origin) : url));
    changed = true;
  }
  return changed ? Buffer.from(JSON.stringify(answer), 'utf8') : body;
}

/** Every `<name>text</name>` of an XML answer, its text (unescaped) replaced by `replace`'s (escaped). */
export function rewriteXmlElement(body: Buffer, name: 'QueueUrl' | 'Location', replace: (text: string) => string): Buffer {
  const open = `<${name}>`;
  const close = `</${name}>`;
  const text = body.toString('utf8');
  let out = '';
  let from = 0;
  for (;;) {
    const start = text.indexOf(open, from);
    if (start < 0) break;
    const end = text.indexOf(close, start + open.length);
    if (end < 0) break;
    out += text.slice(from, start + open.length) + escapeXml(replace(unescapeXml(text.slice(start + open.length, end))));
    from = end;
  }
  if (from === 0) return body;
  return Buffer.from(out + text.slice(from), 'utf8');
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, entity: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[entity]!);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}
