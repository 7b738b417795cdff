import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvaluationPrincipal, PolicyKind } from '../../policy/index.ts';
import type { PolicySourceType } from '../../protocol/generated/iam.ts';
import { compileValid } from './policy-inputs.ts';
import { resourceList } from './request.ts';
import { simulate, type Simulation, type SourcedPolicy } from './simulation.ts';

/** Fidelity sweep: the simulator's core against AWS's documented and recorded answers. */

const ACCOUNT = '111122223333';
const alice: EvaluationPrincipal = { kind: 'user', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, name: 'alice' };

function sourced(document: object, sourceId: string, kind: PolicyKind = 'identity', sourceType: PolicySourceType = 'none'): SourcedPolicy {
  return { policy: compileValid(JSON.stringify(document), kind, sourceId), sourceId, sourceType };
}

function sim(overrides: Partial<Simulation>): Simulation {
  return { identity: [], caller: alice, actions: ['s3:GetObject'], resources: undefined, context: {}, ...overrides };
}

const adminAccess = sourced({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }, 'AdministratorAccess', 'identity', 'aws-managed');
const boundary = sourced({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }, 'PermissionsBoundaryPolicyInputList.1', 'boundary');
const onlyEc2 = sourced({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ec2:*', Resource: '*' } }, 'OnlyEc2', 'scp');
const noS3 = sourced({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: '*' }] }, 'NoS3', 'scp');

// AWS (EvaluationResult.EvalDecisionDetails): "If an Organizations SCP included in the evaluation
// denies access, the simulation ends. In this case, policy evaluation does not proceed any further
// and this parameter is not returned." Recorded for a role with AdministratorAccess and a resource
// ARN under an SCP that does not allow the action (aws-containers/amazon-ecs-exec-checker issue #70):
// {EvalDecision: implicitDeny, MatchedStatements: [], MissingContextValues: [],
//  OrganizationsDecisionDetail: {AllowedByOrganizations: false}} — no ResourceSpecificResults.
test('an SCP that allows nothing ends the simulation: no statement cited, no per-resource or cross-account details', () => {
  const [result, ...rest] = simulate(sim({ identity: [adminAccess], boundary, scps: [[onlyEc2]], resources: ['arn:aws:s3:::b/k'] }));
  assert.equal(rest.length, 0);
  assert.deepEqual(result, {
    EvalActionName: 's3:GetObject',
    EvalResourceName: 'arn:aws:s3:::b/k',
    EvalDecision: 'implicitDeny',
    MatchedStatements: [],
    MissingContextValues: [],
    OrganizationsDecisionDetail: { AllowedByOrganizations: false },
  });
});

test('an SCP that denies explicitly cites only its own denying statement', () => {
  const [result] = simulate(sim({ identity: [adminAccess], scps: [[noS3]], resources: ['arn:aws:s3:::b/k'] }));
  assert.equal(result?.EvalDecision, 'explicitDeny');
  assert.deepEqual(result?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.StartPosition]), [['NoS3', { Line: 1, Column: 86 }]]);
  assert.equal(result?.ResourceSpecificResults, undefined);
  assert.equal(result?.EvalDecisionDetails, undefined);
  assert.deepEqual(result?.OrganizationsDecisionDetail, { AllowedByOrganizations: false });
  // Where the SCPs allow, the simulation goes on as before.
  const [ec2] = simulate(sim({ identity: [adminAccess], scps: [[noS3]], actions: ['ec2:RunInstances'], resources: [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`] }));
  assert.equal(ec2?.EvalDecision, 'allowed');
  assert.deepEqual(ec2?.MatchedStatements?.map((s) => s.SourcePolicyId), ['AdministratorAccess', 'NoS3']);
  assert.equal(ec2?.ResourceSpecificResults?.length, 1);
  assert.deepEqual(ec2?.EvalDecisionDetails, {});
});

// Documented: "If the simulation evaluates policies within the same account and includes a resource
// ARN, then the parameter is present but the response is empty."
test('EvalDecisionDetails is an empty map for a same-account resource ARN and absent for "*"', () => {
  const [withArn, star] = simulate(sim({ identity: [adminAccess], resources: ['arn:aws:s3:::b/k', '*'] }));
  assert.deepEqual(withArn?.EvalDecisionDetails, {});
  assert.equal(withArn?.ResourceSpecificResults?.[0]?.EvalDecisionDetails, undefined);
  assert.equal(star?.EvalDecisionDetails, undefined);
  const [noResources] = simulate(sim({ identity: [adminAccess] }));
  assert.equal(noResources?.EvalDecisionDetails, undefined);
});

test('ResourceArns must be "*" or ARNs; the invalid ones are named in AWS words', () => {
  assert.deepEqual(resourceList(['*', 'arn:aws:s3:::b', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1']), ['*', 'arn:aws:s3:::b', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1']);
  assert.throws(() => resourceList(['14a050d4-021e-4efe-84bb-0871bf6d0fda']), { code: 'InvalidInput', message: 'ResourceNames are not in a valid ARN format: 14a050d4-021e-4efe-84bb-0871bf6d0fda.' });
  for (const bad of ['arn:aws:s3:::', 'arn::s3:::b', 'arn:aws::::x', 'arn:aws:s3', 'ARN:aws:s3:::b']) {
    assert.throws(() => resourceList([bad]), { message: `ResourceNames are not in a valid ARN format: ${bad}.` }, bad);
  }
});
