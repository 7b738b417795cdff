// The protected services' AWS models (models/protected/*.json, botocore's format), read for
// what authorization needs: the protocol, each operation's HTTP binding (method, requestUri)
// and its input members with their wire locations (uri label, query string, header, body).
// Tessera does not validate these requests: the upstream does; this only finds the operation
// and the parameters that name resources and set condition keys.

import { readFileSync } from 'node:fs';
import { MODEL_FILES, type GatewayService } from './services.ts';

export type WireProtocol = 'rest-xml' | 'rest-json' | 'json' | 'query';

export interface MemberModel {
  readonly shape: string;
  /** `uri`, `querystring`, `header`, `headers` (a prefix map), or absent for the body. */
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  readonly locationName?: string;
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
}

export interface GatewayModel {
  readonly service: GatewayService;
  readonly protocol: WireProtocol;
  readonly targetPrefix?: string;
  readonly jsonVersion?: string;
  readonly apiVersion: string;
  readonly operations: ReadonlyMap<string, OperationBinding>;
  readonly shapes: ReadonlyMap<string, ShapeModel>;
}

const MODELS_DIR = new URL('../../models/protected/', import.meta.url);
const loaded = new Map<GatewayService, GatewayModel>();

interface RawModel {
  metadata: { protocol: WireProtocol; targetPrefix?: string; jsonVersion?: string; apiVersion: string };
  operations: Record<string, { http: { method: string; requestUri: string }; input?: { shape: string } }>;
  shapes: Record<string, ShapeModel>;
}

export function loadGatewayModel(service: GatewayService): GatewayModel {
  let model = loaded.get(service);
  if (model === undefined) {
    const raw = JSON.parse(readFileSync(new URL(MODEL_FILES[service], MODELS_DIR), 'utf8')) as RawModel;
    const operations = new Map<string, OperationBinding>();
    for (const [name, body] of Object.entries(raw.operations)) {
      operations.set(name, { name, method: body.http.method, requestUri: body.http.requestUri, ...(body.input ? { inputShape: body.input.shape } : {}) });
    }
    model = {
      service,
      protocol: raw.metadata.protocol,
      apiVersion: raw.metadata.apiVersion,
      ...(raw.metadata.targetPrefix ? { targetPrefix: raw.metadata.targetPrefix } : {}),
      ...(raw.metadata.jsonVersion ? { jsonVersion: raw.metadata.jsonVersion } : {}),
      operations,
      shapes: new Map(Object.entries(raw.shapes)),
    };
    loaded.set(service, model);
  }
  return model;
}

/** The input structure's members of an operation (empty when it takes none). */
export function inputMembers(model: GatewayModel, operation: OperationBinding): Readonly<Record<string, MemberModel>> {
  if (operation.inputShape === undefined) return {};
  return model.shapes.get(operation.inputShape)?.members ?? {};
}

export function inputShape(model: GatewayModel, operation: OperationBinding): ShapeModel | undefined {
  return operation.inputShape === undefined ? undefined : model.shapes.get(operation.inputShape);
}
