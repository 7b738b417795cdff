// Model-driven bad-input fuzz of the gateway (the protected services Tessera authenticates,
// authorizes and forwards to moto_server). Operations and input shapes come from the AWS models
// (models/protected, AWS's models unchanged); per operation a plausible input is built and then broken one way at a
// time: wrong JSON types per member, 100 KB strings, NUL, lone surrogates, 10,000-deep nesting,
// 10,000-item lists, invalid/empty JSON, wrong X-Amz-Target (JSON services); bad parameters and
// malformed percent-encoding (Query services); bad labels, query parameters, headers and bodies
// (REST services). Callers alternate between the account's root and an allow-all IAM user.
//
// Every answer must be:
//   - not a 5xx of Tessera's own making (a 5xx is Tessera's when its body carries Tessera's
//     InternalFailure/InternalError/ServiceUnavailable wording, or when moto, sent the same request
//     directly, answers it below 500: moto's own 500 passed through is not Tessera's bug),
//   - free of stack-trace text,
//   - answered in under 250 ms of Tessera's own time (a slow answer is sent again, and the same
//     request sent to moto directly: slow only if slow twice, and by more than moto's own time —
//     a request Tessera forwards waits for moto, and moto is slow on some plausible inputs).
// Deterministic: a fixed-seed PRNG picks operations, members, variants and callers.
// GW_FUZZ_VERBOSE=1 prints every finding; GW_FUZZ_OPS=n changes the operations sampled per service.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';
import { seededRandom } from '../support/model-patterns.ts';

// ---------------------------------------------------------------------------------------------
// Models

interface Ref { shape: string; location?: string; locationName?: string; flattened?: boolean }
interface ShapeDef { type: string; members?: Record<string, Ref>; required?: string[]; member?: Ref; key?: Ref; value?: Ref; min?: number; max?: number; enum?: string[]; payload?: string }
interface Op { name: string; http?: { method: string; requestUri: string }; input?: { shape: string } }
interface Model { metadata: { apiVersion: string; protocol: string; targetPrefix?: string; jsonVersion?: string; signingName?: string; endpointPrefix: string }; operations: Record<string, Op>; shapes: Record<string, ShapeDef> }

// The protected services' models, as the gateway itself reads them (models/protected: AWS's, unchanged).
const MODEL_DIR = fileURLToPath(new URL('../../models/protected/', import.meta.url));
const load = (file: string) => JSON.parse(readFileSync(MODEL_DIR + file, 'utf8')) as Model;
const JSON_SERVICES = {
  dynamodb: load('dynamodb-2012-08-10.json'),
  kms: load('kms-2014-11-01.json'),
  secretsmanager: load('secretsmanager-2017-10-17.json'),
  ssm: load('ssm-2014-11-06.json'),
  logs: load('logs-2014-03-28.json'),
  sqs: load('sqs-2012-11-05.json'),
};
const SNS = load('sns-2010-03-31.json');
const S3 = load('s3-2006-03-01.json');
const LAMBDA = load('lambda-2015-03-31.json');

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

const rand = seededRandom(0x6a7e3a1);
const VERBOSE = process.env['GW_FUZZ_VERBOSE'] === '1';
const OPS_PER_SERVICE = Number(process.env['GW_FUZZ_OPS'] ?? Infinity);
function sample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const copy = [...items];
  const out: T[] = [];
  while (out.length < n) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]!);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Plausible values

const NAMED: Record<string, string> = {
  TableName: 'fz1', QueueUrl: '', QueueName: 'fz1', KeyId: 'alias/fz1', SecretId: 'fz1', Name: 'fz1', logGroupName: 'fz1', logGroupIdentifier: 'fz1',
  logStreamName: 'fz1', TopicArn: '', Bucket: 'fz-bucket', Key: 'fz-key', FunctionName: 'fz1', ResourceArn: '', Names: 'fz1',
};
let ACCOUNT = '000000000000';
let QUEUE_URL = 'http://localhost/000000000000/fz1';

function namedString(member: string): string | undefined {
  if (member === 'QueueUrl') return QUEUE_URL;
  if (member === 'TopicArn' || member === 'TargetArn') return `arn:aws:sns:us-east-1:${ACCOUNT}:fz1`;
  if (member === 'ResourceArn' || member === 'resourceArn') return `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/fz1`;
  const v = NAMED[member];
  return v === '' ? undefined : v;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function plausible(model: Model, member: string, ref: Ref, depth = 0): Json {
  const s = model.shapes[ref.shape]!;
  switch (s.type) {
    case 'string': {
      const named = namedString(member);
      if (named !== undefined) return named;
      if (s.enum) return s.enum[0]!;
      return 'fz1'.padEnd(Math.max(s.min ?? 0, 3), 'a');
    }
    case 'integer': case 'long': return Math.min(Math.max(s.min ?? 1, 1), s.max ?? 1e9);
    case 'float': case 'double': return 1;
    case 'boolean': return false;
    case 'timestamp': return 1704067200;
    case 'blob': return 'ZnoxZnox';
    case 'list': return depth > 5 ? [] : [plausible(model, member, s.member!, depth + 1)];
    case 'map': return depth > 5 ? {} : { fz1: plausible(model, member, s.value!, depth + 1) };
    case 'structure': {
      const out: Record<string, Json> = {};
      if (depth > 5) return out;
      for (const name of s.required ?? []) out[name] = plausible(model, name, s.members![name]!, depth + 1);
      return out;
    }
    default: return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Variants

/** JSON text spliced in as-is. */
class Raw { readonly text: string; constructor(text: string) { this.text = text; } }
type Wire = Json | Raw;
function jsonText(v: Wire | { [k: string]: Wire }): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map((x) => jsonText(x)).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x as Wire)}`).join(',')}}`;
  return JSON.stringify(v);
}
const BIG = 'a'.repeat(100 * 1024);
const nestedArrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
const nestedObjects = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
interface Variant { name: string; value: Wire }

function jsonMemberVariants(model: Model, ref: Ref, member: string): Variant[] {
  const s = model.shapes[ref.shape]!;
  const common: Variant[] = [
    { name: 'nested-10000-arrays', value: new Raw(nestedArrays(10_000)) },
    { name: 'nested-10000-objects', value: new Raw(nestedObjects(10_000)) },
    { name: 'null', value: null },
  ];
  switch (s.type) {
    case 'string':
      return [
        { name: 'number-for-string', value: 12345 }, { name: 'object-for-string', value: { a: 1 } }, { name: 'list-for-string', value: ['fz1'] },
        { name: 'bool-for-string', value: true }, { name: '100KB', value: BIG }, { name: 'nul', value: 'fz\u0000x' },
        { name: 'lone-surrogate', value: new Raw('"fz\\ud800x"') }, { name: 'empty', value: '' }, ...common,
      ];
    case 'list': {
      const item = plausible(model, member, s.member!, 1);
      return [
        { name: 'object-for-list', value: { a: 1 } }, { name: 'string-for-list', value: 'x' }, { name: 'number-for-list', value: 7 },
        { name: 'list-10000-items', value: Array.from({ length: 10_000 }, () => item) }, { name: 'list-of-numbers', value: [1, 2, 3] },
        { name: 'list-of-nulls', value: [null] }, ...common,
      ];
    }
    case 'map':
      return [
        { name: 'list-for-map', value: [1] }, { name: 'string-for-map', value: 'x' }, { name: 'map-10000-entries', value: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])) },
        { name: 'map-numbers', value: { a: 1 } }, { name: 'map-proto', value: new Raw('{"__proto__":{"x":1},"constructor":{"prototype":{"x":1}}}') }, ...common,
      ];
    case 'structure':
      return [
        { name: 'list-for-structure', value: [1] }, { name: 'string-for-structure', value: 'x' }, { name: 'number-for-structure', value: 3 },
        { name: 'structure-proto', value: new Raw('{"__proto__":{"x":1}}') }, ...common,
      ];
    case 'integer': case 'long': case 'float': case 'double':
      return [
        { name: 'string-for-number', value: 'abc' }, { name: 'object-for-number', value: { a: 1 } }, { name: 'huge', value: 1e308 },
        { name: 'huge-literal', value: new Raw('9'.repeat(5000)) }, { name: 'negative', value: -1 }, { name: 'float', value: 1.5 }, ...common,
      ];
    case 'boolean': return [{ name: 'string-for-bool', value: 'yes' }, { name: 'number-for-bool', value: 1 }, ...common];
    case 'timestamp': return [{ name: 'garbage-timestamp', value: 'garbage' }, { name: 'huge-timestamp', value: 1e300 }, { name: 'object-for-timestamp', value: {} }];
    case 'blob': return [{ name: 'not-base64', value: '!!!' }, { name: 'number-for-blob', value: 5 }, { name: 'huge-blob', value: BIG }];
    default: return common;
  }
}

// ---------------------------------------------------------------------------------------------
// Sending

interface RawReq { method: string; path: string; query: string; headers: Record<string, string>; body: string }
interface Answer { status: number; body: string; ms: number; requestId: string }

function signed(base: string, creds: Credentials, service: string, req: RawReq): RawReq {
  const host = new URL(base).host;
  const headers = { host, ...req.headers };
  try {
    const s = signRequest({ method: req.method, path: req.path, query: req.query, headers, body: req.body }, creds, { region: 'us-east-1', service, date: new Date() });
    return { ...req, headers: s.headers as Record<string, string> };
  } catch {
    // Not signable as written (a malformed escape): signed as a harmless path, sent as written.
    const s = signRequest({ method: req.method, path: '/', query: '', headers, body: req.body }, creds, { region: 'us-east-1', service, date: new Date() });
    return { ...req, headers: s.headers as Record<string, string> };
  }
}

async function sendOnce(base: string, creds: Credentials, service: string, req: RawReq, extra: Record<string, string> = {}): Promise<Answer> {
  const r = signed(base, creds, service, { ...req, headers: { ...req.headers, ...extra } });
  const started = performance.now();
  try {
    const res = await sendRaw(base, { method: r.method, path: r.path, query: r.query, headers: r.headers, body: r.body });
    const rid = res.headers['x-amzn-requestid'] ?? res.headers['x-amz-request-id'] ?? '';
    return { status: res.status, body: res.body, ms: performance.now() - started, requestId: String(rid) };
  } catch (err) {
    return { status: -1, body: `connection error: ${String(err)}`, ms: performance.now() - started, requestId: '' };
  }
}

interface Finding { service: string; op: string; variant: string; as: string; status: number; ms: number; problem: string; body: string; moto?: string }

const SLOW_MS = 250;
const STACK = /\n\s+at |\bat [\w.<>]+ \(|\.ts:\d|\.js:\d|node:internal/;
/** Tessera's own InternalFailure / InternalError wording (moto's 500s are Werkzeug HTML pages). */
const INTERNAL_TEXTS = /The request processing has failed because of an unknown error|We encountered an internal error|<Code>Internal(Error|Failure)<\/Code>|"__type":"[^"]*Internal(Error|Failure)"/;

describe('gateway bad-input fuzz (model-driven, protected services)', () => {
  let env: GatewayEnv;
  let user: Credentials;
  const upstream: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const findings: Finding[] = [];
  const timings: { ms: number; what: string }[] = [];
  let sent = 0;

  const moto = (service: string, req: RawReq) => sendOnce(env.moto.url, upstream, service, req, { 'x-moto-account-id': ACCOUNT });

  async function probe(service: string, op: string, variant: string, req: RawReq): Promise<void> {
    const asUser = rand() < 0.5;
    const creds = asUser ? user : env.server.root;
    let ans = await sendOnce(env.server.url, creds, service, req);
    sent++;
    if (ans.ms > SLOW_MS) {
      const again = await sendOnce(env.server.url, creds, service, req);
      sent++;
      if (again.ms < ans.ms) ans = { ...again };
    }
    // The upstream's share of a slow answer: the same request, sent to moto directly.
    const upstreamMs = ans.ms > SLOW_MS ? (sent++, (await moto(service, req)).ms) : 0;
    timings.push({ ms: ans.ms, what: `${service}:${op} ${variant} → ${ans.status}${upstreamMs > 0 ? ` (moto direct ${upstreamMs.toFixed(0)} ms)` : ''}` });
    const problems: string[] = [];
    let motoSaid: string | undefined;
    // Headers past Node's 16 KB limit are refused by the HTTP parser (431, connection closed),
    // in front of Tessera and moto alike: not judged here.
    const headerBytes = Object.entries(req.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
    const notImplemented = ans.status === 501 && /NotImplemented|is not forwarded/.test(ans.body);
    if ((ans.status >= 500 && !notImplemented) || (ans.status === -1 && headerBytes < 16 * 1024)) {
      const internal = INTERNAL_TEXTS.test(ans.body);
      const direct = await moto(service, req);
      sent++;
      motoSaid = `${direct.status} ${direct.body.replace(/\s+/g, ' ').slice(0, 120)}`;
      // Tessera's own 500, or a failure moto does not have for the same request.
      if (internal || (direct.status >= 0 && direct.status < 500)) problems.push(`status ${ans.status}${internal ? '' : ' (moto: ' + direct.status + ')'}`);
    }
    if (STACK.test(ans.body)) problems.push('stack trace text');
    if (ans.ms - upstreamMs > SLOW_MS) problems.push(`slow: ${ans.ms.toFixed(0)} ms (moto direct: ${upstreamMs.toFixed(0)} ms)`);
    for (const problem of problems) findings.push({ service, op, variant, as: asUser ? 'user' : 'root', status: ans.status, ms: ans.ms, problem, body: ans.body.replace(/\s+/g, ' ').slice(0, 240), ...(motoSaid ? { moto: motoSaid } : {}) });
  }

  before(async () => {
    env = await startGatewayEnv();
    ACCOUNT = env.server.accountId;
    user = await env.user('gw-fuzz-all', [allow('*')]);
    // Resources the plausible inputs name (made in moto directly; failures do not matter).
    const form = (service: string, body: string) => moto(service, { method: 'POST', path: '/', query: '', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const js = (service: string, target: string, payload: object, v = '1.1') => moto(service, { method: 'POST', path: '/', query: '', headers: { 'content-type': `application/x-amz-json-${v}`, 'x-amz-target': target }, body: JSON.stringify(payload) });
    await moto('s3', { method: 'PUT', path: '/fz-bucket', query: '', headers: {}, body: '' });
    await moto('s3', { method: 'PUT', path: '/fz-bucket/fz-key', query: '', headers: {}, body: 'x' });
    await js('dynamodb', 'DynamoDB_20120810.CreateTable', { TableName: 'fz1', KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }, '1.0');
    const q = await js('sqs', 'AmazonSQS.CreateQueue', { QueueName: 'fz1' }, '1.0');
    try { QUEUE_URL = (JSON.parse(q.body) as { QueueUrl: string }).QueueUrl; } catch { /* keep */ }
    await form('sns', 'Action=CreateTopic&Version=2010-03-31&Name=fz1');
    await js('secretsmanager', 'secretsmanager.CreateSecret', { Name: 'fz1', SecretString: 'x' });
    await js('ssm', 'AmazonSSM.PutParameter', { Name: 'fz1', Value: 'x', Type: 'String' });
    await js('logs', 'Logs_20140328.CreateLogGroup', { logGroupName: 'fz1' });
    await js('logs', 'Logs_20140328.CreateLogStream', { logGroupName: 'fz1', logStreamName: 'fz1' });
    const key = await js('kms', 'TrentService.CreateKey', {});
    try {
      const keyId = (JSON.parse(key.body) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
      await js('kms', 'TrentService.CreateAlias', { AliasName: 'alias/fz1', TargetKeyId: keyId });
    } catch { /* keep */ }
  });
  after(async () => {
    await env?.stop();
  });

  // Operations that undo what later operations need run last.
  const DESTRUCTIVE = /^(Delete|Remove|Untag|Disassociate|Stop|Cancel|Disable|Deregister|Purge|Schedule|Revoke|Retire)/;
  const order = (ops: string[]) => ops.sort((x, y) => Number(DESTRUCTIVE.test(x)) - Number(DESTRUCTIVE.test(y)) || x.localeCompare(y));

  // --------------------------------------------------------------------------------- JSON
  for (const [service, model] of Object.entries(JSON_SERVICES)) {
    test(`${service} (JSON): hostile bodies, members and targets are answered by the service, quickly`, { timeout: 120_000 }, async () => {
      const before = sent;
      const prefix = model.metadata.targetPrefix!;
      const ct = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`;
      const req = (target: string | undefined, body: string, contentType = ct): RawReq => ({ method: 'POST', path: '/', query: '', headers: { 'content-type': contentType, ...(target !== undefined ? { 'x-amz-target': target } : {}) }, body });
      // Protocol-level variants, once per service.
      for (const [name, r] of [
        ['no-such-operation', req(`${prefix}.FzNoSuchOperation`, '{}')],
        ['target-without-operation', req(prefix, '{}')],
        ['target-empty', req('', '{}')],
        ['target-missing', req(undefined, '{}')],
        ['target-other-service', req('TrentService.ListKeys', '{}')],
        ['target-100KB', req(`${prefix}.${BIG}`, '{}')],
        ['target-spaces', req(`${prefix}. ${Object.keys(model.operations)[0]} `, '{}')],
        ['target-two-dots', req(`${prefix}.a.b`, '{}')],
        ['content-type-wrong', req(`${prefix}.${Object.keys(model.operations)[0]}`, '{}', 'text/plain')],
      ] as [string, RawReq][]) await probe(service, '(protocol)', name, r);
      const ops = order(sample(Object.keys(model.operations), OPS_PER_SERVICE));
      for (const op of ops) {
        const target = `${prefix}.${op}`;
        const shapeName = model.operations[op]!.input?.shape;
        const shape = shapeName ? model.shapes[shapeName] : undefined;
        const base = (shapeName ? plausible(model, '', { shape: shapeName }) : {}) as Record<string, Wire>;
        await probe(service, op, 'plausible', req(target, jsonText(base)));
        for (const [name, body] of sample([
          ['invalid-json', '{"a":'], ['empty-body', ''], ['json-null', 'null'], ['json-array', '[]'], ['json-string', '"x"'], ['json-number', '1e999'],
          ['top-nested-10000', nestedObjects(10_000)], ['top-nested-arrays-10000', `{"a":${nestedArrays(10_000)}}`], ['bom', '\ufeff{}'], ['lone-surrogate-key', '{"\\ud800":1}'],
          ['proto-top', '{"__proto__":{"TableName":"x"},"constructor":{"prototype":{"x":1}}}'], ['duplicate-keys', `${jsonText(base).slice(0, -1)}${Object.keys(base).length ? ',' : ''}${Object.keys(base).map((k) => `${JSON.stringify(k)}:12345`).join(',')}}`],
        ] as [string, string][], 4)) await probe(service, op, name, req(target, body));
        if (!shape?.members) continue;
        const required = shape.required ?? [];
        const others = Object.keys(shape.members).filter((m) => !required.includes(m));
        for (const member of [...sample(required, 3), ...sample(others, 1)]) {
          const ref = shape.members[member]!;
          for (const v of sample(jsonMemberVariants(model, ref, member), 3)) {
            await probe(service, op, `${member}:${v.name}`, req(target, jsonText({ ...base, [member]: v.value })));
          }
          // One level down: a member of a structure/list-of-structures member.
          const inner = model.shapes[ref.shape]!;
          const innerStruct = inner.type === 'structure' ? inner : inner.type === 'list' ? model.shapes[inner.member!.shape] : undefined;
          if (innerStruct?.type === 'structure' && innerStruct.members) {
            const innerName = sample(Object.keys(innerStruct.members), 1)[0]!;
            const item = plausible(model, member, inner.type === 'list' ? inner.member! : ref, 1) as Record<string, Wire>;
            for (const v of sample(jsonMemberVariants(model, innerStruct.members[innerName]!, innerName), 2)) {
              const value = { ...item, [innerName]: v.value };
              await probe(service, op, `${member}.${innerName}:${v.name}`, req(target, jsonText({ ...base, [member]: (inner.type === 'list' ? new Raw(`[${jsonText(value)}]`) : new Raw(jsonText(value))) })));
            }
          }
        }
      }
      console.log(`# ${service}: ${sent - before} requests`);
    });
  }

  // --------------------------------------------------------------------------------- Query
  const queryEnc = (s: string) => encodeURIComponent(s);
  function queryPairs(model: Model, ref: Ref, value: Json, prefix: string, out: [string, string][]): void {
    const s = model.shapes[ref.shape]!;
    if (value === null) return;
    if (s.type === 'structure' && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) queryPairs(model, s.members?.[k] ?? { shape: 'String' }, v, `${prefix ? prefix + '.' : ''}${s.members?.[k]?.locationName ?? k}`, out);
      return;
    }
    if (s.type === 'list' && Array.isArray(value)) { value.forEach((v, i) => queryPairs(model, s.member!, v, `${prefix}.member.${i + 1}`, out)); return; }
    if (s.type === 'map' && typeof value === 'object' && !Array.isArray(value)) {
      Object.entries(value).forEach(([k, v], i) => { out.push([`${prefix}.entry.${i + 1}.key`, queryEnc(k)]); queryPairs(model, s.value!, v, `${prefix}.entry.${i + 1}.value`, out); });
      return;
    }
    out.push([prefix, queryEnc(typeof value === 'object' ? JSON.stringify(value) : String(value))]);
  }
  const QUERY_VALUE_VARIANTS: [string, string][] = [
    ['100KB', BIG], ['nul', 'fz%00x'], ['lone-surrogate-bytes', 'fz%ED%A0%80x'], ['bad-utf8', 'fz%FF%FEx'], ['malformed-escape', 'fz%ZZx'], ['truncated-escape', 'fz%E'],
    ['empty', ''], ['json-object', queryEnc('{"a":1}')], ['negative', '-1'], ['huge-number', '9'.repeat(5000)], ['nested-json', queryEnc(nestedArrays(10_000))],
  ];
  async function fuzzQuery(service: 'sns' | 'sqs', model: Model, version: string): Promise<void> {
    const form = (pairs: [string, string][]): RawReq => ({ method: 'POST', path: '/', query: '', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: pairs.map(([k, v]) => `${k.includes('%') ? k : queryEnc(k)}=${v}`).join('&') });
    for (const [name, pairs] of [
      ['no-action', [['Version', version]]], ['unknown-action', [['Action', 'FzNoSuchAction'], ['Version', version]]], ['action-100KB', [['Action', BIG], ['Version', version]]],
      ['action-malformed-escape', [['Action', 'List%ZZ'], ['Version', version]]], ['bad-version', [['Action', Object.keys(model.operations)[0]!], ['Version', '1999-01-01']]],
      ['duplicate-action', [['Action', 'ListQueues'], ['Action', 'DeleteQueue'], ['Version', version]]], ['param-name-malformed', [['Action', 'ListTopics'], ['%ZZ', 'x'], ['Version', version]]],
    ] as [string, [string, string][]][]) await probe(service, '(protocol)', name, form(pairs));
    const body = (text: string): RawReq => ({ ...form([]), body: text });
    await probe(service, '(protocol)', 'body-not-form', body('{"Action":"ListTopics"}'));
    await probe(service, '(protocol)', 'body-10000-params', body(Array.from({ length: 10_000 }, (_, i) => `P${i}=x`).join('&') + `&Action=ListTopics&Version=${version}`));
    for (const op of order(sample(Object.keys(model.operations), OPS_PER_SERVICE))) {
      const shapeName = model.operations[op]!.input?.shape;
      const shape = shapeName ? model.shapes[shapeName] : undefined;
      const base = (shapeName ? plausible(model, '', { shape: shapeName }) : {}) as Record<string, Json>;
      const pairsOf = (input: Record<string, Json>): [string, string][] => {
        const out: [string, string][] = [['Action', op], ['Version', version]];
        if (shapeName) queryPairs(model, { shape: shapeName }, input, '', out);
        return out;
      };
      await probe(service, op, 'plausible', form(pairsOf(base)));
      await probe(service, op, 'deep-param-name', form([...pairsOf(base), [Array.from({ length: 5000 }, () => 'a').join('.'), 'x']]));
      if (!shape?.members) continue;
      const required = shape.required ?? [];
      for (const member of [...sample(required, 2), ...sample(Object.keys(shape.members).filter((m) => !required.includes(m)), 1)]) {
        const loc = shape.members[member]!.locationName ?? member;
        const rest = pairsOf(base).filter(([k]) => k !== loc && !k.startsWith(`${loc}.`));
        for (const [name, value] of sample(QUERY_VALUE_VARIANTS, 3)) await probe(service, op, `${member}:${name}`, form([...rest, [loc, value]]));
        const t = model.shapes[shape.members[member]!.shape]!.type;
        if (t === 'list' || t === 'map') {
          await probe(service, op, `${member}:index-1e9`, form([...rest, [`${loc}.member.999999999`, 'x'], [`${loc}.entry.999999999.key`, 'x']]));
          await probe(service, op, `${member}:10000-items`, form([...rest, ...Array.from({ length: 10_000 }, (_, i) => [`${loc}.member.${i + 1}`, 'x'] as [string, string])]));
          await probe(service, op, `${member}:index-negative`, form([...rest, [`${loc}.member.-1`, 'x'], [`${loc}.member.abc`, 'x']]));
        }
      }
    }
  }
  test('sns (Query): hostile parameters are answered by the service, quickly', { timeout: 120_000 }, async () => {
    const before = sent;
    await fuzzQuery('sns', SNS, SNS.metadata.apiVersion);
    console.log(`# sns: ${sent - before} requests`);
  });
  test('sqs (Query form): hostile parameters are answered by the service, quickly', { timeout: 120_000 }, async () => {
    const before = sent;
    await fuzzQuery('sqs', JSON_SERVICES.sqs, '2012-11-05');
    console.log(`# sqs-query: ${sent - before} requests`);
  });

  // --------------------------------------------------------------------------------- REST
  const LABEL_VARIANTS: [string, string][] = [
    ['nul', 'fz%00x'], ['malformed-escape', 'fz%ZZx'], ['truncated-escape', 'fz%'], ['dotdot', '..'], ['encoded-dotdot', '%2E%2E'], ['encoded-slash-dotdot', '..%2F..%2Fx'],
    ['lone-surrogate-bytes', 'fz%ED%A0%80'], ['bad-utf8', '%FF%FE'], ['long-8KB', 'a'.repeat(8 * 1024)], ['empty', ''], ['space', 'a%20b'], ['backslash', 'a%5C..%5Cb'],
  ];
  const QS_VARIANTS: [string, string][] = [['abc', 'abc'], ['negative', '-1'], ['huge-number', '99999999999999999999'], ['malformed-escape', '%ZZ'], ['nul', '%00'], ['empty', ''], ['long-8KB', 'a'.repeat(8 * 1024)], ['float', '1.5']];
  const HEADER_VARIANTS: [string, string][] = [['abc', 'abc'], ['negative', '-1'], ['huge-number', '99999999999999999999'], ['long-12KB', 'a'.repeat(12 * 1024)], ['huge-100KB', BIG], ['control-chars', 'a\tb'], ['non-ascii', 'ÿþ']];

  function restRequest(model: Model, opName: string, override: { label?: [string, string]; qs?: [string, string]; header?: [string, string]; body?: string }): RawReq | undefined {
    const op = model.operations[opName]!;
    if (!op.http) return undefined;
    const shape = op.input ? model.shapes[op.input.shape] : undefined;
    const members = shape?.members ?? {};
    const [pathTemplate, fixedQuery] = op.http.requestUri.split('?') as [string, string | undefined];
    let path = pathTemplate;
    const labels = [...pathTemplate.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]!);
    for (const label of labels) {
      const member = Object.entries(members).find(([, r]) => r.location === 'uri' && r.locationName === label)?.[0] ?? label;
      const value = override.label && override.label[0] === label ? override.label[1] : encodeURIComponent(String(plausible(model, member, members[member] ?? { shape: 'String' }) ?? 'fz1'));
      path = path.replace(new RegExp(`\\{${label}\\+?\\}`), value);
    }
    const query: string[] = fixedQuery ? [fixedQuery.includes('=') ? fixedQuery : `${fixedQuery}=`] : [];
    const headers: Record<string, string> = {};
    const bodyJson: Record<string, Json> = {};
    for (const name of shape?.required ?? []) {
      const ref = members[name]!;
      const v = plausible(model, name, ref);
      if (ref.location === 'querystring') query.push(`${encodeURIComponent(ref.locationName!)}=${encodeURIComponent(String(v))}`);
      else if (ref.location === 'header') headers[ref.locationName!.toLowerCase()] = String(v);
      else if (ref.location === undefined && name !== shape?.payload) bodyJson[name] = v;
    }
    if (override.qs) query.push(`${encodeURIComponent(override.qs[0])}=${override.qs[1]}`);
    if (override.header) headers[override.header[0].toLowerCase()] = override.header[1];
    let body = '';
    if (model.metadata.protocol === 'rest-json' && Object.keys(bodyJson).length > 0) { body = JSON.stringify(bodyJson); headers['content-type'] = 'application/json'; }
    if (override.body !== undefined) body = override.body;
    return { method: op.http.method, path, query: query.join('&'), headers, body };
  }

  async function fuzzRest(service: 's3' | 'lambda', model: Model, extra: [string, RawReq][]): Promise<void> {
    for (const [name, r] of extra) await probe(service, '(handpicked)', name, r);
    for (const opName of order(sample(Object.keys(model.operations), OPS_PER_SERVICE * 2))) {
      const op = model.operations[opName]!;
      if (!op.http) continue;
      const shape = op.input ? model.shapes[op.input.shape] : undefined;
      const members = Object.values(shape?.members ?? {});
      const plain = restRequest(model, opName, {});
      if (plain) await probe(service, opName, 'plausible', plain);
      const labels = [...op.http.requestUri.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]!);
      for (const label of sample(labels, 2)) for (const v of sample(LABEL_VARIANTS, 3)) {
        const r = restRequest(model, opName, { label: [label, v[1]] });
        if (r) await probe(service, opName, `label ${label}:${v[0]}`, r);
      }
      for (const ref of sample(members.filter((m) => m.location === 'querystring'), 2)) for (const v of sample(QS_VARIANTS, 2)) {
        const r = restRequest(model, opName, { qs: [ref.locationName!, v[1]] });
        if (r) await probe(service, opName, `qs ${ref.locationName}:${v[0]}`, r);
      }
      for (const ref of sample(members.filter((m) => m.location === 'header'), 2)) for (const v of sample(HEADER_VARIANTS, 2)) {
        const r = restRequest(model, opName, { header: [ref.locationName!, v[1]] });
        if (r) await probe(service, opName, `header ${ref.locationName}:${v[0]}`, r);
      }
      if (op.http.method === 'PUT' || op.http.method === 'POST') {
        const bodies: [string, string][] = service === 's3'
          ? [['xml-invalid', '<a><b></a>'], ['xml-nested-10000', '<a>'.repeat(10_000) + '</a>'.repeat(10_000)], ['xml-entity', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'], ['json-for-xml', '{"a":1}']]
          : [['json-invalid', '{"a":'], ['json-nested-10000', nestedObjects(10_000)], ['json-wrong-types', '{"FunctionName":1,"Role":[],"Code":"x","Timeout":"abc"}'], ['json-lone-surrogate', '{"Description":"\\ud800"}']];
        for (const [name, b] of sample(bodies, 2)) {
          const r = restRequest(model, opName, { body: b });
          if (r) await probe(service, opName, `body:${name}`, { ...r, headers: { ...r.headers, 'content-type': service === 's3' ? 'application/xml' : 'application/json' } });
        }
      }
    }
  }
  const get = (path: string, query = '', headers: Record<string, string> = {}, method = 'GET', body = ''): RawReq => ({ method, path, query, headers, body });
  test('s3 (REST-XML): hostile paths, query parameters, headers and bodies are answered by the service, quickly', { timeout: 120_000 }, async () => {
    const before = sent;
    await fuzzRest('s3', S3, [
      ['list-type=abc', get('/fz-bucket', 'list-type=abc')], ['max-keys=-1', get('/fz-bucket', 'max-keys=-1')], ['max-keys=abc', get('/fz-bucket', 'list-type=2&max-keys=abc')],
      ['max-keys-huge', get('/fz-bucket', 'max-keys=99999999999999999999')], ['path-nul', get('/fz-bucket/%00')], ['path-%ZZ', get('/fz-bucket/%ZZ')], ['bucket-%ZZ', get('/%ZZ')],
      ['path-dotdot', get('/fz-bucket/../fz-bucket/fz-key')], ['path-encoded-dotdot', get('/fz-bucket/..%2F..%2Fx')], ['path-only-dotdot', get('/..')], ['path-double-slash', get('//fz-bucket//fz-key')],
      ['header-100KB', get('/fz-bucket/fz-key', '', { 'x-amz-meta-a': BIG }, 'PUT', 'x')], ['header-12KB', get('/fz-bucket/fz-key', '', { 'x-amz-meta-a': 'a'.repeat(12 * 1024) }, 'PUT', 'x')],
      ['range-garbage', get('/fz-bucket/fz-key', '', { range: 'bytes=abc-def' })], ['range-huge', get('/fz-bucket/fz-key', '', { range: 'bytes=0-99999999999999999999999' })],
      ['copy-source-garbage', get('/fz-bucket/fz-copy', '', { 'x-amz-copy-source': '%ZZ' }, 'PUT')], ['copy-source-nul', get('/fz-bucket/fz-copy', '', { 'x-amz-copy-source': '/fz-bucket/%00' }, 'PUT')],
      ['copy-source-empty', get('/fz-bucket/fz-copy', '', { 'x-amz-copy-source': '' }, 'PUT')], ['copy-source-no-key', get('/fz-bucket/fz-copy', '', { 'x-amz-copy-source': 'fz-bucket' }, 'PUT')],
      ['content-md5-garbage', get('/fz-bucket/fz-key', '', { 'content-md5': '!!!' }, 'PUT', 'x')], ['acl-bogus', get('/fz-bucket/fz-key', '', { 'x-amz-acl': 'bogus' }, 'PUT', 'x')],
      ['tagging-header-garbage', get('/fz-bucket/fz-key', '', { 'x-amz-tagging': '%ZZ=%ZZ&&&=' }, 'PUT', 'x')], ['tagging-header-10000', get('/fz-bucket/fz-key', '', { 'x-amz-tagging': Array.from({ length: 1500 }, (_, i) => `k${i}=v`).join('&') }, 'PUT', 'x')],
      ['delete-objects-invalid-xml', get('/fz-bucket', 'delete=', { 'content-type': 'application/xml' }, 'POST', '<Delete><Object>')],
      ['delete-objects-10000', get('/fz-bucket', 'delete=', { 'content-type': 'application/xml' }, 'POST', `<Delete>${'<Object><Key>k</Key></Object>'.repeat(10_000)}</Delete>`)],
      ['delete-objects-nested', get('/fz-bucket', 'delete=', { 'content-type': 'application/xml' }, 'POST', '<a>'.repeat(10_000) + '</a>'.repeat(10_000))],
      ['policy-invalid-json', get('/fz-bucket', 'policy=', {}, 'PUT', '{"Statement":')], ['policy-nested', get('/fz-bucket', 'policy=', {}, 'PUT', `{"Version":"2012-10-17","Statement":${nestedArrays(10_000)}}`)],
      ['policy-lone-surrogate', get('/fz-bucket', 'policy=', {}, 'PUT', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::fz-bucket/\\ud800"}]}')],
      ['part-number-abc', get('/fz-bucket/fz-key', 'partNumber=abc&uploadId=x', {}, 'PUT', 'x')], ['upload-id-nul', get('/fz-bucket/fz-key', 'uploadId=%00')], ['version-id-%ZZ', get('/fz-bucket/fz-key', 'versionId=%ZZ')],
      ['query-name-%ZZ', get('/fz-bucket', '%ZZ=1')], ['query-10000-params', get('/fz-bucket', Array.from({ length: 2000 }, (_, i) => `p${i}=x`).join('&'))],
      ['post-object-garbage', get('/fz-bucket', '', { 'content-type': 'multipart/form-data; boundary=x' }, 'POST', '--x\r\nContent-Disposition: form-data; name="key"\r\n\r\n%00\r\n--x--')],
      ['post-object-no-boundary', get('/fz-bucket', '', { 'content-type': 'multipart/form-data' }, 'POST', 'garbage')],
      ['select-garbage', get('/fz-bucket/fz-key', 'select=&select-type=2', { 'content-type': 'application/xml' }, 'POST', '<x/>')],
    ]);
    console.log(`# s3: ${sent - before} requests`);
  });
  test('lambda (REST-JSON): hostile paths, query parameters, headers and bodies are answered by the service, quickly', { timeout: 120_000 }, async () => {
    const before = sent;
    const F = '/2015-03-31/functions';
    await fuzzRest('lambda', LAMBDA, [
      ['path-nul', get(`${F}/%00`)], ['path-%ZZ', get(`${F}/%ZZ`)], ['path-dotdot', get(`${F}/../functions/fz1`)], ['path-encoded-slash', get(`${F}/a%2Fb%2Fc`)],
      ['max-items-negative', get(`${F}/`, 'MaxItems=-1')], ['max-items-abc', get(`${F}/`, 'MaxItems=abc')], ['marker-8KB', get(`${F}/`, `Marker=${'a'.repeat(8 * 1024)}`)],
      ['qualifier-nul', get(`${F}/fz1`, 'Qualifier=%00')], ['qualifier-%ZZ', get(`${F}/fz1`, 'Qualifier=%ZZ')], ['arn-garbage', get(`${F}/arn:aws:lambda:::::::::`)],
      ['arn-wrong-region', get(`${F}/arn:aws:lambda:%00:1:function:x`)], ['create-invalid-json', get(F, '', { 'content-type': 'application/json' }, 'POST', '{"FunctionName":')],
      ['create-wrong-types', get(F, '', { 'content-type': 'application/json' }, 'POST', '{"FunctionName":1,"Role":{},"Code":[],"Handler":null}')],
      ['create-nested', get(F, '', { 'content-type': 'application/json' }, 'POST', nestedObjects(10_000))], ['create-empty', get(F, '', { 'content-type': 'application/json' }, 'POST', '')],
      ['invoke-invocation-type-garbage', get(`${F}/fz1/invocations`, '', { 'x-amz-invocation-type': '%00abc' }, 'POST', '{}')],
      ['invoke-client-context-garbage', get(`${F}/fz1/invocations`, '', { 'x-amz-client-context': '!!!' }, 'POST', '{}')],
      ['policy-statement-garbage', get(`${F}/fz1/policy`, '', { 'content-type': 'application/json' }, 'POST', '{"StatementId":1,"Action":[],"Principal":{}}')],
      ['tags-garbage', get('/2017-03-31/tags/%ZZ', '', { 'content-type': 'application/json' }, 'POST', '{"Tags":[]}')],
      ['unknown-version-path', get('/9999-99-99/functions/fz1')], ['header-100KB', get(`${F}/fz1`, '', { 'x-fz': BIG })],
    ]);
    console.log(`# lambda: ${sent - before} requests`);
  });

  test('summary: one failing assertion per distinct problem', async (t) => {
    console.log(`# gateway bad-input fuzz: ${sent} requests sent in total`);
    for (const slow of [...timings].sort((x, y) => y.ms - x.ms).slice(0, 8)) console.log(`# slowest: ${slow.ms.toFixed(1)} ms ${slow.what}`);
    if (VERBOSE) for (const f of findings) console.log(`# FINDING ${JSON.stringify(f)}`);
    // One assertion per distinct bug: grouped by (service, operation, kind of problem).
    const groups = new Map<string, Finding[]>();
    for (const f of findings) {
      const kind = f.problem.startsWith('slow') ? 'slow' : f.problem.replace(/ \(moto: .*\)/, '');
      const key = `${f.service}:${f.op}:${kind}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const failures = [...groups.entries()].map(([key, fs]) => `${key} ×${fs.length}; e.g. variant=${fs[0]!.variant} as=${fs[0]!.as} → ${fs[0]!.status} in ${fs[0]!.ms.toFixed(0)} ms: ${fs[0]!.body.slice(0, 200)}${fs[0]!.moto ? ` | moto direct: ${fs[0]!.moto}` : ''} | variants: ${[...new Set(fs.map((f) => f.variant))].slice(0, 6).join(', ')}`);
    for (const f of failures) console.log(`# ${f}`);
    for (const f of failures) await t.test(f.slice(0, f.indexOf(' ×')), () => assert.fail(f));
  });
});
