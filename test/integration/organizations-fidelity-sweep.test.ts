import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { signedJson } from '../support/raw-request.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Organizations as the aws CLI and the SDKs meet it, against AWS's documented behaviour:
 * RCP content rules (RCP syntax: Version, "Principal": "*", Deny only, no NotPrincipal or
 * NotAction, only the services RCPs apply to), AWS's recorded MalformedPolicyDocumentException
 * sentence, DescribeEffectivePolicy for the management policy types Tessera cannot enable, and
 * RCPs reaching an S3 bucket of a member account through the gateway (moto upstream).
 */
describe('Organizations fidelity sweep', () => {
  let env: GatewayEnv;
  let member: Credentials & { accountId: string };
  let rootId: string;

  async function call(operation: string, payload: object, credentials: Credentials = env.server.root): Promise<{ status: number; body: any }> {
    const res = await signedJson(env.server.url, credentials, `AWSOrganizationsV20161128.${operation}`, payload);
    return { status: res.status, body: res.body ? JSON.parse(res.body) : undefined };
  }
  async function ok(operation: string, payload: object, credentials?: Credentials): Promise<any> {
    const res = await call(operation, payload, credentials);
    assert.equal(res.status, 200, `${operation}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
  async function error(operation: string, payload: object, credentials?: Credentials): Promise<{ type: string; message: string; reason?: string }> {
    const res = await call(operation, payload, credentials);
    assert.notEqual(res.status, 200, `${operation} should have failed`);
    return { type: res.body.__type, message: res.body.Message, reason: res.body.Reason };
  }
  const rcp = (statement: Record<string, unknown>, top: Record<string, unknown> = { Version: '2012-10-17' }) =>
    JSON.stringify({ ...top, Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: '*', ...statement }] });

  before(async () => {
    env = await startGatewayEnv();
    member = await env.account();
    await ok('CreateOrganization', { FeatureSet: 'ALL' });
    rootId = (await ok('ListRoots', {})).Roots[0].Id;
    const handshake = (await ok('InviteAccountToOrganization', { Target: { Type: 'ACCOUNT', Id: member.accountId } })).Handshake;
    await ok('AcceptHandshake', { HandshakeId: handshake.Id }, member);
    await ok('EnablePolicyType', { RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' });
  });
  after(async () => {
    await env?.stop();
  });

  test("RCP content: AWS's sentence, and only the elements and services of AWS's RCP syntax", async () => {
    const create = (content: string) => error('CreatePolicy', { Name: 'r', Type: 'RESOURCE_CONTROL_POLICY', Description: '', Content: content });
    const sentence = 'The provided policy document does not meet the requirements of the specified policy type.';
    const noVersion = await create(rcp({}, {}));
    assert.deepEqual([noVersion.type, noVersion.message], ['MalformedPolicyDocumentException', `${sentence} Resource control policies must specify "Version": "2012-10-17".`]);
    assert.equal((await create(rcp({ Principal: { AWS: '*' } }))).message, `${sentence} Resource control policies must specify "Principal": "*".`);
    assert.match((await create(rcp({ Action: ['s3:GetObject', 'ec2:RunInstances'] }))).message, /do not support the action ec2:RunInstances/);
    assert.match((await create(rcp({ Action: 'iam:CreateUser' }))).message, /do not support the action iam:CreateUser/);
    const notPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: '*' }, Action: 's3:*', Resource: '*' }] });
    assert.equal((await create(notPrincipal)).message, `${sentence} Resource control policies do not support NotPrincipal.`);
    // UpdatePolicy checks the same rules.
    const policy = (await ok('CreatePolicy', { Name: 'DenyGet', Type: 'RESOURCE_CONTROL_POLICY', Description: '', Content: rcp({ Action: ['s3:GetObject', 'sqs:*', 'kms:*', 'secretsmanager:*', 'sts:AssumeRole'] }) })).Policy;
    const update = await error('UpdatePolicy', { PolicyId: policy.PolicySummary.Id, Content: rcp({ Action: 'ec2:*' }) });
    assert.equal(update.type, 'MalformedPolicyDocumentException');
    await ok('DeletePolicy', { PolicyId: policy.PolicySummary.Id });
    // The aws CLI shows the same answer.
    const cli = await env.cli(['organizations', 'create-policy', '--name', 'c', '--type', 'RESOURCE_CONTROL_POLICY', '--description', '', '--content', rcp({ Action: 'ec2:*' })], env.server.root);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /MalformedPolicyDocumentException\) when calling the CreatePolicy operation: The provided policy document does not meet the requirements/);
  });

  test('DescribeEffectivePolicy: no management policy type can be enabled, so no effective policy; roots and OUs are not targets', async () => {
    const missing = await error('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY' });
    assert.equal(missing.type, 'EffectivePolicyNotFoundException');
    assert.equal((await error('DescribeEffectivePolicy', { PolicyType: 'BACKUP_POLICY', TargetId: member.accountId })).type, 'EffectivePolicyNotFoundException');
    assert.equal((await error('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY' }, member)).type, 'EffectivePolicyNotFoundException');
    const root = await error('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY', TargetId: rootId });
    assert.deepEqual([root.type, root.reason], ['InvalidInputException', 'TARGET_NOT_SUPPORTED']);
    assert.equal((await error('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY', TargetId: '123456789012' })).type, 'TargetNotFoundException');
    assert.equal((await error('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY', TargetId: env.server.accountId }, member)).type, 'AccessDeniedException');
    // SCPs and RCPs are not in the operation's enum.
    assert.deepEqual((await error('DescribeEffectivePolicy', { PolicyType: 'SERVICE_CONTROL_POLICY' })).type, 'InvalidInputException');
  });

  test("an RCP reaches a member's S3 bucket through the gateway (its ARN names no account); the management account's bucket is exempt", async () => {
    const memberS3 = env.s3(member);
    const managementS3 = env.s3(env.server.root);
    await memberS3.send(new CreateBucketCommand({ Bucket: 'sweep-member' }));
    await memberS3.send(new PutObjectCommand({ Bucket: 'sweep-member', Key: 'k', Body: 'v' }));
    await managementS3.send(new CreateBucketCommand({ Bucket: 'sweep-management' }));
    await managementS3.send(new PutObjectCommand({ Bucket: 'sweep-management', Key: 'k', Body: 'v' }));
    const policy = (await ok('CreatePolicy', { Name: 'NoS3Reads', Type: 'RESOURCE_CONTROL_POLICY', Description: '',
      Content: rcp({ Action: ['s3:GetObject', 's3:ListBucket'] }) })).Policy.PolicySummary.Id;
    await ok('AttachPolicy', { PolicyId: policy, TargetId: rootId });
    try {
      await assert.rejects(memberS3.send(new ListObjectsV2Command({ Bucket: 'sweep-member' })), (err: Error) => {
        assert.equal(err.name, 'AccessDenied');
        assert.match(err.message, /not authorized to perform: s3:ListBucket on resource: "?arn:aws:s3:::sweep-member"? with an explicit deny in a resource control policy/);
        return true;
      });
      await assert.rejects(memberS3.send(new GetObjectCommand({ Bucket: 'sweep-member', Key: 'k' })), /resource control policy/);
      const cli = await env.cli(['s3api', 'list-objects-v2', '--bucket', 'sweep-member'], member);
      assert.notEqual(cli.code, 0);
      assert.match(cli.stderr, /AccessDenied.*explicit deny in a resource control policy/s);
      // The management account's resources are exempt from RCPs.
      const listed = await managementS3.send(new ListObjectsV2Command({ Bucket: 'sweep-management' }));
      assert.deepEqual(listed.Contents?.map((o) => o.Key), ['k']);
    } finally {
      await ok('DetachPolicy', { PolicyId: policy, TargetId: rootId });
    }
    const after = await memberS3.send(new ListObjectsV2Command({ Bucket: 'sweep-member' }));
    assert.deepEqual(after.Contents?.map((o) => o.Key), ['k']);
  });
});
