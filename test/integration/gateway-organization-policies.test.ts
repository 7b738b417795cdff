import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachPolicyCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, CreatePolicyCommand, DetachPolicyCommand, EnablePolicyTypeCommand,
  InviteAccountToOrganizationCommand, AcceptHandshakeCommand, ListRootsCommand, MoveAccountCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { CreateTableCommand, GetItemCommand, PutItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AttachRolePolicyCommand, CreateRoleCommand, CreateServiceLinkedRoleCommand, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand, IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { issueTemporaryCredentials } from '../../src/sts/temporary-credentials.ts';
import type { OperationContext } from '../../src/kernel/operation.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, type Credentials } from '../support/tessera-server.ts';
import { organizationsClients } from '../support/organizations.ts';
import { startServeProcess } from '../support/cli-process.ts';
import { startMoto } from '../support/moto-server.ts';

/**
 * Organizations' SCPs and RCPs on requests the gateway forwards (moto behind it), as the AWS
 * Organizations User Guide documents them ("SCP evaluation", "RCP evaluation", "List of AWS
 * services that support RCPs"): an SCP limits every principal of a member account — its users,
 * role sessions and root user — never the management account's, never a service-linked role;
 * an RCP limits every caller's requests on a member account's resources of the services AWS
 * lists, never the management account's resources, never a service-linked role. moto enforces
 * nothing itself: every refusal below is Tessera's decision, and writes are checked on moto.
 */

const REGION = 'us-east-1';
const ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('SCPs and RCPs through the gateway', () => {
  let env: GatewayEnv;
  let org: OrganizationsClient;
  const orgs = organizationsClients(() => env.server);
  let orgId: string;
  let rootId: string;
  let mgmt: string;
  /** Member accounts joined by invitation (so their root users have access keys). */
  let m1: Credentials & { accountId: string };
  let m2: Credentials & { accountId: string };
  /** An account in no organization. */
  let outsider: Credentials & { accountId: string };
  let ou: string;
  const created: { destroy(): void }[] = [];
  const keep = <T extends { destroy(): void }>(c: T): T => (created.push(c), c);

  /** A client straight to moto, in an account: what the upstream really holds. */
  const onMoto = <T extends S3Client | SQSClient | DynamoDBClient>(Client: new (config: never) => T, account: string): T => {
    const client = keep(new Client({ endpoint: env.moto.url, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true, maxAttempts: 1 } as never));
    // Every client's stack takes a build-step middleware; the union of their types does not say so.
    (client.middlewareStack as unknown as { add(m: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>, o: object): void }).add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      return next(args);
    }, { step: 'build', name: 'motoAccount' });
    return client;
  };

  const policy = async (type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY', name: string, document: object): Promise<string> =>
    (await org.send(new CreatePolicyCommand({ Type: type, Name: name, Description: name, Content: JSON.stringify(document) }))).Policy!.PolicySummary!.Id!;
  const attach = (policyId: string, target: string) => org.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: target }));
  const detach = (policyId: string, target: string) => org.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: target }));
  const iamOf = (credentials: Credentials) => keep(new IAMClient({ endpoint: env.server.url, region: REGION, credentials, maxAttempts: 1 }));
  const stsOf = (credentials: Credentials, region = REGION) => keep(new STSClient({ endpoint: env.server.url, region, credentials, maxAttempts: 1 }));
  const sqsIn = (credentials: Credentials, region: string) => keep(new SQSClient({ endpoint: env.server.url, region, credentials, maxAttempts: 1 }));

  async function invite(member: Credentials & { accountId: string }): Promise<void> {
    const handshake = (await org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: member.accountId } }))).Handshake!.Id!;
    await keep(orgs.client(member)).send(new AcceptHandshakeCommand({ HandshakeId: handshake }));
  }

  /** A user of `account` (its root's credentials) with `policies` and `tags`. */
  async function userIn(owner: Credentials, name: string, policies: object[] = [ALL], tags: Record<string, string> = {}): Promise<Credentials & { arn: string }> {
    const iam = iamOf(owner);
    const user = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
    for (const [i, document] of policies.entries()) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `p${i}`, PolicyDocument: JSON.stringify(document) }));
    if (Object.keys(tags).length > 0) await iam.send(new TagUserCommand({ UserName: name, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!, arn: user.Arn! };
  }

  /** A role of the account (trusting the account) with AdministratorAccess, assumed by `as`. */
  async function roleSession(owner: Credentials & { accountId: string }, name: string, as: Credentials): Promise<Credentials> {
    const iam = iamOf(owner);
    await iam.send(new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${owner.accountId}:root` }, Action: 'sts:AssumeRole' }] }),
    }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const out = (await stsOf(as).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${owner.accountId}:role/${name}`, RoleSessionName: 'sess' }))).Credentials!;
    return { accessKeyId: out.AccessKeyId!, secretAccessKey: out.SecretAccessKey!, sessionToken: out.SessionToken! };
  }

  /**
   * A session of a service-linked role of the account, as the service that owns it would get
   * (no customer can assume one: its trust policy names the service): minted directly.
   */
  async function serviceLinkedSession(owner: Credentials & { accountId: string }): Promise<Credentials & { roleArn: string }> {
    const role = (await iamOf(owner).send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'access-analyzer.amazonaws.com' }))).Role!;
    const deps = env.server.tessera.deps;
    const made = await issueTemporaryCredentials({ clock: deps.clock, random: deps.random, sessions: deps.sessions } as unknown as OperationContext, 3600, {
      kind: 'role-session', accountId: owner.accountId, role: { id: role.RoleId!, arn: role.Arn!, name: role.RoleName!, path: role.Path! }, sessionName: 'AccessAnalyzer',
    });
    return { accessKeyId: made.AccessKeyId!, secretAccessKey: made.SecretAccessKey!, sessionToken: made.SessionToken!, roleArn: role.Arn! };
  }

  before(async () => {
    env = await startGatewayEnv({ cacheMs: 0 });
    org = orgs.client();
    mgmt = env.server.accountId;
    orgId = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
    rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' }));
    m1 = await env.account();
    m2 = await env.account();
    outsider = await env.account();
    await invite(m1);
    await invite(m2);
    ou = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Workloads' }))).OrganizationalUnit!.Id!;
    await org.send(new MoveAccountCommand({ AccountId: m1.accountId, SourceParentId: rootId, DestinationParentId: ou }));
  });
  after(async () => {
    for (const c of created) c.destroy();
    orgs.destroy();
    await env?.stop();
  });

  // ---------------------------------------------------------------- SCPs

  describe('SCP on a member account', () => {
    let user: Credentials & { arn: string };
    let session: Credentials;
    let slr: Credentials & { roleArn: string };
    let mgmtUser: Credentials & { arn: string };
    let queueUrl: string;
    let keyId: string;
    let blob: Uint8Array;
    let mgmtQueueUrl: string;
    let scp: string;
    const bucket = 'scp-m1-bucket';

    before(async () => {
      user = await userIn(m1, 'alice');
      session = await roleSession(m1, 'app', user);
      slr = await serviceLinkedSession(m1);
      mgmtUser = await userIn(env.server.root, 'mgmt-admin');
      await env.s3(m1).send(new CreateBucketCommand({ Bucket: bucket }));
      // The service-linked role is granted by the bucket policy alone (same account).
      await env.s3(m1).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: slr.roleArn }, Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }] }) }));
      queueUrl = (await env.sqs(m1).send(new CreateQueueCommand({ QueueName: 'scp-q' }))).QueueUrl!;
      mgmtQueueUrl = (await env.sqs(env.server.root).send(new CreateQueueCommand({ QueueName: 'mgmt-q' }))).QueueUrl!;
      keyId = (await env.kms(m1).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      blob = (await env.kms(m1).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('hello') }))).CiphertextBlob!;
      await env.dynamodb(m1).send(new CreateTableCommand({ TableName: 'scp-t', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
      await env.dynamodb(env.server.root).send(new CreateTableCommand({ TableName: 'mgmt-t', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
      await env.s3(env.server.root).send(new CreateBucketCommand({ Bucket: 'scp-mgmt-bucket' }));
      scp = await policy('SERVICE_CONTROL_POLICY', 'deny-data', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: ['s3:*', 'sqs:SendMessage', 'kms:Decrypt', 'dynamodb:PutItem'], Resource: '*' }],
      });
      await attach(scp, m1.accountId);
    });
    after(() => detach(scp, m1.accountId));

    const SCP_DENY = /with an explicit deny in a service control policy$/;

    test('s3:* is refused to the member\'s users, role sessions and root user; nothing reaches moto', async () => {
      for (const [who, credentials] of [['user', user], ['role session', session], ['root', m1]] as const) {
        const error = await awsError(() => env.s3(credentials).send(new PutObjectCommand({ Bucket: bucket, Key: `by-${who}`, Body: 'x' })));
        assert.equal(error.name, 'AccessDenied', who);
        assert.equal(error.status, 403, who);
        assert.match(error.message, SCP_DENY, who);
        assert.match(error.message, new RegExp(`^User: arn:aws:(iam|sts)::${m1.accountId}:`), who);
        const onUpstream = await awsError(() => onMoto(S3Client, m1.accountId).send(new HeadObjectCommand({ Bucket: bucket, Key: `by-${who}` })));
        assert.equal(onUpstream.status, 404, `${who}: the object must not exist on moto`);
      }
    });

    test('sqs:SendMessage, kms:Decrypt, dynamodb:PutItem are refused; other actions of the same services are not', async () => {
      for (const credentials of [user, session, m1]) {
        assert.match((await awsError(() => env.sqs(credentials).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' })))).message, SCP_DENY);
        await env.sqs(credentials).send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
        assert.match((await awsError(() => env.kms(credentials).send(new DecryptCommand({ CiphertextBlob: blob })))).message, SCP_DENY);
        await env.kms(credentials).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
        assert.match((await awsError(() => env.dynamodb(credentials).send(new PutItemCommand({ TableName: 'scp-t', Item: { id: { S: 'denied' } } })))).message, SCP_DENY);
        await env.dynamodb(credentials).send(new GetItemCommand({ TableName: 'scp-t', Key: { id: { S: 'denied' } } }));
      }
      const attributes = await onMoto(SQSClient, m1.accountId).send(new GetQueueAttributesCommand({ QueueUrl: `${env.moto.url}/${m1.accountId}/scp-q`, AttributeNames: ['ApproximateNumberOfMessages'] }));
      assert.equal(attributes.Attributes?.['ApproximateNumberOfMessages'], '0');
      const item = await onMoto(DynamoDBClient, m1.accountId).send(new GetItemCommand({ TableName: 'scp-t', Key: { id: { S: 'denied' } } }));
      assert.equal(item.Item, undefined);
    });

    test('the management account is not affected by SCPs, even one attached at the root', async () => {
      await attach(scp, rootId);
      try {
        for (const credentials of [env.server.root, mgmtUser]) {
          await env.s3(credentials).send(new PutObjectCommand({ Bucket: 'scp-mgmt-bucket', Key: 'ok', Body: 'x' }));
          await env.sqs(credentials).send(new SendMessageCommand({ QueueUrl: mgmtQueueUrl, MessageBody: 'x' }));
          await env.dynamodb(credentials).send(new PutItemCommand({ TableName: 'mgmt-t', Item: { id: { S: 'ok' } } }));
        }
        await onMoto(S3Client, mgmt).send(new HeadObjectCommand({ Bucket: 'scp-mgmt-bucket', Key: 'ok' }));
      } finally {
        await detach(scp, rootId);
      }
    });

    test('a service-linked role session of the member is exempt from its SCPs', async () => {
      await env.s3(slr).send(new PutObjectCommand({ Bucket: bucket, Key: 'by-slr', Body: 'x' }));
      await onMoto(S3Client, m1.accountId).send(new HeadObjectCommand({ Bucket: bucket, Key: 'by-slr' }));
    });
  });

  describe('SCPs with conditions, decided with the gateway request\'s context', () => {
    let red: Credentials & { arn: string };
    let blue: Credentials & { arn: string };
    let prodQueue: string;
    let devQueue: string;
    const bucket = 'scp-cond-bucket';
    let scp: string;

    before(async () => {
      red = await userIn(m2, 'red', [ALL], { team: 'red' });
      blue = await userIn(m2, 'blue', [ALL], { team: 'blue' });
      await env.s3(m2).send(new CreateBucketCommand({ Bucket: bucket }));
      await env.s3(m2).send(new PutObjectCommand({ Bucket: bucket, Key: 'secret/a', Body: 'x' }));
      prodQueue = (await env.sqs(m2).send(new CreateQueueCommand({ QueueName: 'prod-q', tags: { env: 'prod' } }))).QueueUrl!;
      devQueue = (await env.sqs(m2).send(new CreateQueueCommand({ QueueName: 'dev-q' }))).QueueUrl!;
      await sqsIn(m2, 'us-west-2').send(new CreateQueueCommand({ QueueName: 'west-q' }));
      scp = await policy('SERVICE_CONTROL_POLICY', 'conditions', {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Region', Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 'organizations:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } } },
          { Sid: 'Team', Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'red' } } },
          { Sid: 'Prod', Effect: 'Deny', Action: 'sqs:SendMessage', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } } },
          { Sid: 'Prefix', Effect: 'Deny', Action: 's3:ListBucket', Resource: '*', Condition: { StringLike: { 's3:prefix': 'secret/*' } } },
        ],
      });
      await attach(scp, m2.accountId);
    });
    after(() => detach(scp, m2.accountId));

    test('aws:RequestedRegion: us-west-2 refused, us-east-1 allowed', async () => {
      const west = await awsError(() => sqsIn(red, 'us-west-2').send(new SendMessageCommand({ QueueUrl: `${env.server.url}/${m2.accountId}/west-q`, MessageBody: 'x' })));
      assert.match(west.message, /with an explicit deny in a service control policy$/);
      await sqsIn(red, 'us-east-1').send(new SendMessageCommand({ QueueUrl: devQueue, MessageBody: 'x' }));
    });

    test('aws:PrincipalTag/team: red may PutObject, blue may not (and moto holds only red\'s)', async () => {
      await env.s3(red).send(new PutObjectCommand({ Bucket: bucket, Key: 'red', Body: 'x' }));
      assert.match((await awsError(() => env.s3(blue).send(new PutObjectCommand({ Bucket: bucket, Key: 'blue', Body: 'x' })))).message, /with an explicit deny in a service control policy$/);
      await onMoto(S3Client, m2.accountId).send(new HeadObjectCommand({ Bucket: bucket, Key: 'red' }));
      assert.equal((await awsError(() => onMoto(S3Client, m2.accountId).send(new HeadObjectCommand({ Bucket: bucket, Key: 'blue' })))).status, 404);
    });

    test('aws:ResourceTag/env (read upstream): the prod queue refused, the dev queue allowed; a tag added later applies', async () => {
      assert.match((await awsError(() => env.sqs(red).send(new SendMessageCommand({ QueueUrl: prodQueue, MessageBody: 'x' })))).message, /with an explicit deny in a service control policy$/);
      await env.sqs(red).send(new SendMessageCommand({ QueueUrl: devQueue, MessageBody: 'x' }));
      await env.sqs(m2).send(new TagQueueCommand({ QueueUrl: devQueue, Tags: { env: 'prod' } }));
      assert.match((await awsError(() => env.sqs(red).send(new SendMessageCommand({ QueueUrl: devQueue, MessageBody: 'x' })))).message, /with an explicit deny in a service control policy$/);
    });

    test('s3:prefix: listing secret/ refused, listing public/ allowed', async () => {
      assert.match((await awsError(() => env.s3(red).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'secret/' })))).message, /with an explicit deny in a service control policy$/);
      await env.s3(red).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'public/' }));
    });
  });

  describe('SCP allow list (FullAWSAccess removed from the account)', () => {
    let scp: string;
    let worker: Credentials & { arn: string };
    before(async () => {
      worker = await userIn(m2, 'allow-list-user');
      scp = await policy('SERVICE_CONTROL_POLICY', 'allow-list', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 'sqs:*'], Resource: '*' }] });
      await attach(scp, m2.accountId);
      await detach('p-FullAWSAccess', m2.accountId);
    });
    after(async () => {
      await attach('p-FullAWSAccess', m2.accountId);
      await detach(scp, m2.accountId);
    });

    test('only the listed actions remain, for users and the root user', async () => {
      for (const credentials of [worker, m2]) {
        await env.s3(credentials).send(new GetObjectCommand({ Bucket: 'scp-cond-bucket', Key: 'secret/a' }));
        await env.sqs(credentials).send(new ReceiveMessageCommand({ QueueUrl: `${env.server.url}/${m2.accountId}/dev-q` }));
        const put = await awsError(() => env.s3(credentials).send(new PutObjectCommand({ Bucket: 'scp-cond-bucket', Key: 'listed', Body: 'x' })));
        assert.match(put.message, /because no service control policy allows the s3:PutObject action$/);
        const ddb = await awsError(() => env.dynamodb(credentials).send(new PutItemCommand({ TableName: 'nope', Item: { id: { S: 'x' } } })));
        assert.equal(ddb.name, 'AccessDeniedException');
        assert.match(ddb.message, /because no service control policy allows the dynamodb:PutItem action$/);
      }
      assert.equal((await awsError(() => onMoto(S3Client, m2.accountId).send(new HeadObjectCommand({ Bucket: 'scp-cond-bucket', Key: 'listed' })))).status, 404);
    });
  });

  // ---------------------------------------------------------------- RCPs

  describe('RCP data perimeter on member resources', () => {
    const bucket = 'rcp-m2-bucket';
    const mgmtBucket = 'rcp-mgmt-bucket';
    let queueUrl: string;
    let keyId: string;
    let blob: Uint8Array;
    let rcp: string;
    let outsiderUser: Credentials & { arn: string };
    let m1User: Credentials & { arn: string };
    let topicArn: string;
    let secretArn: string;

    const grant = (resource: string | string[], actions: string | string[]) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${outsider.accountId}:root`, `arn:aws:iam::${m1.accountId}:root`] }, Action: actions, Resource: resource }],
    });

    before(async () => {
      outsiderUser = await userIn(outsider, 'outside', [ALL]);
      m1User = await userIn(m1, 'insider', [ALL]);
      await env.s3(m2).send(new CreateBucketCommand({ Bucket: bucket }));
      await env.s3(m2).send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'data' }));
      await env.s3(m2).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(grant([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], ['s3:GetObject', 's3:PutObject', 's3:ListBucket'])) }));
      await env.s3(env.server.root).send(new CreateBucketCommand({ Bucket: mgmtBucket }));
      await env.s3(env.server.root).send(new PutObjectCommand({ Bucket: mgmtBucket, Key: 'doc', Body: 'mgmt' }));
      await env.s3(env.server.root).send(new PutBucketPolicyCommand({ Bucket: mgmtBucket, Policy: JSON.stringify(grant([`arn:aws:s3:::${mgmtBucket}/*`], ['s3:GetObject'])) }));
      queueUrl = (await env.sqs(m2).send(new CreateQueueCommand({ QueueName: 'rcp-q' }))).QueueUrl!;
      await env.sqs(m2).send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(grant(`arn:aws:sqs:${REGION}:${m2.accountId}:rcp-q`, 'sqs:SendMessage')) } }));
      keyId = (await env.kms(m2).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      await env.kms(m2).send(new PutKeyPolicyCommand({
        KeyId: keyId, PolicyName: 'default',
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${m2.accountId}:root` }, Action: 'kms:*', Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${outsider.accountId}:root`, `arn:aws:iam::${m1.accountId}:root`] }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' },
        ] }),
      }));
      blob = (await env.kms(m2).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('hello') }))).CiphertextBlob!;
      // SNS and Secrets Manager through the aws CLI.
      topicArn = JSON.parse((await env.cli(['sns', 'create-topic', '--name', 'rcp-topic'], m2)).stdout).TopicArn;
      assert.equal((await env.cli(['sns', 'set-topic-attributes', '--topic-arn', topicArn, '--attribute-name', 'Policy', '--attribute-value', JSON.stringify(grant(topicArn, 'sns:Publish'))], m2)).code, 0);
      // Another account reads a secret only under a customer managed key its key policy opens to it
      // (AWS: the aws/secretsmanager key refuses: "Access to KMS is not allowed").
      const secret = await env.cli(['secretsmanager', 'create-secret', '--name', 'rcp-secret', '--secret-string', 's3cr3t', '--kms-key-id', `arn:aws:kms:${REGION}:${m2.accountId}:key/${keyId}`], m2);
      assert.equal(secret.code, 0, secret.stderr);
      secretArn = JSON.parse(secret.stdout).ARN;
      const put = await env.cli(['secretsmanager', 'put-resource-policy', '--secret-id', secretArn, '--resource-policy', JSON.stringify(grant('*', 'secretsmanager:GetSecretValue'))], m2);
      assert.equal(put.code, 0, put.stderr);
      rcp = await policy('RESOURCE_CONTROL_POLICY', 'perimeter', {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'Perimeter', Effect: 'Deny', Principal: '*', Action: '*', Resource: '*',
          Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': orgId }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
        }],
      });
    });

    test('before the RCP the resource policies let the outsider in (baseline)', async () => {
      assert.equal(await (await env.s3(outsiderUser).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }))).Body!.transformToString(), 'data');
      await env.sqs(outsiderUser).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'before' }));
      await env.kms(outsiderUser).send(new EncryptCommand({ KeyId: `arn:aws:kms:${REGION}:${m2.accountId}:key/${keyId}`, Plaintext: Buffer.from('x') }));
      const secret = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', secretArn], outsiderUser);
      assert.equal(secret.code, 0, secret.stderr);
    });

    test('attached to the member: the outsider is refused on S3 (plain Access Denied), SQS, KMS, Secrets Manager; moto unchanged', async () => {
      await attach(rcp, m2.accountId);
      try {
        const get = await awsError(() => env.s3(outsiderUser).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' })));
        assert.equal(get.name, 'AccessDenied');
        assert.equal(get.message, 'Access Denied');
        const put = await awsError(() => env.s3(outsiderUser).send(new PutObjectCommand({ Bucket: bucket, Key: 'outsider', Body: 'x' })));
        assert.equal(put.message, 'Access Denied');
        assert.equal((await awsError(() => onMoto(S3Client, m2.accountId).send(new HeadObjectCommand({ Bucket: bucket, Key: 'outsider' })))).status, 404);
        const send = await awsError(() => env.sqs(outsiderUser).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'after' })));
        assert.match(send.message, /with an explicit deny in a resource control policy$/);
        const attributes = await onMoto(SQSClient, m2.accountId).send(new GetQueueAttributesCommand({ QueueUrl: `${env.moto.url}/${m2.accountId}/rcp-q`, AttributeNames: ['ApproximateNumberOfMessages'] }));
        assert.equal(attributes.Attributes?.['ApproximateNumberOfMessages'], '1');
        const decrypt = await awsError(() => env.kms(outsiderUser).send(new DecryptCommand({ CiphertextBlob: blob, KeyId: `arn:aws:kms:${REGION}:${m2.accountId}:key/${keyId}` })));
        assert.match(decrypt.message, /with an explicit deny in a resource control policy$/);
        const encrypt = await awsError(() => env.kms(outsiderUser).send(new EncryptCommand({ KeyId: `arn:aws:kms:${REGION}:${m2.accountId}:key/${keyId}`, Plaintext: Buffer.from('x') })));
        assert.match(encrypt.message, /with an explicit deny in a resource control policy$/);
        const secret = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', secretArn], outsiderUser);
        assert.notEqual(secret.code, 0);
        assert.match(secret.stderr, /AccessDenied/);
        assert.match(secret.stderr, /with an explicit deny in a resource control policy/);
      } finally {
        await detach(rcp, m2.accountId);
      }
    });

    // AWS: "To perform this operation on a KMS key in a different AWS account, specify the key
    // ARN" — with the key policy allowing the other account and its identity policy allowing,
    // Decrypt succeeds. Side finding (fidelity): the gateway also checks the ciphertext's key in
    // the *caller's* account (kms.ts blobKeyArn uses ownerAccountId), which no policy allows.
    test('cross-account kms:Decrypt naming the key ARN, with no RCP, is allowed (key policy + identity policy)', async () => {
      const plain = await env.kms(m1User).send(new DecryptCommand({ CiphertextBlob: blob, KeyId: `arn:aws:kms:${REGION}:${m2.accountId}:key/${keyId}` }));
      assert.equal(Buffer.from(plain.Plaintext!).toString(), 'hello');
    });

    test('principals of the organization (another member\'s user and root) are not refused', async () => {
      await attach(rcp, m2.accountId);
      try {
        for (const credentials of [m1User, m1]) {
          assert.equal(await (await env.s3(credentials).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }))).Body!.transformToString(), 'data');
          await env.sqs(credentials).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'insider' }));
          await env.kms(credentials).send(new EncryptCommand({ KeyId: `arn:aws:kms:${REGION}:${m2.accountId}:key/${keyId}`, Plaintext: Buffer.from('x') }));
          const secret = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', secretArn], credentials);
          assert.equal(secret.code, 0, secret.stderr);
        }
      } finally {
        await detach(rcp, m2.accountId);
      }
    });

    test('multi-resource S3 requests: CopyObject from the member\'s bucket and DeleteObjects in it are refused to the outsider', async () => {
      await env.s3(outsider).send(new CreateBucketCommand({ Bucket: 'outsider-bucket' }));
      await env.s3(m2).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(grant([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject'])) }));
      // Baseline: the copy works without the RCP.
      await env.s3(outsiderUser).send(new CopyObjectCommand({ Bucket: 'outsider-bucket', Key: 'copied-before', CopySource: `${bucket}/doc` }));
      await attach(rcp, m2.accountId);
      try {
        const copy = await awsError(() => env.s3(outsiderUser).send(new CopyObjectCommand({ Bucket: 'outsider-bucket', Key: 'copied-after', CopySource: `${bucket}/doc` })));
        assert.equal(copy.name, 'AccessDenied');
        assert.equal((await awsError(() => onMoto(S3Client, outsider.accountId).send(new HeadObjectCommand({ Bucket: 'outsider-bucket', Key: 'copied-after' })))).status, 404);
        const removed = await env.s3(outsiderUser).send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'doc' }] } })).catch((err: Error) => err);
        if (!(removed instanceof Error)) assert.equal(removed.Deleted?.length ?? 0, 0, 'DeleteObjects must delete nothing');
        await onMoto(S3Client, m2.accountId).send(new HeadObjectCommand({ Bucket: bucket, Key: 'doc' }));
      } finally {
        await detach(rcp, m2.accountId);
      }
    });

    test('RCPs apply to DynamoDB and CloudWatch Logs resources of the member, its own principals included', async () => {
      await env.dynamodb(m2).send(new CreateTableCommand({ TableName: 'rcp-t', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
      assert.equal((await env.cli(['logs', 'create-log-group', '--log-group-name', 'rcp-group'], m2)).code, 0);
      const locked = await policy('RESOURCE_CONTROL_POLICY', 'no-writes', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: ['dynamodb:PutItem', 'logs:CreateLogStream'], Resource: '*' }] });
      await attach(locked, m2.accountId);
      try {
        const put = await awsError(() => env.dynamodb(m2).send(new PutItemCommand({ TableName: 'rcp-t', Item: { id: { S: 'x' } } })));
        assert.match(put.message, /with an explicit deny in a resource control policy$/);
        assert.equal((await onMoto(DynamoDBClient, m2.accountId).send(new GetItemCommand({ TableName: 'rcp-t', Key: { id: { S: 'x' } } }))).Item, undefined);
        const stream = await env.cli(['logs', 'create-log-stream', '--log-group-name', 'rcp-group', '--log-stream-name', 's1'], m2);
        assert.notEqual(stream.code, 0);
        assert.match(stream.stderr, /with an explicit deny in a resource control policy/);
      } finally {
        await detach(locked, m2.accountId);
      }
      await env.dynamodb(m2).send(new PutItemCommand({ TableName: 'rcp-t', Item: { id: { S: 'x' } } }));
    });

    test('attached at the root: the management account\'s resources are not affected', async () => {
      await attach(rcp, rootId);
      try {
        assert.equal(await (await env.s3(outsiderUser).send(new GetObjectCommand({ Bucket: mgmtBucket, Key: 'doc' }))).Body!.transformToString(), 'mgmt');
        // …while the member's still are.
        assert.equal((await awsError(() => env.s3(outsiderUser).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' })))).message, 'Access Denied');
      } finally {
        await detach(rcp, rootId);
      }
    });

    test('RCPs do not apply to SNS (not a service AWS enforces RCPs for): the outsider may still publish', async () => {
      await attach(rcp, m2.accountId);
      try {
        const published = await env.cli(['sns', 'publish', '--topic-arn', topicArn, '--message', 'hi'], outsiderUser);
        assert.equal(published.code, 0, published.stderr);
      } finally {
        await detach(rcp, m2.accountId);
      }
    });

    test('an RCP naming a service AWS does not apply RCPs to (sns:*, lambda:*) is refused at CreatePolicy', async () => {
      for (const action of ['sns:Publish', 'lambda:InvokeFunction']) {
        const error = await awsError(() => policy('RESOURCE_CONTROL_POLICY', `bad-${action}`, { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: action, Resource: '*' }] }));
        assert.equal(error.name, 'MalformedPolicyDocumentException', action);
      }
    });

    test('RCPs never affect a service-linked role session; aws:SecureTransport and aws:SourceIp conditions refuse everyone else', async () => {
      const slr = await serviceLinkedSession(m2);
      await env.s3(m2).send(new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
          ...grant([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], ['s3:GetObject', 's3:PutObject', 's3:ListBucket']).Statement,
          { Effect: 'Allow', Principal: { AWS: slr.roleArn }, Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] },
        ] }),
      }));
      const secure = await policy('RESOURCE_CONTROL_POLICY', 'tls-only', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
      const network = await policy('RESOURCE_CONTROL_POLICY', 'corp-network', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: ['sqs:*', 's3:*'], Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] });
      for (const rcpId of [secure, network]) {
        await attach(rcpId, m2.accountId);
        try {
          // Plain HTTP from 127.0.0.1: both conditions hold for every caller, the account's own root included.
          const own = await awsError(() => env.s3(m2).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' })));
          assert.match(own.message, /with an explicit deny in a resource control policy$/, rcpId);
          const insider = await awsError(() => env.s3(m1User).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' })));
          assert.match(insider.message, /with an explicit deny in a resource control policy$/, rcpId);
          // The service-linked role is exempt.
          await env.s3(slr).send(new PutObjectCommand({ Bucket: bucket, Key: `slr-${rcpId}`, Body: 'x' }));
          await onMoto(S3Client, m2.accountId).send(new HeadObjectCommand({ Bucket: bucket, Key: `slr-${rcpId}` }));
        } finally {
          await detach(rcpId, m2.accountId);
        }
      }
      await env.s3(m2).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }));
    });
  });

  // ---------------------------------------------------------------- live changes

  describe('policy changes while sessions live', () => {
    test('an SCP attached after a session was made applies to its next gateway request; detached, it no longer does', async () => {
      const session = await roleSession(m2, 'live', await userIn(m2, 'live-user'));
      await env.s3(m2).send(new CreateBucketCommand({ Bucket: 'live-bucket' }));
      await env.s3(session).send(new PutObjectCommand({ Bucket: 'live-bucket', Key: 'a', Body: 'x' }));
      const scp = await policy('SERVICE_CONTROL_POLICY', 'live-deny', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }] });
      await attach(scp, ou);
      // m2 is not in the OU: unaffected. Moved into it: refused at once.
      await env.s3(session).send(new PutObjectCommand({ Bucket: 'live-bucket', Key: 'b', Body: 'x' }));
      await org.send(new MoveAccountCommand({ AccountId: m2.accountId, SourceParentId: rootId, DestinationParentId: ou }));
      try {
        assert.match((await awsError(() => env.s3(session).send(new PutObjectCommand({ Bucket: 'live-bucket', Key: 'c', Body: 'x' })))).message, /with an explicit deny in a service control policy$/);
        await detach(scp, ou);
        await env.s3(session).send(new PutObjectCommand({ Bucket: 'live-bucket', Key: 'd', Body: 'x' }));
      } finally {
        await org.send(new MoveAccountCommand({ AccountId: m2.accountId, SourceParentId: ou, DestinationParentId: rootId }));
      }
      // The caller is still who it was.
      assert.match((await stsOf(session).send(new GetCallerIdentityCommand({}))).Arn!, /assumed-role\/live\/sess$/);
    });
  });
});

// ---------------------------------------------------------------- two workers

/** Every request on a new connection: round robin sends consecutive ones to different workers. */
const fresh = { requestHandler: { httpAgent: new Agent({ keepAlive: false }) }, maxAttempts: 1, region: REGION };

test('tessera serve --workers 2: an SCP attached through one worker decides the next gateway request to every worker', async () => {
  const moto = await startMoto();
  const dir = await mkdtemp(join(tmpdir(), 'tessera-gateway-org-workers-'));
  const server = await startServeProcess(['--port', '0', '--data-dir', dir, '--upstream', moto.url, '--workers', '2']);
  const clients: { destroy(): void }[] = [];
  const keep = <T extends { destroy(): void }>(made: T): T => (clients.push(made), made);
  try {
    const file = await readFile(join(dir, 'root-credentials'), 'utf8');
    const root = { accessKeyId: /aws_access_key_id = (\S+)/.exec(file)![1]!, secretAccessKey: /aws_secret_access_key = (\S+)/.exec(file)![1]! };
    const org = keep(new OrganizationsClient({ ...fresh, endpoint: server.url, credentials: root }));
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const member = (await org.send(new (await import('@aws-sdk/client-organizations')).CreateAccountCommand({ Email: 'm@example.com', AccountName: 'M' }))).CreateAccountStatus!.AccountId!;
    const iam = keep(new IAMClient({ ...fresh, endpoint: server.url, credentials: root }));
    await iam.send(new CreateUserCommand({ UserName: 'ops' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'ops', PolicyName: 'assume', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }) }));
    const opsKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ops' }))).AccessKey!;
    const ops = { accessKeyId: opsKey.AccessKeyId!, secretAccessKey: opsKey.SecretAccessKey! };
    const admin = (await keep(new STSClient({ ...fresh, endpoint: server.url, credentials: ops })).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'ops' }))).Credentials!;
    const session = { accessKeyId: admin.AccessKeyId!, secretAccessKey: admin.SecretAccessKey!, sessionToken: admin.SessionToken! };
    const s3 = keep(new S3Client({ ...fresh, endpoint: server.url, forcePathStyle: true, credentials: session }));
    await s3.send(new CreateBucketCommand({ Bucket: 'workers-bucket' }));
    // Warm both workers' caches with allowed requests.
    for (let i = 0; i < 4; i++) await s3.send(new PutObjectCommand({ Bucket: 'workers-bucket', Key: `warm-${i}`, Body: 'x' }));
    const scp = (await org.send(new CreatePolicyCommand({ Type: 'SERVICE_CONTROL_POLICY', Name: 'deny-put', Description: 'd', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }] }) }))).Policy!.PolicySummary!.Id!;
    await org.send(new AttachPolicyCommand({ PolicyId: scp, TargetId: member }));
    for (let i = 0; i < 4; i++) {
      const error = await awsError(() => s3.send(new PutObjectCommand({ Bucket: 'workers-bucket', Key: `denied-${i}`, Body: 'x' })));
      assert.match(error.message, /with an explicit deny in a service control policy$/, `request ${i}`);
    }
    await org.send(new DetachPolicyCommand({ PolicyId: scp, TargetId: member }));
    for (let i = 0; i < 4; i++) await s3.send(new PutObjectCommand({ Bucket: 'workers-bucket', Key: `again-${i}`, Body: 'x' }));
  } finally {
    for (const made of clients) made.destroy();
    const code = await server.stop();
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0);
  }
});
