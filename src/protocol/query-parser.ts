// AWS Query protocol requests (IAM, STS): flat `Name.member.1.Key=value`
// parameters from the form body and query string, read into the operation's
// input structure as the model describes it, then validated.
//
// Wire forms understood (botocore's query serializer writes the same):
//   structure member  A.B=v            list   Tags.member.1.Key=k  (flattened: Tags.1.Key)
//   empty list        Tags=            map    X.entry.1.key=k / X.entry.1.value=v
//   integer/long      42               boolean true | false
//   timestamp         ISO 8601         blob   base64
// Unknown parameters are ignored, as AWS ignores them. When a parameter is
// repeated, the first occurrence wins (AWS does the same with Action and Version).

import { serviceError } from './errors.ts';
import { setOwnProperty } from './records.ts';
import { fromBase64, parseTimestamp } from './scalars.ts';
import {
  loadServiceModel,
  shapeOf,
  type ListShape,
  type MapShape,
  type QueryServiceName,
  type ServiceModel,
  type ServiceName,
  type Shape,
  type ShapeRef,
  type StructureShape,
} from './model.ts';
import { validateInput } from './validate.ts';

export type QueryParams = URLSearchParams | ReadonlyMap<string, string>;

/** Parameters a Query request may have (README, "Limits"). */
export const MAX_QUERY_PARAMETERS = 5000;

export interface ParsedQueryRequest {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

/** What AWS prints for the version when the request names none. */
const NO_VERSION = 'NO_VERSION_SPECIFIED';

/**
 * Resolve the operation from Action/Version and read its input. Throws
 * ServiceError: MissingAction, InvalidAction, ValidationError.
 */
export function parseQueryRequest(service: ServiceName, params: QueryParams): ParsedQueryRequest {
  if (service === 'organizations' || service === 'cloudtrail' || service === 'tessera') throw new Error(`${service} speaks JSON 1.1, not the Query protocol`);
  // Refused before any is read: a 10,000-tag request (20,000 parameters) took 100-270 ms to
  // answer with the model's "at most 50"; no request IAM or STS takes needs this many.
  if (params.size > MAX_QUERY_PARAMETERS) {
    throw serviceError(service, 'ValidationError', `1 validation error detected: the request has ${params.size} parameters; Tessera reads at most ${MAX_QUERY_PARAMETERS}`);
  }
  const model = loadServiceModel(service);
  const tree = buildParamTree(params);
  const action = tree.children.get('Action')?.value;
  const version = tree.children.get('Version')?.value ?? NO_VERSION;
  if (action === undefined) {
    // AWS itself redirects a request without Action (302 to https://aws.amazon.com/iam);
    // an API server answers with the documented MissingAction error instead.
    throw serviceError(service, 'MissingAction', `Could not find operation  for version ${version}`);
  }
  const operation = model.operations.get(action);
  // AWS resolves the operation by Action and Version together, so a wrong or
  // missing Version reads as an unknown operation.
  if (operation === undefined || version !== model.metadata.apiVersion) {
    throw serviceError(service, 'InvalidAction', `Could not find operation ${action} for version ${version}`);
  }
  const input = operation.input === undefined ? {} : readQueryInput(service, model, operation.input.shape, tree);
  validateInput(service, operation.name, input);
  return { operation: operation.name, input };
}

/** Read parameters into a structure shape of any model (exported for tests with synthetic models). */
export function parseQueryParams(
  service: QueryServiceName,
  model: ServiceModel,
  shapeName: string,
  params: QueryParams,
): Record<string, unknown> {
  return readQueryInput(service, model, shapeName, buildParamTree(params));
}

interface ParamNode {
  /** The full parameter name up to this node, for error messages. */
  readonly name: string;
  value: string | undefined;
  readonly children: Map<string, ParamNode>;
}

function buildParamTree(params: QueryParams): ParamNode {
  const root: ParamNode = { name: '', value: undefined, children: new Map() };
  for (const [key, value] of params) {
    let node = root;
    for (const segment of key.split('.')) {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = { name: node.name === '' ? segment : `${node.name}.${segment}`, value: undefined, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.value ??= value;
  }
  return root;
}

function readQueryInput(service: QueryServiceName, model: ServiceModel, shapeName: string, root: ParamNode): Record<string, unknown> {
  const shape = shapeOf(model, shapeName);
  if (shape.type !== 'structure') throw new Error(`${service} input shape ${shapeName} is not a structure`);
  return new QueryReader(service, model).structure(shape, root);
}

class QueryReader {
  readonly #service: QueryServiceName;
  readonly #model: ServiceModel;

  constructor(service: QueryServiceName, model: ServiceModel) {
    this.#service = service;
    this.#model = model;
  }

  structure(shape: StructureShape, node: ParamNode): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [memberName, ref] of Object.entries(shape.members)) {
      const child = node.children.get(ref.locationName ?? memberName);
      if (child === undefined) continue;
      const value = this.value(ref, child);
      if (value !== undefined) result[memberName] = value;
    }
    return result;
  }

  value(ref: ShapeRef, node: ParamNode): unknown {
    const shape = shapeOf(this.#model, ref.shape);
    switch (shape.type) {
      case 'structure':
        return node.children.size > 0 ? this.structure(shape, node) : undefined;
      case 'list':
        return this.list(shape, ref, node);
      case 'map':
        return this.map(shape, ref, node);
      default:
        return node.value === undefined ? undefined : this.scalar(shape, node.name, node.value);
    }
  }

  list(shape: ListShape, ref: ShapeRef, node: ParamNode): unknown[] | undefined {
    const flattened = shape.flattened === true || ref.flattened === true;
    const container = flattened ? node : node.children.get(shape.member.locationName ?? 'member');
    if (container === undefined || container.children.size === 0) {
      // `Tags=` is how the SDKs send an empty list.
      return node.value === '' ? [] : undefined;
    }
    const items: unknown[] = [];
    for (const child of indexedChildren(container)) {
      const item = this.value(shape.member, child);
      if (item !== undefined) items.push(item);
    }
    return items;
  }

  map(shape: MapShape, ref: ShapeRef, node: ParamNode): Record<string, unknown> | undefined {
    const flattened = shape.flattened === true || ref.flattened === true;
    const container = flattened ? node : node.children.get('entry');
    if (container === undefined || container.children.size === 0) {
      return node.value === '' ? {} : undefined;
    }
    const result: Record<string, unknown> = {};
    for (const entry of indexedChildren(container)) {
      const keyNode = entry.children.get(shape.key.locationName ?? 'key');
      const valueNode = entry.children.get(shape.value.locationName ?? 'value');
      if (keyNode?.value === undefined || valueNode === undefined) continue;
      const key = this.scalar(shapeOf(this.#model, shape.key.shape), keyNode.name, keyNode.value);
      const value = this.value(shape.value, valueNode);
      if (typeof key === 'string' && value !== undefined && !Object.hasOwn(result, key)) setOwnProperty(result, key, value);
    }
    return result;
  }

  scalar(shape: Shape, name: string, raw: string): unknown {
    switch (shape.type) {
      case 'string':
        return raw;
      case 'integer':
      case 'long': {
        const limit = shape.type === 'integer' ? 2 ** 31 : 2 ** 53;
        const parsed = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
        if (!(parsed >= -limit && parsed < limit)) throw this.#malformed(name, raw, 'an integer');
        return parsed;
      }
      case 'float':
      case 'double': {
        if (!isQueryFloat(raw)) throw this.#malformed(name, raw, 'a number');
        return Number(raw);
      }
      case 'boolean': {
        const lowered = raw.toLowerCase();
        if (lowered !== 'true' && lowered !== 'false') throw this.#malformed(name, raw, 'true or false');
        return lowered === 'true';
      }
      case 'timestamp': {
        const parsed = parseTimestamp(raw);
        if (parsed === undefined) throw this.#malformed(name, raw, 'an ISO 8601 timestamp');
        return parsed;
      }
      case 'blob': {
        const compact = raw.replace(/\s+/g, '');
        if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
          throw this.#malformed(name, raw, 'base64-encoded data');
        }
        return fromBase64(compact);
      }
      default:
        return undefined;
    }
  }

  // AWS's exact answer to an unconvertible Query value is not documented; this
  // keeps its code and status for bad input (ValidationError, 400).
  #malformed(name: string, raw: string, expected: string): Error {
    return serviceError(this.#service, 'ValidationError', `Invalid value '${raw}' for parameter ${name}: expected ${expected}`);
  }
}

/**
 * Whether `raw` is a float as the Query protocol writes one:
 * `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, `NaN`, `Infinity`, `-Infinity`.
 * Scanned in one pass: the same language as a RegExp, whose `\d+\.?\d*` would
 * backtrack quadratically over a long run of digits followed by a wrong character.
 */
export function isQueryFloat(raw: string): boolean {
  if (raw === 'NaN') return true;
  let at = raw[0] === '+' || raw[0] === '-' ? 1 : 0;
  if (raw.slice(at) === 'Infinity') return true;
  const digits = (): number => {
    const from = at;
    while (at < raw.length && raw.charCodeAt(at) >= 0x30 && raw.charCodeAt(at) <= 0x39) at++;
    return at - from;
  };
  const whole = digits();
  if (raw[at] === '.') {
    at++;
    if (digits() === 0 && whole === 0) return false;
  } else if (whole === 0) {
    return false;
  }
  if (raw[at] === 'e' || raw[at] === 'E') {
    at++;
    if (raw[at] === '+' || raw[at] === '-') at++;
    if (digits() === 0) return false;
  }
  return at === raw.length;
}

/** Children keyed 1, 2, 3… in numeric order; other keys are not list positions and are ignored. */
function indexedChildren(node: ParamNode): ParamNode[] {
  return [...node.children.entries()]
    .filter(([key]) => /^[1-9]\d*$/.test(key))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, child]) => child);
}
