import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddUserToGroupCommand, AttachGroupPolicyCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand, CreateGroupCommand,
  CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, ListPoliciesGrantingServiceAccessCommand, PutGroupPolicyCommand,
  PutRolePolicyCommand, PutUserPermissionsBoundaryCommand, PutUserPolicyCommand, type IAMClient, type ListPoliciesGrantingServiceAccessEntry,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[]) => ({ Effect: 'Allow', Action: action, Resource: '*' });
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
const S3_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

/** Each namespace's policies, named compactly: "MANAGED <arn>" or "INLINE <TYPE>/<entity>/<policy>". */
function byNamespace(entries: ListPoliciesGrantingServiceAccessEntry[] | undefined): Record<string, string[]> {
  return Object.fromEntries(
    (entries ?? []).map((e) => [
      e.ServiceNamespace!,
      (e.Policies ?? []).map((p) => (p.PolicyType === 'MANAGED' ? `MANAGED ${p.PolicyArn}` : `INLINE ${p.EntityType}/${p.EntityName}/${p.PolicyName}`)),
    ]),
  );
}

describe('ListPoliciesGrantingServiceAccess through the AWS SDK', () => {
  let server: TestServer;
  let iam: IAMClient;
  let account: string;
  let iamAll: string;
  let denyS3: string;
  let boundary: string;

  before(async () => {
    server = await startTestServer();
    iam = server.iam();
    account = server.accountId;
    const policy = async (name: string, document: string) => (await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }))).Policy!.Arn!;
    iamAll = await policy('IamAll', doc(allow('iam:*')));
    denyS3 = await policy('DenyS3', doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' }));
    boundary = await policy('Boundary', doc(allow('*')));

    await iam.send(new CreateUserCommand({ UserName: 'Alice', Path: '/eng/' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'Alice', PolicyName: 'ReadReports', PolicyDocument: doc({ ...allow('S3:getobject'), Resource: 'arn:aws:s3:::reports/*' }) }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'Alice', PolicyName: 'Queues', PolicyDocument: doc(allow('sqs:Send*')) }));
    for (const arn of [iamAll, denyS3, S3_READ_ONLY]) await iam.send(new AttachUserPolicyCommand({ UserName: 'Alice', PolicyArn: arn }));
    // A boundary is not a permissions policy: never listed, even though it allows everything.
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'Alice', PermissionsBoundary: boundary }));

    for (const group of ['Ops', 'Dev']) {
      await iam.send(new CreateGroupCommand({ GroupName: group }));
      await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: 'Alice' }));
    }
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'Ops', PolicyName: 'AllButIam', PolicyDocument: doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }) }));
    // Attached to Alice too: listed once.
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'Ops', PolicyArn: iamAll }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'Dev', PolicyName: 'Ec2', PolicyDocument: doc(allow('ec2:Describe*')) }));

    await iam.send(new CreateRoleCommand({ RoleName: 'Worker', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Worker', PolicyName: 'Everything', PolicyDocument: doc(allow('*')) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'Worker', PolicyArn: iamAll }));
  });
  after(async () => server.stop());

  const list = (Arn: string, ServiceNamespaces: string[], Marker?: string) =>
    iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn, ServiceNamespaces, ...(Marker !== undefined ? { Marker } : {}) }));

  test('a user: its own policies, then its groups\' (by group name), per namespace in the order asked', async () => {
    const out = await list(`arn:aws:iam::${account}:user/eng/alice`, ['s3', 'iam', 'ec2', 'sqs', 'kms']);
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Marker, undefined);
    assert.deepEqual(out.PoliciesGrantingServiceAccess?.map((e) => e.ServiceNamespace), ['s3', 'iam', 'ec2', 'sqs', 'kms']);
    assert.deepEqual(byNamespace(out.PoliciesGrantingServiceAccess), {
      // The Deny-only policy is never listed; AWS managed policies are read from their catalog.
      s3: ['INLINE USER/Alice/ReadReports', `MANAGED ${S3_READ_ONLY}`, 'INLINE GROUP/Ops/AllButIam'],
      iam: [`MANAGED ${iamAll}`],
      ec2: ['INLINE GROUP/Dev/Ec2', 'INLINE GROUP/Ops/AllButIam'],
      sqs: ['INLINE USER/Alice/Queues', 'INLINE GROUP/Ops/AllButIam'],
      kms: ['INLINE GROUP/Ops/AllButIam'],
    });
    const managed = out.PoliciesGrantingServiceAccess![1]!.Policies![0]!;
    assert.deepEqual({ ...managed }, { PolicyName: 'IamAll', PolicyType: 'MANAGED', PolicyArn: iamAll });
    const inline = out.PoliciesGrantingServiceAccess![0]!.Policies![0]!;
    assert.deepEqual({ ...inline }, { PolicyName: 'ReadReports', PolicyType: 'INLINE', EntityType: 'USER', EntityName: 'Alice' });
  });

  test('a group: only its own policies, not its users\'', async () => {
    const out = await list(`arn:aws:iam::${account}:group/Ops`, ['iam', 's3', 'sqs']);
    assert.deepEqual(byNamespace(out.PoliciesGrantingServiceAccess), {
      iam: [`MANAGED ${iamAll}`],
      s3: ['INLINE GROUP/Ops/AllButIam'],
      sqs: ['INLINE GROUP/Ops/AllButIam'],
    });
  });

  test('a role: its inline and managed policies; a namespace nothing grants has an empty list', async () => {
    const out = await list(`arn:aws:iam::${account}:role/Worker`, ['iam', 'dynamodb']);
    assert.deepEqual(byNamespace(out.PoliciesGrantingServiceAccess), {
      iam: ['INLINE ROLE/Worker/Everything', `MANAGED ${iamAll}`],
      dynamodb: ['INLINE ROLE/Worker/Everything'],
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'Idle', AssumeRolePolicyDocument: TRUST }));
    const idle = await list(`arn:aws:iam::${account}:role/Idle`, ['iam']);
    assert.deepEqual(byNamespace(idle.PoliciesGrantingServiceAccess), { iam: [] });
  });

  test('pages end after the namespace that reaches 100 policies; the Marker resumes at the next namespace', async () => {
    const namespaces = Array.from({ length: 150 }, (_, i) => `svc${i}`);
    const role = `arn:aws:iam::${account}:role/Worker`;
    const first = await list(role, namespaces);
    assert.equal(first.IsTruncated, true);
    assert.equal(first.PoliciesGrantingServiceAccess?.length, 100);
    assert.equal(first.PoliciesGrantingServiceAccess?.[99]?.ServiceNamespace, 'svc99');
    assert.ok(first.Marker);
    const rest = await list(role, namespaces, first.Marker);
    assert.equal(rest.IsTruncated, false);
    assert.equal(rest.Marker, undefined);
    assert.deepEqual(rest.PoliciesGrantingServiceAccess?.map((e) => e.ServiceNamespace), namespaces.slice(100));
    assert.ok(rest.PoliciesGrantingServiceAccess?.every((e) => e.Policies?.length === 1));

    const bad = await awsError(() => list(role, namespaces, 'not-a-marker'));
    assert.deepEqual([bad.name, bad.status, bad.message], ['InvalidInputException', 400, 'Invalid Marker.']);
  });

  test('unknown entities: NoSuchEntity in AWS\'s words; another path or account is another entity', async () => {
    for (const [arn, message] of [
      [`arn:aws:iam::${account}:user/nobody`, 'The user with name nobody cannot be found.'],
      [`arn:aws:iam::${account}:user/Alice`, 'The user with name Alice cannot be found.'],
      ['arn:aws:iam::210987654321:user/eng/Alice', 'The user with name Alice cannot be found.'],
      [`arn:aws:iam::${account}:group/Nope`, 'The group with name Nope cannot be found.'],
      [`arn:aws:iam::${account}:role/Nope`, 'The role with name Nope cannot be found.'],
    ] as const) {
      const err = await awsError(() => list(arn, ['iam']));
      assert.deepEqual([err.name, err.status, err.message], ['NoSuchEntityException', 404, message], arn);
    }
  });

  test('an ARN naming no user, group or role is InvalidInput; the namespace list is bounded by the model', async () => {
    for (const arn of [iamAll, 'arn:aws:s3:::some-bucket-name', `arn:aws:iam::${account}:user/`, 'not-an-arn-at-all-really']) {
      const err = await awsError(() => list(arn, ['iam']));
      assert.deepEqual([err.name, err.status, err.message], ['InvalidInputException', 400, `ARN ${arn} is not valid.`], arn);
    }
    const tooMany = await awsError(() => list(`arn:aws:iam::${account}:role/Worker`, Array.from({ length: 201 }, (_, i) => `s${i}`)));
    assert.equal(tooMany.name, 'ValidationError');
    assert.match(tooMany.message, /serviceNamespaces/);
  });

  test('authorized on the entity the Arn names', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'auditor',
      PolicyName: 'AuditEng',
      PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListPoliciesGrantingServiceAccess', Resource: `arn:aws:iam::${account}:user/eng/*` }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    const auditor = server.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const send = (Arn: string) => auditor.send(new ListPoliciesGrantingServiceAccessCommand({ Arn, ServiceNamespaces: ['iam'] }));
    // Named in another case, the user is still authorized against its stored ARN.
    assert.deepEqual(byNamespace((await send(`arn:aws:iam::${account}:user/eng/ALICE`)).PoliciesGrantingServiceAccess), { iam: [`MANAGED ${iamAll}`] });
    const denied = await awsError(() => send(`arn:aws:iam::${account}:role/Worker`));
    assert.equal(denied.name, 'AccessDenied');
    const expected = `User: arn:aws:iam::${account}:user/auditor is not authorized to perform: iam:ListPoliciesGrantingServiceAccess on resource: arn:aws:iam::${account}:role/Worker because no identity-based policy allows the iam:ListPoliciesGrantingServiceAccess action`;
    // AWS's text first; whatever the server appends after it (an encoded explanation) is not this test's concern.
    assert.ok(denied.message.startsWith(expected), denied.message);
  });
});
