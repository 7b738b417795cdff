// The protected services' AWS models (models/protected/*.json, botocore's format), read for
// what authorization needs: the protocol, each operation's HTTP binding (method, requestUri)
// and its input members with their wire locations (uri label, query string, header, body).
// Tessera does not validate these requests: the upstream does; this only finds the operation
// and the parameters that name resources and set condition keys.
//
// A service may have companion models signed under its name: DynamoDB Streams is its own API
// (`DynamoDBStreams_20120810.*`, models/protected/dynamodbstreams-2012-08-10.json) signed as
// `dynamodb`, whose actions are `dynamodb:` actions. Its operations join the service's model,
// each keeping its own X-Amz-Target prefix and its own shapes (the two models share shape names
// that differ: KeySchema).

import { readFileSync } from 'node:fs';
import { MODEL_FILES, type GatewayService } from './services.ts';

/**
 * `ec2` is EC2's Query dialect: flattened lists (`InstanceId.1`), members by `queryName` or
 * capitalized `locationName`. `rpc-v2-cbor` is Smithy RPC v2 CBOR (CloudWatch's newest form):
 * recognised so that it is refused in its own format, never read (see identify.ts).
 */
export type WireProtocol = 'rest-xml' | 'rest-json' | 'json' | 'query' | 'ec2' | 'rpc-v2-cbor';

/**
 * The protocols the gateway reads, in the order a model's `protocols` list is searched for the
 * one it is identified by (botocore's priority: JSON first). `smithy-rpc-v2-cbor` is not one:
 * a model listing it is read by the next it lists.
 */
const READ_PROTOCOLS: readonly WireProtocol[] = ['json', 'rest-json', 'rest-xml', 'query', 'ec2'];

export interface MemberModel {
  readonly shape: string;
  /** `uri`, `querystring`, `header`, `headers` (a prefix map), or absent for the body. */
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  readonly locationName?: string;
  /** EC2: the member's name on the wire (before its capitalized locationName). */
  readonly queryName?: string;
}

export interface ShapeModel {
  readonly type: string;
  readonly members?: Readonly<Record<string, MemberModel>>;
  readonly required?: readonly string[];
  readonly member?: { readonly shape: string; readonly locationName?: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly payload?: string;
}

export interface OperationBinding {
  readonly name: string;
  readonly method: string;
  readonly requestUri: string;
  readonly inputShape?: string;
  /** JSON protocol: the X-Amz-Target prefix the operation is called with (its own model's). */
  readonly targetPrefix?: string;
  /** The shapes of the operation's own model (a companion's differ from the service's). */
  readonly shapes: ReadonlyMap<string, ShapeModel>;
}

export interface GatewayModel {
  readonly service: GatewayService;
  /** The protocol the service is read and answered in by default (the model's, or the first of its `protocols` the gateway reads). */
  readonly protocol: WireProtocol;
  /**
   * The service still takes its older Query form (`Action=…`) beside JSON (the model's
   * `awsQueryCompatible`: SQS, CloudWatch): a request without X-Amz-Target is read as Query,
   * and JSON errors carry the Query code in `x-amzn-query-error`.
   */
  readonly queryCompatible: boolean;
  /** The model lists Smithy RPC v2 CBOR among its protocols (CloudWatch): such requests are refused in CBOR. */
  readonly cbor: boolean;
  readonly targetPrefix?: string;
  /** Every X-Amz-Target prefix of the service's operations: its own, then its companions'. */
  readonly targetPrefixes: readonly string[];
  readonly jsonVersion?: string;
  readonly apiVersion: string;
  /** The service's operations and its companion models', by name (names never collide). */
  readonly operations: ReadonlyMap<string, OperationBinding>;
  readonly shapes: ReadonlyMap<string, ShapeModel>;
}

const MODELS_DIR = new URL('../../models/protected/', import.meta.url);
const loaded = new Map<GatewayService, GatewayModel>();

/**
 * Models of other APIs signed under a service's name, whose operations are authorized as that
 * service's (their IAM actions carry its prefix). They must speak the service's protocol and
 * JSON version, with their own X-Amz-Target prefix.
 */
export const COMPANION_MODELS: Readonly<Partial<Record<GatewayService, readonly string[]>>> = {
  dynamodb: ['dynamodbstreams-2012-08-10.json'],
};

interface RawModel {
  metadata: { protocol: string; protocols?: string[]; awsQueryCompatible?: object; targetPrefix?: string; jsonVersion?: string; apiVersion: string };
  operations: Record<string, { http: { method: string; requestUri: string }; input?: { shape: string } }>;
  shapes: Record<string, ShapeModel>;
}

function readModel(file: string): RawModel {
  return JSON.parse(readFileSync(new URL(file, MODELS_DIR), 'utf8')) as RawModel;
}

function addOperations(operations: Map<string, OperationBinding>, raw: RawModel, shapes: ReadonlyMap<string, ShapeModel>, file: string): void {
  for (const [name, body] of Object.entries(raw.operations)) {
    if (operations.has(name)) throw new Error(`${file}: operation ${name} is already another model's`);
    operations.set(name, {
      name,
      method: body.http.method,
      requestUri: body.http.requestUri,
      ...(body.input ? { inputShape: body.input.shape } : {}),
      ...(raw.metadata.targetPrefix ? { targetPrefix: raw.metadata.targetPrefix } : {}),
      shapes,
    });
  }
}

export function loadGatewayModel(service: GatewayService): GatewayModel {
  let model = loaded.get(service);
  if (model === undefined) {
    const raw = readModel(MODEL_FILES[service]);
    const shapes = new Map(Object.entries(raw.shapes));
    const operations = new Map<string, OperationBinding>();
    addOperations(operations, raw, shapes, MODEL_FILES[service]);
    const targetPrefixes = raw.metadata.targetPrefix ? [raw.metadata.targetPrefix] : [];
    for (const file of COMPANION_MODELS[service] ?? []) {
      const companion = readModel(file);
      const { protocol, jsonVersion, targetPrefix } = companion.metadata;
      if (protocol !== raw.metadata.protocol || jsonVersion !== raw.metadata.jsonVersion || targetPrefix === undefined || targetPrefixes.includes(targetPrefix)) {
        throw new Error(`${file}: a companion model of ${service} must speak its protocol with its own X-Amz-Target prefix`);
      }
      targetPrefixes.push(targetPrefix);
      addOperations(operations, companion, new Map(Object.entries(companion.shapes)), file);
    }
    model = {
      service,
      protocol: readProtocol(raw, MODEL_FILES[service]),
      queryCompatible: raw.metadata.awsQueryCompatible !== undefined,
      cbor: (raw.metadata.protocols ?? [raw.metadata.protocol]).includes('smithy-rpc-v2-cbor'),
      apiVersion: raw.metadata.apiVersion,
      ...(raw.metadata.targetPrefix ? { targetPrefix: raw.metadata.targetPrefix } : {}),
      targetPrefixes,
      ...(raw.metadata.jsonVersion ? { jsonVersion: raw.metadata.jsonVersion } : {}),
      operations,
      shapes,
    };
    loaded.set(service, model);
  }
  return model;
}

/** The model's protocol when the gateway reads it, else the first of its `protocols` it reads (CloudWatch: `json`). */
function readProtocol(raw: RawModel, file: string): WireProtocol {
  const listed = raw.metadata.protocols ?? [raw.metadata.protocol];
  const found = READ_PROTOCOLS.find((protocol) => listed.includes(protocol));
  if (found === undefined) throw new Error(`${file}: none of its protocols (${listed.join(', ')}) is one the gateway reads`);
  return found;
}

/** The input structure's members of an operation (empty when it takes none), from its own model. */
export function inputMembers(_model: GatewayModel, operation: OperationBinding): Readonly<Record<string, MemberModel>> {
  if (operation.inputShape === undefined) return {};
  return operation.shapes.get(operation.inputShape)?.members ?? {};
}

export function inputShape(_model: GatewayModel, operation: OperationBinding): ShapeModel | undefined {
  return operation.inputShape === undefined ? undefined : operation.shapes.get(operation.inputShape);
}
