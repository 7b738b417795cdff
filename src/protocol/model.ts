// The AWS service models (models/aws/*.json, botocore's format) loaded once,
// corrected by models/patches.json, and indexed for the codecs. Everything the
// protocol layer knows about operations, members and constraints comes from here.

import { readFileSync } from 'node:fs';
import { applyMergePatch } from './merge-patch.ts';

export type ServiceName = 'iam' | 'sts' | 'organizations' | 'cloudtrail' | 'tessera';

export const SERVICE_NAMES: readonly ServiceName[] = ['iam', 'sts', 'organizations', 'cloudtrail', 'tessera'];

/** The services that speak the AWS Query protocol with XML responses. */
export type QueryServiceName = Exclude<ServiceName, 'organizations' | 'cloudtrail' | 'tessera'>;

/** A reference from a structure member, list member or map key/value to a shape. */
export interface ShapeRef {
  readonly shape: string;
  /** Wire name when it differs from the member name (XML element / query key). */
  readonly locationName?: string;
  readonly flattened?: boolean;
}

interface ShapeBase {
  readonly name: string;
  readonly sensitive?: boolean;
}

export interface StructureShape extends ShapeBase {
  readonly type: 'structure';
  readonly members: Readonly<Record<string, ShapeRef>>;
  readonly required?: readonly string[];
  readonly exception?: boolean;
  /** Set on server-side (5xx) exceptions in JSON models. */
  readonly fault?: boolean;
  readonly error?: { readonly code?: string; readonly httpStatusCode?: number; readonly senderFault?: boolean };
}

export interface ListShape extends ShapeBase {
  readonly type: 'list';
  readonly member: ShapeRef;
  readonly min?: number;
  readonly max?: number;
  readonly flattened?: boolean;
}

export interface MapShape extends ShapeBase {
  readonly type: 'map';
  readonly key: ShapeRef;
  readonly value: ShapeRef;
  readonly min?: number;
  readonly max?: number;
  readonly flattened?: boolean;
}

export interface StringShape extends ShapeBase {
  readonly type: 'string';
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

export interface NumberShape extends ShapeBase {
  readonly type: 'integer' | 'long' | 'float' | 'double';
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanShape extends ShapeBase {
  readonly type: 'boolean';
}

export interface TimestampShape extends ShapeBase {
  readonly type: 'timestamp';
  readonly timestampFormat?: 'iso8601' | 'unixTimestamp' | 'rfc822';
}

export interface BlobShape extends ShapeBase {
  readonly type: 'blob';
  readonly min?: number;
  readonly max?: number;
}

export type Shape =
  | StructureShape
  | ListShape
  | MapShape
  | StringShape
  | NumberShape
  | BooleanShape
  | TimestampShape
  | BlobShape;

export type ShapeType = Shape['type'];

export interface OperationModel {
  readonly name: string;
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string; readonly resultWrapper?: string };
  readonly errors?: readonly { readonly shape: string }[];
}

export interface ServiceMetadata {
  readonly apiVersion: string;
  readonly protocol: 'query' | 'json';
  readonly endpointPrefix: string;
  readonly serviceId: string;
  readonly xmlNamespace?: string;
  readonly targetPrefix?: string;
  readonly jsonVersion?: string;
}

export interface ServiceModel {
  readonly service: ServiceName;
  readonly metadata: ServiceMetadata;
  readonly operations: ReadonlyMap<string, OperationModel>;
  readonly shapes: ReadonlyMap<string, Shape>;
}

const MODEL_FILES: Readonly<Record<ServiceName, string>> = {
  iam: 'aws/iam-2010-05-08.json',
  sts: 'aws/sts-2011-06-15.json',
  organizations: 'aws/organizations-2016-11-28.json',
  cloudtrail: 'aws/cloudtrail-2013-11-01.json',
  // Tessera's own API (workload launches and their credentials), in the same format.
  tessera: 'tessera/tessera-2025-01-01.json',
};

const MODELS_DIR = new URL('../../models/', import.meta.url);

const SHAPE_TYPES: ReadonlySet<string> = new Set<ShapeType>([
  'structure', 'list', 'map', 'string', 'integer', 'long', 'float', 'double', 'boolean', 'timestamp', 'blob',
]);

const loaded = new Map<ServiceName, ServiceModel>();
let patches: Record<string, unknown> | undefined;

function readJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(new URL(relativePath, MODELS_DIR), 'utf8'));
}

function modelPatches(): Record<string, unknown> {
  patches ??= readJson('patches.json') as Record<string, unknown>;
  return patches;
}

/** One service's entry in models/patches.json. */
export interface ModelCorrections {
  /** JSON Merge Patch over the whole model. */
  readonly patch?: unknown;
  /** AWS's order of members, per structure, where the copied model lost it. */
  readonly memberOrder?: Readonly<Record<string, readonly string[]>>;
}

/** The corrected model of one service, read from disk on first use and cached. */
export function loadServiceModel(service: ServiceName): ServiceModel {
  let model = loaded.get(service);
  if (model === undefined) {
    const corrections = modelPatches()[service] as ModelCorrections | undefined;
    model = buildServiceModel(service, applyModelCorrections(service, readJson(MODEL_FILES[service]), corrections ?? {}));
    loaded.set(service, model);
  }
  return model;
}

/** Apply a service's merge patch, then its member order (which must name exactly the members). */
export function applyModelCorrections(service: ServiceName, raw: unknown, corrections: ModelCorrections): unknown {
  const patched = corrections.patch === undefined ? raw : applyMergePatch(raw, corrections.patch);
  if (corrections.memberOrder === undefined) return patched;
  const shapes = (patched as { shapes?: Record<string, { type?: string; members?: Record<string, unknown> }> }).shapes ?? {};
  const reordered: Record<string, unknown> = { ...shapes };
  for (const [name, order] of Object.entries(corrections.memberOrder)) {
    const shape = shapes[name];
    const members = shape?.members;
    if (shape?.type !== 'structure' || members === undefined) {
      throw new Error(`${service} patches: memberOrder names ${name}, which is not a structure`);
    }
    const current = Object.keys(members);
    if (order.length !== current.length || !current.every((member) => order.includes(member))) {
      throw new Error(`${service} patches: memberOrder for ${name} does not list exactly its members`);
    }
    reordered[name] = { ...shape, members: Object.fromEntries(order.map((member) => [member, members[member]])) };
  }
  return { ...(patched as object), shapes: reordered };
}

/**
 * Index a raw botocore-format model. Every shape reference is checked here so a
 * bad patch fails at load, not in the middle of a request.
 */
export function buildServiceModel(service: ServiceName, raw: unknown): ServiceModel {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${service} model: not an object`);
  const { metadata, operations, shapes } = raw as {
    metadata?: ServiceMetadata;
    operations?: Record<string, Omit<OperationModel, 'name'>>;
    shapes?: Record<string, Omit<Shape, 'name'>>;
  };
  if (metadata === undefined || operations === undefined || shapes === undefined) {
    throw new Error(`${service} model: metadata, operations and shapes are required`);
  }
  const shapeIndex = new Map<string, Shape>();
  for (const [name, body] of Object.entries(shapes)) {
    if (!SHAPE_TYPES.has(body.type)) throw new Error(`${service} model: shape ${name} has unsupported type ${body.type}`);
    shapeIndex.set(name, { ...body, name } as Shape);
  }
  const checkRef = (ref: ShapeRef | undefined, where: string): void => {
    if (ref === undefined || !shapeIndex.has(ref.shape)) {
      throw new Error(`${service} model: ${where} refers to unknown shape ${ref?.shape}`);
    }
  };
  for (const shape of shapeIndex.values()) {
    if (shape.type === 'structure') {
      for (const [member, ref] of Object.entries(shape.members)) checkRef(ref, `${shape.name}.${member}`);
      for (const member of shape.required ?? []) {
        if (!Object.hasOwn(shape.members, member)) throw new Error(`${service} model: ${shape.name} requires unknown member ${member}`);
      }
    } else if (shape.type === 'list') {
      checkRef(shape.member, `${shape.name}.member`);
    } else if (shape.type === 'map') {
      checkRef(shape.key, `${shape.name}.key`);
      checkRef(shape.value, `${shape.name}.value`);
    }
  }
  const operationIndex = new Map<string, OperationModel>();
  for (const [name, body] of Object.entries(operations)) {
    if (body.input !== undefined) checkRef(body.input, `${name} input`);
    if (body.output !== undefined) checkRef(body.output, `${name} output`);
    for (const error of body.errors ?? []) checkRef(error, `${name} error`);
    operationIndex.set(name, { ...body, name });
  }
  return { service, metadata, operations: operationIndex, shapes: shapeIndex };
}

export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes.get(name);
  if (shape === undefined) throw new Error(`${model.service} model: unknown shape ${name}`);
  return shape;
}

export function operationNames(service: ServiceName): string[] {
  return [...loadServiceModel(service).operations.keys()];
}

/**
 * Which Query service (IAM or STS) defines this Action. Lets the server route a
 * request that carries no SigV4 credential scope, such as
 * AssumeRoleWithWebIdentity. Organizations is routed by X-Amz-Target instead.
 */
export function findServiceForAction(action: string): ServiceName | undefined {
  for (const service of SERVICE_NAMES) {
    const model = loadServiceModel(service);
    if (model.metadata.protocol === 'query' && model.operations.has(action)) return service;
  }
  return undefined;
}
