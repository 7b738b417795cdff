// Errors every AWS service of a protocol can answer, which the service models do
// not declare: authentication, routing, throttling and framework failures.
// Statuses follow AWS's "Common Errors" reference for Query APIs and the
// JSON-protocol (Coral) equivalents; the model-declared errors are in the models.
// Coral answers its authentication errors with 400 (UnrecognizedClientException,
// InvalidSignatureException, MissingAuthenticationTokenException, … as quoted from
// DynamoDB, Cognito and ECS responses), where the Query services answer 403.
//
// RequestEntityTooLarge(Exception), 413, is best effort: AWS documents no code for an
// IAM, STS or Organizations request over its size limit. The names follow the one AWS
// uses elsewhere for the same condition (Lambda's RequestEntityTooLargeException, 413).

export type ErrorFault = 'Sender' | 'Receiver';

export interface CommonErrorDefinition {
  readonly code: string;
  readonly httpStatus: number;
  readonly type: ErrorFault;
  /**
   * AWS answers errors raised before an operation is resolved (unknown or
   * missing Action) in its generic fault namespace instead of the service's.
   */
  readonly faultNamespace?: boolean;
}

/** Shared by the Query services (IAM, STS): XML `<ErrorResponse>` bodies. */
export const QUERY_COMMON_ERRORS = [
  { code: 'AccessDenied', httpStatus: 403, type: 'Sender' },
  { code: 'ExpiredToken', httpStatus: 403, type: 'Sender' },
  { code: 'IncompleteSignature', httpStatus: 400, type: 'Sender' },
  { code: 'InternalFailure', httpStatus: 500, type: 'Receiver' },
  { code: 'InvalidAction', httpStatus: 400, type: 'Sender', faultNamespace: true },
  { code: 'InvalidClientTokenId', httpStatus: 403, type: 'Sender' },
  { code: 'InvalidParameterCombination', httpStatus: 400, type: 'Sender' },
  { code: 'InvalidParameterValue', httpStatus: 400, type: 'Sender' },
  { code: 'InvalidQueryParameter', httpStatus: 400, type: 'Sender' },
  { code: 'MalformedQueryString', httpStatus: 404, type: 'Sender' },
  { code: 'MissingAction', httpStatus: 400, type: 'Sender', faultNamespace: true },
  { code: 'MissingAuthenticationToken', httpStatus: 403, type: 'Sender' },
  { code: 'MissingParameter', httpStatus: 400, type: 'Sender' },
  { code: 'NotImplemented', httpStatus: 501, type: 'Receiver' },
  { code: 'OptInRequired', httpStatus: 403, type: 'Sender' },
  { code: 'RequestEntityTooLarge', httpStatus: 413, type: 'Sender' },
  { code: 'RequestExpired', httpStatus: 400, type: 'Sender' },
  { code: 'ServiceUnavailable', httpStatus: 503, type: 'Receiver' },
  { code: 'SignatureDoesNotMatch', httpStatus: 403, type: 'Sender' },
  { code: 'Throttling', httpStatus: 400, type: 'Sender' },
  { code: 'ValidationError', httpStatus: 400, type: 'Sender' },
] as const satisfies readonly CommonErrorDefinition[];

/** Shared by the JSON 1.1 services (Organizations): `{"__type": …}` bodies. */
export const JSON_COMMON_ERRORS = [
  { code: 'ExpiredTokenException', httpStatus: 400, type: 'Sender' },
  { code: 'IncompleteSignatureException', httpStatus: 400, type: 'Sender' },
  { code: 'InternalFailure', httpStatus: 500, type: 'Receiver' },
  { code: 'InvalidSignatureException', httpStatus: 400, type: 'Sender' },
  { code: 'MissingAuthenticationTokenException', httpStatus: 400, type: 'Sender' },
  { code: 'NotImplemented', httpStatus: 501, type: 'Receiver' },
  { code: 'RequestEntityTooLargeException', httpStatus: 413, type: 'Sender' },
  { code: 'SerializationException', httpStatus: 400, type: 'Sender' },
  { code: 'ServiceUnavailable', httpStatus: 503, type: 'Receiver' },
  { code: 'ThrottlingException', httpStatus: 400, type: 'Sender' },
  { code: 'UnknownOperationException', httpStatus: 400, type: 'Sender' },
  { code: 'UnrecognizedClientException', httpStatus: 400, type: 'Sender' },
  { code: 'ValidationException', httpStatus: 400, type: 'Sender' },
] as const satisfies readonly CommonErrorDefinition[];

export type QueryCommonErrorCode = (typeof QUERY_COMMON_ERRORS)[number]['code'];
export type JsonCommonErrorCode = (typeof JSON_COMMON_ERRORS)[number]['code'];

/**
 * The same condition under its JSON-protocol code, so a stage shared by every
 * service (authentication, routing) can raise one code and each service answers
 * in its own dialect: InvalidClientTokenId from IAM is UnrecognizedClientException
 * from Organizations. The one translation table between the two dialects; the
 * serializers apply it to every error they write (errors.ts, inServiceDialect).
 */
const QUERY_TO_JSON: Readonly<Record<string, string>> = {
  AccessDenied: 'AccessDeniedException',
  ExpiredToken: 'ExpiredTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
  InvalidAction: 'UnknownOperationException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  MissingAction: 'UnknownOperationException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  RequestEntityTooLarge: 'RequestEntityTooLargeException',
  RequestExpired: 'InvalidSignatureException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  Throttling: 'ThrottlingException',
  ValidationError: 'ValidationException',
};

const JSON_TO_QUERY: Readonly<Record<string, string>> = {
  AccessDeniedException: 'AccessDenied',
  ExpiredTokenException: 'ExpiredToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  RequestEntityTooLargeException: 'RequestEntityTooLarge',
  ThrottlingException: 'Throttling',
  UnknownOperationException: 'InvalidAction',
  UnrecognizedClientException: 'InvalidClientTokenId',
  ValidationException: 'ValidationError',
};

export function equivalentErrorCode(code: string, protocol: 'query' | 'json'): string | undefined {
  const table = protocol === 'json' ? QUERY_TO_JSON : JSON_TO_QUERY;
  return Object.hasOwn(table, code) ? table[code] : undefined;
}
