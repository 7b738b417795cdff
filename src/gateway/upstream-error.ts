import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * The error a protected service answered, for its CloudTrail event: CloudTrail records a failed
 * call with the service's `errorCode` and `errorMessage` (an S3 GetObject of a missing key:
 * NoSuchKey, "The specified key does not exist."), not only the refusals Tessera makes itself.
 *
 * The answer streams to the client unchanged; this only looks at its first bytes as they pass.
 * Error documents are small: what does not fit in MAX_ERROR_BYTES is not read for a code.
 */
export interface UpstreamError {
  code: string;
  message: string;
}

const MAX_ERROR_BYTES = 16 * 1024;
/** Recorded texts are bounded, like every value of an event. */
const MAX_CODE = 128;
const MAX_MESSAGE = 1024;

/** Starts collecting an error answer's head; the function returned reads it once the body has ended. */
export function tapErrorAnswer(answer: Readable, headers: IncomingHttpHeaders): () => UpstreamError | undefined {
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_ERROR_BYTES) answer.off('data', collect);
  };
  answer.on('data', collect);
  return () => {
    answer.off('data', collect);
    return parseUpstreamError(Buffer.concat(chunks).subarray(0, MAX_ERROR_BYTES), headers);
  };
}

/** The code and message of an error answer in any of the protocols' formats: XML `<Code>`, JSON `__type`/`code`, or the `x-amzn-errortype` header. */
export function parseUpstreamError(body: Buffer, headers: IncomingHttpHeaders): UpstreamError | undefined {
  const text = body.toString('utf8');
  const headerType = typeof headers['x-amzn-errortype'] === 'string' ? headers['x-amzn-errortype'] : undefined;
  const json = jsonObject(text);
  const code = shortCode(headerType ?? stringMember(json, '__type', 'code', 'Code') ?? xmlElement(text, 'Code'));
  if (code === undefined) return undefined;
  const message = stringMember(json, 'message', 'Message', 'errorMessage') ?? xmlElement(text, 'Message') ?? '';
  return { code, message: withoutQuotedValues(message).slice(0, MAX_MESSAGE) };
}

/** `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` and `ResourceNotFoundException:http://…` are both `ResourceNotFoundException`. */
function shortCode(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let code = raw.trim();
  const hash = code.lastIndexOf('#');
  if (hash >= 0) code = code.slice(hash + 1);
  const colon = code.indexOf(':');
  if (colon >= 0) code = code.slice(0, colon);
  return /^[A-Za-z0-9_.]{1,128}$/.test(code) ? code.slice(0, MAX_CODE) : undefined;
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  const start = text.trimStart();
  if (!start.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(start);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringMember(json: Record<string, unknown> | undefined, ...names: string[]): string | undefined {
  if (json === undefined) return undefined;
  for (const name of names) {
    const value = json[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** The text of the first `<name>` element (S3's and the Query services' error documents), entities decoded. */
function xmlElement(text: string, name: string): string | undefined {
  const open = text.indexOf(`<${name}>`);
  if (open < 0) return undefined;
  const from = open + name.length + 2;
  const close = text.indexOf(`</${name}>`, from);
  if (close < 0) return undefined;
  return text.slice(from, close).replace(/&(lt|gt|quot|apos|amp);/g, (_, entity: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[entity]!);
}

const QUOTED_VALUE = "Value '";

/**
 * A validation message quotes the value it refused (`Value 'x' at 'secretString' failed to
 * satisfy constraint`). A service does not quote the members it marks sensitive, but an upstream
 * is not AWS: the quoted value is dropped from every recorded upstream message, whatever member
 * it belongs to — readers of the event history learn which member was refused, not its value.
 */
export function withoutQuotedValues(message: string): string {
  let out = message;
  for (let start = out.indexOf(QUOTED_VALUE); start >= 0; start = out.indexOf(QUOTED_VALUE, start + 'Value'.length)) {
    const end = out.indexOf("' at '", start + QUOTED_VALUE.length);
    if (end < 0) break;
    out = `${out.slice(0, start)}Value${out.slice(end + 1)}`;
  }
  return out;
}
