// Engine corner cases through the IAM policy simulator (the server's decisions share
// src/policy/evaluate.ts; the conformance corpus holds the same cases for the engine and
// `tessera policy eval`: test/conformance/policy/engine-corner-cases.json).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, SimulateCustomPolicyCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';

const doc = (statement: object | object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('engine corner cases through the simulator and the server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('sts:GetCallerIdentity is allowed under an explicit deny, in the simulator and on the server', async () => {
    const iam = server.iam();
    const denyAll = doc({ Effect: 'Deny', Action: '*', Resource: '*' });
    const custom = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [denyAll], ActionNames: ['sts:GetCallerIdentity', 'sts:GetSessionToken'] }));
    assert.deepEqual(custom.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision]), [
      ['sts:GetCallerIdentity', 'allowed'],
      ['sts:GetSessionToken', 'explicitDeny'],
    ]);

    await iam.send(new CreateUserCommand({ UserName: 'denied' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'denied', PolicyName: 'DenyAll', PolicyDocument: denyAll }));
    const principal = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: `arn:aws:iam::${server.accountId}:user/denied`, ActionNames: ['sts:GetCallerIdentity'],
    }));
    assert.equal(principal.EvaluationResults?.[0]?.EvalDecision, 'allowed');

    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'denied' }))).AccessKey!;
    const sts = server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:iam::${server.accountId}:user/denied`);
  });

  test('a resource policy naming the user is not limited by an implicit deny of the boundary', async () => {
    const iam = server.iam();
    const bucketPolicy = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:user/carol` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' });
    const out = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [],
      PermissionsBoundaryPolicyInputList: [doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' })],
      ActionNames: ['s3:GetObject'],
      ResourcePolicy: bucketPolicy,
      CallerArn: `arn:aws:iam::${server.accountId}:user/carol`,
      ResourceArns: ['arn:aws:s3:::shared/doc'],
    }));
    assert.equal(out.EvaluationResults?.[0]?.EvalDecision, 'allowed');
  });
});
