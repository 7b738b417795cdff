// AWS JSON 1.1 protocol (Organizations): the operation comes from
// `X-Amz-Target: AWSOrganizationsV20161128.ListAccounts`, the input is the JSON
// body read against the model and validated, responses are JSON with
// timestamps as epoch seconds, and errors are `{"__type": …, "Message": …}`.
// Type mismatches in the body are answered as AWS's JSON services answer them
// (SerializationException, "Start of list found where not expected", …).

import { inServiceDialect, serviceError, toServiceError, type ServiceError } from './errors.ts';
import { loadServiceModel, shapeOf, type ServiceModel, type ServiceName, type Shape, type ShapeRef } from './model.ts';
import { setOwnProperty } from './records.ts';
import { fromBase64, parseTimestamp, toBase64, toEpochSeconds } from './scalars.ts';
import { validateInput } from './validate.ts';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The services that speak AWS JSON 1.1. */
type JsonServiceName = Extract<ServiceName, 'organizations' | 'cloudtrail' | 'tessera'>;

export interface ParsedJsonRequest {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

/** Values (list elements and object members, at any depth) a JSON request may hold (README, "Limits"). */
export const MAX_JSON_VALUES = 5000;

/** Whether a parsed document holds more than `limit` list elements and object members in all; stops counting past it. */
function valuesExceed(document: unknown, limit: number): boolean {
  let count = 0;
  const pending: unknown[] = [document];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    const children = Array.isArray(value) ? value : Object.values(value);
    count += children.length;
    if (count > limit) return true;
    for (const child of children) if (typeof child === 'object' && child !== null) pending.push(child);
  }
  return false;
}

export function parseJsonRequest(service: ServiceName, target: string, body: string): ParsedJsonRequest {
  if (service !== 'organizations' && service !== 'cloudtrail' && service !== 'tessera') throw new Error(`${service} does not speak the JSON protocol`);
  const model = jsonModel(service);
  // The X-Amz-Target header as sent ("AWSOrganizationsV20161128.ListAccounts");
  // a bare operation name is taken as already routed.
  const dot = target.lastIndexOf('.');
  const prefixMatches = dot === -1 || target.slice(0, dot) === model.metadata.targetPrefix;
  const operation = prefixMatches ? model.operations.get(target.slice(dot + 1)) : undefined;
  if (operation === undefined) throw serviceError(service, 'UnknownOperationException', '');
  let document: unknown = {};
  if (body.trim() !== '') {
    try {
      document = JSON.parse(body);
    } catch {
      throw serviceError(service, 'SerializationException', '');
    }
  }
  if (operation.input === undefined) return { operation: operation.name, input: {} };
  // Refused before it is read by the model: a 10,000-tag CreateAccount took 70-90 ms (and more
  // under load) to answer; no request these services take needs this many values.
  if (valuesExceed(document, MAX_JSON_VALUES)) {
    const message = `The request has more than ${MAX_JSON_VALUES} values; Tessera reads at most ${MAX_JSON_VALUES}.`;
    throw service === 'organizations' ? serviceError(service, 'InvalidInputException', message, { Reason: 'INVALID_INPUT' }) : serviceError(service, 'ValidationException', message);
  }
  const reader = new JsonReader(service, model);
  const input = reader.value({ shape: operation.input.shape }, document) ?? {};
  validateInput(model.service, operation.name, input as Record<string, unknown>);
  return { operation: operation.name, input: input as Record<string, unknown> };
}

export function serializeJsonResponse(service: ServiceName, operation: string, output: object | undefined): string {
  const model = jsonModel(service);
  const op = model.operations.get(operation);
  if (op === undefined) throw new Error(`${service} has no operation ${operation}`);
  if (op.output === undefined) return '{}';
  return JSON.stringify(writeJson(model, { shape: op.output.shape }, output ?? {}));
}

/**
 * Body and headers of a JSON 1.1 error, under the service's JSON code (a shared stage's
 * SignatureDoesNotMatch is written InvalidSignatureException); anything not a ServiceError
 * is an InternalFailure.
 */
export function serializeJsonError(err: ServiceError | unknown): {
  status: number;
  body: string;
  headers: Record<string, string>;
} {
  const error = inServiceDialect(toServiceError(err));
  const document: Record<string, string> = { __type: error.code };
  if (error.message !== '') document['Message'] = error.message;
  for (const [name, value] of Object.entries(error.fields)) document[name] = value;
  return { status: error.httpStatus, body: JSON.stringify(document), headers: { 'Content-Type': JSON_CONTENT_TYPE } };
}

function jsonModel(service: ServiceName): ServiceModel {
  const model = loadServiceModel(service);
  if (model.metadata.protocol !== 'json') throw new Error(`${service} does not speak the JSON protocol`);
  return model;
}

const START_OF_LIST = 'Start of list found where not expected';
const START_OF_MAP = 'Start of structure or map found where not expected.';

class JsonReader {
  readonly #service: JsonServiceName;
  readonly #model: ServiceModel;

  constructor(service: JsonServiceName, model: ServiceModel) {
    this.#service = service;
    this.#model = model;
  }

  value(ref: ShapeRef, value: unknown): unknown {
    if (value === null || value === undefined) return undefined;
    const shape = shapeOf(this.#model, ref.shape);
    switch (shape.type) {
      case 'structure': {
        const object = this.#object(value, 'Expected null');
        const result: Record<string, unknown> = {};
        for (const [memberName, memberRef] of Object.entries(shape.members)) {
          const key = memberRef.locationName ?? memberName;
          if (!Object.hasOwn(object, key)) continue;
          const member = this.value(memberRef, object[key]);
          if (member !== undefined) result[memberName] = member;
        }
        return result;
      }
      case 'list': {
        if (!Array.isArray(value)) {
          throw this.#serialization(isPlainObject(value) ? START_OF_MAP : 'Expected list or null');
        }
        return value.map((item) => this.value(shape.member, item)).filter((item) => item !== undefined);
      }
      case 'map': {
        const object = this.#object(value, 'Expected map or null');
        const result: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(object)) {
          const converted = this.value(shape.value, item);
          if (converted !== undefined) setOwnProperty(result, key, converted);
        }
        return result;
      }
      default:
        return this.#scalar(shape, value);
    }
  }

  #object(value: unknown, otherwise: string): Record<string, unknown> {
    if (Array.isArray(value)) throw this.#serialization(START_OF_LIST);
    if (!isPlainObject(value)) throw this.#serialization(otherwise);
    return value;
  }

  #scalar(shape: Shape, value: unknown): unknown {
    if (Array.isArray(value)) throw this.#serialization(START_OF_LIST);
    if (isPlainObject(value)) throw this.#serialization(START_OF_MAP);
    switch (shape.type) {
      case 'string':
        // A lone surrogate (`"\ud800"`) is no Unicode text: stored as UTF-8 it would become
        // U+FFFD, so what was answered would not be what was kept.
        if (typeof value === 'string' && value.isWellFormed()) return value;
        if (typeof value === 'string') throw this.#serialization('Invalid UTF-16: a string contains a lone surrogate');
        throw this.#notConvertible(value, 'an String');
      case 'integer':
      case 'long':
        // AWS's JSON services truncate a fractional number given for an integer.
        if (typeof value === 'number') return Math.trunc(value);
        throw this.#notConvertible(value, shape.type === 'integer' ? 'an Integer' : 'an Long');
      case 'float':
      case 'double':
        if (typeof value === 'number') return value;
        throw this.#notConvertible(value, shape.type === 'float' ? 'an Float' : 'an Double');
      case 'boolean':
        if (typeof value === 'boolean') return value;
        throw this.#notConvertible(value, 'an Boolean');
      case 'timestamp': {
        // A number past JavaScript's dates (±8.64e15 ms) is no time at all.
        if (typeof value === 'number' && validDate(new Date(value * 1000))) return new Date(value * 1000);
        const parsed = typeof value === 'string' ? parseTimestamp(value) : undefined;
        if (parsed !== undefined) return parsed;
        throw this.#notConvertible(value, 'a Date');
      }
      case 'blob':
        if (typeof value === 'string') return this.#blob(value);
        throw this.#notConvertible(value, 'a Blob');
      default:
        return undefined;
    }
  }

  #blob(text: string): Uint8Array {
    if (text.length % 4 !== 0) {
      throw this.#serialization(
        `'${text}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`,
      );
    }
    const invalid = /[^A-Za-z0-9+/=]|=(?=[^=])/.exec(text);
    if (invalid !== null) {
      throw this.#serialization(`'${text}' can not be converted to a Blob: Invalid Base64 character: '${invalid[0]}'`);
    }
    return fromBase64(text);
  }

  #notConvertible(value: unknown, target: string): ServiceError {
    return this.#serialization(`class java.lang.${javaClassOf(value)} can not be converted to ${target}`);
  }

  #serialization(message: string): ServiceError {
    return serviceError(this.#service, 'SerializationException', message);
  }
}

/** The boxed Java type AWS's JSON reader sees for a JSON value, as named in its messages. */
function javaClassOf(value: unknown): string {
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'Double';
    if (value >= -32768 && value <= 32767) return 'Short';
    if (value >= -(2 ** 31) && value < 2 ** 31) return 'Integer';
    return 'Long';
  }
  return 'Object';
}

function writeJson(model: ServiceModel, ref: ShapeRef, value: unknown): unknown {
  const shape = shapeOf(model, ref.shape);
  switch (shape.type) {
    case 'structure': {
      const object = isPlainObject(value) ? value : {};
      const result: Record<string, unknown> = {};
      for (const [memberName, memberRef] of Object.entries(shape.members)) {
        const member = Object.hasOwn(object, memberName) ? object[memberName] : undefined;
        if (member === undefined || member === null) continue;
        result[memberRef.locationName ?? memberName] = writeJson(model, memberRef, member);
      }
      return result;
    }
    case 'list':
      return (Array.isArray(value) ? value : [])
        .filter((item) => item !== undefined && item !== null)
        .map((item) => writeJson(model, shape.member, item));
    case 'map': {
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(isPlainObject(value) ? value : {});
      const result: Record<string, unknown> = {};
      for (const [key, item] of entries) {
        if (item !== undefined && item !== null) setOwnProperty(result, String(key), writeJson(model, shape.value, item));
      }
      return result;
    }
    case 'timestamp':
      return toEpochSeconds(value);
    case 'blob':
      return toBase64(value);
    case 'boolean':
      return value === true || value === 'true';
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return Number(value);
    default:
      return String(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

function validDate(date: Date): boolean {
  return !Number.isNaN(date.getTime());
}
