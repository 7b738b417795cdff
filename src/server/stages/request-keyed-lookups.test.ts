import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRegistry } from '../../operations/registry.ts';
import { iamOperations } from '../../iam/index.ts';
import { stsOperations } from '../../sts/index.ts';
import { errorRegistry, findErrorDefinition } from '../../protocol/errors.ts';
import { equivalentErrorCode } from '../../protocol/common-errors.ts';
import { findServiceForAction, loadServiceModel, SERVICE_NAMES } from '../../protocol/model.ts';

/**
 * Every table the request path indexes with a string from the request answers from its
 * own entries only: a name that lives on Object.prototype finds nothing.
 */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

test('declared operations (handlers and authorization targets): own entries only', () => {
  const registry = buildRegistry([...iamOperations, ...stsOperations], (service, name) => loadServiceModel(service).operations.has(name));
  assert.equal(typeof registry.get('iam', 'CreateUser')?.target, 'function');
  assert.equal(typeof registry.get('sts', 'AssumeRole')?.handler, 'function');
  for (const name of PROTOTYPE_NAMES) {
    for (const service of SERVICE_NAMES) assert.equal(registry.get(service, name), undefined, `${service} ${name}`);
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
