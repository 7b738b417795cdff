// Wire requests as the aws CLI and the SDKs send them, for the mapping tests.
import type { GatewayRequest } from '../types.ts';

export const OWNER = '111111111111';
export const CALLER = '222222222222';
export const NOW = new Date('2024-05-01T12:00:10Z');

const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240501/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
  'x-amz-date': '20240501T120000Z',
  'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
};

type Options = Partial<Omit<GatewayRequest, 'service' | 'method' | 'path'>>;

export function wire(service: string, method: string, target: string, options: Options = {}): GatewayRequest {
  const at = target.indexOf('?');
  return {
    service,
    method,
    path: at < 0 ? target : target.slice(0, at),
    query: at < 0 ? '' : target.slice(at + 1),
    region: 'us-east-1',
    ownerAccountId: OWNER,
    requestAccountId: CALLER,
    now: NOW,
    ...options,
    headers: { host: 'localhost:4600', ...SIGNED, ...options.headers },
  };
}

/** A JSON-protocol call: POST / with X-Amz-Target and a JSON body. */
export function json(service: string, target: string, body: unknown, version = '1.1'): GatewayRequest {
  return wire(service, 'POST', '/', {
    headers: { 'x-amz-target': target, 'content-type': `application/x-amz-json-${version}` },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
}

/** A Query-protocol call: POST / with a form body. */
export function form(service: string, params: Record<string, string>, path = '/'): GatewayRequest {
  return wire(service, 'POST', path, {
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.from(new URLSearchParams(params).toString()),
  });
}
