// Which operation a request is, and its input members as far as authorization needs them,
// read the way the service's protocol and the model's HTTP bindings say.

import { inputMembers, inputShape, loadGatewayModel, type GatewayModel, type MemberModel, type OperationBinding, type WireProtocol } from './model.ts';
import type { GatewayService } from './services.ts';
import type { GatewayRequest, Unmapped } from './types.ts';
import { normalizeHeaders, type HeaderMap } from './wire/headers.ts';
import { parseJsonBody } from './wire/json-body.ts';
import { LIMITS } from './wire/limits.ts';
import { buildTree, readStructure } from './wire/query-params.ts';
import { first, parseQueryString, type QueryMap } from './wire/query-string.ts';
import { compileRoutes, matchRoute, type RestRoute } from './wire/rest-routes.ts';
import { SQS_QUERY_NAMES } from './services/sqs-query-names.ts';
import { ec2ListAmbiguity, jsonAmbiguity, lambdaRegionAmbiguity, queryAmbiguity, restJsonAmbiguity } from './parser-differential.ts';
import { s3Ambiguity } from './parser-differential-s3.ts';
import { SIGV2_HEADER_ECHOES } from './sigv2-query.ts';

export interface IdentifiedRequest {
  readonly service: GatewayService;
  readonly operation: OperationBinding;
  readonly protocol: WireProtocol;
  /** Input members by name: strings for URI labels, headers and query values; JSON values from a JSON body. */
  readonly input: ReadonlyMap<string, unknown>;
  readonly headers: HeaderMap;
  readonly query: QueryMap;
}

const routesByService = new Map<GatewayService, RestRoute[]>();

export function identify(service: GatewayService, request: GatewayRequest): IdentifiedRequest | Unmapped {
  const model = loadGatewayModel(service);
  const invalid = (message: string): Unmapped => ({ kind: 'unmapped', reason: 'invalid-request', service, protocol: model.protocol, message });
  if (typeof request.path !== 'string' || request.path.length > LIMITS.path) return invalid(`The request path is longer than ${LIMITS.path} characters`);
  if (typeof request.query !== 'string' || request.query.length > LIMITS.query) return invalid(`The query string is longer than ${LIMITS.query} characters`);
  if (request.body !== undefined && request.body.length > LIMITS.body) return invalid(`The request body is larger than ${LIMITS.body} bytes`);
  // moto's HTTP server ends the request line's URL at a raw `#` (a fragment, which no client
  // sends): what follows — a REST path's operation part, parameters — would be the gateway's
  // alone (`DELETE /2015-03-31/functions/f#/aliases/a` is DeleteAlias here, DeleteFunction there).
  if (request.path.includes('#') || request.query.includes('#')) return invalid('The request has a raw # in its URL (percent-encode it, %23): a URL reader ends the URL there');
  const query = parseQueryString(request.query);
  if (query === undefined) return invalid(`The request has more than ${LIMITS.parameters} query parameters`);
  let headers = normalizeHeaders(request.headers);
  if (model.service === 's3') {
    const hoisted = withHoistedHeaders(headers, query);
    if (typeof hoisted === 'string') return invalid(hoisted);
    headers = hoisted;
  }
  const method = request.method.toUpperCase();

  if (model.protocol === 'rest-xml' || model.protocol === 'rest-json') {
    // A request the upstream could read otherwise than the gateway is refused (parser-differential.ts).
    const ambiguous = model.service === 's3' ? s3Ambiguity(headers, request) : undefined;
    if (ambiguous !== undefined) return invalid(ambiguous);
    return identifyRest(model, request, method, query, headers);
  }
  if (model.cbor && isCborRequest(request.path, headers)) return refuseCbor(model, request.path);
  // SQS and CloudWatch still take their older Query form: a request without X-Amz-Target is one.
  if (model.queryCompatible && !headers.has('x-amz-target')) return identifyQuery(model, 'query', request, method, query, headers);
  if (model.protocol === 'json') return identifyJson(model, request, method, query, headers);
  return identifyQuery(model, model.protocol, request, method, query, headers);
}

/** The query parameters of SigV4 (and SigV2) query authentication: never a header S3 applies. */
const PRESIGN_PARAMETERS: ReadonlySet<string> = new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature', 'x-amz-security-token']);

/**
 * A presigned S3 URL carries the request's x-amz-* headers as query parameters: the SDKs'
 * presigners move "all the AWS-specific headers (starting with x-amz-) to the request query
 * string" (`x-amz-acl=public-read`, `x-amz-tagging=…`, `x-amz-server-side-encryption=aws:kms`),
 * and S3 applies them from there. They are read as those headers — for the operation's members,
 * its condition keys (s3:x-amz-acl, s3:RequestObjectTag/…) and the checks they add
 * (s3:PutObjectAcl, s3:PutObjectTagging) — else a Deny on them was passed, and a presigned
 * PutObject set an ACL without s3:PutObjectAcl. A name given both ways with different values is
 * refused: which one the upstream applies is its own choice.
 */
function withHoistedHeaders(headers: HeaderMap, query: QueryMap): HeaderMap | string {
  if (!query.has('X-Amz-Algorithm') && !query.has('Signature')) return headers;
  let merged: Map<string, string> | undefined;
  for (const [name, values] of query) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-') || PRESIGN_PARAMETERS.has(lower)) continue;
    const value = values.join(',');
    const given = headers.get(lower);
    if (given !== undefined) {
      if (given !== value) return `The request gives ${clip(lower)} both as a header and as a query parameter, with different values`;
      continue;
    }
    merged ??= new Map(headers);
    merged.set(lower, value);
  }
  return merged ?? headers;
}

/** Smithy RPC v2 CBOR: `POST /service/<service>/operation/<Operation>` with `smithy-protocol: rpc-v2-cbor`. */
export function isCborRequest(path: string, headers: { get(name: string): string | undefined }): boolean {
  return headers.get('smithy-protocol')?.toLowerCase() === 'rpc-v2-cbor' || path.startsWith('/service/');
}

/**
 * A Smithy RPC v2 CBOR request (what CloudWatch's newest SDKs send) is refused, naming its
 * operation: its body is CBOR, which the gateway does not read — and an upstream such as moto
 * does not take it either — so it can be neither authorized nor forwarded. The refusal is
 * written in CBOR (errors.ts), so the client reports it; the client can be told to use JSON or
 * Query (docs/gateway-mapping.md, "Known limits").
 */
function refuseCbor(model: GatewayModel, path: string): Unmapped {
  const named = /^\/service\/[^/]{1,128}\/operation\/([A-Za-z0-9]{1,128})$/.exec(path)?.[1];
  const operation = named !== undefined && model.operations.has(named) ? named : undefined;
  return {
    kind: 'unmapped',
    reason: 'refused-operation',
    service: model.service,
    protocol: 'rpc-v2-cbor',
    ...(operation !== undefined ? { operation } : {}),
    message: `${operation ?? 'This request'} is not forwarded: Tessera does not read the Smithy RPC v2 CBOR protocol; call ${model.service} with its JSON protocol (X-Amz-Target: ${model.targetPrefix ?? ''}.<Operation>) or its Query protocol (Action=<Operation>)`,
  };
}

/**
 * A body the service cannot deserialize — not JSON, not an object, or a member of another JSON
 * type than its model's string — is refused as the service refuses it: SerializationException
 * (400) from the JSON services, InvalidRequestContentException (400) from Lambda. A list where a
 * name belongs is never read as the name it holds: the upstream would read the list.
 */
function undeserializable(model: GatewayModel, protocol: WireProtocol, operation: string, reason: string): Unmapped {
  const lambda = model.service === 'lambda';
  return {
    kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol, operation,
    code: lambda ? 'InvalidRequestContentException' : 'SerializationException',
    message: lambda ? `Could not parse request body into json: ${reason}` : reason,
  };
}

/** Why a member the model types as a string holds something else (null counts as absent), or undefined. */
function notAString(operation: OperationBinding, member: MemberModel, name: string, value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || operation.shapes.get(member.shape)?.type !== 'string') return undefined;
  if (Array.isArray(value)) return `Start of list found where not expected (${name})`;
  if (typeof value === 'object') return `Start of structure or map found where not expected (${name})`;
  return `${typeof value === 'number' ? 'NUMBER_VALUE' : typeof value === 'boolean' ? (value ? 'TRUE_VALUE' : 'FALSE_VALUE') : 'The value'} can not be converted to a String (${name})`;
}

function unknown(model: GatewayModel, protocol: WireProtocol, message: string, operation?: string): Unmapped {
  return { kind: 'unmapped', reason: 'unknown-operation', service: model.service, protocol, ...(operation !== undefined ? { operation } : {}), message };
}

function identifyJson(model: GatewayModel, request: GatewayRequest, method: string, query: QueryMap, headers: HeaderMap): IdentifiedRequest | Unmapped {
  const target = headers.get('x-amz-target');
  if (target === undefined) return unknown(model, 'json', 'The request has no X-Amz-Target header naming the operation');
  // `<prefix>.<Operation>`: the service's prefix or a companion model's (DynamoDB Streams'),
  // and an operation of that very model (`DynamoDB_20120810.GetRecords` names none).
  const prefix = model.targetPrefixes.find((candidate) => target.startsWith(`${candidate}.`));
  const name = prefix === undefined ? undefined : target.slice(prefix.length + 1);
  const found = name === undefined ? undefined : model.operations.get(name);
  const operation = found !== undefined && found.targetPrefix === prefix ? found : undefined;
  if (operation === undefined) return unknown(model, 'json', `X-Amz-Target ${clip(target)} names no ${model.service} operation`, name === undefined ? undefined : clip(name));
  if (method !== 'POST') return unknown(model, 'json', `${operation.name} is called with POST, not ${clip(method)}`, operation.name);
  // A request the upstream could read otherwise than the gateway is refused (parser-differential.ts).
  const ambiguous = jsonAmbiguity(query, headers, request.body);
  if (ambiguous !== undefined) return { kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol: 'json', operation: operation.name, message: ambiguous };
  const body = parseJsonBody(request.body);
  if (!body.ok) return undeserializable(model, 'json', operation.name, body.message);
  const input = new Map<string, unknown>();
  for (const [name, member] of Object.entries(inputMembers(model, operation))) {
    if (!Object.hasOwn(body.value, name)) continue;
    const mistyped = notAString(operation, member, name, body.value[name]);
    if (mistyped !== undefined) return undeserializable(model, 'json', operation.name, mistyped);
    input.set(name, body.value[name]);
  }
  return { service: model.service, operation, protocol: 'json', input, headers, query };
}

function identifyQuery(model: GatewayModel, protocol: WireProtocol, request: GatewayRequest, method: string, query: QueryMap, headers: HeaderMap): IdentifiedRequest | Unmapped {
  if (method !== 'POST' && method !== 'GET') return unknown(model, protocol, `The Query protocol is called with GET or POST, not ${clip(method)}`);
  let params = query;
  let form: QueryMap | undefined;
  if (method === 'POST' && request.body !== undefined && request.body.length > 0) {
    form = parseQueryString(request.body.toString('utf8'));
    if (form === undefined) return { kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol, message: `The request has more than ${LIMITS.parameters} parameters` };
    params = new Map([...query, ...form]);
  }
  // A request the upstream could read otherwise than the gateway is refused (parser-differential.ts).
  const ambiguous = queryAmbiguity(method, query, form, headers, request.body);
  if (ambiguous !== undefined) return { kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol, message: ambiguous };
  const action = first(params, 'Action');
  if (action === undefined) return unknown(model, protocol, 'The request has no Action parameter naming the operation');
  const operation = model.operations.get(action);
  if (operation === undefined) return unknown(model, protocol, `Action ${clip(action)} names no ${model.service} operation`, clip(action));
  const version = first(params, 'Version');
  if (version !== undefined && version !== model.apiVersion) return unknown(model, protocol, `Could not find operation ${operation.name} for version ${clip(version)}`, operation.name);
  const tree = buildTree(params);
  if (tree === undefined) return { kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol, operation: operation.name, message: 'A parameter name is nested too deeply' };
  if (protocol === 'ec2' && operation.inputShape !== undefined) {
    const list = ec2ListAmbiguity(model, operation.inputShape, tree);
    if (list !== undefined) return { kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol, operation: operation.name, message: list };
  }
  const input = operation.inputShape === undefined ? new Map<string, unknown>() : readStructure(model, operation.inputShape, tree, model.service === 'sqs' ? SQS_QUERY_NAMES : {}, protocol === 'ec2' ? 'ec2' : 'query');
  // SQS's query form may also address the queue by its URL's path (POST /<account>/<queue>).
  if (model.service === 'sqs' && !input.has('QueueUrl') && Object.hasOwn(inputMembers(model, operation), 'QueueUrl') && /^\/\d{12}\/[^/]+$/.test(request.path)) {
    input.set('QueueUrl', request.path);
  }
  return { service: model.service, operation, protocol, input, headers, query };
}

function identifyRest(model: GatewayModel, request: GatewayRequest, method: string, query: QueryMap, headers: HeaderMap): IdentifiedRequest | Unmapped {
  let routes = routesByService.get(model.service);
  if (routes === undefined) {
    routes = compileRoutes(model);
    routesByService.set(model.service, routes);
  }
  if (!request.path.startsWith('/')) return { kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol: model.protocol, message: 'The request path does not start with /' };
  let segments = request.path.slice(1).split('/');
  // S3 virtual-hosted style: the bucket came from the Host; the path is the key.
  if (model.service === 's3' && request.bucket !== undefined && request.bucket !== '') {
    segments = [encodeURIComponent(request.bucket), ...segments];
  }
  const sigv2 = query.has('AWSAccessKeyId') || query.has('Signature');
  const match = matchRoute(routes, method, segments, query, headers, sigv2 ? isSigV2Parameter : isAuthParameter);
  if (match === undefined) {
    return unknown(model, model.protocol, `${clip(method)} ${clip(request.path)}${request.query === '' ? '' : `?${clip(request.query)}`} matches no ${model.service} operation`);
  }
  const operation = match.route.operation;
  const input = new Map<string, unknown>();
  const members = inputMembers(model, operation);
  const shape = inputShape(model, operation);
  const payload = shape?.payload === undefined ? undefined : members[shape.payload];
  const rawPayload = payload !== undefined && model.shapes.get(payload.shape)?.type === 'blob';
  if (model.protocol === 'rest-json') {
    // A request the upstream could read otherwise than the gateway is refused (parser-differential.ts).
    const queryMembers = new Map<string, boolean>();
    const bodyNames = new Set<string>();
    for (const [name, member] of Object.entries(members)) {
      if (member.location === 'querystring') queryMembers.set(member.locationName ?? name, model.shapes.get(member.shape)?.type === 'list');
      else if (member.location === undefined) bodyNames.add(name);
    }
    const ambiguous = restJsonAmbiguity({ method, path: request.path, requestUri: operation.requestUri, query, headers, body: request.body, queryMembers, bodyMembers: bodyNames, rawPayload });
    if (ambiguous !== undefined) return { kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol: model.protocol, operation: operation.name, message: ambiguous };
  }
  let bodyMembers = false;
  for (const [name, member] of Object.entries(members)) {
    const wire = member.locationName ?? name;
    if (member.location === 'uri') {
      const value = match.labels.get(wire);
      if (value !== undefined) input.set(name, value);
    } else if (member.location === 'querystring') {
      const values = query.get(wire);
      if (values !== undefined) input.set(name, model.shapes.get(member.shape)?.type === 'list' ? values : values[0]);
    } else if (member.location === 'header') {
      const value = headers.get(wire.toLowerCase());
      if (value !== undefined) input.set(name, value);
    } else if (member.location === 'headers') {
      const prefix = wire.toLowerCase();
      const map: Record<string, string> = {};
      for (const [header, value] of headers) {
        if (header.startsWith(prefix)) Object.defineProperty(map, header.slice(prefix.length), { value, enumerable: true, writable: true, configurable: true });
      }
      input.set(name, map);
    } else if (member.location === undefined) {
      bodyMembers = true;
    }
  }
  // REST-JSON: the body is the input's remaining members as JSON, unless it is a raw payload
  // (Lambda's Invoke sends the function's event as is).
  if (model.protocol === 'rest-json' && bodyMembers && !rawPayload && request.body !== undefined) {
    const body = parseJsonBody(request.body);
    if (!body.ok) return undeserializable(model, model.protocol, operation.name, body.message);
    const source = payload !== undefined ? { [shape!.payload!]: body.value } : body.value;
    for (const [name, member] of Object.entries(members)) {
      if (member.location !== undefined || !Object.hasOwn(source, name)) continue;
      const value = (source as Record<string, unknown>)[name];
      const mistyped = notAString(operation, member, name, value);
      if (mistyped !== undefined) return undeserializable(model, model.protocol, operation.name, mistyped);
      input.set(name, value);
    }
  }
  if (model.service === 'lambda') {
    const otherRegion = lambdaRegionAmbiguity(input, request.region);
    if (otherRegion !== undefined) return { kind: 'unmapped', reason: 'invalid-request', service: model.service, protocol: model.protocol, operation: operation.name, message: otherRegion };
  }
  return { service: model.service, operation, protocol: model.protocol, input, headers, query };
}

/** Query parameters of SigV2/SigV4 presigned URLs and the SDKs' hints, never a sub-resource. */
function isAuthParameter(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('x-amz-') || lower === 'x-id' || lower === 'awsaccesskeyid' || lower === 'signature' || lower === 'expires';
}

/** In a SigV2 presigned URL, also the headers botocore echoes beside the signature (sigv2-query.ts). */
function isSigV2Parameter(name: string): boolean {
  return isAuthParameter(name) || SIGV2_HEADER_ECHOES.has(name.toLowerCase());
}

/** Input echoed in a message, cut short. */
export function clip(text: string): string {
  return text.length > 128 ? `${text.slice(0, 128)}…` : text;
}
