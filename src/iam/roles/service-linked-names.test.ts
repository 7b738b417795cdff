import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServicePrincipal, serviceLinkedRoleName, serviceLinkedRolePath, serviceLinkedTrustPolicy } from './service-linked-names.ts';
import { validatePolicy } from '../../policy/index.ts';

test('service principals are recognized; other names are not', () => {
  for (const name of ['ecs.amazonaws.com', 'access-analyzer.amazonaws.com', 'dynamodb.application-autoscaling.amazonaws.com']) {
    assert.equal(isServicePrincipal(name), true, name);
  }
  for (const name of ['ecs', 'amazonaws.com', 'ECS.amazonaws.com', 'evil.example.com', '-x.amazonaws.com', 'a..b.amazonaws.com']) {
    assert.equal(isServicePrincipal(name), false, name);
  }
});

test('documented names for known services, with CustomSuffix only where the service allows it', () => {
  assert.deepEqual(serviceLinkedRoleName('ecs.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForECS' });
  assert.deepEqual(serviceLinkedRoleName('spot.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForEC2Spot' });
  assert.deepEqual(serviceLinkedRoleName('es.amazonaws.com', 'two'), { ok: false, reason: 'custom-suffix-not-allowed' });
  assert.deepEqual(serviceLinkedRoleName('autoscaling.amazonaws.com', 'fleet-1'), { ok: true, name: 'AWSServiceRoleForAutoScaling_fleet-1' });
});

test('other services get a name from their first label and accept a suffix', () => {
  assert.deepEqual(serviceLinkedRoleName('access-analyzer.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForAccessAnalyzer' });
  assert.deepEqual(serviceLinkedRoleName('kafka.amazonaws.com', 'x'), { ok: true, name: 'AWSServiceRoleForKafka_x' });
  assert.equal(serviceLinkedRolePath('kafka.amazonaws.com'), '/aws-service-role/kafka.amazonaws.com/');
});

test('the trust policy is a valid trust policy naming only the service', () => {
  const text = serviceLinkedTrustPolicy('ecs.amazonaws.com');
  assert.deepEqual(validatePolicy(text, 'trust'), []);
  assert.deepEqual(JSON.parse(text).Statement[0].Principal, { Service: 'ecs.amazonaws.com' });
});
