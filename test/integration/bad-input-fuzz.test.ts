// Model-driven bad-input fuzz of every operation Tessera serves itself (IAM, STS,
// Organizations, CloudTrail). The operations and their input shapes come from the AWS
// models (models/aws/*.json, byte-identical to ../shared/aws-models); for each operation a
// minimal, plausible input is built from the shapes, then one member at a time is replaced
// by a hostile value (NUL, lone surrogate, 100 KB, empty, blank, 2 KB of wildcards, deeply
// nested or huge policy documents, out-of-range numbers, 10,000-item lists, garbage
// timestamps, unknown members). Every answer must be AWS-shaped and quick:
//   - status < 500 (501 NotImplemented only where the operation is not built),
//   - a well-formed error document in the service's protocol (XML ErrorResponse / JSON __type),
//   - no stack trace text,
//   - answered in under 250 ms,
//   - and nothing half-written left behind (checked with the List operations after each service).
// Deterministic: a fixed-seed PRNG picks the sampled members and variants. Requests are sent
// one at a time. FUZZ_VERBOSE=1 prints every finding.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { signRequest } from '../../src/sigv4/index.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { sendRaw, signedJson, signedQuery, xmlText, type RawResponse } from '../support/raw-request.ts';
import { seededRandom } from '../support/model-patterns.ts';

// ---------------------------------------------------------------------------------------------
// Models

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Ref { shape: string; locationName?: string; flattened?: boolean }
interface ShapeDef {
  type: string;
  members?: Record<string, Ref>;
  required?: string[];
  member?: Ref;
  key?: Ref;
  value?: Ref;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  flattened?: boolean;
  timestampFormat?: string;
}
interface Model {
  metadata: { apiVersion: string; protocol: string; targetPrefix?: string; endpointPrefix: string };
  operations: Record<string, { name: string; input?: { shape: string } }>;
  shapes: Record<string, ShapeDef>;
}
type ServiceName = 'iam' | 'sts' | 'organizations' | 'cloudtrail';

const MODEL_DIR = fileURLToPath(new URL('../../models/aws/', import.meta.url));
const MODEL_FILES: Record<ServiceName, string> = {
  iam: 'iam-2010-05-08.json',
  sts: 'sts-2011-06-15.json',
  organizations: 'organizations-2016-11-28.json',
  cloudtrail: 'cloudtrail-2013-11-01.json',
};
const models = Object.fromEntries(
  (Object.keys(MODEL_FILES) as ServiceName[]).map((s) => [s, JSON.parse(readFileSync(MODEL_DIR + MODEL_FILES[s], 'utf8')) as Model]),
) as Record<ServiceName, Model>;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

const rand = seededRandom(0x7e55e4a);
const VERBOSE = process.env['FUZZ_VERBOSE'] === '1';
// Every member and every variant fits in the time budget (~25 s on SQLite); nested members
// (one per list/structure member) and the caller (root, or an unprivileged user for ~15%) are
// drawn from the seeded PRNG. FUZZ_SAMPLE=1 sends a smaller sample.
const MEMBERS_PER_OP = process.env['FUZZ_SAMPLE'] === '1' ? 3 : Infinity;
const STRING_VARIANTS = process.env['FUZZ_SAMPLE'] === '1' ? 3 : Infinity;
function sample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const copy = [...items];
  const out: T[] = [];
  while (out.length < n) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]!);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Plausible values from the shapes

/** One string matching a (Java-flavoured) model pattern, built from its first alternatives. */
function stringFromPattern(pattern: string): string {
  let i = 0;
  const p = pattern;
  const classChar = (): string => {
    // at '[' already consumed
    let negate = false;
    if (p[i] === '^') { negate = true; i++; }
    const ranges: [number, number][] = [];
    let first = true;
    while (i < p.length && (p[i] !== ']' || first)) {
      first = false;
      let c: number;
      if (p[i] === '\\') {
        i++;
        const e = p[i++]!;
        if (e === 'w') { ranges.push([97, 122], [48, 57]); continue; }
        if (e === 'd') { ranges.push([48, 57]); continue; }
        if (e === 's') { ranges.push([32, 32]); continue; }
        if (e === 'u') { c = parseInt(p.slice(i, i + 4), 16); i += 4; }
        else if (e === 'p' || e === 'P') { if (p[i] === '{') i = p.indexOf('}', i) + 1; ranges.push([97, 122]); continue; }
        else if (e === 't') c = 9; else if (e === 'n') c = 10; else if (e === 'r') c = 13;
        else c = e.charCodeAt(0);
      } else c = p.charCodeAt(i++);
      if (p[i] === '-' && p[i + 1] !== ']' && i + 1 < p.length) {
        i++;
        let d: number;
        if (p[i] === '\\') { i++; const e = p[i++]!; if (e === 'u') { d = parseInt(p.slice(i, i + 4), 16); i += 4; } else d = e.charCodeAt(0); }
        else d = p.charCodeAt(i++);
        ranges.push([c, d]);
      } else ranges.push([c, c]);
    }
    i++; // ']'
    const inClass = (x: number) => ranges.some(([a, b]) => x >= a && x <= b);
    for (const pref of 'fza0-1/.') {
      const x = pref.charCodeAt(0);
      if (inClass(x) !== negate) return pref;
    }
    if (!negate) return String.fromCharCode(Math.max(ranges[0]![0], 0x21));
    return 'a';
  };
  const atom = (): string => {
    const c = p[i++]!;
    if (c === '(') {
      if (p[i] === '?') i += 2;
      const s = alt();
      i++; // ')'
      return s;
    }
    if (c === '[') return classChar();
    if (c === '\\') {
      const e = p[i++]!;
      if (e === 'w') return 'a';
      if (e === 'd') return '0';
      if (e === 's') return ' ';
      if (e === 'S' || e === 'W' || e === 'D') return 'a';
      if (e === 'u') { const ch = String.fromCharCode(parseInt(p.slice(i, i + 4), 16)); i += 4; return ch; }
      if (e === 'p' || e === 'P') { if (p[i] === '{') i = p.indexOf('}', i) + 1; return 'a'; }
      return e;
    }
    if (c === '.') return 'a';
    if (c === '^' || c === '$') return '';
    return c;
  };
  const seq = (): string => {
    let out = '';
    while (i < p.length && p[i] !== '|' && p[i] !== ')') {
      const start = i;
      let s = atom();
      const a = p.slice(start, i);
      let n = 1;
      const q = p[i];
      if (q === '*' || q === '?') { n = 0; i++; }
      else if (q === '+') { n = 1; i++; }
      else if (q === '{') {
        const close = p.indexOf('}', i);
        n = Number(p.slice(i + 1, close).split(',')[0]);
        i = close + 1;
      }
      if (p[i] === '?' || p[i] === '+') i++; // lazy / possessive
      if (n !== 1) {
        // regenerate the atom n times (same choice each time)
        s = s.repeat(n);
      }
      void a;
      out += s;
    }
    return out;
  };
  const alt = (): string => {
    const first = seq();
    while (p[i] === '|') { i++; seq(); }
    return first;
  };
  try {
    return alt();
  } catch {
    return 'fz1';
  }
}

function patternAccepts(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  try {
    const js = pattern.replace(/\\p\{(?:Alpha|Alnum)\}/g, '\\p{L}').replace(/\\p\{Punct\}/g, '\\p{P}').replace(/\\p\{Print\}/g, '\\P{C}');
    return new RegExp(`^(?:${js})$`, 'u').test(value);
  } catch {
    return true;
  }
}

interface Ctx { account: string; orgRoot: string; ouId: string; scpId: string; accessKeyId: string }

const IDENTITY_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const RESOURCE_POLICY = (account: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] });
const SCP = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }] });

const POLICY_SHAPES = new Set(['policyDocumentType', 'sessionPolicyDocumentType', 'unrestrictedSessionPolicyDocumentType', 'PolicyContent', 'ResourcePolicyContent', 'ResourcePolicy']);

function namedValue(service: ServiceName, member: string, shapeName: string, ctx: Ctx): string | undefined {
  const a = ctx.account;
  if (POLICY_SHAPES.has(shapeName)) {
    if (member === 'AssumeRolePolicyDocument' || member === 'ResourcePolicy' || (service === 'organizations' && shapeName === 'ResourcePolicyContent')) {
      return service === 'organizations'
        ? JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${a}:root` }, Action: 'organizations:DescribeOrganization', Resource: '*' }] })
        : service === 'cloudtrail'
          ? JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${a}:root` }, Action: 'cloudtrail:GetTrail', Resource: '*' }] })
          : RESOURCE_POLICY(a);
    }
    if (service === 'organizations') return SCP;
    return IDENTITY_POLICY;
  }
  switch (member) {
    case 'RoleArn': return `arn:aws:iam::${a}:role/fz1`;
    case 'PolicyArn': return `arn:aws:iam::${a}:policy/fz1`;
    case 'PolicySourceArn': return `arn:aws:iam::${a}:user/fz1`;
    case 'PrincipalArn': return service === 'sts' ? `arn:aws:iam::${a}:saml-provider/fz1` : `arn:aws:iam::${a}:user/fz1`;
    case 'OpenIDConnectProviderArn': return `arn:aws:iam::${a}:oidc-provider/fz.example.com`;
    case 'SAMLProviderArn': return `arn:aws:iam::${a}:saml-provider/fz1`;
    case 'SerialNumber': return `arn:aws:iam::${a}:mfa/fz1`;
    case 'ResourceArn': case 'ResourceId': return service === 'cloudtrail' ? `arn:aws:cloudtrail:us-east-1:${a}:trail/fz1` : ctx.ouId;
    case 'TargetId': return `arn:aws:iam::${a}:root`;
    case 'Path': case 'PathPrefix': case 'NewPath': return '/';
    case 'AccountId': return a;
    case 'RootId': case 'ParentId': case 'DestinationParentId': case 'SourceParentId': return ctx.orgRoot;
    case 'OrganizationalUnitId': return ctx.ouId;
    case 'PolicyId': return ctx.scpId;
    case 'AccessKeyId': return 'AKIAFZFZFZFZFZFZFZFZ';
    case 'Url': return 'https://fz.example.com';
    case 'Email': return 'fz1@example.com';
    case 'PolicyDocument': return IDENTITY_POLICY;
    case 'Password': case 'NewPassword': case 'OldPassword': return 'Fz1-password-000!';
    case 'RoleSessionName': return 'fz1';
    case 'ServicePrincipal': return 'cloudtrail.amazonaws.com';
    case 'AWSServiceName': return 'elasticbeanstalk.amazonaws.com';
    case 'S3BucketName': return 'fz-bucket';
    case 'TrailName': case 'Name': return service === 'cloudtrail' ? 'fz1' : undefined;
    default: return undefined;
  }
}

function fits(s: ShapeDef, v: string): boolean {
  if (s.min !== undefined && v.length < s.min) return false;
  if (s.max !== undefined && v.length > s.max) return false;
  return patternAccepts(s.pattern, v);
}

function plausibleString(service: ServiceName, member: string, shapeName: string, ctx: Ctx): string {
  const s = models[service].shapes[shapeName]!;
  if (s.enum) return s.enum[0]!;
  const generated = s.pattern ? stringFromPattern(s.pattern) : undefined;
  const padded = generated && s.min !== undefined && generated.length > 0 && generated.length < s.min ? generated.padEnd(s.min, generated.slice(-1)) : undefined;
  for (const candidate of [namedValue(service, member, shapeName, ctx), 'fz1', generated, padded]) {
    if (candidate !== undefined && fits(s, candidate)) return candidate;
  }
  let v = 'fz1';
  if (s.min !== undefined && v.length < s.min) v = v.padEnd(s.min, 'a');
  return v;
}

/** The minimal valid-looking value of a shape (required members only for structures). */
function plausible(service: ServiceName, member: string, ref: Ref, ctx: Ctx, depth = 0): Json {
  const s = models[service].shapes[ref.shape]!;
  switch (s.type) {
    case 'string': return plausibleString(service, member, ref.shape, ctx);
    case 'integer': case 'long': {
      const lo = s.min ?? 1;
      return Math.min(Math.max(lo, 1), s.max ?? Number.MAX_SAFE_INTEGER);
    }
    case 'float': case 'double': return Math.max(s.min ?? 1, 1);
    case 'boolean': return false;
    case 'timestamp': return '2024-01-01T00:00:00Z';
    case 'blob': return 'ZnoxZnoxZnox';
    case 'list': return depth > 6 ? [] : Array.from({ length: Math.max(s.min ?? 1, 1) }, () => plausible(service, member, s.member!, ctx, depth + 1));
    case 'map': return depth > 6 ? {} : { fz1: plausible(service, member, s.value!, ctx, depth + 1) };
    case 'structure': {
      const out: Record<string, Json> = {};
      if (depth > 6) return out;
      for (const name of s.required ?? []) out[name] = plausible(service, name, s.members![name]!, ctx, depth + 1);
      return out;
    }
    default: return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Wire forms

/** A raw value for the Query wire: kept apart so a lone surrogate can be sent as its own bytes. */
class RawQueryValue { readonly encoded: string; constructor(encoded: string) { this.encoded = encoded; } }
type WireValue = Json | RawQueryValue | NestedJsonText;
/** JSON text spliced into a JSON body as-is (deep nesting JSON.stringify would recurse over). */
class NestedJsonText { readonly text: string; constructor(text: string) { this.text = text; } }

/** Percent-encodes UTF-16 text as WTF-8 (a lone surrogate becomes its three generalized UTF-8 bytes). */
function wtf8Encode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) { out += encodeURIComponent(s.slice(i, i + 2)); i++; continue; }
      out += `%${(0xe0 | (c >> 12)).toString(16).toUpperCase()}%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`;
    } else out += encodeURIComponent(s[i]!);
  }
  return out;
}

function flattenQuery(service: ServiceName, ref: Ref, value: WireValue, prefix: string, out: [string, string][]): void {
  const s = models[service].shapes[ref.shape]!;
  if (value instanceof RawQueryValue) { out.push([prefix, value.encoded]); return; }
  if (value instanceof NestedJsonText) { out.push([prefix, wtf8Encode(value.text)]); return; }
  if (value === null) return;
  if (s.type === 'structure' && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const mref = s.members && Object.hasOwn(s.members, k) ? s.members[k] : undefined;
      if (mref) flattenQuery(service, mref, v, `${prefix ? prefix + '.' : ''}${mref.locationName ?? k}`, out);
      else out.push([`${prefix ? prefix + '.' : ''}${k}`, wtf8Encode(typeof v === 'string' ? v : JSON.stringify(v))]);
    }
    return;
  }
  if (s.type === 'list' && Array.isArray(value)) {
    const flat = s.flattened === true || ref.flattened === true;
    const base = flat ? prefix : `${prefix}.${s.member!.locationName ?? 'member'}`;
    if (value.length === 0) out.push([prefix, '']);
    value.forEach((v, i) => flattenQuery(service, s.member!, v, `${base}.${i + 1}`, out));
    return;
  }
  if (s.type === 'map' && typeof value === 'object' && !Array.isArray(value)) {
    Object.entries(value).forEach(([k, v], i) => {
      out.push([`${prefix}.entry.${i + 1}.key`, wtf8Encode(k)]);
      flattenQuery(service, s.value!, v, `${prefix}.entry.${i + 1}.value`, out);
    });
    return;
  }
  out.push([prefix, wtf8Encode(typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value))]);
}

function jsonText(value: WireValue): string {
  if (value instanceof NestedJsonText) return value.text;
  if (value instanceof RawQueryValue) return JSON.stringify(decodeURIComponent(value.encoded));
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  return JSON.stringify(value);
}

/** JSON protocol: timestamps travel as epoch seconds. */
function toJsonWire(service: ServiceName, ref: Ref, value: WireValue): WireValue {
  if (value instanceof NestedJsonText || value instanceof RawQueryValue || value === null) return value;
  const s = models[service].shapes[ref.shape]!;
  if (s.type === 'timestamp' && typeof value === 'string' && value === '2024-01-01T00:00:00Z') return 1704067200;
  if (s.type === 'structure' && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, s.members && Object.hasOwn(s.members, k) ? toJsonWire(service, s.members[k]!, v) as Json : v]));
  }
  if (s.type === 'list' && Array.isArray(value)) return value.map((v) => toJsonWire(service, s.member!, v) as Json);
  return value;
}

interface Answer { status: number; body: string; ms: number }

async function send(server: TestServer, creds: Credentials, service: ServiceName, op: string, input: Record<string, WireValue>, rawExtra?: [string, string][]): Promise<Answer> {
  const model = models[service];
  const host = new URL(server.url).host;
  let body: string;
  let headers: Record<string, string>;
  if (model.metadata.protocol === 'query') {
    const pairs: [string, string][] = [['Action', op], ['Version', model.metadata.apiVersion]];
    const inputShape = model.operations[op]!.input?.shape;
    if (inputShape) flattenQuery(service, { shape: inputShape }, input as Json, '', pairs);
    if (rawExtra) pairs.push(...rawExtra);
    body = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
    headers = { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  } else {
    const inputShape = model.operations[op]!.input?.shape;
    body = jsonText(inputShape ? toJsonWire(service, { shape: inputShape }, input as Json) : input as Json);
    headers = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${model.metadata.targetPrefix}.${op}` };
  }
  const signed = signRequest({ method: 'POST', path: '/', query: '', headers, body }, creds, { region: 'us-east-1', service: model.metadata.endpointPrefix, date: new Date() });
  const started = performance.now();
  const res = await sendRaw(server.url, { method: 'POST', path: '/', headers: signed.headers as Record<string, string>, body });
  return { status: res.status, body: res.body, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// Variants

interface Variant { name: string; value: WireValue; /** the value breaks a length bound of the shape */ outOfBounds?: (s: ShapeDef) => boolean; rawExtra?: (prefix: string) => [string, string][] }

const BIG = 'a'.repeat(100 * 1024);
const WILD = '*?'.repeat(1024);
function nestedArrays(depth: number): string { return '['.repeat(depth) + ']'.repeat(depth); }
function policyWith(statementJson: string): string { return `{"Version":"2012-10-17","Statement":${statementJson}}`; }

function stringVariants(service: ServiceName, shapeName: string): Variant[] {
  const vs: Variant[] = [
    { name: 'nul', value: 'fz\u0000x' },
    { name: 'lone-surrogate', value: service === 'iam' || service === 'sts' ? new RawQueryValue(wtf8Encode('fz\ud800x')) : 'fz\ud800x' },
    { name: '100KB', value: BIG, outOfBounds: (s) => s.max !== undefined && s.max < BIG.length },
    { name: 'empty', value: '', outOfBounds: (s) => (s.min ?? 0) > 0 },
    { name: 'blank', value: ' \t  ' },
    { name: 'wildcards-2KB', value: WILD, outOfBounds: (s) => s.max !== undefined && s.max < WILD.length },
  ];
  if (POLICY_SHAPES.has(shapeName)) {
    vs.push(
      { name: 'policy-nested-10000-arrays', value: policyWith(nestedArrays(10_000)) },
      { name: 'policy-nested-10000-objects', value: policyWith(`[{"Effect":"Allow","Action":"*","Resource":"*","Condition":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}]`) },
      { name: 'policy-5000-statements', value: policyWith(`[${Array.from({ length: 5000 }, (_, i) => `{"Sid":"S${i}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`).join(',')}]`) },
      { name: 'policy-1000-conditions', value: policyWith(`[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{${Array.from({ length: 1000 }, (_, i) => `"aws:PrincipalTag/k${i}":"${'*?'.repeat(8)}"`).join(',')}}}}]`) },
      { name: 'policy-wildcard-blowup', value: policyWith(`[{"Effect":"Allow","Action":"${'*a'.repeat(500)}b","Resource":"${'*?'.repeat(800)}"}]`) },
      { name: 'policy-json-not-object', value: '"just a string"' },
      { name: 'policy-duplicate-keys-proto', value: '{"Version":"2012-10-17","__proto__":{"Effect":"Allow"},"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","__proto__":{"x":1}}]}' },
    );
  }
  if (shapeName === 'SAMLMetadataDocumentType' || shapeName === 'SAMLAssertionType') {
    const xmlDeep = `<?xml version="1.0"?>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
    const lol = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]><l>&j;</l>`;
    const enc = (x: string) => (shapeName === 'SAMLAssertionType' ? Buffer.from(x).toString('base64') : x);
    vs.push({ name: 'xml-nested-10000', value: enc(xmlDeep) }, { name: 'xml-billion-laughs', value: enc(lol) });
  }
  if (shapeName === 'clientTokenType' || shapeName === 'webIdentityTokenType') {
    const b64 = (x: string) => Buffer.from(x).toString('base64url');
    vs.push(
      { name: 'jwt-nested-header', value: `${b64(`{"alg":"RS256","x":${nestedArrays(10_000)}}`)}.${b64('{}')}.sig` },
      { name: 'jwt-huge-segments', value: `${'a'.repeat(10_000)}.${'b'.repeat(10_000)}.${'c'.repeat(10_000)}` },
    );
  }
  return vs;
}

function numberVariants(json: boolean): Variant[] {
  return json
    ? [
        { name: 'huge', value: 1e308 },
        { name: 'huge-literal', value: new NestedJsonText('9'.repeat(5000)) },
        { name: 'negative', value: -1 },
        { name: 'float', value: 1.5 },
        { name: 'string', value: '12' },
        { name: 'nested-arrays', value: new NestedJsonText(nestedArrays(10_000)) },
      ]
    : [
        { name: 'huge', value: new RawQueryValue('9'.repeat(5000)) },
        { name: 'negative', value: -1 },
        { name: 'float', value: new RawQueryValue('1.5') },
        { name: 'exp', value: new RawQueryValue('1e308') },
      ];
}

function timestampVariants(json: boolean): Variant[] {
  return json
    ? [{ name: 'garbage', value: 'garbage' }, { name: 'huge', value: 1e300 }, { name: 'beyond-date-range', value: 8.64e12 + 1 }, { name: 'epoch-string-huge', value: '99999999999999' }, { name: 'negative', value: -1e15 }, { name: 'nested-arrays', value: new NestedJsonText(nestedArrays(10_000)) }]
    : [{ name: 'garbage', value: 'garbage' }, { name: 'epoch-digits-huge', value: '99999999999999' }, { name: 'bad-fields', value: '99999-99-99T99:99:99Z' }, { name: 'huge-year', value: '+275760-09-14T00:00:00.001Z' }];
}

// ---------------------------------------------------------------------------------------------
// Checks

interface Finding { service: ServiceName; op: string; member: string; variant: string; as: string; status: number; ms: number; problem: string; body: string }

const SLOW_MS = 250;
const STACK = /\n\s+at |\.ts:\d|\.js:\d|node:internal/;

function check(service: ServiceName, ans: Answer, outOfBounds: boolean): string[] {
  const problems: string[] = [];
  const query = models[service].metadata.protocol === 'query';
  // 501 only as the documented NotImplemented answer of an operation not built yet.
  const notImplementedAnswer = ans.status === 501 && (query ? xmlText(ans.body, 'Code') === 'NotImplemented' : /"__type":"NotImplemented"/.test(ans.body));
  if (ans.status >= 500 && !notImplementedAnswer) problems.push(`status ${ans.status}`);
  if (STACK.test(ans.body)) problems.push('stack trace text');
  if (ans.ms > SLOW_MS) problems.push(`slow: ${ans.ms.toFixed(0)} ms`);
  if (ans.status >= 400) {
    if (query) {
      if (!/^(<\?xml[^>]*\?>\s*)?<ErrorResponse[^>]*>\s*<Error>[\s\S]*<Code>[^<]+<\/Code>[\s\S]*<\/Error>[\s\S]*<RequestId>[^<]+<\/RequestId>\s*<\/ErrorResponse>\s*$/.test(ans.body)) problems.push('malformed XML error body');
    } else {
      try {
        const parsed = JSON.parse(ans.body) as { __type?: unknown };
        if (typeof parsed.__type !== 'string' || parsed.__type === '') problems.push('JSON error without __type');
      } catch {
        problems.push('JSON error body does not parse');
      }
    }
  } else if (ans.status === 200 && outOfBounds) {
    problems.push('accepted a value outside the shape\'s length bounds');
  }
  return problems;
}

// Operations that undo what later operations need run last.
const DESTRUCTIVE = /^(Delete|Remove|Detach|Leave|Deactivate|Disable|Stop|Untag|Close|Deregister|Decline|Cancel|Reset|Resync)/;

describe('bad-input fuzz of every served operation (model-driven)', () => {
  let server: TestServer;
  let ctx: Ctx;
  let unprivileged: Credentials;
  const findings: Finding[] = [];
  let sent = 0;
  const timings: { ms: number; what: string }[] = [];

  before(async () => {
    server = await startTestServer();
    const a = server.accountId;
    const iam = server.iam();
    // Entities the plausible inputs name, so refused variants are refused by the handler's checks too.
    const q = (params: Record<string, string>) => signedQuery(server.url, server.root, { Version: '2010-05-08', ...params });
    await q({ Action: 'CreateUser', UserName: 'fz1' });
    await q({ Action: 'CreateGroup', GroupName: 'fz1' });
    await q({ Action: 'CreateRole', RoleName: 'fz1', AssumeRolePolicyDocument: RESOURCE_POLICY(a) });
    await q({ Action: 'CreatePolicy', PolicyName: 'fz1', PolicyDocument: IDENTITY_POLICY });
    await q({ Action: 'CreateInstanceProfile', InstanceProfileName: 'fz1' });
    const org = (op: string, payload: object) => signedJson(server.url, server.root, `AWSOrganizationsV20161128.${op}`, payload);
    await org('CreateOrganization', { FeatureSet: 'ALL' });
    const roots = JSON.parse((await org('ListRoots', {})).body) as { Roots: { Id: string }[] };
    const orgRoot = roots.Roots[0]!.Id;
    const ou = JSON.parse((await org('CreateOrganizationalUnit', { ParentId: orgRoot, Name: 'fz1' })).body) as { OrganizationalUnit: { Id: string } };
    const scp = JSON.parse((await org('CreatePolicy', { Name: 'fz1', Description: 'fz', Type: 'SERVICE_CONTROL_POLICY', Content: SCP })).body) as { Policy: { PolicySummary: { Id: string } } };
    await iam.send(new CreateUserCommand({ UserName: 'fz-unprivileged' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'fz-unprivileged' }));
    unprivileged = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    ctx = { account: a, orgRoot, ouId: ou.OrganizationalUnit?.Id ?? 'ou-fz1', scpId: scp.Policy?.PolicySummary?.Id ?? 'p-fz1fz1fz1', accessKeyId: 'AKIAFZFZFZFZFZFZFZFZ' };
  });
  after(async () => {
    await server?.stop();
  });

  async function fuzzService(service: ServiceName): Promise<void> {
    const model = models[service];
    const json = model.metadata.protocol === 'json';
    const ops = Object.keys(model.operations).sort((x, y) => Number(DESTRUCTIVE.test(x)) - Number(DESTRUCTIVE.test(y)) || x.localeCompare(y));
    for (const op of ops) {
      const inputShapeName = model.operations[op]!.input?.shape;
      const inputShape = inputShapeName ? model.shapes[inputShapeName]! : undefined;
      const base = (inputShapeName ? plausible(service, '', { shape: inputShapeName }, ctx) : {}) as Record<string, Json>;
      const record = async (member: string, variant: Variant, input: Record<string, WireValue>, outOfBounds: boolean, rawExtra?: [string, string][]) => {
        const asUser = variant.name !== 'plausible' && rand() < 0.15;
        const creds = asUser ? unprivileged : server.root;
        const ans = await send(server, creds, service, op, input, rawExtra);
        sent++;
        if (ans.ms > SLOW_MS) {
          // One slow answer may be a GC pause or a busy machine: send it again, and call it slow
          // only if the second is slow too.
          const again = await send(server, creds, service, op, input, rawExtra);
          sent++;
          ans.ms = Math.min(ans.ms, again.ms);
        }
        if (process.env['FUZZ_BASE'] === '1' && variant.name === 'plausible') console.log(`# BASE ${service}:${op} ${ans.status} ${ans.body.replace(/\s+/g, ' ').slice(0, 220)}`);
        const problems = check(service, ans, outOfBounds && !asUser);
        timings.push({ ms: ans.ms, what: `${service}:${op} ${member} ${variant.name} → ${ans.status}` });
        for (const problem of problems) {
          findings.push({ service, op, member, variant: variant.name, as: asUser ? 'unprivileged' : 'root', status: ans.status, ms: ans.ms, problem, body: ans.body.slice(0, 300) });
        }
      };
      // The plausible input itself, plus unknown members.
      await record('(none)', { name: 'plausible', value: null }, base, false);
      if (json) {
        await record('(extra)', { name: 'unknown-members', value: null }, { ...base, FzExtra: 1, FzNested: { a: [1, 2] } }, false);
        await record('(extra)', { name: '__proto__-member', value: null }, { ...base, ['__proto__']: { polluted: true } as Json, constructor: { prototype: { polluted: true } } as Json }, false);
      } else {
        await record('(extra)', { name: 'unknown-members', value: null }, base, false, [['FzExtra', '1'], ['FzExtra.member.1', 'x']]);
        await record('(extra)', { name: 'deep-param-name', value: null }, base, false, [[Array.from({ length: 5000 }, () => 'a').join('.'), 'x']]);
      }
      if (!inputShape?.members) continue;
      const memberNames = Object.keys(inputShape.members);
      for (const member of sample(memberNames, MEMBERS_PER_OP)) {
        const ref = inputShape.members[member]!;
        const shape = model.shapes[ref.shape]!;
        let variants: Variant[] = [];
        if (shape.type === 'string') variants = sample(stringVariants(service, ref.shape), POLICY_SHAPES.has(ref.shape) ? 20 : STRING_VARIANTS);
        else if (shape.type === 'integer' || shape.type === 'long' || shape.type === 'float' || shape.type === 'double') variants = sample(numberVariants(json), 3);
        else if (shape.type === 'timestamp') variants = sample(timestampVariants(json), 3);
        else if (shape.type === 'boolean') variants = [{ name: 'not-a-boolean', value: json ? 'yes' : 'yes' }];
        else if (shape.type === 'list') {
          const item = plausible(service, member, shape.member!, ctx, 1);
          variants = [
            { name: 'list-10000-items', value: Array.from({ length: 10_000 }, () => item), outOfBounds: (s) => s.max !== undefined && s.max < 10_000 },
            ...(json ? [{ name: 'list-as-string', value: 'x' }, { name: 'list-nested-arrays', value: new NestedJsonText(nestedArrays(10_000)) }] : []),
          ];
          if (!json) {
            variants.push({ name: 'sparse-index-1e9', value: null, rawExtra: (p) => [[`${p}.member.999999999`, 'x'], [`${p}.member.1`, 'x']] });
          }
          // One nested string of the list's items, when they are structures.
          const itemShape = model.shapes[shape.member!.shape]!;
          if (itemShape.type === 'structure' && itemShape.members) {
            const inner = sample(Object.keys(itemShape.members).filter((k) => model.shapes[itemShape.members![k]!.shape]!.type === 'string'), 1)[0];
            if (inner) {
              for (const v of sample(stringVariants(service, itemShape.members[inner]!.shape), 2)) {
                const itemValue = { ...(item as Record<string, Json>), [inner]: v.value as Json };
                await record(`${member}[0].${inner}`, v, { ...base, [member]: [itemValue as Json] } as Record<string, WireValue>, false);
              }
            }
          }
        } else if (shape.type === 'structure') {
          variants = json ? [{ name: 'structure-as-array', value: [1] }, { name: 'structure-nested', value: new NestedJsonText(`{"a":${nestedArrays(10_000)}}`) }] : [];
          if (shape.members) {
            const inner = sample(Object.keys(shape.members).filter((k) => model.shapes[shape.members![k]!.shape]!.type === 'string'), 1)[0];
            if (inner) {
              const structValue = plausible(service, member, { shape: ref.shape }, ctx, 1) as Record<string, Json>;
              for (const v of sample(stringVariants(service, shape.members[inner]!.shape), 2)) {
                await record(`${member}.${inner}`, v, { ...base, [member]: { ...structValue, [inner]: v.value as Json } } as Record<string, WireValue>, false);
              }
            }
          }
        } else if (shape.type === 'map') {
          variants = [{ name: 'map-10000-entries', value: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])) }];
        } else if (shape.type === 'blob') {
          variants = [{ name: 'not-base64', value: json ? '!!!' : new RawQueryValue('%21%21%21') }];
        }
        for (const variant of variants) {
          const input: Record<string, WireValue> = { ...base };
          let rawExtra: [string, string][] | undefined;
          if (variant.rawExtra) { delete input[member]; rawExtra = variant.rawExtra(ref.locationName ?? member); }
          else input[member] = variant.value;
          await record(member, variant, input, variant.outOfBounds?.(shape) ?? false, rawExtra);
        }
      }
    }
  }

  /** Names of what exists, with anything that could only come from a hostile variant flagged. */
  async function halfWritten(service: ServiceName): Promise<string[]> {
    const bad: string[] = [];
    // A name no variant could have set legitimately: the model's IAM name patterns refuse
    // control characters, blanks and wildcards; U+FFFD only appears when a lone surrogate that
    // was accepted is stored as something else (Organizations' names allow any character).
    const suspicious = (n: string) => /[\ud800-\udfff\ufffd]/.test(n) || n.length > 1000
      || (service === 'iam' && (n === '' || /^\s+$/.test(n) || /[\u0000-\u001f]/.test(n) || n.includes('*?*?')));
    if (service === 'iam') {
      for (const [action, element] of [['ListUsers', 'UserName'], ['ListRoles', 'RoleName'], ['ListGroups', 'GroupName'], ['ListPolicies', 'PolicyName'], ['ListInstanceProfiles', 'InstanceProfileName'], ['ListSAMLProviders', 'Arn'], ['ListOpenIDConnectProviders', 'Arn'], ['ListServerCertificates', 'ServerCertificateName'], ['ListAccountAliases', 'member']] as const) {
        const res = await signedQuery(server.url, server.root, { Action: action, Version: '2010-05-08', ...(action === 'ListPolicies' ? { Scope: 'Local' } : {}) });
        for (const m of res.body.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))) if (suspicious(m[1]!)) bad.push(`${action}: ${JSON.stringify(m[1]!.slice(0, 80))}`);
      }
      const users = await signedQuery(server.url, server.root, { Action: 'ListUserTags', Version: '2010-05-08', UserName: 'fz1' });
      for (const m of users.body.matchAll(/<Key>([\s\S]*?)<\/Key>/g)) if (suspicious(m[1]!)) bad.push(`ListUserTags fz1: ${JSON.stringify(m[1]!.slice(0, 80))}`);
    } else if (service === 'organizations') {
      for (const [op, payload, key] of [['ListAccounts', {}, 'Accounts'], ['ListPolicies', { Filter: 'SERVICE_CONTROL_POLICY' }, 'Policies'], ['ListOrganizationalUnitsForParent', { ParentId: ctx.orgRoot }, 'OrganizationalUnits']] as const) {
        const res = await signedJson(server.url, server.root, `AWSOrganizationsV20161128.${op}`, payload);
        const parsed = JSON.parse(res.body) as Record<string, { Name?: string }[]>;
        for (const e of parsed[key] ?? []) if (e.Name !== undefined && suspicious(e.Name)) bad.push(`${op}: ${JSON.stringify(e.Name.slice(0, 80))}`);
      }
    } else if (service === 'cloudtrail') {
      const res = await signedJson(server.url, server.root, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails', {}, { service: 'cloudtrail' });
      const parsed = JSON.parse(res.body) as { trailList?: { Name?: string }[] };
      for (const t of parsed.trailList ?? []) if (t.Name !== undefined && suspicious(t.Name)) bad.push(`DescribeTrails: ${JSON.stringify(t.Name.slice(0, 80))}`);
    }
    return bad;
  }

  const halfWrittenFound: string[] = [];
  for (const service of ['iam', 'sts', 'organizations', 'cloudtrail'] as ServiceName[]) {
    test(`${service}: every operation of the model answers hostile input as AWS would`, { timeout: 120_000 }, async () => {
      const before = findings.length;
      const sentBefore = sent;
      await fuzzService(service);
      halfWrittenFound.push(...(await halfWritten(service)).map((b) => `${service}: ${b}`));
      console.log(`# ${service}: ${sent - sentBefore} requests, ${findings.length - before} findings`);
    });
  }

  test('summary: one failing assertion per distinct problem', async (t) => {
    console.log(`# bad-input fuzz: ${sent} requests sent in total`);
    for (const slow of [...timings].sort((x, y) => y.ms - x.ms).slice(0, 8)) console.log(`# slowest: ${slow.ms.toFixed(1)} ms ${slow.what}`);
    if (VERBOSE) for (const f of findings) console.log(`# FINDING ${JSON.stringify(f)}`);
    // One assertion per distinct bug: grouped by (service, operation, problem kind).
    const groups = new Map<string, Finding[]>();
    for (const f of findings) {
      const kind = f.problem.startsWith('slow') ? 'slow' : f.problem;
      const key = `${f.service}:${f.op}:${kind}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const failures = [...groups.entries()].map(([key, fs]) => `${key} ×${fs.length}; e.g. member=${fs[0]!.member} variant=${fs[0]!.variant} as=${fs[0]!.as} → ${fs[0]!.status} in ${fs[0]!.ms.toFixed(0)} ms: ${fs[0]!.body.replace(/\s+/g, ' ').slice(0, 200)}`);
    for (const f of failures) console.log(`# ${f}`);
    for (const h of halfWrittenFound) console.log(`# HALF-WRITTEN ${h}`);
    // One assertion per service: the mangled names share one cause (how the store keeps text).
    for (const service of new Set(halfWrittenFound.map((h) => h.slice(0, h.indexOf(':'))))) {
      const names = halfWrittenFound.filter((h) => h.startsWith(`${service}:`));
      await t.test(`${service}: half-written entities`, () => assert.fail(`entities whose stored name is not what was sent and answered (a lone surrogate accepted, then stored as U+FFFD): ${names.join('; ')}`));
    }
    for (const f of failures) await t.test(f.slice(0, f.indexOf(' ×')), () => assert.fail(f));
  });
});
