// Errors are data: one registry per service of every code it can answer (the
// errors its model declares plus the protocol's common errors), each with its
// HTTP status and fault. Handlers raise them through the typed factory, so a
// misspelt code fails type-checking instead of reaching a client.

import {
  equivalentErrorCode,
  JSON_COMMON_ERRORS,
  QUERY_COMMON_ERRORS,
  type CommonErrorDefinition,
  type ErrorFault,
  type JsonCommonErrorCode,
  type QueryCommonErrorCode,
} from './common-errors.ts';
import type { ErrorCode as CloudTrailModeledErrorCode } from './generated/cloudtrail.ts';
import type { ErrorCode as IamModeledErrorCode } from './generated/iam.ts';
import type { ErrorCode as OrganizationsModeledErrorCode } from './generated/organizations.ts';
import type { ErrorCode as StsModeledErrorCode } from './generated/sts.ts';
import type { ErrorCode as TesseraModeledErrorCode } from './generated/tessera.ts';
import { loadServiceModel, type ServiceModel, type ServiceName, type StructureShape } from './model.ts';

export type { ErrorFault } from './common-errors.ts';

export interface ErrorDefinition {
  readonly code: string;
  readonly httpStatus: number;
  readonly type: ErrorFault;
  /** The model shape declaring the error; absent for protocol-wide errors. */
  readonly shape?: string;
  readonly faultNamespace: boolean;
}

/** Every code each service may answer, checked at compile time by `serviceError`. */
export interface ServiceErrorCodes {
  iam: IamModeledErrorCode | QueryCommonErrorCode;
  sts: StsModeledErrorCode | QueryCommonErrorCode;
  organizations: OrganizationsModeledErrorCode | JsonCommonErrorCode;
  cloudtrail: CloudTrailModeledErrorCode | JsonCommonErrorCode;
  tessera: TesseraModeledErrorCode | JsonCommonErrorCode;
}

export type ErrorCodeOf<S extends ServiceName> = ServiceErrorCodes[S];

export interface ServiceErrorInit {
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number;
  readonly type: ErrorFault;
  readonly service?: ServiceName;
  /** Further members of the error shape, e.g. Organizations' `Reason`. */
  readonly fields?: Readonly<Record<string, string>>;
}

export class ServiceError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly type: ErrorFault;
  readonly service: ServiceName | undefined;
  readonly fields: Readonly<Record<string, string>>;

  constructor(init: ServiceErrorInit) {
    super(init.message);
    this.name = 'ServiceError';
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.type = init.type;
    this.service = init.service;
    this.fields = init.fields ?? {};
  }
}

/** AWS's wording for InternalFailure; the real cause is for the logs, never the client. */
export const INTERNAL_FAILURE_MESSAGE =
  'The request processing has failed because of an unknown error, exception or failure.';

const registries = new Map<ServiceName, ReadonlyMap<string, ErrorDefinition>>();

/** The error code of a modeled exception shape, as its protocol puts it on the wire. */
export function modeledErrorCode(shape: StructureShape): string {
  return shape.error?.code ?? shape.name;
}

function modeledDefinition(shape: StructureShape): ErrorDefinition {
  const sender = shape.error !== undefined ? shape.error.senderFault === true : shape.fault !== true;
  return {
    code: modeledErrorCode(shape),
    httpStatus: shape.error?.httpStatusCode ?? (sender ? 400 : 500),
    type: sender ? 'Sender' : 'Receiver',
    shape: shape.name,
    faultNamespace: false,
  };
}

/** Build a registry from a model: its exception shapes, then the protocol's common errors. */
export function buildErrorRegistry(model: ServiceModel): ReadonlyMap<string, ErrorDefinition> {
  const registry = new Map<string, ErrorDefinition>();
  for (const shape of model.shapes.values()) {
    if (shape.type === 'structure' && shape.exception === true) {
      const definition = modeledDefinition(shape);
      if (!registry.has(definition.code)) registry.set(definition.code, definition);
    }
  }
  const common: readonly CommonErrorDefinition[] =
    model.metadata.protocol === 'query' ? QUERY_COMMON_ERRORS : JSON_COMMON_ERRORS;
  for (const definition of common) {
    // A service's own declaration of a code wins over the generic one.
    if (!registry.has(definition.code)) {
      registry.set(definition.code, { ...definition, faultNamespace: definition.faultNamespace === true });
    }
  }
  return registry;
}

export function errorRegistry(service: ServiceName): ReadonlyMap<string, ErrorDefinition> {
  let registry = registries.get(service);
  if (registry === undefined) {
    registry = buildErrorRegistry(loadServiceModel(service));
    registries.set(service, registry);
  }
  return registry;
}

export function findErrorDefinition(service: ServiceName, code: string): ErrorDefinition | undefined {
  return errorRegistry(service).get(code);
}

/** A code of this service, or failing that its protocol's equivalent of a common code. */
function resolveErrorDefinition(service: ServiceName, code: string): ErrorDefinition | undefined {
  const direct = findErrorDefinition(service, code);
  if (direct !== undefined) return direct;
  const equivalent = equivalentErrorCode(code, loadServiceModel(service).metadata.protocol);
  return equivalent === undefined ? undefined : findErrorDefinition(service, equivalent);
}

/**
 * The one way handlers raise AWS errors:
 * `throw serviceError('iam', 'NoSuchEntity', 'The user with name bob cannot be found.')`.
 * Called with a union of services (a stage shared by all), a common code such as
 * InvalidClientTokenId becomes the service's protocol equivalent.
 */
export function serviceError<S extends ServiceName>(
  service: S,
  code: ErrorCodeOf<S>,
  message: string,
  fields?: Readonly<Record<string, string>>,
): ServiceError {
  const definition = resolveErrorDefinition(service, code);
  if (definition === undefined) throw new Error(`${service} has no error code ${code}`);
  return new ServiceError({
    code: definition.code,
    message,
    httpStatus: definition.httpStatus,
    type: definition.type,
    service,
    ...(fields === undefined ? {} : { fields }),
  });
}

/**
 * An error as its service answers it. Stages every service shares (authentication, the
 * front door) raise AWS's SigV4 and Query codes; a JSON service answers the same condition
 * under its own code, status and fault from its registry (SignatureDoesNotMatch, 403, is
 * InvalidSignatureException, 400, from Organizations). A code the service knows keeps the
 * status it was raised with (SigV4 sets AWS's exact one); a code neither the service nor
 * its protocol's equivalent knows passes unchanged. Idempotent. `service` is the one
 * answering (the error's own by default).
 */
export function inServiceDialect(error: ServiceError, service: ServiceName | undefined = error.service): ServiceError {
  if (service === undefined) return error;
  const definition = resolveErrorDefinition(service, error.code);
  if (definition === undefined || definition.code === error.code) return error;
  return new ServiceError({
    code: definition.code,
    message: error.message,
    httpStatus: definition.httpStatus,
    type: definition.type,
    service,
    fields: error.fields,
  });
}

/** Anything thrown that is not a ServiceError becomes a generic InternalFailure. */
export function toServiceError(error: unknown, service?: ServiceName): ServiceError {
  if (error instanceof ServiceError) return error;
  return new ServiceError({
    code: 'InternalFailure',
    message: INTERNAL_FAILURE_MESSAGE,
    httpStatus: 500,
    type: 'Receiver',
    ...(service === undefined ? {} : { service }),
  });
}
