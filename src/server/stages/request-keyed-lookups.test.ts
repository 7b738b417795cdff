import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handlerFor } from '../../kernel/operation.ts';
import { targetResolverFor } from '../../iam/authorization/targets.ts';
import { stsTargetResolverFor } from '../../sts/authorization.ts';
import { errorRegistry, findErrorDefinition } from '../../protocol/errors.ts';
import { equivalentErrorCode } from '../../protocol/common-errors.ts';
import { findServiceForAction, SERVICE_NAMES } from '../../protocol/model.ts';

/**
 * Every table the request path indexes with a string from the request answers from its
 * own entries only: a name that lives on Object.prototype finds nothing.
 */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

test('operation handlers: own entries only', () => {
  const table = { ListUsers: async () => ({}) };
  assert.equal(handlerFor(table, 'ListUsers'), table.ListUsers);
  for (const name of PROTOTYPE_NAMES) {
    assert.equal(handlerFor(table, name), undefined, name);
    assert.equal(handlerFor({}, name), undefined, name);
  }
});

test('authorization targets (IAM and STS): own entries only', () => {
  assert.equal(typeof targetResolverFor('CreateUser'), 'function');
  assert.equal(typeof stsTargetResolverFor('AssumeRole'), 'function');
  for (const name of PROTOTYPE_NAMES) {
    assert.equal(targetResolverFor(name), undefined, name);
    assert.equal(stsTargetResolverFor(name), undefined, name);
  }
});

test('operations, error registries and dialect tables: no prototype member is found', () => {
  for (const name of PROTOTYPE_NAMES) {
    assert.equal(findServiceForAction(name), undefined, name);
    assert.equal(equivalentErrorCode(name, 'json'), undefined, name);
    assert.equal(equivalentErrorCode(name, 'query'), undefined, name);
    for (const service of SERVICE_NAMES) {
      assert.equal(findErrorDefinition(service, name), undefined, `${service} ${name}`);
      assert.equal(errorRegistry(service).has(name), false, `${service} ${name}`);
    }
  }
});
