import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachUserPolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetPolicyCommand, GetPolicyVersionCommand,
  ListEntitiesForPolicyCommand, ListPolicyVersionsCommand, PutRolePolicyCommand, PutUserPolicyCommand, UpdateAssumeRolePolicyCommand,
  CreatePolicyVersionCommand, DeletePolicyCommand, DetachUserPolicyCommand, GenerateServiceLastAccessedDetailsCommand, ListPolicyTagsCommand,
  SetDefaultPolicyVersionCommand, SimulatePrincipalPolicyCommand, TagPolicyCommand,
} from '@aws-sdk/client-iam';
import { AttachPolicyCommand, CreatePolicyCommand, EnablePolicyTypeCommand, ListRootsCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createAccount } from '../../src/iam/accounts.ts';
import { organizationsClients, twoMemberOrganization } from '../support/organizations.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * Findings of a sweep of published IAM/STS advisories and privilege-escalation paths (MinIO,
 * LocalStack, Rhino Security's IAM escalation list, AWS's own documented rules) against
 * Tessera. Each test asserts what AWS documents; they fail until the finding is fixed.
 */

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const sessionOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }): Credentials =>
  ({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });

async function userWithKey(server: TestServer, name: string, statements: object[], admin: Credentials = server.root): Promise<Credentials> {
  const iam = server.iam(admin);
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (statements.length > 0) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: doc(...statements) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

describe('IAM advisory sweep', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  // AWS: "You cannot use the NotPrincipal element in an IAM identity-based policy nor in an IAM
  // role trust policy" and "NotPrincipal must be used with "Effect":"Deny". Using it with
  // "Effect":"Allow" is not supported." (IAM User Guide, NotPrincipal). Tessera stores such a
  // trust policy and then lets every principal of every account — and every web identity of any
  // provider — assume the role.
  describe('NotPrincipal in a role trust policy', () => {
    test('CreateRole and UpdateAssumeRolePolicy refuse a trust policy with NotPrincipal', async () => {
      const iam = server.iam();
      const allowAllBut = doc({ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${server.accountId}:root` }, Action: 'sts:AssumeRole' });
      const created = await awsError(() => iam.send(new CreateRoleCommand({ RoleName: 'np-allow', AssumeRolePolicyDocument: allowAllBut })));
      assert.equal(created.name, 'MalformedPolicyDocumentException');
      assert.equal(created.status, 400);

      await iam.send(new CreateRoleCommand({
        RoleName: 'np-update', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:root` }, Action: 'sts:AssumeRole' }),
      }));
      const denyAllBut = doc(
        { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${server.accountId}:root` }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:root` }, Action: 'sts:AssumeRole' },
      );
      const updated = await awsError(() => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'np-update', PolicyDocument: denyAllBut })));
      assert.equal(updated.name, 'MalformedPolicyDocumentException');
      assert.equal(updated.status, 400);
    });

    test('a principal of another account cannot assume a role through an Allow + NotPrincipal trust policy', async () => {
      const deps = server.tessera.deps;
      const other = await createAccount({ store: deps.store, secrets: deps.secrets, clock: deps.clock, random: deps.random });
      const otherRoot = { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey };
      await server.iam().send(new CreateUserCommand({ UserName: 'excluded' }));
      // Whether or not IAM stores it, this document must never grant the role to a stranger.
      await server.iam().send(new CreateRoleCommand({
        RoleName: 'np-stranger',
        AssumeRolePolicyDocument: doc({ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${server.accountId}:user/excluded` }, Action: 'sts:AssumeRole' }),
      })).catch(() => undefined);
      const stranger = await userWithKey(server, 'stranger', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }], otherRoot);
      const err = await awsError(() => server.sts(stranger).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${server.accountId}:role/np-stranger`, RoleSessionName: 'in' })));
      assert.equal(err.name, 'AccessDenied');
      assert.equal(err.status, 403);
    });
  });

  // AWS: CreateRole with a path under /aws-service-role/ is refused — "InvalidInput: Path prefix
  // '/aws-service-role/' can only be used for AWS Service linked Roles" (recorded in
  // tilfin/aws-iam-policy-tool#9). Tessera creates the role, and because SCP exemption is decided
  // by the role ARN's path, its sessions escape every SCP of a member account.
  describe('service-linked role path', () => {
    const organizations = organizationsClients(() => server);
    after(() => organizations.destroy());

    test('CreateRole refuses the /aws-service-role/ path, so no ordinary role escapes the SCPs', async () => {
      const org = organizations.client();
      const { delegate: member, ops } = await twoMemberOrganization(server, org);
      const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
      await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
      const admin = sessionOf((await server.sts(ops).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'setup' }))).Credentials!);
      const memberIam = server.iam(admin);
      await memberIam.send(new CreateRoleCommand({
        RoleName: 'breakglass', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${member}:root` }, Action: 'sts:AssumeRole' }),
      }));
      const mallory = await userWithKey(server, 'mallory', [{ Effect: 'Allow', Action: '*', Resource: '*' }], admin);
      const scp = await org.send(new CreatePolicyCommand({
        Name: 'NoBreakGlass', Type: 'SERVICE_CONTROL_POLICY', Description: '',
        Content: doc({ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${member}:role/breakglass` }),
      }));
      await org.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: member }));
      const direct = await awsError(() => server.sts(mallory).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/breakglass`, RoleSessionName: 'direct' })));
      assert.equal(direct.name, 'AccessDenied', 'the SCP holds for an ordinary principal');

      const created = await server.iam(mallory).send(new CreateRoleCommand({
        RoleName: 'fake', Path: '/aws-service-role/',
        AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${member}:user/mallory` }, Action: 'sts:AssumeRole' }),
      })).then(() => undefined, (err: Error & { $metadata?: { httpStatusCode?: number } }) => err);
      if (created === undefined) {
        // The role exists: its session must still meet the SCP (today it is exempt, as a service-linked role's is).
        await server.iam(mallory).send(new UpdateAssumeRolePolicyCommand({
          RoleName: 'breakglass', PolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${member}:role/aws-service-role/fake` }, Action: 'sts:AssumeRole' }),
        }));
        const fakeSession = sessionOf((await server.sts(mallory).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/aws-service-role/fake`, RoleSessionName: 'fake' }))).Credentials!);
        const chained = await server.sts(fakeSession).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/breakglass`, RoleSessionName: 'bypass' }))
          .then((out) => `assumed ${out.AssumedRoleUser!.Arn}`, (err: Error) => err.name);
        assert.equal(chained, 'AccessDenied', 'a role made with CreateRole is not a service-linked role: the SCP applies to its sessions');
      }
      assert.ok(created, 'CreateRole with Path /aws-service-role/ must be refused');
      // The wire code is InvalidInput; the JS SDK v3 names its modeled exception InvalidInputException.
      assert.equal(created.name, 'InvalidInputException');
      assert.equal(created.$metadata?.httpStatusCode, 400);
      assert.equal(created.message, "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles");
    });
  });

  // AWS managed policies are readable by any IAM principal its own policies allow (GetPolicy on
  // arn:aws:iam::aws:policy/… is what Terraform's aws_iam_policy data source and the console
  // call); ListEntitiesForPolicy lists the caller's account's users, groups and roles. Tessera
  // treats the "aws" account of the ARN as another account whose (absent) resource policy must
  // allow the call, so only the root user can read them.
  describe('AWS managed policies read by IAM principals', () => {
    test('an IAM user allowed iam:* reads an AWS managed policy, its versions and its entities', async () => {
      const admin = await userWithKey(server, 'policy-reader', [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
      const iam = server.iam(admin);
      const PolicyArn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
      const policy = (await iam.send(new GetPolicyCommand({ PolicyArn }))).Policy!;
      assert.equal(policy.Arn, PolicyArn);
      const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId: policy.DefaultVersionId! }))).PolicyVersion!;
      assert.equal(version.IsDefaultVersion, true);
      assert.ok((await iam.send(new ListPolicyVersionsCommand({ PolicyArn }))).Versions!.length >= 1);
      await iam.send(new AttachUserPolicyCommand({ UserName: 'policy-reader', PolicyArn }));
      const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn }));
      assert.deepEqual(entities.PolicyUsers!.map((u) => u.UserName), ['policy-reader']);
    });

    test('a role session reads an AWS managed policy too', async () => {
      const user = await userWithKey(server, 'role-reader', []);
      await server.iam().send(new CreateRoleCommand({
        RoleName: 'reader', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:user/role-reader` }, Action: 'sts:AssumeRole' }),
      }));
      await server.iam().send(new PutRolePolicyCommand({ RoleName: 'reader', PolicyName: 'read', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetPolicy', Resource: '*' }) }));
      const { Credentials: c } = await server.sts(user).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${server.accountId}:role/reader`, RoleSessionName: 'tf' }));
      const got = await server.iam(sessionOf(c!)).send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
      assert.equal(got.Policy!.PolicyName, 'ReadOnlyAccess');
    });

    const MANAGED = 'arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess';

    test('the other reads too: ListPolicyTags (none), GenerateServiceLastAccessedDetails; audit records name the real ARN', async () => {
      const iam = server.iam(await userWithKey(server, 'managed-reports', [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]));
      const tags = await iam.send(new ListPolicyTagsCommand({ PolicyArn: MANAGED }));
      assert.deepEqual(tags.Tags, []);
      assert.ok((await iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: MANAGED }))).JobId);
      const got = await iam.send(new GetPolicyCommand({ PolicyArn: MANAGED }));
      await server.tessera.deps.audit.flush();
      const events = await server.tessera.deps.store.auditByRequestId(got.$metadata.requestId!);
      const records = events.map((e) => (e.data as { record: { resources?: Array<{ ARN: string }> } }).record);
      assert.ok(records.length > 0);
      for (const record of records) assert.deepEqual(record.resources?.map((r) => r.ARN), [MANAGED]);
    });

    test('identity policies still decide: an explicit Resource pattern matches, a Deny wins, no Allow is refused as AWS refuses it', async () => {
      const scoped = server.iam(await userWithKey(server, 'managed-scoped', [
        { Effect: 'Allow', Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'], Resource: 'arn:aws:iam::aws:policy/*' },
        { Effect: 'Deny', Action: 'iam:GetPolicyVersion', Resource: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      ]));
      assert.equal((await scoped.send(new GetPolicyCommand({ PolicyArn: MANAGED }))).Policy!.Arn, MANAGED);
      const version = await scoped.send(new GetPolicyVersionCommand({ PolicyArn: MANAGED, VersionId: (await scoped.send(new GetPolicyCommand({ PolicyArn: MANAGED }))).Policy!.DefaultVersionId! }));
      assert.equal(version.PolicyVersion!.IsDefaultVersion, true);
      const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
      const denied = await awsError(() => scoped.send(new GetPolicyVersionCommand({ PolicyArn: admin, VersionId: 'v1' })));
      assert.equal(denied.name, 'AccessDenied');
      assert.match(denied.message, /is not authorized to perform: iam:GetPolicyVersion on resource: arn:aws:iam::aws:policy\/AdministratorAccess with an explicit deny in an identity-based policy/);
      const unlisted = await awsError(() => scoped.send(new ListPolicyVersionsCommand({ PolicyArn: MANAGED })));
      assert.equal(unlisted.name, 'AccessDenied');
      assert.match(unlisted.message, /because no identity-based policy allows the iam:ListPolicyVersions action$/);
      // A customer-policy pattern does not reach AWS's policies.
      const own = server.iam(await userWithKey(server, 'managed-own-only', [{ Effect: 'Allow', Action: 'iam:GetPolicy', Resource: `arn:aws:iam::${server.accountId}:policy/*` }]));
      assert.match((await awsError(() => own.send(new GetPolicyCommand({ PolicyArn: MANAGED })))).message, /because no identity-based policy allows the iam:GetPolicy action$/);
    });

    test('changing one stays refused, whatever the policies allow; iam:PolicyARN still names the real ARN', async () => {
      const iam = server.iam(await userWithKey(server, 'managed-writer', [
        { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:AttachUserPolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } } },
      ]));
      const document = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
      for (const change of [
        () => iam.send(new CreatePolicyVersionCommand({ PolicyArn: MANAGED, PolicyDocument: document, SetAsDefault: true })),
        () => iam.send(new DeletePolicyCommand({ PolicyArn: MANAGED })),
        () => iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: MANAGED, VersionId: 'v1' })),
        () => iam.send(new TagPolicyCommand({ PolicyArn: MANAGED, Tags: [{ Key: 'k', Value: 'v' }] })),
      ]) {
        const err = await awsError(change);
        assert.equal(err.name, 'InvalidInputException');
        assert.equal(err.message, `Policy ${MANAGED} is an AWS managed policy and cannot be modified.`);
      }
      await iam.send(new AttachUserPolicyCommand({ UserName: 'managed-writer', PolicyArn: MANAGED }));
      await iam.send(new DetachUserPolicyCommand({ UserName: 'managed-writer', PolicyArn: MANAGED }));
      const attach = await awsError(() => iam.send(new AttachUserPolicyCommand({ UserName: 'managed-writer', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })));
      assert.equal(attach.name, 'AccessDenied');
    });

    test('the simulator decides them as the authorizer does', async () => {
      await userWithKey(server, 'managed-simulated', [{ Effect: 'Allow', Action: 'iam:GetPolicy', Resource: '*' }]);
      const out = await server.iam().send(new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${server.accountId}:user/managed-simulated`, ActionNames: ['iam:GetPolicy', 'iam:GetPolicyVersion'], ResourceArns: [MANAGED],
      }));
      assert.deepEqual(out.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision, r.EvalDecisionDetails]), [
        ['iam:GetPolicy', 'allowed', {}],
        ['iam:GetPolicyVersion', 'implicitDeny', {}],
      ]);
    });

    describe('in an organization member account', () => {
      let orgServer: TestServer;
      const organizations = organizationsClients(() => orgServer);
      before(async () => {
        orgServer = await startTestServer();
      });
      after(async () => {
        organizations.destroy();
        await orgServer.stop();
      });

      test("the caller's SCPs still apply to reads of AWS managed policies", async () => {
        const org = organizations.client();
        const { delegate, delegateAdmin } = await twoMemberOrganization(orgServer, org);
        const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
        await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
        const memberIam = orgServer.iam(delegateAdmin);
        // Under FullAWSAccess, the member's administrator (a role session) reads it.
        assert.equal((await memberIam.send(new GetPolicyCommand({ PolicyArn: MANAGED }))).Policy!.Arn, MANAGED);
        const scp = await org.send(new CreatePolicyCommand({
          Name: 'NoManagedReads', Type: 'SERVICE_CONTROL_POLICY', Description: '',
          Content: doc({ Effect: 'Deny', Action: 'iam:GetPolicy', Resource: 'arn:aws:iam::aws:policy/*' }),
        }));
        await org.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: delegate }));
        const denied = await awsError(() => memberIam.send(new GetPolicyCommand({ PolicyArn: MANAGED })));
        assert.equal(denied.name, 'AccessDenied');
        assert.match(denied.message, /with an explicit deny in a service control policy/);
      });
    });
  });
});
