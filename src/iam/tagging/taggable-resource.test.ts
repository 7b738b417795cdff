import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedClock } from '../../kernel/clock.ts';
import { cryptoRandom } from '../../kernel/random.ts';
import type { OperationContext } from '../../kernel/operation.ts';
import type { Principal } from '../../kernel/principal.ts';
import { defaultQuotas } from '../../kernel/quotas.ts';
import { PolicyCache } from '../../policy/index.ts';
import { ServiceError, serviceError } from '../../protocol/errors.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { EntityRecord, Store, StoreTx } from '../../store/types.ts';
import type { TargetContext } from '../authorization/target.ts';
import { userTags } from '../user-tags.ts';
import { roleTags } from '../roles/role-tags.ts';
import { instanceProfileTags } from '../roles/instance-profile-tags.ts';
import { policyTags } from '../policies/policy-tags.ts';
import { oidcProviderTags } from '../providers/oidc-tags.ts';
import { samlProviderTags } from '../providers/saml-tags.ts';
import { serverCertificateTags } from '../certificates/server-certificate-tags.ts';
import { mfaDeviceTags } from '../credentials/mfa-device-tags.ts';
import type { Tag } from '../tags.ts';
import { taggableResource } from './taggable-resource.ts';

/**
 * The helper alone, over two made-up resource types stored under their own kinds: a plain one
 * (the common rules) and one with every special rule, each rule observable in the result.
 */

const account = '111122223333';
const arnOf = (name: string) => `arn:aws:iam::${account}:widget/${name}`;

interface WidgetData {
  tags: Tag[];
  /** Set by the special type's withTags rule. */
  tagCount?: number;
}

const noSuchWidget = (name: string) => serviceError('iam', 'NoSuchEntity', `The widget ${name} cannot be found.`);

/** Made-up entities stored under `kind`, found by name; a missing one is named `absentPrefix` + its name. */
const widgets = (kind: string, absentPrefix: string) => ({
  find: (tx: StoreTx, accountId: string, name: string) => tx.getByName<WidgetData>(accountId, kind, name),
  notFound: noSuchWidget,
  arn: (widget: EntityRecord<WidgetData>) => arnOf(widget.name),
  absentArn: (_accountId: string, name: string) => arnOf(absentPrefix + name),
});

const plain = taggableResource<'ServerCertificate', WidgetData>({
  noun: 'ServerCertificate', nameMember: 'ServerCertificateName', quota: 'TagsPerWidget', ...widgets('test-widget', 'absent/'),
});

const prepared: string[] = [];
const special = taggableResource<'Role', WidgetData>({
  noun: 'Role', nameMember: 'RoleName', quota: 'TagsPerGadget', ...widgets('test-gadget', ''),
  rules: {
    prepare: async (name) => void prepared.push(name),
    readOnly: async (_tx, _accountId, name) => (name === 'builtin' ? serviceError('iam', 'InvalidInput', 'builtin cannot be changed') : undefined),
    // Setting `reset` drops every `x-` tag first; untagging `x-*` removes them all.
    keptOnTag: (existing, added) => (added.some((t) => t.Key === 'reset') ? existing.filter((t) => !t.Key.startsWith('x-')) : [...existing]),
    keysToRemove: (existing, keys) => (keys.includes('x-*') ? [...keys, ...existing.filter((t) => t.Key.startsWith('x-')).map((t) => t.Key)] : [...keys]),
    withTags: (data, tags) => {
      if (tags.some((t) => t.Value === 'forbidden')) throw serviceError('iam', 'InvalidInput', 'forbidden value');
      return { ...data, tags, tagCount: tags.length };
    },
    alsoRequired: (keys, target) => (keys.includes('secret') ? [{ action: 'iam:Guard', resource: target.resource }] : []),
    absentTarget: (name) => (name === 'builtin' ? { awsOwned: true } : {}),
  },
});

let store: Store;
const principal: Principal = { kind: 'user', accountId: account, arn: `arn:aws:iam::${account}:user/admin`, userId: 'AIDAADMIN', name: 'admin', tags: {}, accessKeyId: 'AKIAADMIN' };
let ctx: OperationContext;
let targetCtx: TargetContext;

async function insert(kind: string, name: string, tags: Tag[], accountId = account): Promise<void> {
  await store.transaction((tx) => tx.insert<WidgetData>({ accountId, kind, id: `${kind}-${accountId}-${name}`, name, parentId: '', path: '/', data: { tags }, createdAt: '2024-01-01T00:00:00Z' }));
}
const stored = async (kind: string, name: string) => (await store.getByName<WidgetData>(account, kind, name))!.data;

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ServiceError, String(err));
    return err;
  }
  throw new Error('expected a ServiceError');
}

before(async () => {
  store = await openSqliteStore(':memory:');
  ctx = {
    store, secrets: undefined as never, clock: new FixedClock('2024-05-01T10:00:00Z'), random: cryptoRandom, quotas: { ...defaultQuotas, tagsPerResource: 4 },
    policyCache: new PolicyCache(), sessions: { issue: async () => { throw new Error('unused'); } }, principal, requestId: 'r', region: 'us-east-1',
  };
  targetCtx = { tx: store, accountId: account, principal };
});
after(async () => store.close());

describe('handlers', () => {
  test('Tag merges keys regardless of case (the new spelling wins) and keeps them sorted; Untag removes regardless of case', async () => {
    await insert('test-widget', 'w1', [{ Key: 'Team', Value: 'red' }]);
    assert.deepEqual(await plain.handlers.TagServerCertificate({ ServerCertificateName: 'W1', Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'Alpha', Value: '1' }] }, ctx), {});
    assert.deepEqual((await stored('test-widget', 'w1')).tags, [{ Key: 'Alpha', Value: '1' }, { Key: 'team', Value: 'blue' }]);
    await plain.handlers.UntagServerCertificate({ ServerCertificateName: 'w1', TagKeys: ['TEAM', 'absent'] }, ctx);
    assert.deepEqual((await stored('test-widget', 'w1')).tags, [{ Key: 'Alpha', Value: '1' }]);
  });

  test('AWS\'s errors in AWS\'s order: duplicate keys, then the reserved prefix, then the quota with the type\'s quota name', async () => {
    await insert('test-widget', 'w2', [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]);
    const tag = (tags: Tag[]) => rejection(plain.handlers.TagServerCertificate({ ServerCertificateName: 'w2', Tags: tags }, ctx));
    const duplicate = await tag([{ Key: 'aws:x', Value: '1' }, { Key: 'K', Value: '1' }, { Key: 'k', Value: '2' }, { Key: 'd', Value: '1' }, { Key: 'e', Value: '1' }]);
    assert.deepEqual([duplicate.code, duplicate.message], ['InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.']);
    const reserved = await tag([{ Key: 'AWS:x', Value: '1' }, { Key: 'd', Value: '1' }, { Key: 'e', Value: '1' }]);
    assert.deepEqual([reserved.code, reserved.message], ['InvalidInput', "The tag key AWS:x uses the reserved prefix 'aws:'. Tag keys cannot start with 'aws:'."]);
    const quota = await tag([{ Key: 'd', Value: '1' }, { Key: 'e', Value: '1' }]);
    assert.deepEqual([quota.code, quota.message, quota.httpStatus], ['LimitExceeded', 'Cannot exceed quota for TagsPerWidget: 4', 409]);
    // Replacing existing keys does not count against the quota.
    await plain.handlers.TagServerCertificate({ ServerCertificateName: 'w2', Tags: [{ Key: 'A', Value: 'x' }, { Key: 'd', Value: '4' }] }, ctx);
    assert.equal((await stored('test-widget', 'w2')).tags.length, 4);
  });

  test('a missing entity is the description\'s NoSuchEntity for all three operations, and nothing is written', async () => {
    for (const call of [
      plain.handlers.TagServerCertificate({ ServerCertificateName: 'ghost', Tags: [{ Key: 'a', Value: 'b' }] }, ctx),
      plain.handlers.UntagServerCertificate({ ServerCertificateName: 'ghost', TagKeys: ['a'] }, ctx),
      plain.handlers.ListServerCertificateTags({ ServerCertificateName: 'ghost' }, ctx),
    ]) {
      const err = await rejection(call);
      assert.deepEqual([err.code, err.message], ['NoSuchEntity', 'The widget ghost cannot be found.']);
    }
    assert.equal(await store.getByName(account, 'test-widget', 'ghost'), undefined);
    // Another account's entity of the same name is not found either.
    await insert('test-widget', 'elsewhere', [], '999988887777');
    assert.equal((await rejection(plain.handlers.ListServerCertificateTags({ ServerCertificateName: 'elsewhere' }, ctx))).code, 'NoSuchEntity');
  });

  test('List pages with Marker and MaxItems; a tampered marker is InvalidInput', async () => {
    await insert('test-widget', 'paged', [{ Key: 'a', Value: '1' }, { Key: 'B', Value: '2' }, { Key: 'c', Value: '3' }]);
    const first = await plain.handlers.ListServerCertificateTags({ ServerCertificateName: 'paged', MaxItems: 2 }, ctx);
    assert.deepEqual(first.Tags, [{ Key: 'a', Value: '1' }, { Key: 'B', Value: '2' }]);
    assert.equal(first.IsTruncated, true);
    assert.equal(typeof first.Marker, 'string');
    const rest = await plain.handlers.ListServerCertificateTags({ ServerCertificateName: 'paged', MaxItems: 2, Marker: first.Marker! }, ctx);
    assert.deepEqual(rest, { Tags: [{ Key: 'c', Value: '3' }], IsTruncated: false });
    const all = await plain.handlers.ListServerCertificateTags({ ServerCertificateName: 'paged' }, ctx);
    assert.deepEqual(all, { Tags: [{ Key: 'a', Value: '1' }, { Key: 'B', Value: '2' }, { Key: 'c', Value: '3' }], IsTruncated: false });
    const tampered = await rejection(plain.handlers.ListServerCertificateTags({ ServerCertificateName: 'paged', Marker: `${first.Marker!}!` }, ctx));
    assert.deepEqual([tampered.code, tampered.message], ['InvalidInput', 'Invalid Marker.']);
  });

  test('special rules: prepare is given the name, keptOnTag and keysToRemove shape the change, withTags makes (and checks) the data', async () => {
    await insert('test-gadget', 'g1', [{ Key: 'x-one', Value: '1' }, { Key: 'x-two', Value: '2' }, { Key: 'keep', Value: 'k' }]);
    prepared.length = 0;
    await special.handlers.TagRole({ RoleName: 'g1', Tags: [{ Key: 'reset', Value: 'y' }] }, ctx);
    assert.deepEqual(await stored('test-gadget', 'g1'), { tags: [{ Key: 'keep', Value: 'k' }, { Key: 'reset', Value: 'y' }], tagCount: 2 });
    await special.handlers.TagRole({ RoleName: 'g1', Tags: [{ Key: 'x-a', Value: '1' }, { Key: 'x-b', Value: '2' }] }, ctx);
    await special.handlers.UntagRole({ RoleName: 'g1', TagKeys: ['x-*'] }, ctx);
    assert.deepEqual(await stored('test-gadget', 'g1'), { tags: [{ Key: 'keep', Value: 'k' }, { Key: 'reset', Value: 'y' }], tagCount: 2 });
    const refused = await rejection(special.handlers.TagRole({ RoleName: 'g1', Tags: [{ Key: 'v', Value: 'forbidden' }] }, ctx));
    assert.equal(refused.message, 'forbidden value');
    assert.equal((await stored('test-gadget', 'g1')).tags.length, 2, 'a refused change writes nothing');
    assert.deepEqual(prepared, ['g1', 'g1', 'g1', 'g1']);
  });

  test('a read-only entity lists no tags and refuses changes with its own error, before NoSuchEntity is considered', async () => {
    assert.deepEqual(await special.handlers.ListRoleTags({ RoleName: 'builtin' }, ctx), { Tags: [], IsTruncated: false });
    for (const call of [
      special.handlers.TagRole({ RoleName: 'builtin', Tags: [{ Key: 'a', Value: 'b' }] }, ctx),
      special.handlers.UntagRole({ RoleName: 'builtin', TagKeys: ['a'] }, ctx),
    ]) {
      const err = await rejection(call);
      assert.deepEqual([err.code, err.message], ['InvalidInput', 'builtin cannot be changed']);
    }
    assert.equal((await rejection(special.handlers.ListRoleTags({ RoleName: 'other' }, ctx))).code, 'NoSuchEntity');
  });

  test('tagsForCreate sorts, checks keys and applies the quota under the type\'s name', () => {
    assert.deepEqual(plain.tagsForCreate(undefined, ctx), []);
    const given = [{ Key: 'b', Value: '2' }, { Key: 'A', Value: '1' }];
    assert.deepEqual(plain.tagsForCreate(given, ctx), [{ Key: 'A', Value: '1' }, { Key: 'b', Value: '2' }]);
    assert.deepEqual(given.map((t) => t.Key), ['b', 'A'], 'the input is not reordered in place');
    assert.throws(() => plain.tagsForCreate([{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }], ctx), /Duplicate tag keys found/);
    const five = ['a', 'b', 'c', 'd', 'e'].map((Key) => ({ Key, Value: 'v' }));
    assert.throws(() => plain.tagsForCreate(five, ctx), { message: 'Cannot exceed quota for TagsPerWidget: 4' });
  });
});

describe('authorization targets', () => {
  before(async () => insert('test-widget', 'seen', [{ Key: 'team', Value: 'red' }]));

  test('the entity\'s ARN with its tags; a missing one is named by absentArn, without tags', async () => {
    assert.deepEqual(await plain.targets.ListServerCertificateTags({ ServerCertificateName: 'SEEN' }, targetCtx), { resource: arnOf('seen'), resourceTags: { team: 'red' } });
    assert.deepEqual(await plain.targets.ListServerCertificateTags({ ServerCertificateName: 'ghost' }, targetCtx), { resource: arnOf('absent/ghost') });
    assert.deepEqual(await plain.target(targetCtx, 'seen'), { resource: arnOf('seen'), resourceTags: { team: 'red' } });
  });

  test('absentTarget adds to a missing entity\'s target (an AWS managed policy is AWS-owned); a stored one never gets it', async () => {
    assert.deepEqual(await special.targets.ListRoleTags({ RoleName: 'builtin' }, targetCtx), { resource: arnOf('builtin'), awsOwned: true });
    assert.deepEqual(await special.targets.TagRole({ RoleName: 'builtin', Tags: [{ Key: 'k', Value: 'v' }] }, targetCtx), {
      resource: arnOf('builtin'), awsOwned: true, context: { 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'] },
    });
    assert.deepEqual(await special.target(targetCtx, 'ghost'), { resource: arnOf('ghost') });
  });

  test('Tag adds aws:RequestTag/<key> and aws:TagKeys; Untag adds aws:TagKeys', async () => {
    assert.deepEqual(await plain.targets.TagServerCertificate({ ServerCertificateName: 'seen', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'cost', Value: '7' }] }, targetCtx), {
      resource: arnOf('seen'), resourceTags: { team: 'red' }, context: { 'aws:TagKeys': ['env', 'cost'], 'aws:RequestTag/env': 'prod', 'aws:RequestTag/cost': '7' },
    });
    assert.deepEqual(await plain.targets.UntagServerCertificate({ ServerCertificateName: 'seen', TagKeys: ['team'] }, targetCtx), {
      resource: arnOf('seen'), resourceTags: { team: 'red' }, context: { 'aws:TagKeys': ['team'] },
    });
  });

  test('alsoRequired adds checks only when it has some, for the keys set or removed', async () => {
    const tag = await special.targets.TagRole({ RoleName: 'ghost', Tags: [{ Key: 'secret', Value: 's' }] }, targetCtx);
    assert.deepEqual(tag.also, [{ action: 'iam:Guard', resource: arnOf('ghost') }]);
    assert.deepEqual((await special.targets.UntagRole({ RoleName: 'ghost', TagKeys: ['secret'] }, targetCtx)).also, [{ action: 'iam:Guard', resource: arnOf('ghost') }]);
    assert.equal(Object.hasOwn(await special.targets.TagRole({ RoleName: 'ghost', Tags: [{ Key: 'open', Value: 'o' }] }, targetCtx), 'also'), false);
    assert.equal(Object.hasOwn(await special.targets.ListRoleTags({ RoleName: 'ghost' }, targetCtx), 'also'), false);
  });
});

test('the eight taggable IAM types each yield exactly their three operations, with a target for each handler', () => {
  const expected: Array<[{ handlers: object; targets: object }, string]> = [
    [userTags, 'User'], [roleTags, 'Role'], [instanceProfileTags, 'InstanceProfile'], [policyTags, 'Policy'],
    [oidcProviderTags, 'OpenIDConnectProvider'], [samlProviderTags, 'SAMLProvider'], [serverCertificateTags, 'ServerCertificate'], [mfaDeviceTags, 'MFADevice'],
  ];
  for (const [taggable, noun] of expected) {
    const names = [`Tag${noun}`, `Untag${noun}`, `List${noun}Tags`];
    assert.deepEqual(Object.keys(taggable.handlers), names, noun);
    assert.deepEqual(Object.keys(taggable.targets), names, noun);
  }
});
