// Requests the gateway and an upstream could read differently (a parser differential): the
// gateway authorizes what it reads, so a request that another reader — the upstream (moto reads
// an `Action` query parameter before X-Amz-Target, a form body before the query string, the URL
// query before a form body's parameter of the same name, a gzip body decompressed) — could take
// for another operation or another resource is refused outright, in the service's own error
// format, rather than guessed at. What is refused, and why (docs/gateway.md, "Ambiguous requests"):
//
//   JSON protocol (X-Amz-Target): a query parameter other than SigV4's; a Content-Type other than
//     JSON's; a member name twice in one object of the body.
//   Query protocol (Action=): a parameter named twice (in the query string, in the body, or in
//     both); parameters in both the query string and a form body; a body that is not a form
//     (Content-Type application/x-www-form-urlencoded), or a body on a GET.
//   EC2's Query dialect: a list of the operation's input not numbered 1, 2, … n — an index moto
//     does not read (`InstanceId.01`, `.0`, past a missing one: moto reads `Name.1`, `Name.2`, …
//     and stops at the first missing, a structure element missing when it has none of its
//     members), or a value on the list's own name (`InstanceId=i-…`; empty, an SDK's empty list).
//   JSON and Query: a Content-Encoding other than gzip (a gzip body was decoded before this, once its
//     signature verified: server/gateway/request-encoding.ts, and is read and forwarded decoded).
//   S3: parser-differential-s3.ts.
//   REST-JSON (Lambda), whose operation is its method and path: an X-Amz-Target header (moto
//     takes it, or an `Action` parameter, over the path); a form or multipart Content-Type; a
//     Content-Encoding; an encoded `/` or a `.`/`..` segment in the path, or a trailing `/` a
//     labelled URI does not have (moto reads the function name at a fixed place from the
//     path's end); a query parameter given twice (a list member's aside); a body on an operation
//     that takes none; a JSON body's top-level `Qualifier` or query member the operation does
//     not read from its body; with no query string, a parameter named `Action`, `Qualifier` or
//     a query member of the operation in the body read as a form, or — without a body — in the
//     headers (moto reads either as the query string); a function ARN of another region than
//     the request's (moto acts in the request's region on the ARN's function name).
//
// And what is forwarded differently, its meaning unchanged: a JSON body's `&` bytes (only ever
// inside strings) as the escape `\u0026`, and an empty JSON body as `{}` — so that no reader can
// take the body, or (moto, with neither query nor body) the headers, for Query parameters.

import type { GatewayModel } from './model.ts';
import type { HeaderMap } from './wire/headers.ts';
import { ec2WireName, type QueryNode } from './wire/query-params.ts';
import type { QueryMap } from './wire/query-string.ts';
import { LIMITS } from './wire/limits.ts';

/** SigV4's presigning parameters: a JSON or Query request may carry them in its query string. */
const SIGV4_QUERY = new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature', 'x-amz-security-token']);

function isSigV4Parameter(name: string): boolean {
  return SIGV4_QUERY.has(name.toLowerCase());
}

/** The media type of a Content-Type header, lower-cased, without its parameters (`''` when none). */
export function mediaType(headers: HeaderMap): string {
  return (headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

const JSON_MEDIA_TYPES = new Set(['', 'application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/json']);

/** Any content coding but identity: the body is not what the gateway would read. */
function codingRefusal(headers: HeaderMap): string | undefined {
  const coding = headers.get('content-encoding');
  if (coding === undefined) return undefined;
  const codings = coding.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== '' && part !== 'identity');
  if (codings.length === 0) return undefined;
  return `Tessera does not read a request body with Content-Encoding ${clipped(coding)}: send it uncompressed or gzip`;
}

/** Why a JSON-protocol request (X-Amz-Target) is ambiguous, or undefined. */
export function jsonAmbiguity(query: QueryMap, headers: HeaderMap, body: Buffer | undefined): string | undefined {
  for (const name of query.keys()) {
    if (!isSigV4Parameter(name)) return `A request with X-Amz-Target takes no query parameters (it has ${clipped(name)}): its members go in its JSON body`;
  }
  const type = mediaType(headers);
  if (!JSON_MEDIA_TYPES.has(type)) return `A request with X-Amz-Target is sent as JSON (Content-Type application/x-amz-json-1.0 or 1.1), not ${clipped(type)}`;
  const coding = codingRefusal(headers);
  if (coding !== undefined) return coding;
  if (body !== undefined) {
    const duplicate = duplicateJsonKey(body);
    if (duplicate !== undefined) return `The JSON body names the member ${clipped(duplicate)} twice in one object`;
  }
  return undefined;
}

/**
 * Why a Query-protocol request (Action=) is ambiguous, or undefined: `query` is the URL's
 * parameters, `form` the body's (undefined without a body).
 */
export function queryAmbiguity(method: string, query: QueryMap, form: QueryMap | undefined, headers: HeaderMap, body: Buffer | undefined): string | undefined {
  const hasBody = body !== undefined && body.length > 0;
  if (hasBody && method !== 'POST') return `A ${clipped(method)} request of the Query protocol has no body: send its parameters in the query string, or POST them as a form`;
  const coding = codingRefusal(headers);
  if (coding !== undefined) return coding;
  for (const params of form === undefined ? [query] : [query, form]) {
    for (const [name, values] of params) {
      if (values.length > 1) return `The parameter ${clipped(name)} is given more than once`;
    }
    const gap = numberingGap(params.keys());
    if (gap !== undefined) return gap;
  }
  if (!hasBody) return undefined;
  const type = mediaType(headers);
  if (type !== 'application/x-www-form-urlencoded') return `A Query-protocol body is a form (Content-Type application/x-www-form-urlencoded), not ${type === '' ? 'untyped' : clipped(type)}`;
  for (const name of query.keys()) {
    if (!isSigV4Parameter(name) || form?.has(name)) return `The request has parameters in both its query string (${clipped(name)}) and its body: send them in one`;
  }
  return undefined;
}

/**
 * Why an EC2 (Query dialect) request's parameters are ambiguous, or undefined: a list of the
 * input shape whose elements are not exactly `.1` … `.n`, each present as moto reads it. moto
 * (botocore's EC2 parser) reads `Name.1`, `Name.2`, … and stops at the first index it does not
 * find — a scalar element without its parameter, a structure element with none of its members —
 * where the gateway reads every index: `Tag.1` and `Tag.3` were two tags to the gateway, one to
 * moto. An index moto never reads (`Name.01`, `Name.0`) and a value on the list's own name are
 * refused too (an empty one is an SDK's empty list, read by neither), so that what the gateway
 * reads of a list is what moto reads.
 */
export function ec2ListAmbiguity(model: GatewayModel, shapeName: string, node: QueryNode): string | undefined {
  return structureAmbiguity(model, shapeName, node, '', 0);
}

function structureAmbiguity(model: GatewayModel, shapeName: string, node: QueryNode, prefix: string, depth: number): string | undefined {
  if (depth > LIMITS.depth) return undefined;
  for (const [name, member] of Object.entries(model.shapes.get(shapeName)?.members ?? {})) {
    const wire = ec2WireName(member, name);
    const child = node.children.get(wire);
    if (child === undefined) continue;
    const found = valueAmbiguity(model, member.shape, child, `${prefix}${wire}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function valueAmbiguity(model: GatewayModel, shapeName: string, node: QueryNode, path: string, depth: number): string | undefined {
  if (depth > LIMITS.depth) return undefined;
  const shape = model.shapes.get(shapeName);
  if (shape?.type === 'structure') return structureAmbiguity(model, shapeName, node, `${path}.`, depth + 1);
  if (shape?.type !== 'list' || shape.member === undefined) return undefined;
  // (An empty one is how the SDKs send an empty list: read by neither.)
  if (node.value !== undefined && node.value !== '') return `The parameter ${clipped(path)} is a list: name its elements ${clipped(path)}.1, ${clipped(path)}.2, …`;
  const count = node.children.size;
  for (const key of node.children.keys()) {
    if (!/^[1-9][0-9]*$/.test(key) || Number(key) > count) {
      return `The list ${clipped(path)} is numbered ${clipped(path)}.1 to ${clipped(path)}.${count} without a gap, not ${clipped(`${path}.${key}`)}`;
    }
  }
  for (let index = 1; index <= count; index++) {
    const element = node.children.get(String(index))!;
    if (!present(model, shape.member.shape, element, depth + 1)) {
      return `The element ${clipped(`${path}.${index}`)} of the list ${clipped(path)} names none of its members: number the list without a gap`;
    }
    const found = valueAmbiguity(model, shape.member.shape, element, `${path}.${index}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether moto reads a value at this node: a scalar's parameter, a list's first element, a structure's member. */
function present(model: GatewayModel, shapeName: string, node: QueryNode, depth: number): boolean {
  if (depth > LIMITS.depth) return false;
  const shape = model.shapes.get(shapeName);
  if (shape?.type === 'list') {
    const first = node.children.get('1');
    return first !== undefined && shape.member !== undefined && present(model, shape.member.shape, first, depth + 1);
  }
  if (shape?.type === 'structure') {
    return Object.entries(shape.members ?? {}).some(([name, member]) => {
      const child = node.children.get(ec2WireName(member, name));
      return child !== undefined && present(model, member.shape, child, depth + 1);
    });
  }
  if (shape?.type === 'map') return node.children.size > 0;
  return node.value !== undefined;
}

/**
 * A list numbered otherwise than 1, 2, … n (a gap, a 0, a leading zero), in any Query-protocol
 * request: moto reads `Tag.1`, `Tag.2`, … and stops at the first number it does not find, where
 * the gateway reads every number — `Tag.1` and `Tag.3` would be two tags to the gateway, one to
 * the upstream (the request decided on a tag never applied). Every dotted name's numeric
 * segments are list indexes (`Attribute.2.Name`, `Tags.member.1.Key`, `MetricData.member.1.Dimensions.member.2.Name`).
 */
function numberingGap(names: Iterable<string>): string | undefined {
  const indexes = new Map<string, Set<number>>();
  for (const name of names) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i]!;
      if (!/^\d+$/.test(part)) continue;
      if (part !== String(Number(part)) || part === '0' || part.length > 6) return `The list index in ${clipped(name)} is not 1, 2, 3, …`;
      const list = parts.slice(0, i).join('.');
      let seen = indexes.get(list);
      if (seen === undefined) indexes.set(list, (seen = new Set()));
      seen.add(Number(part));
    }
  }
  for (const [list, seen] of indexes) {
    for (let n = 1; n <= seen.size; n++) {
      if (!seen.has(n)) return `The list ${clipped(list)} is not numbered 1 to ${seen.size}: ${clipped(list)}.${n} is missing`;
    }
  }
  return undefined;
}

/** What the gateway knows of a REST-JSON request once its operation matched. */
export interface RestJsonRequest {
  readonly method: string;
  readonly path: string;
  /** The operation's request URI as the model has it (`/2015-03-31/functions/{FunctionName}`). */
  readonly requestUri: string;
  readonly query: QueryMap;
  readonly headers: HeaderMap;
  readonly body: Buffer | undefined;
  /** The wire names of the operation's query members, and whether each is a list. */
  readonly queryMembers: ReadonlyMap<string, boolean>;
  /** The names of the operation's body members (empty when it takes no body). */
  readonly bodyMembers: ReadonlySet<string>;
  /** The body is a raw payload (Invoke's event), not a JSON document of members. */
  readonly rawPayload: boolean;
}

/** Names that moto reads as parameters whatever the operation (`_get_action`, `_get_param('Qualifier')`). */
const REST_ALWAYS_READ = ['action', 'qualifier'];

/** Why a REST-JSON request (Lambda) — its operation matched by method and path — is ambiguous, or undefined. */
export function restJsonAmbiguity(request: RestJsonRequest): string | undefined {
  const { headers, query, body } = request;
  if (headers.has('x-amz-target')) return 'A REST request is named by its method and path: it carries no X-Amz-Target header';
  const type = mediaType(headers);
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') return `A ${clipped(type)} body is read as form parameters: send JSON (Content-Type application/json), or a payload as application/octet-stream`;
  const coding = codingRefusal(headers);
  if (coding !== undefined) return coding;
  const path = request.path.split('?', 1)[0]!;
  if (/%2f/i.test(path)) return 'The request path has an encoded / (%2F): a function name has none';
  const segments = path.split('/');
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      decoded = segment;
    }
    if (decoded === '.' || decoded === '..') return 'The request path has a . or .. segment';
  }
  const uriPath = request.requestUri.split('?', 1)[0]!;
  // (moto names the resource by its place from the path's end: a URI without a label has none to misread.)
  if (path.endsWith('/') && !uriPath.endsWith('/') && uriPath.includes('{')) return 'The request path ends with a / its operation does not have';
  for (const [name, values] of query) {
    if (values.length > 1 && request.queryMembers.get(name) !== true) return `The query parameter ${clipped(name)} is given more than once`;
  }
  // The names another reader may take for the operation or its query members.
  const readByName = new Set([...REST_ALWAYS_READ, ...[...request.queryMembers.keys()].map((name) => name.toLowerCase())]);
  const hasBody = body !== undefined && body.length > 0;
  if (hasBody && request.bodyMembers.size === 0 && !request.rawPayload && body.toString('utf8').trim() !== '{}') {
    return `${clipped(request.method)} ${clipped(path)} takes no body`;
  }
  if (hasBody && !request.rawPayload) {
    const members = topLevelMembers(body);
    for (const name of members) {
      if (readByName.has(name.toLowerCase()) && !request.bodyMembers.has(name)) return `The JSON body has a member ${clipped(name)} this operation takes from its query string`;
    }
  }
  if (query.size === 0) {
    if (hasBody) {
      const named = formNames(body.toString('latin1')).find((name) => readByName.has(name.toLowerCase()));
      if (named !== undefined) return `The body, read as a form, names the parameter ${clipped(named)}: send ${named === 'Action' ? 'no Action' : 'it in the query string'}`;
    } else {
      const named = [...headers.keys()].find((name) => readByName.has(name.toLowerCase()));
      if (named !== undefined) return `A request without a query string or body takes no ${clipped(named)} header (it is read as a parameter)`;
    }
  }
  return undefined;
}

/** A function ARN of another region than the request's (moto acts in the request's region on the name), or undefined. */
export function lambdaRegionAmbiguity(input: ReadonlyMap<string, unknown>, region: string): string | undefined {
  for (const member of ['FunctionName', 'Resource']) {
    const value = input.get(member);
    if (typeof value !== 'string' || !value.startsWith('arn:')) continue;
    const parts = value.split(':');
    if (parts[2] === 'lambda' && parts[3] !== region) return `${member} names a resource in the region ${clipped(parts[3] ?? '')}: this request is signed for ${clipped(region)}`;
  }
  return undefined;
}

/** The parameter names of a text read as a form, as Python's parse_qsl decodes them (`+` a space, lenient %-escapes). */
function formNames(text: string): string[] {
  const names: string[] = [];
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const raw = (eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
    names.push(raw.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  }
  return names;
}

/** The member names of a JSON body's top-level object (none when it is not one). */
function topLevelMembers(body: Buffer): string[] {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
  } catch {
    return [];
  }
}

/**
 * The first member name that one object of a (valid) JSON text names twice, compared decoded
 * (`"Table\u004eame"` is `TableName`), at any depth; undefined when there is none — or when the
 * text is not JSON (the caller's parser says so).
 */
export function duplicateJsonKey(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  /** One open container: an object's names so far (and whether a name comes next), or an array (null). */
  const stack: ({ names: Set<string>; expectName: boolean } | null)[] = [];
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (char === 0x7b /* { */) stack.push({ names: new Set(), expectName: true });
    else if (char === 0x5b /* [ */) stack.push(null);
    else if (char === 0x7d /* } */ || char === 0x5d /* ] */) stack.pop();
    else if (char === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top) top.expectName = true;
    } else if (char === 0x22 /* " */) {
      const start = at;
      let escaped = false;
      for (at++; at < text.length; at++) {
        const inner = text.charCodeAt(at);
        if (inner === 0x5c /* \ */) {
          escaped = true;
          at++;
        } else if (inner === 0x22) break;
      }
      if (at >= text.length) return undefined;
      const top = stack.at(-1);
      if (!top || !top.expectName) continue;
      top.expectName = false;
      let name: string;
      if (!escaped) {
        // No escape: the name is its text (a 10,000-member object costs no 10,000 parses).
        name = text.slice(start + 1, at);
      } else {
        try {
          name = JSON.parse(text.slice(start, at + 1)) as string;
        } catch {
          return undefined;
        }
      }
      if (top.names.has(name)) return name;
      top.names.add(name);
    }
  }
  return undefined;
}

/**
 * The JSON body as it is forwarded: every `&` (in valid JSON only ever inside a string) as the
 * escape `\u0026`, which every JSON reader decodes to the same `&` — so no reader can split the
 * body into form parameters (moto reads a JSON body as a form when the URL has no query and
 * takes its `Action` over X-Amz-Target) — and an empty body as `{}` (which AWS reads the same
 * way; with neither query nor body, moto reads the headers as parameters). Byte-wise: `&` is
 * never part of a multi-byte UTF-8 sequence.
 */
export function forwardedJsonBody(body: Buffer): Buffer {
  if (body.length === 0) return Buffer.from('{}');
  if (body.indexOf(0x26) === -1) return body;
  let count = 0;
  for (const byte of body) if (byte === 0x26) count++;
  const escape = Buffer.from('\\u0026');
  const out = Buffer.allocUnsafe(body.length + count * (escape.length - 1));
  let written = 0;
  for (const byte of body) {
    if (byte === 0x26) written += escape.copy(out, written);
    else out[written++] = byte;
  }
  return out;
}

function clipped(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
