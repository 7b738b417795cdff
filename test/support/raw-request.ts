import { request } from 'node:http';
import { signRequest } from '../../src/sigv4/index.ts';
import type { Credentials } from './tessera-server.ts';

/** A raw HTTP exchange with a Tessera server, for tests that must control every byte. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function sendRaw(baseUrl: string, req: { method: string; path: string; query?: string; headers: Record<string, string | string[]>; body?: string }): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path + (req.query ? `?${req.query}` : ''), headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    r.on('error', reject);
    r.end(req.body ?? '');
  });
}

/** Signs a form-encoded Query-protocol POST with SigV4 and sends it. */
export async function signedQuery(
  baseUrl: string,
  credentials: Credentials,
  params: Record<string, string>,
  options: { service?: string; region?: string; date?: Date; form?: 'header' | 'query'; method?: 'GET' | 'POST' } = {},
): Promise<RawResponse> {
  const host = new URL(baseUrl).host;
  const body = new URLSearchParams(params).toString();
  const method = options.method ?? 'POST';
  const unsigned: { method: string; path: string; query: string; headers: Record<string, string>; body: string } = method === 'POST'
    ? { method, path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }
    : { method, path: '/', query: body, headers: { host }, body: '' };
  const signed = signRequest(unsigned, credentials, {
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'iam',
    date: options.date ?? new Date(),
    form: options.form ?? 'header',
  });
  return sendRaw(baseUrl, { method: signed.method, path: signed.path, query: signed.query, headers: signed.headers, body: typeof signed.body === 'string' ? signed.body : Buffer.from(signed.body).toString('utf8') });
}

/** Signs a JSON 1.1 request (X-Amz-Target) with SigV4 and sends it. */
export async function signedJson(baseUrl: string, credentials: Credentials, target: string, payload: object, options: { service?: string; region?: string } = {}): Promise<RawResponse> {
  const host = new URL(baseUrl).host;
  const body = JSON.stringify(payload);
  const signed = signRequest(
    { method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body },
    credentials,
    { region: options.region ?? 'us-east-1', service: options.service ?? 'organizations', date: new Date() },
  );
  return sendRaw(baseUrl, { method: 'POST', path: '/', headers: signed.headers, body });
}

/** The text of one XML element (first occurrence), for asserting on AWS error documents. */
export function xmlText(xml: string, element: string): string | undefined {
  const match = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(xml);
  return match?.[1];
}

/** A JSON service's answer read: its body parsed (or as text), the error code without the model's namespace, the message. */
export interface JsonAnswer {
  status: number;
  body: any;
  code: string;
  message: string;
}

export async function signedJsonAnswer(baseUrl: string, credentials: Credentials, target: string, payload: object, options: { service?: string; region?: string } = {}): Promise<JsonAnswer> {
  const res = await signedJson(baseUrl, credentials, target, payload, options);
  let body: any = res.body;
  try {
    body = JSON.parse(res.body);
  } catch { /* not JSON */ }
  const code = typeof body === 'object' && body !== null && typeof body.__type === 'string' ? String(body.__type).split('#').pop()! : '';
  const message = typeof body === 'object' && body !== null ? String(body.Message ?? body.message ?? '') : '';
  return { status: res.status, body, code, message };
}

/** The error code of a JSON (x-amzn-errortype / __type) or XML (<Code>) answer. */
export function errorCode(res: RawResponse): string {
  const header = res.headers['x-amzn-errortype'];
  if (typeof header === 'string' && header !== '') return header.split(':')[0]!;
  try {
    const parsed = JSON.parse(res.body) as Record<string, unknown>;
    const type = parsed['__type'] ?? parsed['code'] ?? parsed['Code'];
    if (typeof type === 'string') return type.split('#').pop()!;
  } catch { /* XML */ }
  return /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1] ?? `HTTP ${res.status}`;
}
