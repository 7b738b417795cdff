import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HIDDEN, requestParametersOf, responseElementsOf } from './parameters.ts';

/**
 * A workload grant is a bearer credential: whoever holds it gets the workload role's
 * credentials from GetWorkloadCredentials, without a signature. It must never reach an audit
 * event (LookupEvents, trail log files), as a secret access key never does: hidden in
 * requestParameters, left out of responseElements. Wiring: the tessera model's `Grant` shape
 * is marked `"sensitive": true` (models/tessera/tessera-2025-01-01.json).
 */
const GRANT = 'v1.nj2N-648ZGrARLQ4fPk2Sjxl7t-q-LjJzuQYprC9isLc1jNTTxSGD9y_0pyyhE6uteUV4If32';

test('GetWorkloadCredentials records the grant as HIDDEN_DUE_TO_SECURITY_REASONS', () => {
  const recorded = requestParametersOf('tessera', 'GetWorkloadCredentials', { Grant: GRANT, RoleDelivery: '2.0' });
  assert.deepEqual(recorded, { grant: HIDDEN, roleDelivery: '2.0' });
});

test("LaunchWorkload's responseElements leave the grant out and keep the rest", () => {
  const recorded = responseElementsOf('tessera', 'LaunchWorkload', {
    WorkloadId: 'i-0123456789abcdef0',
    WorkloadArn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0',
    AccountId: '111122223333',
    Region: 'us-east-1',
    RoleArn: 'arn:aws:iam::111122223333:role/app',
    RoleName: 'app',
    Grant: GRANT,
    GrantExpiration: new Date('2030-01-01T00:00:00Z'),
  });
  assert.ok(recorded);
  assert.equal(Object.hasOwn(recorded, 'grant'), false);
  assert.equal(JSON.stringify(recorded).includes(GRANT), false);
  assert.equal(recorded['workloadId'], 'i-0123456789abcdef0');
});
