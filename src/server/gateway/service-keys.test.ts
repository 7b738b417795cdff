import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Flow } from './flow.ts';
import { awsManagedKeyPolicy, keyRefusal, S3_CIPHERTEXT_REFUSAL, SECRET_KMS_REFUSAL } from './service-keys.ts';

/** Just what keyRefusal reads of a request on its way. */
function flowOf(service: string, protocol: string, action: string | undefined, operation = 'Op'): Flow {
  return {
    route: { service },
    protocol,
    ctx: { requestId: 'req-1', operation, ...(action !== undefined ? { authorization: { decision: 'Denied', action, resource: 'arn:aws:kms:us-east-1:111122223333:key/k', checks: [] } } : {}) },
  } as unknown as Flow;
}

const DENIED = 'User: arn:aws:iam::111122223333:user/u is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/k because no identity-based policy allows the kms:Decrypt action';
const KMS_TEXT = `${DENIED} (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: req-1; Proxy: null)`;

test('a refused check on a key behind a service is answered in that service\'s words', () => {
  assert.deepEqual(keyRefusal(flowOf('s3', 'rest-xml', 'kms:Decrypt', 'GetObject'), DENIED)?.failure, { code: 'AccessDenied', message: S3_CIPHERTEXT_REFUSAL, status: 403 });
  assert.deepEqual(keyRefusal(flowOf('s3', 'rest-xml', 'kms:Decrypt', 'CreateMultipartUpload'), DENIED)?.failure, { code: 'AccessDenied', message: DENIED, status: 403 });
  assert.deepEqual(keyRefusal(flowOf('sqs', 'query', 'kms:Decrypt'), DENIED)?.failure, { code: 'KMS.AccessDeniedException', message: KMS_TEXT, status: 400 });
  assert.deepEqual(keyRefusal(flowOf('sqs', 'json', 'kms:Decrypt'), DENIED)?.failure, { code: 'KmsAccessDenied', message: KMS_TEXT, status: 400, queryCode: 'KMS.AccessDeniedException' });
  assert.deepEqual(keyRefusal(flowOf('sns', 'query', 'kms:Decrypt'), DENIED)?.failure, { code: 'KMSAccessDenied', message: KMS_TEXT, status: 400 });
  assert.deepEqual(keyRefusal(flowOf('ssm', 'json', 'kms:Decrypt'), DENIED)?.failure, { code: 'AccessDeniedException', message: KMS_TEXT, status: 400 });
  assert.deepEqual(keyRefusal(flowOf('secretsmanager', 'json', 'kms:GenerateDataKey'), DENIED)?.failure, { code: 'AccessDeniedException', message: SECRET_KMS_REFUSAL, status: 400 });
  // Not a key behind a service: the caller's own KMS call, or another action.
  assert.equal(keyRefusal(flowOf('kms', 'json', 'kms:Decrypt'), DENIED), undefined);
  assert.equal(keyRefusal(flowOf('sqs', 'query', 'sqs:SendMessage'), DENIED), undefined);
  assert.equal(keyRefusal(flowOf('s3', 'rest-xml', undefined), DENIED), undefined);
});

test('an AWS managed key\'s policy: any principal of its account, through its service only', () => {
  const policy = JSON.parse(awsManagedKeyPolicy('sqs', '111122223333', 'eu-west-1')) as { Statement: { Principal: unknown; Condition: unknown; Action: string[] }[] };
  assert.deepEqual(policy.Statement[0]!.Principal, { AWS: '*' });
  assert.deepEqual(policy.Statement[0]!.Condition, { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } });
  assert.ok(policy.Statement[0]!.Action.includes('kms:GenerateDataKey*'));
});
