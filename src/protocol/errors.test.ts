import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  errorRegistry,
  inServiceDialect,
  INTERNAL_FAILURE_MESSAGE,
  modeledErrorCode,
  ServiceError,
  serviceError,
  toServiceError,
} from './errors.ts';
import { loadServiceModel, SERVICE_NAMES, shapeOf, type ServiceName } from './model.ts';

describe('error registry', () => {
  it('holds every error every operation of every model declares, with the model\'s status', () => {
    let checked = 0;
    for (const service of SERVICE_NAMES) {
      const model = loadServiceModel(service);
      const registry = errorRegistry(service);
      for (const operation of model.operations.values()) {
        for (const ref of operation.errors ?? []) {
          const shape = shapeOf(model, ref.shape);
          assert.equal(shape.type, 'structure');
          if (shape.type !== 'structure') continue;
          const definition = registry.get(modeledErrorCode(shape));
          assert.ok(definition, `${service} ${operation.name}: ${ref.shape} is not registered`);
          if (shape.error?.httpStatusCode !== undefined) assert.equal(definition.httpStatus, shape.error.httpStatusCode, ref.shape);
          checked += 1;
        }
      }
    }
    assert.ok(checked > 500, `only ${checked} error references checked`);
  });

  const expected: [ServiceName, string, number, 'Sender' | 'Receiver'][] = [
    ['iam', 'NoSuchEntity', 404, 'Sender'],
    ['iam', 'EntityAlreadyExists', 409, 'Sender'],
    ['iam', 'LimitExceeded', 409, 'Sender'],
    ['iam', 'DeleteConflict', 409, 'Sender'],
    ['iam', 'MalformedPolicyDocument', 400, 'Sender'],
    ['iam', 'InvalidInput', 400, 'Sender'],
    ['iam', 'ServiceFailure', 500, 'Receiver'],
    ['iam', 'AccountNotManagementOrDelegatedAdministratorException', 400, 'Sender'],
    ['sts', 'ExpiredTokenException', 400, 'Sender'],
    ['sts', 'PackedPolicyTooLarge', 400, 'Sender'],
    ['sts', 'RegionDisabledException', 403, 'Sender'],
    ['iam', 'AccessDenied', 403, 'Sender'],
    ['iam', 'InvalidAction', 400, 'Sender'],
    ['iam', 'MissingAction', 400, 'Sender'],
    ['iam', 'ValidationError', 400, 'Sender'],
    ['iam', 'InternalFailure', 500, 'Receiver'],
    ['iam', 'ServiceUnavailable', 503, 'Receiver'],
    ['sts', 'MissingAuthenticationToken', 403, 'Sender'],
    ['sts', 'IncompleteSignature', 400, 'Sender'],
    ['sts', 'SignatureDoesNotMatch', 403, 'Sender'],
    ['sts', 'InvalidClientTokenId', 403, 'Sender'],
    ['sts', 'ExpiredToken', 403, 'Sender'],
    ['sts', 'MalformedQueryString', 404, 'Sender'],
    ['iam', 'Throttling', 400, 'Sender'],
    ['iam', 'NotImplemented', 501, 'Receiver'],
    ['organizations', 'AccessDeniedException', 400, 'Sender'],
    ['organizations', 'ServiceException', 500, 'Receiver'],
    ['organizations', 'UnrecognizedClientException', 400, 'Sender'],
  ];
  for (const [service, code, status, type] of expected) {
    it(`${service} ${code} is ${status} ${type}`, () => {
      const definition = errorRegistry(service).get(code);
      assert.equal(definition?.httpStatus, status);
      assert.equal(definition?.type, type);
    });
  }

  it('keeps Query and JSON common errors apart', () => {
    assert.equal(errorRegistry('organizations').has('AccessDenied'), false);
    assert.equal(errorRegistry('iam').has('UnrecognizedClientException'), false);
    assert.equal(errorRegistry('iam').get('InvalidAction')?.faultNamespace, true);
    assert.equal(errorRegistry('iam').get('NoSuchEntity')?.faultNamespace, false);
  });
});

describe('serviceError', () => {
  it('builds a ServiceError from the registry', () => {
    const error = serviceError('iam', 'NoSuchEntity', 'The user with name bob cannot be found.');
    assert.ok(error instanceof ServiceError);
    assert.ok(error instanceof Error);
    assert.deepEqual(
      [error.code, error.httpStatus, error.type, error.message, error.service],
      ['NoSuchEntity', 404, 'Sender', 'The user with name bob cannot be found.', 'iam'],
    );
    assert.deepEqual(error.fields, {});
    const withReason = serviceError('organizations', 'InvalidInputException', 'x', { Reason: 'INVALID_ENUM' });
    assert.deepEqual(withReason.fields, { Reason: 'INVALID_ENUM' });
  });

  it('rejects a misspelt code at compile time and at run time', () => {
    // @ts-expect-error: 'NoSuchEntitty' is not an IAM error code
    assert.throws(() => serviceError('iam', 'NoSuchEntitty', 'typo'), /no error code NoSuchEntitty/);
    // @ts-expect-error: NoSuchEntity belongs to IAM, not Organizations
    assert.throws(() => serviceError('organizations', 'NoSuchEntity', 'wrong service'), /no error code/);
  });

  it('answers a common code in the service\'s own protocol dialect', () => {
    const anyService = (name: ServiceName) => name;
    const json = serviceError(anyService('organizations'), 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    assert.deepEqual([json.code, json.httpStatus], ['UnrecognizedClientException', 400]);
    const query = serviceError(anyService('sts'), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    assert.deepEqual([query.code, query.httpStatus], ['InvalidClientTokenId', 403]);
    assert.equal(serviceError(anyService('organizations'), 'AccessDenied', 'no').code, 'AccessDeniedException');
  });
});

describe('inServiceDialect', () => {
  const raised = (code: string, httpStatus: number, service: ServiceName, fields?: Record<string, string>) =>
    new ServiceError({ code, message: `text of ${code}`, httpStatus, type: 'Sender', service, ...(fields ? { fields } : {}) });

  it('gives a JSON service its own code, status and fault for what the SigV4 and Query stages raise', () => {
    const cases: [string, number, string][] = [
      ['SignatureDoesNotMatch', 403, 'InvalidSignatureException'],
      ['InvalidClientTokenId', 403, 'UnrecognizedClientException'],
      ['ExpiredToken', 403, 'ExpiredTokenException'],
      ['MissingAuthenticationToken', 403, 'MissingAuthenticationTokenException'],
      ['IncompleteSignature', 400, 'IncompleteSignatureException'],
      ['AccessDenied', 403, 'AccessDeniedException'],
      ['RequestExpired', 400, 'InvalidSignatureException'],
      ['RequestEntityTooLarge', 413, 'RequestEntityTooLargeException'],
    ];
    for (const [code, status, jsonCode] of cases) {
      const answered = inServiceDialect(raised(code, status, 'organizations'));
      const definition = errorRegistry('organizations').get(jsonCode);
      assert.ok(definition, jsonCode);
      assert.deepEqual(
        [answered.code, answered.httpStatus, answered.type, answered.message, answered.service],
        [jsonCode, definition.httpStatus, definition.type, `text of ${code}`, 'organizations'],
        code,
      );
    }
  });

  it('leaves a code the service knows as raised, status included, and is idempotent', () => {
    // SigV4 answers a request signed in both forms with SignatureDoesNotMatch, 400: kept.
    const query = raised('SignatureDoesNotMatch', 400, 'sts');
    assert.equal(inServiceDialect(query), query);
    const json = inServiceDialect(raised('SignatureDoesNotMatch', 403, 'organizations'));
    assert.equal(inServiceDialect(json), json);
    const modeled = raised('AWSOrganizationsNotInUseException', 400, 'organizations', { Reason: 'x' });
    assert.equal(inServiceDialect(modeled), modeled);
  });

  it('translates JSON codes back for a Query service, and passes codes neither dialect knows', () => {
    const back = inServiceDialect(raised('UnrecognizedClientException', 400, 'iam'));
    assert.deepEqual([back.code, back.httpStatus], ['InvalidClientTokenId', 403]);
    const s3Only = raised('AuthorizationQueryParametersError', 400, 'organizations');
    assert.equal(inServiceDialect(s3Only), s3Only);
    const noService = new ServiceError({ code: 'SignatureDoesNotMatch', message: '', httpStatus: 403, type: 'Sender' });
    assert.equal(inServiceDialect(noService), noService);
    assert.equal(inServiceDialect(noService, 'organizations').code, 'InvalidSignatureException');
  });
});

describe('toServiceError', () => {
  it('passes a ServiceError through and hides anything else behind InternalFailure', () => {
    const original = serviceError('sts', 'ExpiredToken', 'The security token included in the request is expired');
    assert.equal(toServiceError(original), original);
    const wrapped = toServiceError(new Error('ECONNREFUSED 10.0.0.5:5432'), 'iam');
    assert.deepEqual(
      [wrapped.code, wrapped.httpStatus, wrapped.type, wrapped.message, wrapped.service],
      ['InternalFailure', 500, 'Receiver', INTERNAL_FAILURE_MESSAGE, 'iam'],
    );
    assert.equal(toServiceError('a string').code, 'InternalFailure');
  });
});
