import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { loadAuthorizationData, sarAction, type AuthorizationData } from './authorization-data.ts';
import { planAll } from './coverage.ts';
import { loadGatewayModel } from './model.ts';
import { renderOperationsDoc } from './operations-doc.ts';
import { SERVICE_RULES } from './services/index.ts';
import { GATEWAY_SERVICES } from './services.ts';

let data: AuthorizationData;
before(async () => {
  data = await loadAuthorizationData();
});

describe('coverage of the protected models', () => {
  it('every operation of the eleven models is mapped or refused with a reason', () => {
    const plans = planAll(data);
    let total = 0;
    for (const service of GATEWAY_SERVICES) {
      const model = loadGatewayModel(service);
      const planned = plans.get(service)!;
      assert.deepEqual(planned.map((plan) => plan.operation).sort(), [...model.operations.keys()].sort(), `${service}: one answer per operation`);
      const gaps = planned.filter((plan) => plan.status === 'unmapped');
      assert.deepEqual(gaps, [], `${service}: operations with no answer`);
      for (const plan of planned) {
        if (plan.status === 'refused') assert.ok(plan.reason.length > 20, `${service}:${plan.operation} is refused with a reason`);
        if (plan.status === 'mapped') assert.ok(plan.actions.length > 0 || plan.note !== undefined, `${service}:${plan.operation} has an action`);
      }
      total += planned.length;
    }
    // DynamoDB: its 57 and DynamoDB Streams' 4 (a companion model signed as dynamodb); EC2 765; CloudWatch (monitoring) 46.
    assert.equal(total, 111 + 23 + 42 + (57 + 4) + 54 + 85 + 23 + 146 + 113 + 765 + 46);
  });

  it('every action the service rules name exists in the Service Authorization Reference', () => {
    for (const service of GATEWAY_SERVICES) {
      for (const [operation, rule] of Object.entries(SERVICE_RULES[service].operations)) {
        for (const action of [rule.action, rule.versioned, ...(rule.also ?? []).flatMap((also) => [also.action, also.versioned])]) {
          if (action !== undefined) assert.ok(sarAction(data, service, action), `${service}:${action} (for ${operation})`);
        }
      }
    }
  });

  it('rules and refusals name only operations of the models', () => {
    for (const service of GATEWAY_SERVICES) {
      const operations = loadGatewayModel(service).operations;
      for (const name of [...Object.keys(SERVICE_RULES[service].operations), ...Object.keys(SERVICE_RULES[service].refused)]) {
        assert.ok(operations.has(name), `${service}: ${name} is not an operation of the model`);
      }
    }
  });

  it('an override exists only where the action differs from the operation\'s name', () => {
    for (const service of GATEWAY_SERVICES) {
      for (const [operation, rule] of Object.entries(SERVICE_RULES[service].operations)) {
        if (rule.action !== undefined) assert.notEqual(rule.action.toLowerCase(), operation.toLowerCase(), `${service}:${operation} overrides its action with its own name`);
      }
    }
  });

  it('docs/gateway-operations.md is current (regenerate: node scripts/generate-gateway-docs.ts)', () => {
    const committed = readFileSync(new URL('../../docs/gateway-operations.md', import.meta.url), 'utf8');
    assert.equal(committed, renderOperationsDoc(data));
  });
});
