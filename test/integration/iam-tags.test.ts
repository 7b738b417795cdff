import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateInstanceProfileCommand, CreateOpenIDConnectProviderCommand, CreatePolicyCommand, CreateRoleCommand,
  CreateSAMLProviderCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, ListInstanceProfileTagsCommand, ListMFADeviceTagsCommand,
  ListOpenIDConnectProviderTagsCommand, ListPolicyTagsCommand, ListRoleTagsCommand, ListSAMLProviderTagsCommand, ListServerCertificateTagsCommand,
  ListUserTagsCommand, PutUserPolicyCommand, TagInstanceProfileCommand, TagMFADeviceCommand, TagOpenIDConnectProviderCommand, TagPolicyCommand,
  TagRoleCommand, TagSAMLProviderCommand, TagServerCertificateCommand, TagUserCommand, UntagInstanceProfileCommand, UntagMFADeviceCommand,
  UntagOpenIDConnectProviderCommand, UntagPolicyCommand, UntagRoleCommand, UntagSAMLProviderCommand, UntagServerCertificateCommand,
  UntagUserCommand, UploadServerCertificateCommand, type IAMClient, type Tag,
} from '@aws-sdk/client-iam';
import { defaultQuotas } from '../../src/kernel/quotas.ts';
import { issueCertificate, samlMetadata } from '../support/certificates.ts';
import { awsError, deniedText, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * Tag<Noun>, Untag<Noun> and List<Noun>Tags for the eight taggable IAM types, one table row
 * each, through the AWS SDK: the same rules for every type (case-insensitive keys, paging,
 * AWS's errors and the type's quota name), and the same authorization — aws:ResourceTag/… from
 * the entity's current tags, aws:RequestTag/… and aws:TagKeys from the request.
 */

const TAG_QUOTA = 5;
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** An SDK command class of the three tag operations (their inputs differ only in the member that names the entity). */
type CommandClass = new (input: never) => unknown;

interface TaggableCase {
  noun: string;
  quota: string;
  /** Creates the entity with `tags`; its name or ARN as the tag operations take it, and its ARN. */
  create(iam: IAMClient, tags: Tag[]): Promise<{ id: string; arn: string }>;
  /** A name or ARN of the member's form that names nothing. */
  missing(account: string): string;
  member: string;
  commands: { tag: CommandClass; untag: CommandClass; list: CommandClass };
}

const TRUST = doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
const certificate = issueCertificate({ keyType: 'ec', commonName: 'tags.example.com' });
const idp = issueCertificate({ keyType: 'ec', commonName: 'idp.example.com' });

const cases: TaggableCase[] = [
  {
    noun: 'User', quota: 'TagsPerUser', member: 'UserName', missing: () => 'nobody',
    commands: { tag: TagUserCommand, untag: UntagUserCommand, list: ListUserTagsCommand },
    async create(iam, Tags) {
      const user = (await iam.send(new CreateUserCommand({ UserName: 'tagged-user', Path: '/team/', Tags }))).User!;
      return { id: user.UserName!, arn: user.Arn! };
    },
  },
  {
    noun: 'Role', quota: 'TagsPerRole', member: 'RoleName', missing: () => 'no-role',
    commands: { tag: TagRoleCommand, untag: UntagRoleCommand, list: ListRoleTagsCommand },
    async create(iam, Tags) {
      const role = (await iam.send(new CreateRoleCommand({ RoleName: 'tagged-role', AssumeRolePolicyDocument: TRUST, Tags }))).Role!;
      return { id: role.RoleName!, arn: role.Arn! };
    },
  },
  {
    noun: 'InstanceProfile', quota: 'TagsPerInstanceProfile', member: 'InstanceProfileName', missing: () => 'no-profile',
    commands: { tag: TagInstanceProfileCommand, untag: UntagInstanceProfileCommand, list: ListInstanceProfileTagsCommand },
    async create(iam, Tags) {
      const profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'tagged-profile', Path: '/fleet/', Tags }))).InstanceProfile!;
      return { id: profile.InstanceProfileName!, arn: profile.Arn! };
    },
  },
  {
    noun: 'Policy', quota: 'TagsPerPolicy', member: 'PolicyArn', missing: (account) => `arn:aws:iam::${account}:policy/no-policy`,
    commands: { tag: TagPolicyCommand, untag: UntagPolicyCommand, list: ListPolicyTagsCommand },
    async create(iam, Tags) {
      const policy = (await iam.send(new CreatePolicyCommand({ PolicyName: 'tagged-policy', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]), Tags }))).Policy!;
      return { id: policy.Arn!, arn: policy.Arn! };
    },
  },
  {
    noun: 'OpenIDConnectProvider', quota: 'TagsPerOpenIdConnectProvider', member: 'OpenIDConnectProviderArn',
    missing: (account) => `arn:aws:iam::${account}:oidc-provider/none.example.com`,
    commands: { tag: TagOpenIDConnectProviderCommand, untag: UntagOpenIDConnectProviderCommand, list: ListOpenIDConnectProviderTagsCommand },
    async create(iam, Tags) {
      const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://tags.example.com', ClientIDList: ['sts.amazonaws.com'], Tags }))).OpenIDConnectProviderArn!;
      return { id: arn, arn };
    },
  },
  {
    noun: 'SAMLProvider', quota: 'TagsPerSAMLProvider', member: 'SAMLProviderArn', missing: (account) => `arn:aws:iam::${account}:saml-provider/None`,
    commands: { tag: TagSAMLProviderCommand, untag: UntagSAMLProviderCommand, list: ListSAMLProviderTagsCommand },
    async create(iam, Tags) {
      const arn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'TaggedIdP', SAMLMetadataDocument: samlMetadata('urn:tags', [idp.certificatePem]), Tags }))).SAMLProviderArn!;
      return { id: arn, arn };
    },
  },
  {
    noun: 'ServerCertificate', quota: 'TagsPerServerCertificate', member: 'ServerCertificateName', missing: () => 'no-certificate',
    commands: { tag: TagServerCertificateCommand, untag: UntagServerCertificateCommand, list: ListServerCertificateTagsCommand },
    async create(iam, Tags) {
      const metadata = (await iam.send(new UploadServerCertificateCommand({
        ServerCertificateName: 'tagged-certificate', Path: '/elb/', CertificateBody: certificate.certificatePem, PrivateKey: certificate.privateKeyPem, Tags,
      }))).ServerCertificateMetadata!;
      return { id: metadata.ServerCertificateName!, arn: metadata.Arn! };
    },
  },
  {
    noun: 'MFADevice', quota: 'TagsPerMFADevice', member: 'SerialNumber', missing: (account) => `arn:aws:iam::${account}:mfa/no-device`,
    commands: { tag: TagMFADeviceCommand, untag: UntagMFADeviceCommand, list: ListMFADeviceTagsCommand },
    async create(iam, Tags) {
      const serial = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'tagged-device', Tags }))).VirtualMFADevice!.SerialNumber!;
      return { id: serial, arn: serial };
    },
  },
];

/**
 * What a user may do with tags, by condition only (Resource "*"): list the tags of what is
 * tagged team=blue; tag with env=dev and no other key; untag env and no other key.
 */
const TAGGER_POLICY = doc([
  { Effect: 'Allow', Action: 'iam:List*Tags', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } },
  { Effect: 'Allow', Action: 'iam:Tag*', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/env': 'dev' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } } },
  { Effect: 'Allow', Action: 'iam:Untag*', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } } },
]);

describe('IAM tag operations of every taggable type through the AWS SDK', () => {
  let server: TestServer;
  let root: IAMClient;
  let tagger: IAMClient;
  let account: string;

  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, tagsPerResource: TAG_QUOTA } });
    root = server.iam();
    account = server.accountId;
    await root.send(new CreateUserCommand({ UserName: 'tagger' }));
    await root.send(new PutUserPolicyCommand({ UserName: 'tagger', PolicyName: 'tag-conditions', PolicyDocument: TAGGER_POLICY }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'tagger' }))).AccessKey!;
    tagger = server.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  });
  after(async () => server.stop());

  for (const c of cases) {
    describe(c.noun, () => {
      let entity: { id: string; arn: string };
      const send = (iam: IAMClient, command: CommandClass, input: object) => iam.send(new command({ [c.member]: entity.id, ...input } as never) as never) as Promise<unknown>;
      const tag = (iam: IAMClient, Tags: Tag[]) => send(iam, c.commands.tag, { Tags });
      const untag = (iam: IAMClient, TagKeys: string[]) => send(iam, c.commands.untag, { TagKeys });
      const list = (iam: IAMClient, paging: { Marker?: string; MaxItems?: number } = {}) =>
        send(iam, c.commands.list, paging) as Promise<{ Tags?: Tag[]; IsTruncated?: boolean; Marker?: string }>;
      const keys = async () => ((await list(root)).Tags ?? []).map((t) => `${t.Key}=${t.Value}`);
      const denied = (action: string) =>
        `User: arn:aws:iam::${account}:user/tagger is not authorized to perform: iam:${action} on resource: ${entity.arn} because no identity-based policy allows the iam:${action} action`;
      const assertDenied = async (action: string, call: () => Promise<unknown>) => {
        const err = await awsError(call);
        assert.equal(err.name, 'AccessDenied');
        assert.equal(err.status, 403);
        assert.equal(deniedText(err.message), denied(action));
      };

      before(async () => {
        entity = await c.create(root, [{ Key: 'team', Value: 'red' }]);
      });

      test('Tag merges regardless of case, List pages, Untag removes regardless of case', async () => {
        await tag(root, [{ Key: 'env', Value: 'prod' }, { Key: 'Team', Value: 'green' }, { Key: 'cost', Value: '42' }]);
        assert.deepEqual(await keys(), ['cost=42', 'env=prod', 'Team=green']);
        const first = await list(root, { MaxItems: 2 });
        assert.deepEqual(first.Tags!.map((t) => t.Key), ['cost', 'env']);
        assert.equal(first.IsTruncated, true);
        const second = await list(root, { MaxItems: 2, Marker: first.Marker! });
        assert.deepEqual(second.Tags!.map((t) => t.Key), ['Team']);
        assert.equal(second.IsTruncated, false);
        await untag(root, ['COST', 'not-there']);
        assert.deepEqual(await keys(), ['env=prod', 'Team=green']);
      });

      test('AWS\'s errors: duplicate keys, the type\'s quota, a tampered marker, an entity that does not exist', async () => {
        const duplicate = await awsError(() => tag(root, [{ Key: 'dup', Value: '1' }, { Key: 'DUP', Value: '2' }]));
        assert.deepEqual([duplicate.name, duplicate.status, duplicate.message], ['InvalidInputException', 400, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.']);
        const present = (await list(root)).Tags!.length;
        const tooMany = Array.from({ length: TAG_QUOTA - present + 1 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
        const quota = await awsError(() => tag(root, tooMany));
        assert.deepEqual([quota.name, quota.status, quota.message], ['LimitExceededException', 409, `Cannot exceed quota for ${c.quota}: ${TAG_QUOTA}`]);
        assert.equal((await list(root)).Tags!.length, present, 'a refused request changes nothing');
        const marker = await awsError(() => list(root, { Marker: 'not a marker!' }));
        assert.deepEqual([marker.name, marker.message], ['InvalidInputException', 'Invalid Marker.']);
        for (const call of [
          () => root.send(new c.commands.tag({ [c.member]: c.missing(account), Tags: [{ Key: 'a', Value: 'b' }] } as never) as never),
          () => root.send(new c.commands.untag({ [c.member]: c.missing(account), TagKeys: ['a'] } as never) as never),
          () => root.send(new c.commands.list({ [c.member]: c.missing(account) } as never) as never),
        ]) {
          const err = await awsError(call);
          assert.deepEqual([err.name, err.status], ['NoSuchEntityException', 404]);
        }
      });

      test('aws:ResourceTag: List is refused while the entity is not team=blue, allowed once it is', async () => {
        await assertDenied(`List${c.noun}Tags`, () => list(tagger));
        await tag(root, [{ Key: 'team', Value: 'blue' }]);
        assert.ok(((await list(tagger)).Tags ?? []).some((t) => t.Key === 'team' && t.Value === 'blue'));
      });

      test('aws:RequestTag and aws:TagKeys: Tag only env=dev, Untag only env', async () => {
        await assertDenied(`Tag${c.noun}`, () => tag(tagger, [{ Key: 'env', Value: 'prod' }]));
        await assertDenied(`Tag${c.noun}`, () => tag(tagger, [{ Key: 'env', Value: 'dev' }, { Key: 'owner', Value: 'me' }]));
        await tag(tagger, [{ Key: 'env', Value: 'dev' }]);
        await assertDenied(`Untag${c.noun}`, () => untag(tagger, ['team']));
        await assertDenied(`Untag${c.noun}`, () => untag(tagger, ['env', 'team']));
        assert.deepEqual(await keys(), ['env=dev', 'team=blue'], 'the refused requests changed nothing');
        await untag(tagger, ['env']);
        assert.deepEqual(await keys(), ['team=blue']);
      });
    });
  }
});
