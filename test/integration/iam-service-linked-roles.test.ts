// Service-linked roles per service, from src/iam/roles/service-linked-roles.json: AWS's names,
// paths, managed policies, descriptions and CustomSuffix rules through the AWS SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CreateServiceLinkedRoleCommand, DeleteServiceLinkedRoleCommand, DetachRolePolicyCommand, GetPolicyCommand, GetRoleCommand,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

/** The data file itself, read independently of the module that loads it. */
interface DocumentedRole {
  servicePrincipal: string;
  roleName: string;
  managedPolicy: string | null;
  customSuffix: boolean;
  description?: string;
}
const DOCUMENTED: DocumentedRole[] = JSON.parse(
  readFileSync(new URL('../../src/iam/roles/service-linked-roles.json', import.meta.url), 'utf8'),
).services;

describe('service-linked roles per service through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('ACM: its name and path, its AWS managed policy attached, no CustomSuffix', async () => {
    const iam = server.iam();
    const role = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'acm.amazonaws.com' }))).Role!;
    assert.equal(role.RoleName, 'AWSServiceRoleForCertificateManager');
    assert.equal(role.Path, '/aws-service-role/acm.amazonaws.com/');
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName }));
    assert.deepEqual(attached.AttachedPolicies, [
      { PolicyName: 'CertificateManagerServiceRolePolicy', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/CertificateManagerServiceRolePolicy' },
    ]);
    const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/CertificateManagerServiceRolePolicy' }))).Policy!;
    assert.equal(policy.AttachmentCount, 1);
    const suffix = await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'acm.amazonaws.com', CustomSuffix: 'two' })));
    assert.equal(suffix.name, 'InvalidInputException');
    assert.equal(suffix.message, 'Custom suffix is not allowed for acm.amazonaws.com');
  });

  test('names AWS capitalizes its own way: Lex bots, Security Hub, Trusted Advisor', async () => {
    const iam = server.iam();
    for (const [service, name, policy] of [
      ['lex.amazonaws.com', 'AWSServiceRoleForLexBots', 'LexBotPolicy'],
      ['securityhub.amazonaws.com', 'AWSServiceRoleForSecurityHub', 'AWSSecurityHubServiceRolePolicy'],
      ['trustedadvisor.amazonaws.com', 'AWSServiceRoleForTrustedAdvisor', 'AWSTrustedAdvisorServiceRolePolicy'],
    ] as const) {
      const role = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: service }))).Role!;
      assert.equal(role.RoleName, name);
      assert.equal(role.Path, `/aws-service-role/${service}/`);
      const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
      assert.deepEqual(attached.AttachedPolicies?.map((p) => p.PolicyArn), [`arn:aws:iam::aws:policy/aws-service-role/${policy}`]);
    }
  });

  test('Connect takes a CustomSuffix; Application Auto Scaling custom resources get their own name', async () => {
    const iam = server.iam();
    const connect = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'connect.amazonaws.com', CustomSuffix: 'instance1' }))).Role!;
    assert.equal(connect.RoleName, 'AWSServiceRoleForAmazonConnect_instance1');
    assert.equal(connect.Arn, `arn:aws:iam::${server.accountId}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_instance1`);
    const connectPolicies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: connect.RoleName }));
    assert.deepEqual(connectPolicies.AttachedPolicies?.map((p) => p.PolicyName), ['AmazonConnectServiceLinkedRolePolicy']);

    const custom = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'custom-resource.application-autoscaling.amazonaws.com' }))).Role!;
    assert.equal(custom.RoleName, 'AWSServiceRoleForApplicationAutoScaling_CustomResource');
    assert.equal(custom.Path, '/aws-service-role/custom-resource.application-autoscaling.amazonaws.com/');
    const customPolicies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: custom.RoleName }));
    assert.deepEqual(customPolicies.AttachedPolicies?.map((p) => p.PolicyArn), ['arn:aws:iam::aws:policy/aws-service-role/AWSApplicationAutoScalingCustomResourcePolicy']);
  });

  test('Batch: BatchServiceRolePolicy, and the documented description unless the caller gives one', async () => {
    const iam = server.iam();
    const batch = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'batch.amazonaws.com' }))).Role!;
    assert.equal(batch.RoleName, 'AWSServiceRoleForBatch');
    assert.equal(batch.Description, 'Allows AWS Batch to create and manage AWS resources on your behalf.');
    const policies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'AWSServiceRoleForBatch' }));
    assert.deepEqual(policies.AttachedPolicies?.map((p) => p.PolicyName), ['BatchServiceRolePolicy']);
    // The role is AWS's: its policy cannot be detached by anyone.
    const detach = await awsError(() => iam.send(new DetachRolePolicyCommand({ RoleName: 'AWSServiceRoleForBatch', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/BatchServiceRolePolicy' })));
    assert.equal(detach.name, 'UnmodifiableEntityException');

    const ecs = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com', Description: 'mine' }))).Role!;
    assert.equal(ecs.Description, 'mine');
    // Deleting the role takes its attachment with it.
    await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForBatch' }));
    assert.equal((await awsError(() => iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForBatch' })))).name, 'NoSuchEntityException');
    const batchPolicy = (await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/BatchServiceRolePolicy' }))).Policy!;
    assert.equal(batchPolicy.AttachmentCount, 0);
  });

  test('a service AWS does not document gets the generic name, no policy, and a suffix', async () => {
    const iam = server.iam();
    const role = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'example-service.amazonaws.com', CustomSuffix: 'a' }))).Role!;
    assert.equal(role.RoleName, 'AWSServiceRoleForExampleService_a');
    assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName }))).AttachedPolicies, []);
  });

  test('hostile service names and suffixes are refused quickly', async () => {
    const iam = server.iam();
    const started = performance.now();
    for (const name of ['ACM.AMAZONAWS.COM', 'acm.amazonaws.com.evil.example', `${'a.'.repeat(60)}amazonaws.com`, 'a..amazonaws.com']) {
      const err = await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: name })));
      assert.ok(err.name === 'InvalidInputException' || err.name === 'ValidationError', `${name}: ${err.name}`);
    }
    const long = await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'x'.repeat(64) })));
    assert.ok(long.name === 'InvalidInputException' || long.name === 'ValidationError', long.name);
    assert.ok(performance.now() - started < 2000);
  });
});

describe('every documented service-linked role through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('the data file covers the services it is expected to', () => {
    assert.ok(DOCUMENTED.length >= 281, `${DOCUMENTED.length} entries`);
  });

  for (const spec of DOCUMENTED) {
    test(`${spec.servicePrincipal}: ${spec.roleName}, its path, policy, description and CustomSuffix rule`, async () => {
      const iam = server.iam();
      const path = `/aws-service-role/${spec.servicePrincipal}/`;
      const role = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: spec.servicePrincipal }))).Role!;
      assert.equal(role.RoleName, spec.roleName);
      assert.equal(role.Path, path);
      assert.equal(role.Arn, `arn:aws:iam::${server.accountId}:role${path}${spec.roleName}`);
      assert.equal(role.Description, spec.description);
      const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!));
      assert.deepEqual(trust.Statement.map((s: { Principal: unknown }) => s.Principal), [{ Service: spec.servicePrincipal }]);

      const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: spec.roleName }))).AttachedPolicies;
      const expected = spec.managedPolicy === null ? [] : [{
        PolicyName: spec.managedPolicy,
        PolicyArn: `arn:aws:iam::aws:policy/aws-service-role/${spec.managedPolicy}`,
      }];
      assert.deepEqual(attached, expected);

      if (spec.customSuffix) {
        const suffixed = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: spec.servicePrincipal, CustomSuffix: 'table' }))).Role!;
        assert.equal(suffixed.RoleName, `${spec.roleName}_table`);
        assert.equal(suffixed.Path, path);
        const suffixedPolicies = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: suffixed.RoleName }))).AttachedPolicies;
        assert.deepEqual(suffixedPolicies, expected);
        await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: suffixed.RoleName }));
      } else {
        const refused = await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: spec.servicePrincipal, CustomSuffix: 'table' })));
        assert.equal(refused.name, 'InvalidInputException');
        assert.equal(refused.message, `Custom suffix is not allowed for ${spec.servicePrincipal}`);
      }

      // The role is AWS's: a second one of the same name is refused, and deleting it frees the name.
      const again = await awsError(() => iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: spec.servicePrincipal })));
      assert.equal(again.name, 'InvalidInputException');
      assert.equal(again.message, `Service role name ${spec.roleName} has been taken in this account, please try a different suffix.`);
      await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: spec.roleName }));
      assert.equal((await awsError(() => iam.send(new GetRoleCommand({ RoleName: spec.roleName })))).name, 'NoSuchEntityException');
    });
  }
});
