import { LIMITS } from './limits.ts';

/**
 * A JSON request body as an object, or a reason it is not one. An empty body is `{}` (the AWS
 * SDKs send `{}`, but an empty body is what AWS reads the same way).
 */
export function parseJsonBody(body: Buffer | undefined): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (body === undefined || body.length === 0) return { ok: true, value: {} };
  if (body.length > LIMITS.body) return { ok: false, message: `The request body is larger than ${LIMITS.body} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, message: 'The request body is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'The request body is not a JSON object' };
  if (bracketDepth(body) > LIMITS.depth && depthOf(value, 0) > LIMITS.depth) return { ok: false, message: 'The request body is nested too deeply' };
  return { ok: true, value: value as Record<string, unknown> };
}

function depthOf(value: unknown, depth: number): number {
  if (depth > LIMITS.depth || typeof value !== 'object' || value === null) return depth;
  let deepest = depth;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, depth + 1));
    if (deepest > LIMITS.depth) break;
  }
  return deepest;
}

/**
 * How deeply a JSON text's brackets nest, outside strings: never less than depthOf of its value,
 * so a body within the bound needs no walk of its parsed value (a walk of a 10,000-entry map
 * costs milliseconds; this scan of its bytes, a fraction of one).
 */
function bracketDepth(body: Buffer): number {
  let depth = 0;
  let deepest = 0;
  for (let at = 0; at < body.length; at++) {
    const byte = body[at]!;
    if (byte === 0x22 /* " */) {
      for (at++; at < body.length; at++) {
        const inner = body[at]!;
        if (inner === 0x5c /* \ */) at++;
        else if (inner === 0x22) break;
      }
    } else if (byte === 0x7b /* { */ || byte === 0x5b /* [ */) {
      if (++depth > deepest) deepest = depth;
    } else if (byte === 0x7d /* } */ || byte === 0x5d /* ] */) depth--;
  }
  return deepest;
}
