import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeclarationError, declarationsOf, declarer } from './declaration.ts';
import { buildRegistry } from './registry.ts';
import { iamOperations } from '../iam/index.ts';
import { stsOperations } from '../sts/index.ts';
import { loadServiceModel, type ServiceName } from '../protocol/model.ts';
import type { Operations as StsOperations } from '../protocol/generated/sts.ts';

const inModel = (service: ServiceName, name: string) => loadServiceModel(service).operations.has(name);
const handler = async () => ({});
const target = async () => ({ resource: '*' });

test('an operation declared without an authorization target is refused when declared', () => {
  assert.throws(() => declarationsOf('sts', { GetCallerIdentity: handler }, {}), (err: unknown) =>
    err instanceof DeclarationError && err.message === 'sts:GetCallerIdentity is declared without an authorization target');
  // The typed form does not compile without the target either.
  const declare = declarer<StsOperations>('sts');
  // @ts-expect-error GetCallerIdentity has a handler but no target
  assert.throws(() => declare({ GetCallerIdentity: handler }, {}), DeclarationError);
});

test('a target without a handler, or a handler that is not a function, is refused', () => {
  assert.throws(() => declarationsOf('sts', {}, { GetCallerIdentity: target }), /declares an authorization target but no handler/);
  assert.throws(() => declarationsOf('sts', { GetCallerIdentity: 'nope' as never }, { GetCallerIdentity: target }), /without a handler/);
});

test('the registry refuses a declaration without a target, twice declared, or not in the model', () => {
  const good = declarationsOf('sts', { GetCallerIdentity: handler }, { GetCallerIdentity: target });
  const targetless = new Map([['GetCallerIdentity', { ...good.get('GetCallerIdentity')!, target: undefined as never }]]);
  assert.throws(() => buildRegistry([targetless], inModel), /sts:GetCallerIdentity is declared without an authorization target/);
  assert.throws(() => buildRegistry([good, good], inModel), /sts:GetCallerIdentity is declared twice/);
  const invented = declarationsOf('sts', { MintMoney: handler }, { MintMoney: target });
  assert.throws(() => buildRegistry([invented], inModel), /sts:MintMoney is not an operation of the sts model/);
});

test("no name a request carries reaches an object's prototype", () => {
  const registry = buildRegistry([declarationsOf('sts', { GetCallerIdentity: handler }, { GetCallerIdentity: target })], inModel);
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    assert.equal(registry.get('sts', name), undefined);
    assert.equal(registry.get('iam', name), undefined);
  }
  assert.equal(registry.get('sts', 'GetCallerIdentity')?.name, 'GetCallerIdentity');
});

test("Tessera's own operations build into one registry: each with a handler and a target", () => {
  const registry = buildRegistry([...iamOperations, ...stsOperations], inModel);
  const all = [...registry.all()];
  assert.ok(all.length > 170, `expected every implemented IAM and STS operation, got ${all.length}`);
  for (const declaration of all) {
    assert.equal(typeof declaration.target, 'function', declaration.name);
    assert.equal(typeof declaration.handler, 'function', declaration.name);
  }
  assert.equal(registry.get('sts', 'AssumeRoleWithWebIdentity')?.authentication, 'web-identity');
  assert.equal(registry.get('sts', 'AssumeRoleWithSAML')?.authentication, 'saml');
  assert.equal(registry.get('iam', 'CreateUser')?.writesAuthorizationState, true);
  assert.equal(registry.get('iam', 'GetUser')?.writesAuthorizationState, false);
});
