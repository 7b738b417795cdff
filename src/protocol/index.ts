// The AWS protocol layer: one model-driven codec for the Query protocol (IAM,
// STS: form parameters in, XML out) and JSON 1.1 (Organizations), with AWS's
// validation messages and error documents. Pure apart from reading the models.

export {
  findServiceForAction,
  loadServiceModel,
  operationNames,
  SERVICE_NAMES,
  type OperationModel,
  type QueryServiceName,
  type ServiceModel,
  type ServiceName,
  type Shape,
} from './model.ts';
export {
  errorRegistry,
  inServiceDialect,
  INTERNAL_FAILURE_MESSAGE,
  ServiceError,
  serviceError,
  toServiceError,
  type ErrorCodeOf,
  type ErrorDefinition,
  type ErrorFault,
  type ServiceErrorInit,
} from './errors.ts';
export { parseQueryRequest, type ParsedQueryRequest, type QueryParams } from './query-parser.ts';
export { validateInput } from './validate.ts';
export {
  AWS_FAULT_NAMESPACE,
  QUERY_CONTENT_TYPE,
  queryErrorResponse,
  serializeQueryError,
  serializeQueryResponse,
} from './query-serializer.ts';
export {
  JSON_CONTENT_TYPE,
  parseJsonRequest,
  serializeJsonError,
  serializeJsonResponse,
  type ParsedJsonRequest,
} from './json-codec.ts';
export type * as IamTypes from './generated/iam.ts';
export type * as StsTypes from './generated/sts.ts';
export type * as OrganizationsTypes from './generated/organizations.ts';
