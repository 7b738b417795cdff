import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyMergePatch } from './merge-patch.ts';
import {
  applyModelCorrections,
  buildServiceModel,
  findServiceForAction,
  loadServiceModel,
  operationNames,
  shapeOf,
} from './model.ts';

describe('loadServiceModel', () => {
  it('loads the three services with their protocol facts', () => {
    const iam = loadServiceModel('iam');
    assert.equal(iam.metadata.protocol, 'query');
    assert.equal(iam.metadata.apiVersion, '2010-05-08');
    assert.equal(iam.metadata.xmlNamespace, 'https://iam.amazonaws.com/doc/2010-05-08/');
    assert.equal(loadServiceModel('sts').metadata.apiVersion, '2011-06-15');
    const organizations = loadServiceModel('organizations');
    assert.equal(organizations.metadata.protocol, 'json');
    assert.equal(organizations.metadata.targetPrefix, 'AWSOrganizationsV20161128');
    assert.equal(loadServiceModel('iam'), iam, 'cached');
  });

  it('indexes operations by name', () => {
    const names = operationNames('iam');
    assert.equal(names.length, 176);
    assert.ok(names.includes('CreateUser'));
    const createUser = loadServiceModel('iam').operations.get('CreateUser');
    assert.deepEqual(createUser?.output, { shape: 'CreateUserResponse', resultWrapper: 'CreateUserResult' });
    assert.equal(operationNames('sts').length, 11);
  });

  it("restores AWS's member order from models/patches.json", () => {
    const iam = loadServiceModel('iam');
    const user = shapeOf(iam, 'User');
    assert.equal(user.type, 'structure');
    assert.deepEqual(Object.keys(user.type === 'structure' ? user.members : {}), [
      'Path', 'UserName', 'UserId', 'Arn', 'CreateDate', 'PasswordLastUsed', 'PermissionsBoundary', 'Tags',
    ]);
    const credentials = shapeOf(loadServiceModel('sts'), 'Credentials');
    assert.deepEqual(Object.keys(credentials.type === 'structure' ? credentials.members : {}), [
      'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration',
    ]);
  });
});

describe('findServiceForAction', () => {
  it('routes Query actions to IAM or STS and nothing else', () => {
    assert.equal(findServiceForAction('CreateUser'), 'iam');
    assert.equal(findServiceForAction('AssumeRoleWithWebIdentity'), 'sts');
    assert.equal(findServiceForAction('ListAccounts'), undefined, 'Organizations is routed by X-Amz-Target');
    assert.equal(findServiceForAction('constructor'), undefined);
  });

  it('is unambiguous: IAM and STS share no action name', () => {
    const iam = new Set(operationNames('iam'));
    assert.deepEqual(operationNames('sts').filter((name) => iam.has(name)), []);
  });
});

describe('model corrections', () => {
  const raw = {
    metadata: { apiVersion: '1', protocol: 'query', endpointPrefix: 'x', serviceId: 'X' },
    operations: { Op: { input: { shape: 'In' } } },
    shapes: {
      In: { type: 'structure', members: { A: { shape: 'S' }, B: { shape: 'S' } } },
      S: { type: 'string', max: 5 },
    },
  };

  it('applies a merge patch, then the member order', () => {
    const corrected = applyModelCorrections('iam', raw, {
      patch: { shapes: { S: { max: 10, $comment: 'why' } } },
      memberOrder: { In: ['B', 'A'] },
    });
    const model = buildServiceModel('iam', corrected);
    const input = shapeOf(model, 'In');
    assert.deepEqual(Object.keys(input.type === 'structure' ? input.members : {}), ['B', 'A']);
    const s = shapeOf(model, 'S');
    assert.equal(s.type === 'string' ? s.max : undefined, 10);
    assert.equal('$comment' in s, false);
  });

  it('refuses a member order that does not list exactly the members', () => {
    assert.throws(() => applyModelCorrections('iam', raw, { memberOrder: { In: ['A'] } }), /exactly its members/);
    assert.throws(() => applyModelCorrections('iam', raw, { memberOrder: { S: ['A'] } }), /not a structure/);
  });

  it('refuses a model whose references do not resolve', () => {
    const broken = applyMergePatch(raw, { shapes: { S: null } });
    assert.throws(() => buildServiceModel('iam', broken), /unknown shape S/);
  });
});

describe('applyMergePatch (RFC 7396)', () => {
  it('merges objects, deletes on null, replaces everything else', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] };
    const patch = { a: 'z', c: { f: null, h: 1 }, list: [3], $comment: 'ignored' };
    assert.deepEqual(applyMergePatch(target, patch), { a: 'z', c: { d: 'e', h: 1 }, list: [3] });
    assert.deepEqual(target, { a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] }, 'target untouched');
  });

  it('replaces a non-object target and strips comments from new values', () => {
    assert.deepEqual(applyMergePatch('x', { a: { $comment: 'c', b: 1 } }), { a: { b: 1 } });
    assert.equal(applyMergePatch({ a: 1 }, 'text'), 'text');
  });
});
