import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddRoleToInstanceProfileCommand, AttachGroupPolicyCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand,
  CreateGroupCommand, CreateInstanceProfileCommand, CreatePolicyCommand, CreateRoleCommand, CreateServiceLinkedRoleCommand,
  CreateServiceSpecificCredentialCommand, CreateUserCommand, DeleteRoleCommand, DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand, DeleteServiceSpecificCredentialCommand, DeleteUserPermissionsBoundaryCommand, DeleteUserPolicyCommand,
  DetachGroupPolicyCommand, DetachRolePolicyCommand, DetachUserPolicyCommand, EnableOutboundWebIdentityFederationCommand, GetRoleCommand,
  PutRolePermissionsBoundaryCommand, PutRolePolicyCommand, PutUserPermissionsBoundaryCommand, PutUserPolicyCommand,
  ResetServiceSpecificCredentialCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand, UpdateRoleDescriptionCommand,
  UpdateServiceSpecificCredentialCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetWebIdentityTokenCommand } from '@aws-sdk/client-sts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * For each IAM / STS condition key the Service Authorization Reference (SAR, "Actions,
 * resources, and condition keys for AWS Identity and Access Management" / "… for AWS Security
 * Token Service") lists for an action, and which a real request of that action carries, three
 * decisions on the caller's identity policy:
 *   1. an Allow conditioned on the value the request carries → the call succeeds;
 *   2. Allow the action + a Deny conditioned on that value → AccessDenied;
 *   3. Allow the action + a Deny conditioned on another value → the call succeeds.
 * A key Tessera never sets fails 1 and 2 (2 is the security one: a Deny that never applies).
 *
 * Every case acts as an IAM user whose only inline policy is replaced for each decision; each
 * call gets fresh resources made by the account root, so the three decisions are independent.
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
type Cond = Record<string, Record<string, string | string[]>>;

interface KeyCase {
  /** `action / key`, as the test is named. */
  name: string;
  /** The actions the caller's policy is about (the first is the one the condition is on). */
  actions: string[];
  /** Other actions the call needs (always allowed, never conditioned). */
  helpers?: string[];
  /** The condition that matches what the request carries. */
  match: Cond;
  /** The same key with a value the request does not carry. */
  other: Cond;
  /** Makes what one call needs (as root) and returns the call. */
  prepare: (n: number) => Promise<() => Promise<unknown>>;
}

describe('IAM and STS service condition keys reach the policy engine', () => {
  let server: TestServer;
  let root: IAMClient;
  let caller: Credentials;
  let accountId: string;
  let boundaryA: string;
  let boundaryB: string;
  let managed: string;
  let counter = 0;
  const CALLER = 'keys-caller';

  before(async () => {
    server = await startTestServer();
    root = server.iam();
    accountId = server.accountId;
    await root.send(new CreateUserCommand({ UserName: CALLER }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: CALLER }))).AccessKey!;
    caller = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const allowAll = doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]);
    boundaryA = (await root.send(new CreatePolicyCommand({ PolicyName: 'boundary-a', PolicyDocument: allowAll }))).Policy!.Arn!;
    boundaryB = (await root.send(new CreatePolicyCommand({ PolicyName: 'boundary-b', PolicyDocument: allowAll }))).Policy!.Arn!;
    managed = (await root.send(new CreatePolicyCommand({ PolicyName: 'managed-x', PolicyDocument: allowAll }))).Policy!.Arn!;
    // GetWebIdentityToken answers only once the account has outbound federation on.
    await root.send(new EnableOutboundWebIdentityFederationCommand({}));
  });
  after(async () => { await server?.stop(); });

  const trustAccount = () => doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }]);
  const roleWithBoundary = async (n: number, boundary: string | undefined = boundaryA, tags?: { Key: string; Value: string }[]) => {
    const RoleName = `kr-${n}`;
    await root.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trustAccount(), ...(boundary ? { PermissionsBoundary: boundary } : {}), ...(tags ? { Tags: tags } : {}) }));
    return RoleName;
  };
  const userWithBoundary = async (n: number, boundary: string | undefined = boundaryA) => {
    const UserName = `ku-${n}`;
    await root.send(new CreateUserCommand({ UserName, ...(boundary ? { PermissionsBoundary: boundary } : {}) }));
    return UserName;
  };
  const next = () => ++counter;

  async function setPolicy(statements: object[]): Promise<void> {
    await root.send(new PutUserPolicyCommand({ UserName: CALLER, PolicyName: 'under-test', PolicyDocument: doc(statements) }));
  }

  async function sweep(c: KeyCase): Promise<void> {
    const helpers = c.helpers && c.helpers.length > 0 ? [{ Effect: 'Allow', Action: c.helpers, Resource: '*' }] : [];

    // 1. Allow conditioned on the carried value.
    await setPolicy([{ Effect: 'Allow', Action: c.actions, Resource: '*', Condition: c.match }, ...helpers]);
    const run1 = await c.prepare(next());
    await assert.doesNotReject(run1, `${c.name}: an Allow conditioned on ${JSON.stringify(c.match)} should allow the call`);

    // 2. Deny conditioned on the carried value.
    await setPolicy([{ Effect: 'Allow', Action: c.actions, Resource: '*' }, { Effect: 'Deny', Action: c.actions[0], Resource: '*', Condition: c.match }, ...helpers]);
    const run2 = await c.prepare(next());
    const err = await awsError(run2).catch((e: Error) => ({ name: 'Succeeded', message: `the call succeeded: ${e.message}` }));
    assert.ok(['AccessDenied', 'AccessDeniedException'].includes(err.name), `${c.name}: a Deny conditioned on ${JSON.stringify(c.match)} should refuse the call, got ${err.name}: ${err.message}`);

    // 3. Deny conditioned on another value.
    await setPolicy([{ Effect: 'Allow', Action: c.actions, Resource: '*' }, { Effect: 'Deny', Action: c.actions[0], Resource: '*', Condition: c.other }, ...helpers]);
    const run3 = await c.prepare(next());
    await assert.doesNotReject(run3, `${c.name}: a Deny conditioned on ${JSON.stringify(c.other)} should not refuse the call`);
  }

  const boundaryKey = (arn: () => string): { match: Cond; other: Cond } => ({
    get match() { return { ArnEquals: { 'iam:PermissionsBoundary': arn() } }; },
    get other() { return { ArnEquals: { 'iam:PermissionsBoundary': `arn:aws:iam::${accountId}:policy/not-the-boundary` } }; },
  }) as { match: Cond; other: Cond };

  // ---------------------------------------------------------------------------------------
  // iam:PermissionsBoundary. SAR: "Filters access if the specified policy is set as the
  // permissions boundary on the IAM entity (user or role)"; the SAR lists it (resource type
  // role / user) for AttachRolePolicy, AttachUserPolicy, CreateRole, CreateUser, DeleteRole,
  // DeleteRolePermissionsBoundary, DeleteRolePolicy, DeleteUserPermissionsBoundary,
  // DeleteUserPolicy, DetachRolePolicy, DetachUserPolicy, GetRole, PutRolePermissionsBoundary,
  // PutRolePolicy, PutUserPermissionsBoundary, PutUserPolicy, UpdateAssumeRolePolicy,
  // UpdateRole and UpdateRoleDescription. For an existing entity the value is the boundary it
  // has; for Create*/Put*PermissionsBoundary it is the boundary the request sets.
  // ---------------------------------------------------------------------------------------
  const roleBoundaryOps: [string, (iam: IAMClient, role: string) => Promise<unknown>][] = [
    ['GetRole', (iam, r) => iam.send(new GetRoleCommand({ RoleName: r }))],
    ['UpdateRole', (iam, r) => iam.send(new UpdateRoleCommand({ RoleName: r, Description: 'changed' }))],
    ['UpdateRoleDescription', (iam, r) => iam.send(new UpdateRoleDescriptionCommand({ RoleName: r, Description: 'changed' }))],
    ['UpdateAssumeRolePolicy', (iam, r) => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: r, PolicyDocument: trustAccount() }))],
    ['DeleteRole', (iam, r) => iam.send(new DeleteRoleCommand({ RoleName: r }))],
    ['PutRolePolicy', (iam, r) => iam.send(new PutRolePolicyCommand({ RoleName: r, PolicyName: 'p', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]) }))],
    ['AttachRolePolicy', (iam, r) => iam.send(new AttachRolePolicyCommand({ RoleName: r, PolicyArn: managed }))],
    ['DeleteRolePermissionsBoundary', (iam, r) => iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: r }))],
  ];
  for (const [op, call] of roleBoundaryOps) {
    test(`iam:${op} / iam:PermissionsBoundary (the role's boundary)`, async () => {
      await sweep({
        name: `iam:${op} / iam:PermissionsBoundary`, actions: [`iam:${op}`], ...boundaryKey(() => boundaryA),
        prepare: async (n) => { const r = await roleWithBoundary(n); return () => call(server.iam(caller), r); },
      });
    });
  }
  test('iam:DeleteRolePolicy / iam:PermissionsBoundary (the role\'s boundary)', async () => {
    await sweep({
      name: 'iam:DeleteRolePolicy / iam:PermissionsBoundary', actions: ['iam:DeleteRolePolicy'], ...boundaryKey(() => boundaryA),
      prepare: async (n) => {
        const r = await roleWithBoundary(n);
        await root.send(new PutRolePolicyCommand({ RoleName: r, PolicyName: 'p', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]) }));
        return () => server.iam(caller).send(new DeleteRolePolicyCommand({ RoleName: r, PolicyName: 'p' }));
      },
    });
  });
  test('iam:DetachRolePolicy / iam:PermissionsBoundary (the role\'s boundary)', async () => {
    await sweep({
      name: 'iam:DetachRolePolicy / iam:PermissionsBoundary', actions: ['iam:DetachRolePolicy'], ...boundaryKey(() => boundaryA),
      prepare: async (n) => {
        const r = await roleWithBoundary(n);
        await root.send(new AttachRolePolicyCommand({ RoleName: r, PolicyArn: managed }));
        return () => server.iam(caller).send(new DetachRolePolicyCommand({ RoleName: r, PolicyArn: managed }));
      },
    });
  });
  test('iam:CreateRole / iam:PermissionsBoundary (the boundary the request sets)', async () => {
    await sweep({
      name: 'iam:CreateRole / iam:PermissionsBoundary', actions: ['iam:CreateRole'], ...boundaryKey(() => boundaryB),
      prepare: async (n) => () => server.iam(caller).send(new CreateRoleCommand({ RoleName: `kc-${n}`, AssumeRolePolicyDocument: trustAccount(), PermissionsBoundary: boundaryB })),
    });
  });
  test('iam:PutRolePermissionsBoundary / iam:PermissionsBoundary (the boundary the request sets)', async () => {
    await sweep({
      name: 'iam:PutRolePermissionsBoundary / iam:PermissionsBoundary', actions: ['iam:PutRolePermissionsBoundary'], ...boundaryKey(() => boundaryB),
      prepare: async (n) => { const r = await roleWithBoundary(n); return () => server.iam(caller).send(new PutRolePermissionsBoundaryCommand({ RoleName: r, PermissionsBoundary: boundaryB })); },
    });
  });

  const userBoundaryOps: [string, (iam: IAMClient, user: string) => Promise<unknown>][] = [
    ['PutUserPolicy', (iam, u) => iam.send(new PutUserPolicyCommand({ UserName: u, PolicyName: 'p', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]) }))],
    ['AttachUserPolicy', (iam, u) => iam.send(new AttachUserPolicyCommand({ UserName: u, PolicyArn: managed }))],
    ['DeleteUserPermissionsBoundary', (iam, u) => iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: u }))],
  ];
  for (const [op, call] of userBoundaryOps) {
    test(`iam:${op} / iam:PermissionsBoundary (the user's boundary)`, async () => {
      await sweep({
        name: `iam:${op} / iam:PermissionsBoundary`, actions: [`iam:${op}`], ...boundaryKey(() => boundaryA),
        prepare: async (n) => { const u = await userWithBoundary(n); return () => call(server.iam(caller), u); },
      });
    });
  }
  test('iam:DeleteUserPolicy / iam:PermissionsBoundary (the user\'s boundary)', async () => {
    await sweep({
      name: 'iam:DeleteUserPolicy / iam:PermissionsBoundary', actions: ['iam:DeleteUserPolicy'], ...boundaryKey(() => boundaryA),
      prepare: async (n) => {
        const u = await userWithBoundary(n);
        await root.send(new PutUserPolicyCommand({ UserName: u, PolicyName: 'p', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]) }));
        return () => server.iam(caller).send(new DeleteUserPolicyCommand({ UserName: u, PolicyName: 'p' }));
      },
    });
  });
  test('iam:DetachUserPolicy / iam:PermissionsBoundary (the user\'s boundary)', async () => {
    await sweep({
      name: 'iam:DetachUserPolicy / iam:PermissionsBoundary', actions: ['iam:DetachUserPolicy'], ...boundaryKey(() => boundaryA),
      prepare: async (n) => {
        const u = await userWithBoundary(n);
        await root.send(new AttachUserPolicyCommand({ UserName: u, PolicyArn: managed }));
        return () => server.iam(caller).send(new DetachUserPolicyCommand({ UserName: u, PolicyArn: managed }));
      },
    });
  });
  test('iam:CreateUser / iam:PermissionsBoundary (the boundary the request sets)', async () => {
    await sweep({
      name: 'iam:CreateUser / iam:PermissionsBoundary', actions: ['iam:CreateUser'], ...boundaryKey(() => boundaryB),
      prepare: async (n) => () => server.iam(caller).send(new CreateUserCommand({ UserName: `kcu-${n}`, PermissionsBoundary: boundaryB })),
    });
  });
  test('iam:PutUserPermissionsBoundary / iam:PermissionsBoundary (the boundary the request sets)', async () => {
    await sweep({
      name: 'iam:PutUserPermissionsBoundary / iam:PermissionsBoundary', actions: ['iam:PutUserPermissionsBoundary'], ...boundaryKey(() => boundaryB),
      prepare: async (n) => { const u = await userWithBoundary(n); return () => server.iam(caller).send(new PutUserPermissionsBoundaryCommand({ UserName: u, PermissionsBoundary: boundaryB })); },
    });
  });

  // ---------------------------------------------------------------------------------------
  // iam:PolicyARN. SAR: "Filters access by the ARN of an IAM policy", listed for
  // Attach/Detach{User,Group,Role}Policy: the managed policy the request names.
  // ---------------------------------------------------------------------------------------
  const policyArnKey = () => ({ match: { ArnEquals: { 'iam:PolicyARN': managed } }, other: { ArnEquals: { 'iam:PolicyARN': boundaryB } } });
  test('iam:AttachGroupPolicy / iam:PolicyARN', async () => {
    await sweep({
      name: 'iam:AttachGroupPolicy / iam:PolicyARN', actions: ['iam:AttachGroupPolicy'], ...policyArnKey(),
      prepare: async (n) => { await root.send(new CreateGroupCommand({ GroupName: `kg-${n}` })); return () => server.iam(caller).send(new AttachGroupPolicyCommand({ GroupName: `kg-${n}`, PolicyArn: managed })); },
    });
  });
  test('iam:DetachGroupPolicy / iam:PolicyARN', async () => {
    await sweep({
      name: 'iam:DetachGroupPolicy / iam:PolicyARN', actions: ['iam:DetachGroupPolicy'], ...policyArnKey(),
      prepare: async (n) => {
        await root.send(new CreateGroupCommand({ GroupName: `kg-${n}` }));
        await root.send(new AttachGroupPolicyCommand({ GroupName: `kg-${n}`, PolicyArn: managed }));
        return () => server.iam(caller).send(new DetachGroupPolicyCommand({ GroupName: `kg-${n}`, PolicyArn: managed }));
      },
    });
  });
  test('iam:AttachRolePolicy / iam:PolicyARN', async () => {
    await sweep({
      name: 'iam:AttachRolePolicy / iam:PolicyARN', actions: ['iam:AttachRolePolicy'], ...policyArnKey(),
      prepare: async (n) => { const r = await roleWithBoundary(n, undefined); return () => server.iam(caller).send(new AttachRolePolicyCommand({ RoleName: r, PolicyArn: managed })); },
    });
  });
  test('iam:AttachUserPolicy / iam:PolicyARN', async () => {
    await sweep({
      name: 'iam:AttachUserPolicy / iam:PolicyARN', actions: ['iam:AttachUserPolicy'], ...policyArnKey(),
      prepare: async (n) => { const u = await userWithBoundary(n, undefined); return () => server.iam(caller).send(new AttachUserPolicyCommand({ UserName: u, PolicyArn: managed })); },
    });
  });

  // iam:ResourceTag/<key>. SAR: "Filters access by the tags attached to an IAM entity (user or
  // role)" — listed for sts:AssumeRole (role resource); the role's own tags.
  test('iam:GetRole / iam:ResourceTag/team (the role\'s tag)', async () => {
    await sweep({
      name: 'iam:GetRole / iam:ResourceTag/team', actions: ['iam:GetRole'],
      match: { StringEquals: { 'iam:ResourceTag/team': 'blue' } }, other: { StringEquals: { 'iam:ResourceTag/team': 'red' } },
      prepare: async (n) => { const r = await roleWithBoundary(n, undefined, [{ Key: 'team', Value: 'blue' }]); return () => server.iam(caller).send(new GetRoleCommand({ RoleName: r })); },
    });
  });

  // iam:AWSServiceName. SAR: "Filters access by the AWS service to which this role is
  // attached", listed for CreateServiceLinkedRole: the AWSServiceName the request names.
  test('iam:CreateServiceLinkedRole / iam:AWSServiceName', async () => {
    const services = ['elasticbeanstalk.amazonaws.com', 'autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com'];
    let i = 0;
    await sweep({
      name: 'iam:CreateServiceLinkedRole / iam:AWSServiceName', actions: ['iam:CreateServiceLinkedRole'],
      get match() { return { StringEquals: { 'iam:AWSServiceName': services[Math.min(i, 2)]! } }; },
      other: { StringEquals: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } },
      prepare: async () => { const svc = services[i++]!; return () => server.iam(caller).send(new CreateServiceLinkedRoleCommand({ AWSServiceName: svc })); },
    } as KeyCase);
  });

  // ---------------------------------------------------------------------------------------
  // iam:PassRole on AddRoleToInstanceProfile. IAM API Reference, AddRoleToInstanceProfile:
  // "The caller of this operation must be granted the PassRole permission on the IAM role by a
  // permissions policy." and "When using the iam:AssociatedResourceArn condition in a policy to
  // restrict the PassRole IAM action, special considerations apply if the policy is intended to
  // define access for the AddRoleToInstanceProfile action. In this case, you cannot specify a
  // Region or instance ID in the EC2 instance ARN. The ARN value must be
  // arn:aws:ec2:*:CallerAccountId:instance/*." — so the PassRole decision of
  // AddRoleToInstanceProfile carries an iam:AssociatedResourceArn that policy value matches.
  // (iam:PassedToService is not asserted here: AWS documents no value for this call.)
  // ---------------------------------------------------------------------------------------
  const addToProfile = async (n: number) => {
    const r = await roleWithBoundary(n, undefined);
    await root.send(new CreateInstanceProfileCommand({ InstanceProfileName: `kp-${n}` }));
    return () => server.iam(caller).send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: `kp-${n}`, RoleName: r }));
  };
  test('iam:PassRole (AddRoleToInstanceProfile) / iam:AssociatedResourceArn', async () => {
    await sweep({
      name: 'iam:PassRole / iam:AssociatedResourceArn', actions: ['iam:PassRole'], helpers: ['iam:AddRoleToInstanceProfile'],
      get match() { return { ArnLike: { 'iam:AssociatedResourceArn': `arn:aws:ec2:*:${accountId}:instance/*` } }; },
      other: { ArnLike: { 'iam:AssociatedResourceArn': 'arn:aws:lambda:*:*:function:*' } },
      prepare: addToProfile,
    } as KeyCase);
  });

  // ---------------------------------------------------------------------------------------
  // Service-specific credentials. SAR: iam:ServiceSpecificCredentialServiceName "Filters access
  // by the service associated with the credential" (Create/Update/Delete/Reset
  // ServiceSpecificCredential); iam:ServiceSpecificCredentialAgeDays "Filters access by the
  // duration until the credential's expiration" (Create). Bedrock User Guide, "Control
  // permissions for generating and using Amazon Bedrock API keys": "iam:ServiceSpecificCredentialAgeDays
  // – Lets you specify, in the condition, the key's expiration time in days … 
  // iam:ServiceSpecificCredentialServiceName – Lets you specify, in the condition, the name of a
  // service. For example, you can use this condition key to only allow the creation of API keys
  // for Amazon Bedrock and not other services."
  // ---------------------------------------------------------------------------------------
  const serviceNameKey = { match: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' } }, other: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' } } };
  test('iam:CreateServiceSpecificCredential / iam:ServiceSpecificCredentialServiceName', async () => {
    await sweep({
      name: 'iam:CreateServiceSpecificCredential / iam:ServiceSpecificCredentialServiceName', actions: ['iam:CreateServiceSpecificCredential'], ...serviceNameKey,
      prepare: async (n) => { const u = await userWithBoundary(n, undefined); return () => server.iam(caller).send(new CreateServiceSpecificCredentialCommand({ UserName: u, ServiceName: 'codecommit.amazonaws.com' })); },
    });
  });
  test('iam:CreateServiceSpecificCredential / iam:ServiceSpecificCredentialAgeDays', async () => {
    await sweep({
      name: 'iam:CreateServiceSpecificCredential / iam:ServiceSpecificCredentialAgeDays', actions: ['iam:CreateServiceSpecificCredential'],
      match: { NumericLessThanEquals: { 'iam:ServiceSpecificCredentialAgeDays': '90' } }, other: { NumericGreaterThan: { 'iam:ServiceSpecificCredentialAgeDays': '90' } },
      prepare: async (n) => { const u = await userWithBoundary(n, undefined); return () => server.iam(caller).send(new CreateServiceSpecificCredentialCommand({ UserName: u, ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 30 })); },
    });
  });
  const existingCredential = async (n: number) => {
    const u = await userWithBoundary(n, undefined);
    const id = (await root.send(new CreateServiceSpecificCredentialCommand({ UserName: u, ServiceName: 'codecommit.amazonaws.com' }))).ServiceSpecificCredential!.ServiceSpecificCredentialId!;
    return { u, id };
  };
  const credentialOps: [string, (iam: IAMClient, u: string, id: string) => Promise<unknown>][] = [
    ['UpdateServiceSpecificCredential', (iam, u, id) => iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: u, ServiceSpecificCredentialId: id, Status: 'Inactive' }))],
    ['ResetServiceSpecificCredential', (iam, u, id) => iam.send(new ResetServiceSpecificCredentialCommand({ UserName: u, ServiceSpecificCredentialId: id }))],
    ['DeleteServiceSpecificCredential', (iam, u, id) => iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: u, ServiceSpecificCredentialId: id }))],
  ];
  for (const [op, call] of credentialOps) {
    test(`iam:${op} / iam:ServiceSpecificCredentialServiceName (the credential's service)`, async () => {
      await sweep({
        name: `iam:${op} / iam:ServiceSpecificCredentialServiceName`, actions: [`iam:${op}`], ...serviceNameKey,
        prepare: async (n) => { const { u, id } = await existingCredential(n); return () => call(server.iam(caller), u, id); },
      });
    });
  }

  // ---------------------------------------------------------------------------------------
  // sts:AssumeRole. IAM User Guide, "Available keys for AWS STS": sts:RoleSessionName "Use this
  // key to compare the session name that a principal specifies when assuming a role with the
  // value that is specified in the policy"; sts:ExternalId "… the unique external identifier
  // that a principal specifies when assuming a role"; sts:SourceIdentity "… the source
  // identity that is specified by the principal"; sts:TransitiveTagKeys "… the transitive
  // session tags in the request". These keys are also in the context of sts:TagSession /
  // sts:SetSourceIdentity, which the same request needs when it passes tags or a source
  // identity. iam:ResourceTag/<key> (SAR, AssumeRole's role resource): the role's tags.
  // ---------------------------------------------------------------------------------------
  const assume = (extra: Record<string, unknown>) => async (n: number) => {
    const r = await roleWithBoundary(n, undefined, [{ Key: 'team', Value: 'blue' }]);
    return () => server.sts(caller).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${r}`, RoleSessionName: 'sess-1', ...extra }));
  };
  test('sts:AssumeRole / sts:RoleSessionName', async () => {
    await sweep({ name: 'sts:AssumeRole / sts:RoleSessionName', actions: ['sts:AssumeRole'], match: { StringEquals: { 'sts:RoleSessionName': 'sess-1' } }, other: { StringEquals: { 'sts:RoleSessionName': 'sess-2' } }, prepare: assume({}) });
  });
  test('sts:AssumeRole / sts:ExternalId', async () => {
    await sweep({ name: 'sts:AssumeRole / sts:ExternalId', actions: ['sts:AssumeRole'], match: { StringEquals: { 'sts:ExternalId': 'ext-123' } }, other: { StringEquals: { 'sts:ExternalId': 'ext-999' } }, prepare: assume({ ExternalId: 'ext-123' }) });
  });
  test('sts:AssumeRole / sts:SourceIdentity', async () => {
    await sweep({ name: 'sts:AssumeRole / sts:SourceIdentity', actions: ['sts:AssumeRole'], helpers: ['sts:SetSourceIdentity'], match: { StringEquals: { 'sts:SourceIdentity': 'alice' } }, other: { StringEquals: { 'sts:SourceIdentity': 'bob' } }, prepare: assume({ SourceIdentity: 'alice' }) });
  });
  test('sts:AssumeRole / sts:TransitiveTagKeys', async () => {
    await sweep({ name: 'sts:AssumeRole / sts:TransitiveTagKeys', actions: ['sts:AssumeRole'], helpers: ['sts:TagSession'], match: { 'ForAllValues:StringEquals': { 'sts:TransitiveTagKeys': ['project'] }, Null: { 'sts:TransitiveTagKeys': 'false' } }, other: { 'ForAnyValue:StringEquals': { 'sts:TransitiveTagKeys': ['cost-center'] } }, prepare: assume({ Tags: [{ Key: 'project', Value: 'p1' }], TransitiveTagKeys: ['project'] }) });
  });
  test('sts:AssumeRole / iam:ResourceTag/team (the role\'s tag)', async () => {
    await sweep({ name: 'sts:AssumeRole / iam:ResourceTag/team', actions: ['sts:AssumeRole'], match: { StringEquals: { 'iam:ResourceTag/team': 'blue' } }, other: { StringEquals: { 'iam:ResourceTag/team': 'red' } }, prepare: assume({}) });
  });
  test('sts:SetSourceIdentity / sts:SourceIdentity', async () => {
    await sweep({ name: 'sts:SetSourceIdentity / sts:SourceIdentity', actions: ['sts:SetSourceIdentity'], helpers: ['sts:AssumeRole'], match: { StringEquals: { 'sts:SourceIdentity': 'alice' } }, other: { StringEquals: { 'sts:SourceIdentity': 'bob' } }, prepare: assume({ SourceIdentity: 'alice' }) });
  });
  test('sts:TagSession / sts:TransitiveTagKeys', async () => {
    await sweep({ name: 'sts:TagSession / sts:TransitiveTagKeys', actions: ['sts:TagSession'], helpers: ['sts:AssumeRole'], match: { 'ForAnyValue:StringEquals': { 'sts:TransitiveTagKeys': ['project'] } }, other: { 'ForAnyValue:StringEquals': { 'sts:TransitiveTagKeys': ['cost-center'] } }, prepare: assume({ Tags: [{ Key: 'project', Value: 'p1' }], TransitiveTagKeys: ['project'] }) });
  });

  // ---------------------------------------------------------------------------------------
  // sts:GetWebIdentityToken. SAR lists sts:IdentityTokenAudience, sts:DurationSeconds and
  // sts:SigningAlgorithm for it (the request's Audience, DurationSeconds and SigningAlgorithm).
  // ---------------------------------------------------------------------------------------
  const token = async () => () => server.sts(caller).send(new GetWebIdentityTokenCommand({ Audience: ['https://api.example.com'], SigningAlgorithm: 'RS256', DurationSeconds: 300 }));
  test('sts:GetWebIdentityToken / sts:IdentityTokenAudience', async () => {
    await sweep({ name: 'sts:GetWebIdentityToken / sts:IdentityTokenAudience', actions: ['sts:GetWebIdentityToken'], match: { 'ForAnyValue:StringEquals': { 'sts:IdentityTokenAudience': ['https://api.example.com'] } }, other: { 'ForAnyValue:StringEquals': { 'sts:IdentityTokenAudience': ['https://other.example.com'] } }, prepare: token });
  });
  test('sts:GetWebIdentityToken / sts:DurationSeconds', async () => {
    await sweep({ name: 'sts:GetWebIdentityToken / sts:DurationSeconds', actions: ['sts:GetWebIdentityToken'], match: { NumericLessThanEquals: { 'sts:DurationSeconds': '300' } }, other: { NumericGreaterThan: { 'sts:DurationSeconds': '300' } }, prepare: token });
  });
  test('sts:GetWebIdentityToken / sts:SigningAlgorithm', async () => {
    await sweep({ name: 'sts:GetWebIdentityToken / sts:SigningAlgorithm', actions: ['sts:GetWebIdentityToken'], match: { StringEquals: { 'sts:SigningAlgorithm': 'RS256' } }, other: { StringEquals: { 'sts:SigningAlgorithm': 'ES384' } }, prepare: token });
  });
});
