import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand, CloseAccountCommand, CreateAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, CreatePolicyCommand,
  DeleteOrganizationalUnitCommand, DeletePolicyCommand, DeleteResourcePolicyCommand, DeregisterDelegatedAdministratorCommand,
  DescribeAccountCommand, DescribeEffectivePolicyCommand, DescribeOrganizationalUnitCommand, DescribePolicyCommand, DetachPolicyCommand,
  DisableAWSServiceAccessCommand, DisablePolicyTypeCommand, EnableAWSServiceAccessCommand, EnablePolicyTypeCommand,
  InviteAccountToOrganizationCommand, ListAccountsForParentCommand, ListAccountsWithInvalidEffectivePolicyCommand, ListAWSServiceAccessForOrganizationCommand, ListChildrenCommand,
  ListDelegatedAdministratorsCommand, ListDelegatedServicesForAccountCommand, ListEffectivePolicyValidationErrorsCommand,
  ListOrganizationalUnitsForParentCommand, ListParentsCommand, ListPoliciesCommand, ListPoliciesForTargetCommand, ListRootsCommand,
  ListTagsForResourceCommand, ListTargetsForPolicyCommand, MoveAccountCommand, PutResourcePolicyCommand,
  RegisterDelegatedAdministratorCommand, RemoveAccountFromOrganizationCommand, TagResourceCommand, UntagResourceCommand, UpdateOrganizationalUnitCommand, UpdatePolicyCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { memberAdmin, organizationsClients } from '../support/organizations.ts';
import { signedJsonAnswer } from '../support/raw-request.ts';

/**
 * For each Organizations / CloudTrail condition key the Service Authorization Reference (SAR,
 * "Actions, resources, and condition keys for AWS Organizations" / "… for AWS CloudTrail")
 * lists for an action, and which a real request of that action carries, three decisions on the
 * caller's identity policy (the style of iam-sts-condition-keys-sweep.test.ts):
 *   1. an Allow conditioned on the value the request carries → the call is authorized;
 *   2. Allow the action + a Deny conditioned on that value → AccessDenied(Exception);
 *   3. Allow the action + a Deny conditioned on another value → the call is authorized.
 * "Authorized" is success, or — for the few operations whose answer after authorization is an
 * error Tessera documents (DescribeEffectivePolicy: no management policy type is ever enabled)
 * — that error and not a refusal.
 *
 * The SAR's words for the keys (iam-data, the SAR as published):
 *   organizations:PolicyType        "Filters access by the specified policy type names"
 *   organizations:ServicePrincipal  "Filters access by the specified service principal names"
 *   aws:RequestTag/${TagKey}        "Filters access by the tags that are passed in the request"
 *                                   (CloudTrail: "… by the tag key-value pairs in the request")
 *   aws:TagKeys                     "Filters access by the tag keys that are passed in the request"
 *   aws:ResourceTag/${TagKey}       "Filters access by the tags associated with the resource"
 *                                   (CloudTrail: "… by the tags attached to the resource"), listed
 *                                   on the resource types account, organizationalunit, policy,
 *                                   root, resourcepolicy (Organizations) and trail (CloudTrail).
 * Which action lists which key is quoted above each group. The caller is an IAM user of the
 * management account whose only inline policy is replaced for each decision; every decision
 * gets fresh resources (made by the account's root) where the call changes them.
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
type Cond = Record<string, Record<string, string | string[]>>;

interface KeyCase {
  name: string;
  /** The action the condition is on. */
  action: string;
  /** The resource the conditioned statements name ("*" by default). */
  resource?: string;
  /** Other statements always in the policy (unconditioned grants the call also needs). */
  extra?: object[];
  match: Cond;
  other: Cond;
  /** An error the call answers once authorized (instead of success). */
  authorizedError?: string;
  prepare: (n: number) => Promise<() => Promise<unknown>>;
  /** Cleanup after each decision (as root). */
  cleanup?: () => Promise<void>;
}

const SCP = 'SERVICE_CONTROL_POLICY';
const RCP = 'RESOURCE_CONTROL_POLICY';
const scpContent = doc([{ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }]);
const TAG = { Key: 'team', Value: 'blue' };
const requestTag = { match: { StringEquals: { 'aws:RequestTag/team': 'blue' } }, other: { StringEquals: { 'aws:RequestTag/team': 'red' } } };
const tagKeys = { match: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } }, other: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'not-a-key' } } };
const resourceTag = { match: { StringEquals: { 'aws:ResourceTag/env': 'prod' } }, other: { StringEquals: { 'aws:ResourceTag/env': 'dev' } } };
const policyType = (value: string, other: string) => ({ match: { StringEquals: { 'organizations:PolicyType': value } }, other: { StringEquals: { 'organizations:PolicyType': other } } });
const servicePrincipal = (value: string) => ({ match: { StringEquals: { 'organizations:ServicePrincipal': value } }, other: { StringEquals: { 'organizations:ServicePrincipal': 'not-this.amazonaws.com' } } });
const PROD = [{ Key: 'env', Value: 'prod' }];

const CT_TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
const BUCKET = 'keys-bucket';

describe('Organizations and CloudTrail condition keys reach the policy engine', () => {
  let server: TestServer;
  let base: string;
  let iam: IAMClient;
  let root: OrganizationsClient;
  let org: OrganizationsClient;
  let caller: Credentials;
  let rootId: string;
  let member: string;
  let counter = 0;
  const clients = organizationsClients(() => server);
  const CALLER = 'keys-caller';
  const next = () => ++counter;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'tessera-keys-'));
    await mkdir(join(base, BUCKET));
    server = await startTestServer({ trailDir: base });
    iam = server.iam();
    root = clients.client();
    await root.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    rootId = (await root.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    await root.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: SCP }));
    await root.send(new TagResourceCommand({ ResourceId: rootId, Tags: PROD }));
    member = (await root.send(new CreateAccountCommand({ Email: 'member@example.com', AccountName: 'Member', Tags: PROD }))).CreateAccountStatus!.AccountId!;
    await iam.send(new CreateUserCommand({ UserName: CALLER }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: CALLER }))).AccessKey!;
    caller = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    org = clients.client(caller);
    assert.equal((await ct(server.root, 'CreateTrail', { Name: 'tagged', S3BucketName: BUCKET, TagsList: PROD })).status, 200);
  });
  after(async () => {
    clients.destroy();
    await server?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  // ---- helpers -----------------------------------------------------------------------------
  async function ct(credentials: Credentials, operation: string, input: object) {
    return signedJsonAnswer(server.url, credentials, CT_TARGET + operation, input, { service: 'cloudtrail' });
  }
  /** A CloudTrail call as the caller that throws the AWS error (name = code) unless it answers 200. */
  const ctCall = (operation: string, input: object) => async () => {
    const answer = await ct(caller, operation, input);
    if (answer.status !== 200) throw Object.assign(new Error(`${answer.code}: ${answer.message}`), { name: answer.code });
    return answer.body;
  };
  const trailArn = (name: string) => `arn:aws:cloudtrail:us-east-1:${server.accountId}:trail/${name}`;
  const deleteTrail = async (name: string) => { await ct(server.root, 'DeleteTrail', { Name: name }); };

  const newOu = async (n: number, tags?: { Key: string; Value: string }[]) =>
    (await root.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: `ou-${n}`, ...(tags ? { Tags: tags } : {}) }))).OrganizationalUnit!.Id!;
  const newPolicy = async (n: number, tags?: { Key: string; Value: string }[]) =>
    (await root.send(new CreatePolicyCommand({ Name: `p-${n}`, Description: '', Type: SCP, Content: scpContent, ...(tags ? { Tags: tags } : {}) }))).Policy!.PolicySummary!.Id!;
  const orgArn = (kind: string) => `arn:aws:organizations::*:${kind}/o-*`;

  async function setPolicy(statements: object[]): Promise<void> {
    await iam.send(new PutUserPolicyCommand({ UserName: CALLER, PolicyName: 'under-test', PolicyDocument: doc(statements) }));
  }

  async function outcome(run: () => Promise<unknown>): Promise<{ name: string; message: string }> {
    try {
      await run();
      return { name: 'Succeeded', message: '' };
    } catch (err) {
      const e = err as Error;
      return { name: e.name, message: e.message };
    }
  }

  async function sweep(c: KeyCase): Promise<void> {
    const resource = c.resource ?? '*';
    const extra = c.extra ?? [];
    const authorized = (o: { name: string }) => o.name === 'Succeeded' || (c.authorizedError !== undefined && o.name === c.authorizedError);
    const decide = async (statements: object[]) => {
      await setPolicy([...statements, ...extra]);
      const run = await c.prepare(next());
      try {
        return await outcome(run);
      } finally {
        await c.cleanup?.();
      }
    };

    const o1 = await decide([{ Effect: 'Allow', Action: c.action, Resource: resource, Condition: c.match }]);
    assert.ok(authorized(o1), `${c.name}: an Allow conditioned on ${JSON.stringify(c.match)} should allow the call, got ${o1.name}: ${o1.message}`);

    const o2 = await decide([{ Effect: 'Allow', Action: c.action, Resource: '*' }, { Effect: 'Deny', Action: c.action, Resource: resource, Condition: c.match }]);
    assert.ok(['AccessDenied', 'AccessDeniedException'].includes(o2.name), `${c.name}: a Deny conditioned on ${JSON.stringify(c.match)} should refuse the call, got ${o2.name}: ${o2.message}`);

    const o3 = await decide([{ Effect: 'Allow', Action: c.action, Resource: '*' }, { Effect: 'Deny', Action: c.action, Resource: resource, Condition: c.other }]);
    assert.ok(authorized(o3), `${c.name}: a Deny conditioned on ${JSON.stringify(c.other)} should not refuse the call, got ${o3.name}: ${o3.message}`);
  }

  /** One test per case, named `action / key`. */
  const keyTest = (c: KeyCase) => test(c.name, async () => { await sweep(c); });

  // =========================================================================================
  // organizations:PolicyType. SAR: listed for AttachPolicy, CreatePolicy, DeletePolicy,
  // DescribeEffectivePolicy, DescribePolicy, DetachPolicy, DisablePolicyType, EnablePolicyType,
  // ListAccountsWithInvalidEffectivePolicy, ListEffectivePolicyValidationErrors, ListPolicies,
  // ListPoliciesForTarget, ListTagsForResource, ListTargetsForPolicy, TagResource, UntagResource,
  // UpdatePolicy. The value is the type the request names (CreatePolicy's Type, the Filter of the
  // lists, EnablePolicyType's PolicyType) or the type of the policy it names.
  // =========================================================================================
  const scpType = policyType(SCP, RCP);
  keyTest({
    name: 'organizations:CreatePolicy / organizations:PolicyType', action: 'organizations:CreatePolicy', ...scpType,
    prepare: async (n) => () => org.send(new CreatePolicyCommand({ Name: `created-${n}`, Description: '', Type: SCP, Content: scpContent })),
  });
  /** The calls on one policy that name it by ID (each decided on the policy: its type, its tags). */
  const POLICY_CALLS = [
    ['DescribePolicy', (id: string) => org.send(new DescribePolicyCommand({ PolicyId: id }))],
    ['UpdatePolicy', (id: string) => org.send(new UpdatePolicyCommand({ PolicyId: id, Description: 'changed' }))],
    ['DeletePolicy', (id: string) => org.send(new DeletePolicyCommand({ PolicyId: id }))],
    ['ListTargetsForPolicy', (id: string) => org.send(new ListTargetsForPolicyCommand({ PolicyId: id }))],
    ['TagResource', (id: string) => org.send(new TagResourceCommand({ ResourceId: id, Tags: [TAG] }))],
    ['UntagResource', (id: string) => org.send(new UntagResourceCommand({ ResourceId: id, TagKeys: ['env'] }))],
    ['ListTagsForResource', (id: string) => org.send(new ListTagsForResourceCommand({ ResourceId: id }))],
  ] as const;
  for (const [op, call] of POLICY_CALLS) {
    keyTest({
      name: `organizations:${op} / organizations:PolicyType (the policy's type)`, action: `organizations:${op}`, ...scpType,
      prepare: async (n) => { const id = await newPolicy(n, PROD); return () => call(id); },
    });
  }
  keyTest({
    name: 'organizations:AttachPolicy / organizations:PolicyType', action: 'organizations:AttachPolicy', ...scpType,
    prepare: async (n) => { const ou = await newOu(n); const p = await newPolicy(n); return () => org.send(new AttachPolicyCommand({ PolicyId: p, TargetId: ou })); },
  });
  keyTest({
    name: 'organizations:DetachPolicy / organizations:PolicyType', action: 'organizations:DetachPolicy', ...scpType,
    prepare: async (n) => {
      const ou = await newOu(n);
      const p = await newPolicy(n);
      await root.send(new AttachPolicyCommand({ PolicyId: p, TargetId: ou }));
      return () => org.send(new DetachPolicyCommand({ PolicyId: p, TargetId: ou }));
    },
  });
  // RCPs are switched on and off (as root) so that each decision's call can succeed.
  const rcpEnabled = async () => ((await root.send(new ListRootsCommand({}))).Roots![0]!.PolicyTypes ?? []).some((t) => t.Type === RCP && t.Status === 'ENABLED');
  keyTest({
    name: 'organizations:EnablePolicyType / organizations:PolicyType', action: 'organizations:EnablePolicyType', ...policyType(RCP, SCP),
    prepare: async () => {
      if (await rcpEnabled()) await root.send(new DisablePolicyTypeCommand({ RootId: rootId, PolicyType: RCP }));
      return () => org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: RCP }));
    },
  });
  keyTest({
    name: 'organizations:DisablePolicyType / organizations:PolicyType', action: 'organizations:DisablePolicyType', ...policyType(RCP, SCP),
    prepare: async () => {
      if (!(await rcpEnabled())) await root.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: RCP }));
      return () => org.send(new DisablePolicyTypeCommand({ RootId: rootId, PolicyType: RCP }));
    },
  });
  keyTest({
    name: 'organizations:ListPolicies / organizations:PolicyType (the Filter)', action: 'organizations:ListPolicies', ...scpType,
    prepare: async () => () => org.send(new ListPoliciesCommand({ Filter: SCP })),
  });
  keyTest({
    name: 'organizations:ListPoliciesForTarget / organizations:PolicyType (the Filter)', action: 'organizations:ListPoliciesForTarget', ...scpType,
    prepare: async () => () => org.send(new ListPoliciesForTargetCommand({ TargetId: member, Filter: SCP })),
  });
  // Management policy types: Tessera enables none, so these answer (once authorized) as AWS does
  // for a type that is not enabled (README, "Effective policies").
  keyTest({
    name: 'organizations:DescribeEffectivePolicy / organizations:PolicyType', action: 'organizations:DescribeEffectivePolicy', ...policyType('TAG_POLICY', 'BACKUP_POLICY'),
    authorizedError: 'EffectivePolicyNotFoundException',
    prepare: async () => () => org.send(new DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: member })),
  });
  keyTest({
    name: 'organizations:ListEffectivePolicyValidationErrors / organizations:PolicyType', action: 'organizations:ListEffectivePolicyValidationErrors', ...policyType('TAG_POLICY', 'BACKUP_POLICY'),
    authorizedError: 'EffectivePolicyNotFoundException',
    prepare: async () => () => org.send(new ListEffectivePolicyValidationErrorsCommand({ PolicyType: 'TAG_POLICY', AccountId: member })),
  });
  keyTest({
    name: 'organizations:ListAccountsWithInvalidEffectivePolicy / organizations:PolicyType', action: 'organizations:ListAccountsWithInvalidEffectivePolicy', ...policyType('TAG_POLICY', 'BACKUP_POLICY'),
    prepare: async () => () => org.send(new ListAccountsWithInvalidEffectivePolicyCommand({ PolicyType: 'TAG_POLICY' })),
  });

  // =========================================================================================
  // organizations:ServicePrincipal. SAR: listed for EnableAWSServiceAccess,
  // DisableAWSServiceAccess, RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator and
  // ListDelegatedAdministrators; the value is the request's ServicePrincipal.
  // =========================================================================================
  const ACCESS_SP = 'guardduty.amazonaws.com';
  const ADMIN_SP = 'securityhub.amazonaws.com';
  const accessOn = async (sp: string) =>
    ((await root.send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals ?? []).some((s) => s.ServicePrincipal === sp);
  const registered = async () => ((await root.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: ADMIN_SP }))).DelegatedAdministrators ?? []).some((a) => a.Id === member);
  keyTest({
    name: 'organizations:EnableAWSServiceAccess / organizations:ServicePrincipal', action: 'organizations:EnableAWSServiceAccess', ...servicePrincipal(ACCESS_SP),
    prepare: async () => {
      if (await accessOn(ACCESS_SP)) await root.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: ACCESS_SP }));
      return () => org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: ACCESS_SP }));
    },
  });
  keyTest({
    name: 'organizations:DisableAWSServiceAccess / organizations:ServicePrincipal', action: 'organizations:DisableAWSServiceAccess', ...servicePrincipal(ACCESS_SP),
    prepare: async () => {
      if (!(await accessOn(ACCESS_SP))) await root.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: ACCESS_SP }));
      return () => org.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: ACCESS_SP }));
    },
  });
  keyTest({
    name: 'organizations:RegisterDelegatedAdministrator / organizations:ServicePrincipal', action: 'organizations:RegisterDelegatedAdministrator', ...servicePrincipal(ADMIN_SP),
    prepare: async () => {
      if (!(await accessOn(ADMIN_SP))) await root.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: ADMIN_SP }));
      if (await registered()) await root.send(new DeregisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: ADMIN_SP }));
      return () => org.send(new RegisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: ADMIN_SP }));
    },
  });
  keyTest({
    name: 'organizations:DeregisterDelegatedAdministrator / organizations:ServicePrincipal', action: 'organizations:DeregisterDelegatedAdministrator', ...servicePrincipal(ADMIN_SP),
    prepare: async () => {
      if (!(await accessOn(ADMIN_SP))) await root.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: ADMIN_SP }));
      if (!(await registered())) await root.send(new RegisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: ADMIN_SP }));
      return () => org.send(new DeregisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: ADMIN_SP }));
    },
  });
  keyTest({
    name: 'organizations:ListDelegatedAdministrators / organizations:ServicePrincipal', action: 'organizations:ListDelegatedAdministrators', ...servicePrincipal(ADMIN_SP),
    prepare: async () => () => org.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: ADMIN_SP })),
  });

  // =========================================================================================
  // aws:RequestTag/${TagKey} and aws:TagKeys. SAR: listed for CreateAccount,
  // CreateOrganizationalUnit, CreatePolicy, InviteAccountToOrganization, PutResourcePolicy and
  // TagResource (UntagResource: aws:TagKeys). A create that carries Tags also needs
  // organizations:TagResource ("If the request includes tags, then the requester must have the
  // organizations:TagResource permission", Organizations API Reference): always allowed here.
  // =========================================================================================
  const tagResource = [{ Effect: 'Allow', Action: 'organizations:TagResource', Resource: '*' }];
  const createsWithTags: [string, (n: number) => Promise<() => Promise<unknown>>][] = [
    ['CreateAccount', async (n) => async () => {
      const status = (await org.send(new CreateAccountCommand({ Email: `tagged-${n}@example.com`, AccountName: `Tagged ${n}`, Tags: [TAG] }))).CreateAccountStatus!;
      assert.equal(status.State, 'SUCCEEDED', `CreateAccount: ${status.FailureReason}`);
    }],
    ['CreateOrganizationalUnit', async (n) => () => org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: `tagged-ou-${n}`, Tags: [TAG] }))],
    ['CreatePolicy', async (n) => () => org.send(new CreatePolicyCommand({ Name: `tagged-p-${n}`, Description: '', Type: SCP, Content: scpContent, Tags: [TAG] }))],
    ['InviteAccountToOrganization', async (n) => () => org.send(new InviteAccountToOrganizationCommand({ Target: { Type: 'EMAIL', Id: `nobody-${n}@example.com` }, Tags: [TAG] }))],
    ['PutResourcePolicy', async () => {
      await root.send(new DeleteResourcePolicyCommand({})).catch((e: Error) => { if (e.name !== 'ResourcePolicyNotFoundException') throw e; });
      const content = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${member}:root` }, Action: 'organizations:DescribeOrganization', Resource: '*' }]);
      return () => org.send(new PutResourcePolicyCommand({ Content: content, Tags: [TAG] }));
    }],
  ];
  for (const [op, prepare] of createsWithTags) {
    keyTest({ name: `organizations:${op} / aws:RequestTag/team`, action: `organizations:${op}`, extra: tagResource, ...requestTag, prepare });
    keyTest({ name: `organizations:${op} / aws:TagKeys`, action: `organizations:${op}`, extra: tagResource, ...tagKeys, prepare });
  }
  keyTest({
    name: 'organizations:TagResource / aws:RequestTag/team (an OU)', action: 'organizations:TagResource', ...requestTag,
    prepare: async (n) => { const ou = await newOu(n); return () => org.send(new TagResourceCommand({ ResourceId: ou, Tags: [TAG] })); },
  });
  keyTest({
    name: 'organizations:TagResource / aws:TagKeys (an OU)', action: 'organizations:TagResource', ...tagKeys,
    prepare: async (n) => { const ou = await newOu(n); return () => org.send(new TagResourceCommand({ ResourceId: ou, Tags: [TAG] })); },
  });
  keyTest({
    name: 'organizations:UntagResource / aws:TagKeys (an OU)', action: 'organizations:UntagResource', ...tagKeys,
    prepare: async (n) => { const ou = await newOu(n, [TAG]); return () => org.send(new UntagResourceCommand({ ResourceId: ou, TagKeys: ['team'] })); },
  });

  // =========================================================================================
  // aws:ResourceTag/${TagKey}: listed by the SAR on the resource types account,
  // organizationalunit, policy, root and resourcepolicy, so it applies to every action on one.
  // Each resource below carries env=prod.
  // =========================================================================================
  // The root (tagged in `before`).
  for (const [op, call] of [
    ['ListChildren', () => org.send(new ListChildrenCommand({ ParentId: rootId, ChildType: 'ORGANIZATIONAL_UNIT' }))],
    ['ListOrganizationalUnitsForParent', () => org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId }))],
    ['ListAccountsForParent', () => org.send(new ListAccountsForParentCommand({ ParentId: rootId }))],
    ['ListPoliciesForTarget', () => org.send(new ListPoliciesForTargetCommand({ TargetId: rootId, Filter: SCP }))],
    ['ListTagsForResource', () => org.send(new ListTagsForResourceCommand({ ResourceId: rootId }))],
  ] as const) {
    keyTest({ name: `organizations:${op} / aws:ResourceTag/env (the root)`, action: `organizations:${op}`, ...resourceTag, prepare: async () => call });
  }
  keyTest({
    name: 'organizations:EnablePolicyType / aws:ResourceTag/env (the root)', action: 'organizations:EnablePolicyType', ...resourceTag,
    prepare: async () => {
      if (await rcpEnabled()) await root.send(new DisablePolicyTypeCommand({ RootId: rootId, PolicyType: RCP }));
      return () => org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: RCP }));
    },
  });
  keyTest({
    name: 'organizations:DisablePolicyType / aws:ResourceTag/env (the root)', action: 'organizations:DisablePolicyType', ...resourceTag,
    prepare: async () => {
      if (!(await rcpEnabled())) await root.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: RCP }));
      return () => org.send(new DisablePolicyTypeCommand({ RootId: rootId, PolicyType: RCP }));
    },
  });
  // CreateOrganizationalUnit's resources are its parent (SAR: organizationalunit, root).
  keyTest({
    name: 'organizations:CreateOrganizationalUnit / aws:ResourceTag/env (the parent root)', action: 'organizations:CreateOrganizationalUnit', ...resourceTag,
    prepare: async (n) => () => org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: `child-${n}` })),
  });
  keyTest({
    name: 'organizations:CreateOrganizationalUnit / aws:ResourceTag/env (the parent OU)', action: 'organizations:CreateOrganizationalUnit', ...resourceTag,
    prepare: async (n) => { const parent = await newOu(n, PROD); return () => org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: `child-${n}` })); },
  });
  // A fresh OU tagged env=prod for each decision.
  for (const [op, call] of [
    ['DescribeOrganizationalUnit', (ou: string) => org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ou }))],
    ['UpdateOrganizationalUnit', (ou: string) => org.send(new UpdateOrganizationalUnitCommand({ OrganizationalUnitId: ou, Name: `${ou}-renamed` }))],
    ['DeleteOrganizationalUnit', (ou: string) => org.send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: ou }))],
    ['ListChildren', (ou: string) => org.send(new ListChildrenCommand({ ParentId: ou, ChildType: 'ACCOUNT' }))],
    ['ListAccountsForParent', (ou: string) => org.send(new ListAccountsForParentCommand({ ParentId: ou }))],
    ['ListOrganizationalUnitsForParent', (ou: string) => org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ou }))],
    ['ListParents', (ou: string) => org.send(new ListParentsCommand({ ChildId: ou }))],
    ['ListPoliciesForTarget', (ou: string) => org.send(new ListPoliciesForTargetCommand({ TargetId: ou, Filter: SCP }))],
    ['TagResource', (ou: string) => org.send(new TagResourceCommand({ ResourceId: ou, Tags: [TAG] }))],
    ['UntagResource', (ou: string) => org.send(new UntagResourceCommand({ ResourceId: ou, TagKeys: ['env'] }))],
    ['ListTagsForResource', (ou: string) => org.send(new ListTagsForResourceCommand({ ResourceId: ou }))],
  ] as const) {
    keyTest({
      name: `organizations:${op} / aws:ResourceTag/env (an OU)`, action: `organizations:${op}`, ...resourceTag,
      prepare: async (n) => { const ou = await newOu(n, PROD); return () => call(ou); },
    });
  }
  // The member account (tagged when created in `before`).
  for (const [op, call] of [
    ['DescribeAccount', () => org.send(new DescribeAccountCommand({ AccountId: member }))],
    ['ListParents', () => org.send(new ListParentsCommand({ ChildId: member }))],
    ['ListPoliciesForTarget', () => org.send(new ListPoliciesForTargetCommand({ TargetId: member, Filter: SCP }))],
    ['ListTagsForResource', () => org.send(new ListTagsForResourceCommand({ ResourceId: member }))],
  ] as const) {
    keyTest({ name: `organizations:${op} / aws:ResourceTag/env (an account)`, action: `organizations:${op}`, ...resourceTag, prepare: async () => call });
  }
  keyTest({
    name: 'organizations:ListDelegatedServicesForAccount / aws:ResourceTag/env (an account)', action: 'organizations:ListDelegatedServicesForAccount', ...resourceTag,
    prepare: async () => {
      // Registered, so that the authorized call succeeds (else AccountNotRegisteredException).
      if (!(await accessOn(ADMIN_SP))) await root.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: ADMIN_SP }));
      if (!(await registered())) await root.send(new RegisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: ADMIN_SP }));
      return () => org.send(new ListDelegatedServicesForAccountCommand({ AccountId: member }));
    },
  });
  keyTest({
    name: 'organizations:DescribeEffectivePolicy / aws:ResourceTag/env (an account)', action: 'organizations:DescribeEffectivePolicy', ...resourceTag,
    authorizedError: 'EffectivePolicyNotFoundException',
    prepare: async () => () => org.send(new DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: member })),
  });
  keyTest({
    name: 'organizations:ListEffectivePolicyValidationErrors / aws:ResourceTag/env (an account)', action: 'organizations:ListEffectivePolicyValidationErrors', ...resourceTag,
    authorizedError: 'EffectivePolicyNotFoundException',
    prepare: async () => () => org.send(new ListEffectivePolicyValidationErrorsCommand({ PolicyType: 'TAG_POLICY', AccountId: member })),
  });
  keyTest({
    name: 'organizations:AttachPolicy / aws:ResourceTag/env (the target account)', action: 'organizations:AttachPolicy', ...resourceTag,
    resource: `${orgArn('account')}/*`, extra: [{ Effect: 'Allow', Action: 'organizations:AttachPolicy', Resource: 'arn:aws:organizations::*:policy/*' }],
    prepare: async (n) => { const p = await newPolicy(n); return () => org.send(new AttachPolicyCommand({ PolicyId: p, TargetId: member })); },
  });
  // Accounts that the call closes or removes: a fresh tagged account, kept for the next decision when refused (10 accounts at most).
  let spare: string | undefined;
  const taggedAccount = async (n: number) => {
    if (spare) return spare;
    const status = (await root.send(new CreateAccountCommand({ Email: `gone-${n}@example.com`, AccountName: `Gone ${n}`, Tags: PROD }))).CreateAccountStatus!;
    assert.equal(status.State, 'SUCCEEDED', `CreateAccount: ${status.FailureReason}`);
    return (spare = status.AccountId!);
  };
  for (const [op, call] of [
    ['CloseAccount', (id: string) => org.send(new CloseAccountCommand({ AccountId: id }))],
    ['RemoveAccountFromOrganization', (id: string) => org.send(new RemoveAccountFromOrganizationCommand({ AccountId: id }))],
  ] as const) {
    keyTest({
      name: `organizations:${op} / aws:ResourceTag/env (an account)`, action: `organizations:${op}`, ...resourceTag,
      prepare: async (n) => {
        const id = await taggedAccount(n);
        return async () => { await call(id); spare = undefined; };
      },
    });
  }
  const parentOf = async (id: string) => (await root.send(new ListParentsCommand({ ChildId: id }))).Parents![0]!.Id!;
  keyTest({
    name: 'organizations:MoveAccount / aws:ResourceTag/env (the account)', action: 'organizations:MoveAccount', ...resourceTag,
    resource: `${orgArn('account')}/*`, extra: [{ Effect: 'Allow', Action: 'organizations:MoveAccount', Resource: [`${orgArn('root')}/*`, `${orgArn('ou')}/*`] }],
    prepare: async (n) => {
      const source = await parentOf(member);
      const destination = await newOu(n);
      return () => org.send(new MoveAccountCommand({ AccountId: member, SourceParentId: source, DestinationParentId: destination }));
    },
  });
  keyTest({
    name: 'organizations:MoveAccount / aws:ResourceTag/env (the destination OU)', action: 'organizations:MoveAccount', ...resourceTag,
    resource: `${orgArn('ou')}/*`, extra: [{ Effect: 'Allow', Action: 'organizations:MoveAccount', Resource: [`${orgArn('root')}/*`, `${orgArn('account')}/*`] }],
    prepare: async (n) => {
      // Back to the root first, so the source is never an OU (whose tags the statement would also see).
      const source = await parentOf(member);
      if (source !== rootId) await root.send(new MoveAccountCommand({ AccountId: member, SourceParentId: source, DestinationParentId: rootId }));
      const destination = await newOu(n, PROD);
      return () => org.send(new MoveAccountCommand({ AccountId: member, SourceParentId: rootId, DestinationParentId: destination }));
    },
  });
  keyTest({
    name: 'organizations:MoveAccount / aws:ResourceTag/env (the source OU)', action: 'organizations:MoveAccount', ...resourceTag,
    resource: `${orgArn('ou')}/*`, extra: [{ Effect: 'Allow', Action: 'organizations:MoveAccount', Resource: [`${orgArn('root')}/*`, `${orgArn('account')}/*`] }],
    prepare: async (n) => {
      const current = await parentOf(member);
      const source = await newOu(n, PROD);
      await root.send(new MoveAccountCommand({ AccountId: member, SourceParentId: current, DestinationParentId: source }));
      return () => org.send(new MoveAccountCommand({ AccountId: member, SourceParentId: source, DestinationParentId: rootId }));
    },
  });
  keyTest({
    name: 'organizations:RegisterDelegatedAdministrator / aws:ResourceTag/env (the account)', action: 'organizations:RegisterDelegatedAdministrator', ...resourceTag,
    prepare: async () => {
      if (!(await accessOn(ADMIN_SP))) await root.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: ADMIN_SP }));
      if (await registered()) await root.send(new DeregisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: ADMIN_SP }));
      return () => org.send(new RegisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: ADMIN_SP }));
    },
  });
  // A fresh policy tagged env=prod for each decision.
  for (const [op, call] of POLICY_CALLS) {
    keyTest({
      name: `organizations:${op} / aws:ResourceTag/env (a policy)`, action: `organizations:${op}`, ...resourceTag,
      prepare: async (n) => { const id = await newPolicy(n, PROD); return () => call(id); },
    });
  }
  keyTest({
    name: 'organizations:AttachPolicy / aws:ResourceTag/env (the policy)', action: 'organizations:AttachPolicy', ...resourceTag,
    resource: 'arn:aws:organizations::*:policy/*', extra: [{ Effect: 'Allow', Action: 'organizations:AttachPolicy', Resource: `${orgArn('ou')}/*` }],
    prepare: async (n) => { const ou = await newOu(n); const p = await newPolicy(n, PROD); return () => org.send(new AttachPolicyCommand({ PolicyId: p, TargetId: ou })); },
  });
  keyTest({
    name: 'organizations:AttachPolicy / aws:ResourceTag/env (the target OU)', action: 'organizations:AttachPolicy', ...resourceTag,
    resource: `${orgArn('ou')}/*`, extra: [{ Effect: 'Allow', Action: 'organizations:AttachPolicy', Resource: 'arn:aws:organizations::*:policy/*' }],
    prepare: async (n) => { const ou = await newOu(n, PROD); const p = await newPolicy(n); return () => org.send(new AttachPolicyCommand({ PolicyId: p, TargetId: ou })); },
  });
  keyTest({
    name: 'organizations:DetachPolicy / aws:ResourceTag/env (the target OU)', action: 'organizations:DetachPolicy', ...resourceTag,
    resource: `${orgArn('ou')}/*`, extra: [{ Effect: 'Allow', Action: 'organizations:DetachPolicy', Resource: 'arn:aws:organizations::*:policy/*' }],
    prepare: async (n) => {
      const ou = await newOu(n, PROD);
      const p = await newPolicy(n);
      await root.send(new AttachPolicyCommand({ PolicyId: p, TargetId: ou }));
      return () => org.send(new DetachPolicyCommand({ PolicyId: p, TargetId: ou }));
    },
  });
  // The delegation policy (resourcepolicy), tagged env=prod.
  const taggedResourcePolicy = async () => {
    await root.send(new DeleteResourcePolicyCommand({})).catch((e: Error) => { if (e.name !== 'ResourcePolicyNotFoundException') throw e; });
    const content = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${member}:root` }, Action: 'organizations:DescribeOrganization', Resource: '*' }]);
    return (await root.send(new PutResourcePolicyCommand({ Content: content, Tags: PROD }))).ResourcePolicy!.ResourcePolicySummary!.Id!;
  };
  keyTest({
    name: 'organizations:TagResource / aws:ResourceTag/env (the delegation policy)', action: 'organizations:TagResource', ...resourceTag,
    prepare: async () => { const id = await taggedResourcePolicy(); return () => org.send(new TagResourceCommand({ ResourceId: id, Tags: [TAG] })); },
  });
  keyTest({
    name: 'organizations:ListTagsForResource / aws:ResourceTag/env (the delegation policy)', action: 'organizations:ListTagsForResource', ...resourceTag,
    prepare: async () => { const id = await taggedResourcePolicy(); return () => org.send(new ListTagsForResourceCommand({ ResourceId: id })); },
  });
  keyTest({
    name: 'organizations:PutResourcePolicy / aws:ResourceTag/env (the existing delegation policy)', action: 'organizations:PutResourcePolicy', ...resourceTag,
    prepare: async () => {
      await taggedResourcePolicy();
      const content = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${member}:root` }, Action: 'organizations:ListRoots', Resource: '*' }]);
      return () => org.send(new PutResourcePolicyCommand({ Content: content }));
    },
  });

  // =========================================================================================
  // CloudTrail. SAR: aws:RequestTag/${TagKey} and aws:TagKeys for CreateTrail and AddTags,
  // aws:TagKeys for RemoveTags; aws:ResourceTag/${TagKey} on the trail resource type, so for
  // every action on a trail (required for GetTrail, UpdateTrail, DeleteTrail, GetTrailStatus,
  // StartLogging, StopLogging, PutEventSelectors, GetEventSelectors; optional for AddTags,
  // RemoveTags, ListTags).
  // =========================================================================================
  const created: string[] = [];
  const dropCreated = async () => { while (created.length > 0) await deleteTrail(created.pop()!); };
  const addTags = [{ Effect: 'Allow', Action: 'cloudtrail:AddTags', Resource: '*' }];
  for (const [label, keys] of [['aws:RequestTag/team', requestTag], ['aws:TagKeys', tagKeys]] as const) {
    keyTest({
      name: `cloudtrail:CreateTrail / ${label}`, action: 'cloudtrail:CreateTrail', extra: addTags, ...keys, cleanup: dropCreated,
      prepare: async (n) => { const name = `created-${n}`; created.push(name); return ctCall('CreateTrail', { Name: name, S3BucketName: BUCKET, TagsList: [TAG] }); },
    });
    keyTest({
      name: `cloudtrail:AddTags / ${label}`, action: 'cloudtrail:AddTags', ...keys,
      prepare: async () => ctCall('AddTags', { ResourceId: trailArn('tagged'), TagsList: [TAG] }),
    });
  }
  keyTest({
    name: 'cloudtrail:RemoveTags / aws:TagKeys', action: 'cloudtrail:RemoveTags', ...tagKeys,
    prepare: async () => ctCall('RemoveTags', { ResourceId: trailArn('tagged'), TagsList: [{ Key: 'team' }] }),
  });
  for (const [op, input] of [
    ['GetTrail', () => ({ Name: 'tagged' })],
    ['GetTrailStatus', () => ({ Name: trailArn('tagged') })],
    ['UpdateTrail', () => ({ Name: 'tagged', S3BucketName: BUCKET })],
    ['StartLogging', () => ({ Name: 'tagged' })],
    ['StopLogging', () => ({ Name: 'tagged' })],
    ['GetEventSelectors', () => ({ TrailName: 'tagged' })],
    ['PutEventSelectors', () => ({ TrailName: 'tagged', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] })],
    ['AddTags', () => ({ ResourceId: trailArn('tagged'), TagsList: [TAG] })],
    ['RemoveTags', () => ({ ResourceId: trailArn('tagged'), TagsList: [{ Key: 'team' }] })],
    ['ListTags', () => ({ ResourceIdList: [trailArn('tagged')] })],
  ] as const) {
    keyTest({ name: `cloudtrail:${op} / aws:ResourceTag/env (a trail)`, action: `cloudtrail:${op}`, ...resourceTag, prepare: async () => ctCall(op, input()) });
  }
  keyTest({
    name: 'cloudtrail:DeleteTrail / aws:ResourceTag/env (a trail)', action: 'cloudtrail:DeleteTrail', ...resourceTag, cleanup: dropCreated,
    prepare: async (n) => {
      const name = `doomed-${n}`;
      created.push(name);
      assert.equal((await ct(server.root, 'CreateTrail', { Name: name, S3BucketName: BUCKET, TagsList: PROD })).status, 200);
      return ctCall('DeleteTrail', { Name: name });
    },
  });
});

/**
 * The same keys in the organization's resource-based delegation policy, which decides a member
 * account's call of a management operation (a cross-account request: the member's own
 * AdministratorAccess allows it, the delegation policy must too). AWS's own delegation policy
 * examples condition on organizations:PolicyType (Organizations User Guide, "Resource-based
 * policy examples for AWS Organizations": "DelegatingNecessaryDescribeListActionsForSpecificPolicyType",
 * "Consolidated permissions to manage an organization's backup policies").
 */
describe('Organizations condition keys reach a delegation policy', () => {
  let server: TestServer;
  let root: OrganizationsClient;
  let delegate: OrganizationsClient;
  let rootId: string;
  let member: string;
  let counter = 0;
  const clients = organizationsClients(() => server);

  before(async () => {
    server = await startTestServer();
    root = clients.client();
    await root.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    rootId = (await root.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    await root.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: SCP }));
    member = (await root.send(new CreateAccountCommand({ Email: 'delegate@example.com', AccountName: 'Delegate' }))).CreateAccountStatus!.AccountId!;
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'ops' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'ops', PolicyName: 'assume', PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ops' }))).AccessKey!;
    delegate = clients.client(await memberAdmin(server, member, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
  });
  after(async () => {
    clients.destroy();
    await server?.stop();
  });

  const newOu = async (n: number, tags?: { Key: string; Value: string }[]) =>
    (await root.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: `ou-${n}`, ...(tags ? { Tags: tags } : {}) }))).OrganizationalUnit!.Id!;
  const newPolicy = async (n: number) =>
    (await root.send(new CreatePolicyCommand({ Name: `p-${n}`, Description: '', Type: SCP, Content: scpContent }))).Policy!.PolicySummary!.Id!;

  async function delegation(statements: object[]): Promise<void> {
    const principal = { AWS: `arn:aws:iam::${member}:root` };
    await root.send(new PutResourcePolicyCommand({ Content: doc(statements.map((s) => ({ ...s, Principal: principal }))) }));
  }

  async function sweep(c: Pick<KeyCase, 'name' | 'action' | 'match' | 'other' | 'prepare'>): Promise<void> {
    const decide = async (statements: object[]) => {
      await delegation(statements);
      const run = await c.prepare(++counter);
      try {
        await run();
        return { name: 'Succeeded', message: '' };
      } catch (err) {
        return { name: (err as Error).name, message: (err as Error).message };
      }
    };
    const o1 = await decide([{ Effect: 'Allow', Action: c.action, Resource: '*', Condition: c.match }]);
    assert.equal(o1.name, 'Succeeded', `${c.name}: a delegation Allow conditioned on ${JSON.stringify(c.match)} should allow the call, got ${o1.name}: ${o1.message}`);
    const o2 = await decide([{ Effect: 'Allow', Action: c.action, Resource: '*' }, { Effect: 'Deny', Action: c.action, Resource: '*', Condition: c.match }]);
    assert.equal(o2.name, 'AccessDeniedException', `${c.name}: a delegation Deny conditioned on ${JSON.stringify(c.match)} should refuse the call, got ${o2.name}: ${o2.message}`);
    const o3 = await decide([{ Effect: 'Allow', Action: c.action, Resource: '*' }, { Effect: 'Deny', Action: c.action, Resource: '*', Condition: c.other }]);
    assert.equal(o3.name, 'Succeeded', `${c.name}: a delegation Deny conditioned on ${JSON.stringify(c.other)} should not refuse the call, got ${o3.name}: ${o3.message}`);
  }
  const keyTest = (c: Parameters<typeof sweep>[0]) => test(`delegated ${c.name}`, async () => { await sweep(c); });
  const scpType = policyType(SCP, RCP);

  keyTest({
    name: 'organizations:CreatePolicy / organizations:PolicyType', action: 'organizations:CreatePolicy', ...scpType,
    prepare: async (n) => () => delegate.send(new CreatePolicyCommand({ Name: `delegated-${n}`, Description: '', Type: SCP, Content: scpContent })),
  });
  keyTest({
    name: 'organizations:DescribePolicy / organizations:PolicyType', action: 'organizations:DescribePolicy', ...scpType,
    prepare: async (n) => { const p = await newPolicy(n); return () => delegate.send(new DescribePolicyCommand({ PolicyId: p })); },
  });
  keyTest({
    name: 'organizations:UpdatePolicy / organizations:PolicyType', action: 'organizations:UpdatePolicy', ...scpType,
    prepare: async (n) => { const p = await newPolicy(n); return () => delegate.send(new UpdatePolicyCommand({ PolicyId: p, Description: 'changed' })); },
  });
  keyTest({
    name: 'organizations:AttachPolicy / organizations:PolicyType', action: 'organizations:AttachPolicy', ...scpType,
    prepare: async (n) => { const ou = await newOu(n); const p = await newPolicy(n); return () => delegate.send(new AttachPolicyCommand({ PolicyId: p, TargetId: ou })); },
  });
  keyTest({
    name: 'organizations:ListPolicies / organizations:PolicyType (the Filter)', action: 'organizations:ListPolicies', ...scpType,
    prepare: async () => () => delegate.send(new ListPoliciesCommand({ Filter: SCP })),
  });
  keyTest({
    name: 'organizations:TagResource / aws:RequestTag/team (an OU)', action: 'organizations:TagResource', ...requestTag,
    prepare: async (n) => { const ou = await newOu(n); return () => delegate.send(new TagResourceCommand({ ResourceId: ou, Tags: [TAG] })); },
  });
  keyTest({
    name: 'organizations:DescribeOrganizationalUnit / aws:ResourceTag/env (an OU)', action: 'organizations:DescribeOrganizationalUnit', ...resourceTag,
    prepare: async (n) => { const ou = await newOu(n, PROD); return () => delegate.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ou })); },
  });
});
