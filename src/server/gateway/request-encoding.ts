import { gunzipSync } from 'node:zlib';
import type { WireProtocol } from '../../gateway/model.ts';
import type { RequestContext } from '../request-context.ts';
import { gatewayError, type GatewayError } from '../../gateway/errors.ts';

/**
 * A JSON or Query body sent with `Content-Encoding: gzip` — the SDKs' request compression:
 * the aws CLI, boto3 and the JS SDK gzip CloudWatch's PutMetricData over 10 KiB — is decoded
 * once its signature has been verified (the signature covers the bytes as sent), then read,
 * authorized and forwarded decoded, without the header: the upstream receives exactly what was
 * authorized. At most `limit` decoded bytes (over it: EntityTooLarge, as for a plain body); a
 * body that is not gzip is refused as invalid. Any other coding is left as sent, for the
 * gateway to refuse (gateway/parser-differential.ts): it reads no other.
 */
export function decodeGzipBody(ctx: RequestContext, protocol: WireProtocol, limit: number): void {
  const given = ctx.http.headers['content-encoding'];
  if (given === undefined) return;
  const codings = (Array.isArray(given) ? given : [given]).join(',').split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== '' && part !== 'identity');
  if (codings.length > 0 && (codings.length !== 1 || codings[0] !== 'gzip')) return;
  if (codings.length === 1) {
    let decoded: Buffer;
    try {
      decoded = gunzipSync(ctx.http.body, { maxOutputLength: limit });
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw gatewayError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size: Tessera reads at most ${limit} bytes of this request to authorize it.`, 413);
      }
      throw invalidBody(protocol);
    }
    ctx.http.body = decoded;
  }
  const { 'content-encoding': _dropped, ...rest } = ctx.http.headers;
  ctx.http.headers = rest;
}

function invalidBody(protocol: WireProtocol): GatewayError {
  const message = 'The request body is not valid gzip (Content-Encoding: gzip)';
  return protocol === 'json' || protocol === 'rest-json' ? gatewayError('ValidationException', message, 400) : gatewayError('InvalidParameterValue', message, 400);
}
