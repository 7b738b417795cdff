import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand, GetContextKeysForPrincipalPolicyCommand, SimulateCustomPolicyCommand, SimulatePrincipalPolicyCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * Fidelity sweep of the policy simulator against AWS's documented and recorded answers.
 * Each test pins one discrepancy that was fixed; the sources are cited beside each.
 */

const ALLOW_S3 = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } });

describe('policy simulator fidelity sweep through the AWS SDK', () => {
  let server: TestServer;
  let iam: IAMClient;
  before(async () => {
    server = await startTestServer();
    iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'sweeper' }));
  });
  after(async () => server.stop());

  // Recorded: "Invalid Entity Arn: arn:aws:sts::<ACCOUNT_ID>:assumed-role/<ROLE_NAME>/<SSO_IDENTIFIER>
  // does not clearly define entity type and name." (aws-containers/amazon-ecs-exec-checker PR #10).
  test('a PolicySourceArn that is no user, group or role: InvalidInput "Invalid Entity Arn: … does not clearly define entity type and name."', async () => {
    for (const arn of [
      `arn:aws:sts::${server.accountId}:assumed-role/deployer/session-1`,
      `arn:aws:iam::${server.accountId}:policy/SomePolicy`,
    ]) {
      const simulate = await awsError(() => iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn, ActionNames: ['s3:GetObject'] })));
      assert.equal(simulate.name, 'InvalidInputException', arn);
      assert.equal(simulate.status, 400);
      assert.equal(simulate.message, `Invalid Entity Arn: ${arn} does not clearly define entity type and name.`);
      const keys = await awsError(() => iam.send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: arn })));
      assert.equal(keys.name, 'InvalidInputException', arn);
      assert.equal(keys.message, `Invalid Entity Arn: ${arn} does not clearly define entity type and name.`);
    }
  });

  // Recorded: "ResourceNames are not in a valid ARN format: 14a050d4-021e-4efe-84bb-0871bf6d0fda."
  // (aws-containers/amazon-ecs-exec-checker issue #35, a KMS key ID given as a resource).
  test('a ResourceArns entry that is not an ARN: InvalidInput "ResourceNames are not in a valid ARN format: …."', async () => {
    const keyId = '14a050d4-021e-4efe-84bb-0871bf6d0fda';
    const custom = await awsError(() => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [ALLOW_S3], ActionNames: ['kms:Decrypt'], ResourceArns: [keyId],
    })));
    assert.equal(custom.name, 'InvalidInputException');
    assert.equal(custom.status, 400);
    assert.equal(custom.message, `ResourceNames are not in a valid ARN format: ${keyId}.`);
    const principal = await awsError(() => iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: `arn:aws:iam::${server.accountId}:user/sweeper`, ActionNames: ['s3:GetObject'],
      ResourceArns: ['arn:aws:s3:::fine/key', 'my-bucket'],
    })));
    assert.equal(principal.name, 'InvalidInputException');
    assert.equal(principal.message, 'ResourceNames are not in a valid ARN format: my-bucket.');
    // "*" and ARNs without region or account are fine.
    const ok = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [ALLOW_S3], ActionNames: ['s3:GetObject'], ResourceArns: ['*', 'arn:aws:s3:::b/k'] }));
    assert.deepEqual(ok.EvaluationResults?.map((r) => [r.EvalResourceName, r.EvalDecision]), [['*', 'allowed'], ['arn:aws:s3:::b/k', 'allowed']]);
  });

  // Documented (EvaluationResult.EvalDecisionDetails): "If the simulation evaluates policies within
  // the same account and includes a resource ARN, then the parameter is present but the response is
  // empty. If the simulation evaluates policies within the same account and specifies all resources
  // (*), then the parameter is not returned."
  test('EvalDecisionDetails: an empty map for a same-account resource ARN, absent for "*", both sides cross-account', async () => {
    const withArn = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [ALLOW_S3], ActionNames: ['s3:GetObject'], ResourceArns: [`arn:aws:s3:us-east-1:${server.accountId}:accesspoint/ap`, '*'],
    }));
    const [arnResult, starResult] = withArn.EvaluationResults ?? [];
    assert.deepEqual(arnResult?.EvalDecisionDetails, {});
    assert.equal(starResult?.EvalResourceName, '*');
    assert.equal(starResult?.EvalDecisionDetails, undefined);
    // The per-resource entry is returned only for cross-account simulations.
    assert.equal(arnResult?.ResourceSpecificResults?.[0]?.EvalDecisionDetails, undefined);
    const noResources = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [ALLOW_S3], ActionNames: ['s3:GetObject'] }));
    assert.equal(noResources.EvaluationResults?.[0]?.EvalDecisionDetails, undefined);
    const principal = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: `arn:aws:iam::${server.accountId}:user/sweeper`, PolicyInputList: [ALLOW_S3], ActionNames: ['s3:PutObject'],
      ResourceArns: ['arn:aws:s3:::mine/k'],
    }));
    assert.equal(principal.EvaluationResults?.[0]?.EvalDecision, 'allowed');
    assert.deepEqual(principal.EvaluationResults?.[0]?.EvalDecisionDetails, {});
    const crossAccount = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [ALLOW_S3], ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::theirs/k'],
      ResourceOwner: 'arn:aws:iam::444455556666:root',
    }));
    assert.deepEqual(crossAccount.EvaluationResults?.[0]?.EvalDecisionDetails, { 'IAM Policy': 'allowed', 'Resource Policy': 'implicitDeny' });
  });
});
