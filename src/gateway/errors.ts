// The gateway's refusals in the protected service's own error format: S3's REST-XML
// `<Error><Code>…`, JSON 1.0/1.1 `__type`, the Query protocol's `<ErrorResponse>`, REST-JSON's
// `x-amzn-ErrorType`. A client's SDK reads each as it reads the real service's errors.

import { escapeXml } from '../protocol/xml.ts';
import { encodeTextMap } from './wire/cbor.ts';
import { loadGatewayModel, type WireProtocol } from './model.ts';
import { isGatewayService, type GatewayService } from './services.ts';

/** A refusal: AWS's code, message and HTTP status, and further members (S3's `<BucketName>`). */
export interface GatewayFailure {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  readonly fields?: Readonly<Record<string, string>>;
  /** SQS's JSON protocol: the Query code its `x-amzn-query-error` header names, when it differs from `code`. */
  readonly queryCode?: string;
  /**
   * CloudWatch: `code` is the Query code, and this the `__type` its JSON and CBOR protocols
   * send (the Query code then in `x-amzn-query-error`).
   */
  readonly jsonCode?: string;
}

export class GatewayError extends Error {
  readonly failure: GatewayFailure;
  constructor(failure: GatewayFailure) {
    super(failure.message);
    this.name = 'GatewayError';
    this.failure = failure;
  }
}

export function gatewayError(code: string, message: string, status: number, fields?: Readonly<Record<string, string>>): GatewayError {
  return new GatewayError({ code, message, status, ...(fields ? { fields } : {}) });
}

/** How a refusal of `service` is written: its model's protocol, or — for a service Tessera has no model of — a guess from the request. */
export function protocolOf(service: string, headers: { has(name: string): boolean; get?(name: string): string | undefined }, path?: string): WireProtocol {
  if (isGatewayService(service)) {
    const model = loadGatewayModel(service);
    // CloudWatch's Smithy RPC v2 CBOR clients are answered in CBOR (refused: identify.ts).
    if (model.cbor && (headers.get?.('smithy-protocol')?.toLowerCase() === 'rpc-v2-cbor' || path?.startsWith('/service/'))) return 'rpc-v2-cbor';
    // SQS and CloudWatch speak JSON to clients that send X-Amz-Target and Query to the others.
    if (model.queryCompatible && !headers.has('x-amz-target')) return 'query';
    return model.protocol;
  }
  return headers.has('x-amz-target') ? 'json' : 'query';
}

/** Each service's answer to a request its policies do not allow (code and status as the service sends them). */
const ACCESS_DENIED: Readonly<Record<GatewayService, { code: string; status: number }>> = {
  s3: { code: 'AccessDenied', status: 403 },
  sqs: { code: 'AccessDenied', status: 403 },
  sns: { code: 'AuthorizationError', status: 403 },
  dynamodb: { code: 'AccessDeniedException', status: 400 },
  kms: { code: 'AccessDeniedException', status: 400 },
  lambda: { code: 'AccessDeniedException', status: 403 },
  secretsmanager: { code: 'AccessDeniedException', status: 400 },
  ssm: { code: 'AccessDeniedException', status: 400 },
  logs: { code: 'AccessDeniedException', status: 400 },
  ec2: { code: 'UnauthorizedOperation', status: 403 },
  monitoring: { code: 'AccessDenied', status: 403 },
};

/**
 * EC2 opens its refusals with a sentence of its own, then AWS's text, then (always) the encoded
 * authorization failure message: "You are not authorized to perform this operation. User: … is
 * not authorized to perform: ec2:StopInstances on resource: … because no identity-based policy
 * allows the ec2:StopInstances action. Encoded authorization failure message: …".
 */
export const EC2_UNAUTHORIZED = 'You are not authorized to perform this operation.';

/** Services whose every refusal carries the encoded authorization failure message (sts:DecodeAuthorizationMessage), as EC2's do. */
export const ENCODES_EVERY_DENIAL: ReadonlySet<string> = new Set(['ec2']);

export function accessDenied(service: string, message: string): GatewayError {
  const denied = isGatewayService(service) ? ACCESS_DENIED[service] : { code: 'AccessDenied', status: 403 };
  // EC2 ends AWS's sentence with a full stop before the encoded message.
  if (service === 'ec2') return gatewayError(denied.code, message === 'Access Denied' ? EC2_UNAUTHORIZED : `${EC2_UNAUTHORIZED} ${message.replace(' Encoded authorization failure message: ', '. Encoded authorization failure message: ')}`, denied.status);
  // CloudWatch's JSON protocol names it AccessDeniedException, with the Query code (AccessDenied) in x-amzn-query-error.
  if (service === 'monitoring') return new GatewayError({ code: denied.code, message, status: denied.status, jsonCode: 'AccessDeniedException' });
  return gatewayError(denied.code, message, denied.status);
}

/**
 * Each service's answer to a request that carries no authentication at all (no Authorization
 * header, no presigned query), as AWS's front doors answer it:
 *  - the Query services (SNS; SQS's Query form) `MissingAuthenticationToken`, 403 (AWS "Common
 *    Errors" of the Query APIs), "Request is missing Authentication Token" (the Query front
 *    door's text, as STS answers it);
 *  - DynamoDB `MissingAuthenticationTokenException`, 400, "Request is missing Authentication Token";
 *  - KMS, Secrets Manager, SSM and CloudWatch Logs (JSON 1.1) `MissingAuthenticationTokenException`,
 *    400, "Missing Authentication Token" (as Secrets Manager answers it);
 *  - Lambda (REST-JSON) `x-amzn-ErrorType: MissingAuthenticationTokenException`, 403,
 *    `{"message":"Missing Authentication Token"}`;
 *  - SQS's JSON protocol `MissingAuthenticationTokenException` with SQS's Query status (403) and
 *    Query code in `x-amzn-query-error` (`MissingAuthenticationToken;Sender`), as SQS pairs them;
 *  - EC2 `AuthFailure`, 401, "AWS was not able to validate the provided access credentials" (EC2
 *    answers an unsigned call as one whose credentials it cannot validate);
 *  - CloudWatch `MissingAuthenticationToken`, 403, "Request is missing Authentication Token" in
 *    every protocol: Query's `<ErrorResponse>`, JSON's `MissingAuthenticationTokenException` with
 *    `x-amzn-query-error: MissingAuthenticationToken;Sender` (as SQS pairs them).
 */
export function missingAuthentication(service: GatewayService, protocol: WireProtocol): GatewayFailure {
  switch (service) {
    case 'ec2':
      return EC2_AUTH_FAILURE;
    case 'sqs':
      return protocol === 'json'
        ? { code: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token', status: 403, queryCode: 'MissingAuthenticationToken' }
        : { code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token', status: 403 };
    case 'sns':
      return { code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token', status: 403 };
    case 'monitoring':
      return { code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token', status: 403, jsonCode: 'MissingAuthenticationTokenException' };
    case 'dynamodb':
      return { code: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token', status: 400 };
    case 'lambda':
      return { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token', status: 403 };
    default:
      return { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token', status: 400 };
  }
}

/**
 * SigV4 and credential failures (raised with STS's and IAM's codes) as the protected service
 * answers them: S3 names an unknown key InvalidAccessKeyId, a session token it cannot open
 * InvalidToken (400), a request outside the time window RequestTimeTooSkewed, and an expired presigned URL
 * AccessDenied "Request has expired" and an expired session token ExpiredToken (400, "The
 * provided token has expired."); the JSON services answer UnrecognizedClientException,
 * InvalidSignatureException and ExpiredTokenException (400).
 */
export interface FailureCause {
  /** The session token could not be opened (or is another key's): S3 says InvalidToken, not InvalidAccessKeyId. */
  readonly sessionToken?: boolean;
  /** SigV4's further elements of the failure (the clock-skew refusal's times). */
  readonly details?: Readonly<Record<string, string>>;
}

export function inServiceDialect(service: string, protocol: WireProtocol, failure: GatewayFailure, cause: FailureCause = {}): GatewayFailure {
  if (protocol === 'ec2') {
    // EC2 names an unknown or unusable key AuthFailure (401); a wrong signature keeps SigV4's code.
    switch (failure.code) {
      case 'InvalidClientTokenId':
      case 'MissingAuthenticationToken':
        return EC2_AUTH_FAILURE;
      default:
        return failure;
    }
  }
  if (service === 's3') {
    switch (failure.code) {
      case 'InvalidClientTokenId':
        if (cause.sessionToken) return { ...failure, code: 'InvalidToken', message: 'The provided token is malformed or otherwise invalid.', status: 400 };
        return { ...failure, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
      case 'SignatureDoesNotMatch':
        return s3SignatureRefusal(failure, cause);
      case 'IncompleteSignature':
        return s3IncompleteSignature(failure);
      case 'RequestExpired':
        return { ...failure, code: 'AccessDenied', message: 'Request has expired', status: 403 };
      case 'MissingAuthenticationToken':
        return { ...failure, code: 'AccessDenied', status: 403 };
      case 'ExpiredToken':
        return { ...failure, message: 'The provided token has expired.', status: 400 };
      default:
        return failure;
    }
  }
  if (protocol === 'json' && isGatewayService(service) && loadGatewayModel(service).queryCompatible) {
    // SQS and CloudWatch are Query-compatible: their JSON answer's __type is the exception, the
    // Query code (and its status: SignatureDoesNotMatch and InvalidClientTokenId are 403, as the
    // Query form answers them) stays in x-amzn-query-error, which the SDKs read first — so code
    // written against the Query codes keeps working, as AccessDenied does.
    switch (failure.code) {
      case 'InvalidClientTokenId':
        return { ...failure, jsonCode: 'UnrecognizedClientException' };
      case 'SignatureDoesNotMatch':
        return { ...failure, jsonCode: 'InvalidSignatureException' };
      case 'MissingAuthenticationToken':
        return { ...failure, jsonCode: 'MissingAuthenticationTokenException' };
      case 'IncompleteSignature':
        return { ...failure, jsonCode: 'IncompleteSignatureException' };
      case 'ExpiredToken':
        return { ...failure, jsonCode: 'ExpiredTokenException' };
      default:
        return failure;
    }
  }
  if (protocol === 'json' || protocol === 'rest-json') {
    switch (failure.code) {
      case 'InvalidClientTokenId':
        return { ...failure, code: 'UnrecognizedClientException', status: 400 };
      case 'SignatureDoesNotMatch':
        return { ...failure, code: 'InvalidSignatureException', status: 400 };
      case 'MissingAuthenticationToken':
        return { ...failure, code: 'MissingAuthenticationTokenException', status: 400 };
      case 'IncompleteSignature':
        return { ...failure, code: 'IncompleteSignatureException', status: 400 };
      case 'ExpiredToken':
        return { ...failure, code: 'ExpiredTokenException', status: 400 };
      default:
        return failure;
    }
  }
  return failure;
}

/**
 * S3's words for SigV4's SignatureDoesNotMatch refusals that are not a wrong signature: a
 * request outside the time window is RequestTimeTooSkewed (403) with the request's and the
 * server's times, and a scope whose date is not X-Amz-Date's is AuthorizationHeaderMalformed
 * (400) — the texts S3 answers (sigv4/errors.ts writes the ones IAM and STS answer).
 */
function s3SignatureRefusal(failure: GatewayFailure, cause: FailureCause): GatewayFailure {
  if (/^Signature (expired|not yet current): /.test(failure.message)) {
    return { code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.', status: 403, ...(cause.details ? { fields: cause.details } : {}) };
  }
  if (failure.message.startsWith('Date in Credential scope does not match')) {
    return { code: 'AuthorizationHeaderMalformed', message: 'The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.', status: 400 };
  }
  return failure;
}

/**
 * S3's words for an incomplete Authorization header: a request with neither X-Amz-Date nor
 * Date is AccessDenied (403) "AWS authentication requires a valid Date or x-amz-date header";
 * a header missing Credential, SignedHeaders or Signature is AuthorizationHeaderMalformed (400).
 */
function s3IncompleteSignature(failure: GatewayFailure): GatewayFailure {
  if (/^Authorization header requires '/.test(failure.message)) {
    return { code: 'AuthorizationHeaderMalformed', message: 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.', status: 400 };
  }
  if (failure.message.startsWith("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")) {
    return { code: 'AccessDenied', message: 'AWS authentication requires a valid Date or x-amz-date header', status: 403 };
  }
  return failure;
}

const EC2_AUTH_FAILURE: GatewayFailure = { code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials', status: 401 };

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  /** The body as text (empty when it is `binary`). */
  body: string;
  /** A binary body (Smithy RPC v2 CBOR), sent in place of `body`. */
  binary?: Buffer;
}

const QUERY_NAMESPACES: Readonly<Record<string, string>> = {
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  sqs: 'http://queue.amazonaws.com/doc/2012-11-05/',
  monitoring: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
};

/** A refusal written as the service writes its errors; a HEAD request gets no body, as S3 sends none. */
export function renderError(service: string, protocol: WireProtocol, failure: GatewayFailure, requestId: string, method: string): RenderedError {
  const status = failure.status;
  const headless = method.toUpperCase() === 'HEAD';
  switch (protocol) {
    case 'rest-xml': {
      const extra = Object.entries(failure.fields ?? {}).map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('');
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(failure.code)}</Code><Message>${escapeXml(failure.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
      return { status, headers: { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': requestId }, body: headless ? '' : body };
    }
    case 'json': {
      const version = isGatewayService(service) ? (loadGatewayModel(service).jsonVersion ?? '1.0') : '1.1';
      const headers: Record<string, string> = { 'Content-Type': `application/x-amz-json-${version}`, 'x-amzn-RequestId': requestId };
      // SQS's and CloudWatch's JSON protocols are Query-compatible: SDKs read the Query code from this header.
      if (isGatewayService(service) && loadGatewayModel(service).queryCompatible) headers['x-amzn-query-error'] = `${failure.queryCode ?? failure.code};${status >= 500 ? 'Receiver' : 'Sender'}`;
      return { status, headers, body: JSON.stringify({ __type: failure.jsonCode ?? failure.code, message: failure.message, ...failure.fields }) };
    }
    case 'rpc-v2-cbor': {
      // Smithy RPC v2 CBOR: a CBOR map with __type and message, `smithy-protocol: rpc-v2-cbor`
      // (clients reject an answer without it), the Query code in x-amzn-query-error.
      const headers: Record<string, string> = {
        'Content-Type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', 'x-amzn-RequestId': requestId,
        'x-amzn-query-error': `${failure.queryCode ?? failure.code};${status >= 500 ? 'Receiver' : 'Sender'}`,
      };
      return { status, headers, body: '', binary: encodeTextMap({ __type: failure.jsonCode ?? failure.code, message: failure.message, ...failure.fields }) };
    }
    case 'rest-json': {
      const body = failure.code === 'MissingAuthenticationTokenException'
        ? { message: failure.message } // Lambda's front door answers the message alone
        : { Type: status >= 500 ? 'Service' : 'User', message: failure.message, ...failure.fields };
      return {
        status,
        headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': failure.code },
        body: headless ? '' : JSON.stringify(body),
      };
    }
    case 'ec2': {
      // EC2's own error document: `<Response><Errors><Error>…</Error></Errors><RequestID>`.
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(failure.code)}</Code><Message>${escapeXml(failure.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
      return { status, headers: { 'Content-Type': 'text/xml;charset=UTF-8' }, body: headless ? '' : body };
    }
    case 'query': {
      const namespace = QUERY_NAMESPACES[service] ?? `https://${escapeXml(service)}.amazonaws.com/doc/`;
      const body = `<?xml version="1.0"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(failure.code)}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return { status, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId }, body };
    }
  }
}
