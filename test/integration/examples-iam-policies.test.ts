// AWS's IAM User Guide, "Example IAM identity-based policies": the examples that concern IAM
// itself, STS and the global condition keys, each policy exactly as AWS publishes it (the
// placeholders `service-prefix:action-name`, `policy-name-1`, … filled in where the example asks
// for it), walked with the aws CLI against Tessera. Each test runs the cases the example implies —
// what it allows and what it leaves denied — and asserts AWS's error code and text.
//
// Where a case cannot be produced from loopback (a request from 192.0.2.0/24) or with a CLI that
// signs with the real time (a request in 2020), the same published policy is judged by the policy
// simulator (SimulatePrincipalPolicy with the context key set), or by the SDK with its clock offset.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { IAMClient, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { FixedClock } from '../../src/kernel/clock.ts';
import { awsCliAsync, awsCliAvailable } from '../support/cli-process.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

/** "AWS: Allows access based on date and time", with `iam:ListUsers` for `service-prefix:action-name`. */
const DATES_POLICY = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "iam:ListUsers",
            "Resource": "*",
            "Condition": {
                "DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"},
                "DateLessThan": {"aws:CurrentTime": "2020-06-30T23:59:59Z"}
            }
        }
    ]
}`;

/** "AWS: Allows specific access when using MFA during a specific range of dates" (a JSON `true`). */
const MFA_DATES_POLICY = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:ListRoles"
            ],
            "Resource": "*",
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": true},
                "DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"},
                "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}
            }
        }
    ]
}`;

/** "AWS: Denies access to AWS based on the source IP". */
const DENY_IP_POLICY = `{
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {
            "NotIpAddress": {
                "aws:SourceIp": [
                    "192.0.2.0/24",
                    "203.0.113.0/24"
                ]
            },
            "Bool": {"aws:ViaAWSService": "false"}
        }
    }
}`;

/** "IAM: Allows managing a group's membership programmatically and in the console". */
const GROUP_MEMBERSHIP_POLICY = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ViewGroups",
            "Effect": "Allow",
            "Action": [
                "iam:ListGroups",
                "iam:ListUsers",
                "iam:GetUser",
                "iam:ListGroupsForUser"
            ],
            "Resource": "*"
        },
        {
            "Sid": "ViewEditThisGroup",
            "Effect": "Allow",
            "Action": [
                "iam:AddUserToGroup",
                "iam:RemoveUserFromGroup",
                "iam:GetGroup"
            ],
            "Resource": "arn:aws:iam::*:group/MarketingTeam"
        }
    ]
}`;

/** "IAM: Limits managed policies that can be applied to an IAM user, group, or role". */
const LIMIT_MANAGED_POLICY = `{
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": [
            "iam:AttachUserPolicy",
            "iam:DetachUserPolicy"
        ],
        "Resource": "*",
        "Condition": {
            "ArnEquals": {
                "iam:PolicyARN": [
                    "arn:aws:iam::*:policy/policy-name-1",
                    "arn:aws:iam::*:policy/policy-name-2"
                ]
            }
        }
    }
}`;

/** "IAM: Pass an IAM role to a specific AWS service". */
const PASS_ROLE_POLICY = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"iam:PassedToService": "cloudwatch.amazonaws.com"}
            }
        }
    ]
}`;

/** "IAM: Manage a specific tag" (adding and removing the tag key Department on users and roles). */
const MANAGE_TAG_POLICY = `{
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": [
            "iam:TagUser",
            "iam:TagRole",
            "iam:UntagUser",
            "iam:UntagRole"
        ],
        "Resource": "*",
        "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}}
    }
}`;

/** "IAM: Allows IAM users to update their own credentials programmatically and in the console". */
const OWN_CREDENTIALS_POLICY = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:ListUsers",
                "iam:GetAccountPasswordPolicy"
            ],
            "Resource": "*"
        },
        {
            "Effect": "Allow",
            "Action": [
                "iam:*AccessKey*",
                "iam:ChangePassword",
                "iam:GetUser",
                "iam:*ServiceSpecificCredential*",
                "iam:*SigningCertificate*"
            ],
            "Resource": ["arn:aws:iam::*:user/\${aws:username}"]
        }
    ]
}`;

/** "IAM: Access the policy simulator API". */
const SIMULATOR_API_POLICY = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Action": [
                "iam:GetContextKeysForCustomPolicy",
                "iam:GetContextKeysForPrincipalPolicy",
                "iam:SimulateCustomPolicy",
                "iam:SimulatePrincipalPolicy"
            ],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]
}`;

/** "IAM: Allows read-only access to the IAM console without reporting". */
const READ_ONLY_NO_REPORTING_POLICY = `{
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Action": [
            "iam:Get*",
            "iam:List*"
        ],
        "Resource": "*"
    }
}`;

const ADMIN = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

interface CliFailure { code: string; operation: string; message: string }

describe('IAM User Guide: example identity-based policies for IAM, STS and global keys', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let account: string;
  const arn = (kind: string, name: string) => `arn:aws:iam::${account}:${kind}/${name}`;
  const noAllow = (who: string, action: string, resource: string) =>
    `User: ${who} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
  const explicitDeny = (who: string, action: string, resource: string) =>
    `User: ${who} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in an identity-based policy`;

  async function aws(args: string[], who: Credentials): Promise<any> {
    const run = await awsCliAsync(server.url, who, args);
    assert.equal(run.status, 0, `aws ${args.join(' ')}: ${run.stderr}`);
    return run.json ?? {};
  }
  async function awsFails(args: string[], who: Credentials): Promise<CliFailure> {
    const run = await awsCliAsync(server.url, who, args);
    assert.notEqual(run.status, 0, `aws ${args.join(' ')} should fail: ${JSON.stringify(run.json)}`);
    const match = /An error occurred \(([^)]+)\) when calling the (\w+) operation: (.*)/.exec(run.stderr);
    assert.ok(match, run.stderr);
    return { code: match[1]!, operation: match[2]!, message: match[3]!.trim() };
  }
  /** A user of the account, with an access key and the example's policy inline. */
  async function userWith(name: string, ...policies: string[]): Promise<Credentials & { arn: string }> {
    const created = await aws(['iam', 'create-user', '--user-name', name], server.root);
    for (const [index, document] of policies.entries()) {
      await aws(['iam', 'put-user-policy', '--user-name', name, '--policy-name', `example-${index}`, '--policy-document', document], server.root);
    }
    const key = (await aws(['iam', 'create-access-key', '--user-name', name], server.root)).AccessKey;
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey, arn: created.User.Arn };
  }
  /** An SDK client whose clock reads the server's (frozen) time, so it can sign in 2020. */
  function iamAt(who: Credentials): IAMClient {
    return new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: who, maxAttempts: 1, systemClockOffset: clock.now().getTime() - Date.now() });
  }
  async function simulate(who: Credentials, source: string, action: string, resource: string | undefined, entries: string[]): Promise<string> {
    const args = ['iam', 'simulate-principal-policy', '--policy-source-arn', source, '--action-names', action];
    if (resource) args.push('--resource-arns', resource);
    if (entries.length > 0) args.push('--context-entries', ...entries);
    const answer = await aws(args, who);
    return answer.EvaluationResults[0].EvalDecision;
  }

  before(async () => {
    server = await startTestServer({}, { clock });
    account = server.accountId;
  });
  after(async () => {
    await server?.stop();
  });

  test('"AWS: Allows access based on date and time": allowed between April 1 and June 30, 2020 (UTC) and at no other time', async () => {
    const user = await userWith('DateUser', DATES_POLICY);
    const listUsers = (who: Credentials) => iamAt(who).send(new ListUsersCommand({}));
    try {
      clock.set('2020-05-15T12:00:00Z');
      assert.ok(((await listUsers(user)).Users ?? []).some((u) => u.UserName === 'DateUser'));
      clock.set('2020-06-30T23:59:58Z');
      assert.ok((await listUsers(user)).Users);
      for (const outside of ['2020-03-31T23:59:59Z', '2020-04-01T00:00:00Z', '2020-06-30T23:59:59Z', '2020-07-01T00:00:00Z']) {
        clock.set(outside);
        const refused = await awsError(() => listUsers(user));
        assert.deepEqual([refused.name, refused.status, refused.message], ['AccessDenied', 403, noAllow(user.arn, 'iam:ListUsers', arn('user', ''))], outside);
      }
    } finally {
      clock.set(NOW);
    }
    // Today, with the CLI.
    assert.deepEqual(await awsFails(['iam', 'list-users'], user), { code: 'AccessDenied', operation: 'ListUsers', message: noAllow(user.arn, 'iam:ListUsers', arn('user', '')) });
  });

  test('"AWS: Allows specific access when using MFA during a specific range of dates": a JSON true in Bool; MFA and the dates both needed', async () => {
    const user = await userWith('MfaDateUser', MFA_DATES_POLICY);
    const sim = await userWith('MfaDateSimulator', SIMULATOR_API_POLICY);
    const at = (time: string, mfa: string) => [
      `ContextKeyName=aws:CurrentTime,ContextKeyValues=${time},ContextKeyType=date`,
      `ContextKeyName=aws:MultiFactorAuthPresent,ContextKeyValues=${mfa},ContextKeyType=boolean`,
    ];
    assert.equal(await simulate(sim, user.arn, 'iam:ListRoles', undefined, at('2017-08-01T00:00:00Z', 'true')), 'allowed');
    assert.equal(await simulate(sim, user.arn, 'iam:ListRoles', undefined, at('2017-08-01T00:00:00Z', 'false')), 'implicitDeny');
    assert.equal(await simulate(sim, user.arn, 'iam:ListRoles', undefined, at('2018-01-01T00:00:00Z', 'true')), 'implicitDeny');
    // Live, with a long-term key (no aws:MultiFactorAuthPresent) inside the dates: refused.
    try {
      clock.set('2017-08-01T00:00:00Z');
      const refused = await awsError(() => iamAt(user).send(new ListRolesCommand({})));
      assert.deepEqual([refused.name, refused.message], ['AccessDenied', noAllow(user.arn, 'iam:ListRoles', arn('role', ''))]);
    } finally {
      clock.set(NOW);
    }
  });

  test('"AWS: Denies access to AWS based on the source IP": outside 192.0.2.0/24 and 203.0.113.0/24 everything is denied, even what another policy allows', async () => {
    const user = await userWith('IpUser', ADMIN, DENY_IP_POLICY);
    // From 127.0.0.1: explicit deny, whatever the action.
    assert.deepEqual(await awsFails(['iam', 'list-users'], user), { code: 'AccessDenied', operation: 'ListUsers', message: explicitDeny(user.arn, 'iam:ListUsers', arn('user', '')) });
    assert.deepEqual(await awsFails(['iam', 'get-user'], user), { code: 'AccessDenied', operation: 'GetUser', message: explicitDeny(user.arn, 'iam:GetUser', user.arn) });
    assert.deepEqual(await awsFails(['sts', 'get-federation-token', '--name', 'contractor'], user),
      { code: 'AccessDenied', operation: 'GetFederationToken', message: explicitDeny(user.arn, 'sts:GetFederationToken', `arn:aws:sts::${account}:federated-user/contractor`) });
    // AssumeRole, which a trust policy decides, is refused naming only the caller, action and role.
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] });
    await aws(['iam', 'create-role', '--role-name', 'IpTrusted', '--assume-role-policy-document', trust], server.root);
    assert.deepEqual(await awsFails(['sts', 'assume-role', '--role-arn', arn('role', 'IpTrusted'), '--role-session-name', 'from-loopback'], user),
      { code: 'AccessDenied', operation: 'AssumeRole', message: `User: ${user.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn('role', 'IpTrusted')}` });
    // GetCallerIdentity and GetSessionToken need no permission: an explicit deny does not stop them
    // ("Permissions for GetSessionToken": a policy naming it "has no effect on a user's ability").
    assert.equal((await aws(['sts', 'get-caller-identity'], user)).Arn, user.arn);
    assert.match((await aws(['sts', 'get-session-token'], user)).Credentials.AccessKeyId, /^ASIA/);
    // From inside the ranges the deny does not apply (the simulator sets aws:SourceIp).
    const sim = await userWith('IpSimulator', SIMULATOR_API_POLICY);
    const from = (ip: string) => [`ContextKeyName=aws:SourceIp,ContextKeyValues=${ip},ContextKeyType=ip`, 'ContextKeyName=aws:ViaAWSService,ContextKeyValues=false,ContextKeyType=boolean'];
    assert.equal(await simulate(sim, user.arn, 'iam:ListUsers', undefined, from('192.0.2.7')), 'allowed');
    assert.equal(await simulate(sim, user.arn, 'iam:ListUsers', undefined, from('203.0.113.200')), 'allowed');
    assert.equal(await simulate(sim, user.arn, 'iam:ListUsers', undefined, from('198.51.100.7')), 'explicitDeny');
    // A request an AWS service makes for the principal (aws:ViaAWSService true) is not denied.
    assert.equal(await simulate(sim, user.arn, 'iam:ListUsers', undefined, ['ContextKeyName=aws:SourceIp,ContextKeyValues=198.51.100.7,ContextKeyType=ip', 'ContextKeyName=aws:ViaAWSService,ContextKeyValues=true,ContextKeyType=boolean']), 'allowed');
  });

  test('"IAM: Allows managing a group\'s membership": add and remove users of MarketingTeam only; no other group, no permissions', async () => {
    const user = await userWith('GroupManager', GROUP_MEMBERSHIP_POLICY);
    await aws(['iam', 'create-group', '--group-name', 'MarketingTeam'], server.root);
    await aws(['iam', 'create-group', '--group-name', 'Admins'], server.root);
    await aws(['iam', 'create-user', '--user-name', 'Mateo'], server.root);
    await aws(['iam', 'add-user-to-group', '--group-name', 'MarketingTeam', '--user-name', 'Mateo'], user);
    assert.deepEqual((await aws(['iam', 'get-group', '--group-name', 'MarketingTeam'], user)).Users.map((u: { UserName: string }) => u.UserName), ['Mateo']);
    assert.deepEqual((await aws(['iam', 'list-groups-for-user', '--user-name', 'Mateo'], user)).Groups.map((g: { GroupName: string }) => g.GroupName), ['MarketingTeam']);
    assert.ok((await aws(['iam', 'list-groups'], user)).Groups.length >= 2);
    await aws(['iam', 'remove-user-from-group', '--group-name', 'MarketingTeam', '--user-name', 'Mateo'], user);
    assert.deepEqual((await aws(['iam', 'get-group', '--group-name', 'MarketingTeam'], user)).Users, []);

    assert.deepEqual(await awsFails(['iam', 'add-user-to-group', '--group-name', 'Admins', '--user-name', 'Mateo'], user),
      { code: 'AccessDenied', operation: 'AddUserToGroup', message: noAllow(user.arn, 'iam:AddUserToGroup', arn('group', 'Admins')) });
    assert.deepEqual(await awsFails(['iam', 'get-group', '--group-name', 'Admins'], user),
      { code: 'AccessDenied', operation: 'GetGroup', message: noAllow(user.arn, 'iam:GetGroup', arn('group', 'Admins')) });
    assert.deepEqual(await awsFails(['iam', 'list-attached-group-policies', '--group-name', 'MarketingTeam'], user),
      { code: 'AccessDenied', operation: 'ListAttachedGroupPolicies', message: noAllow(user.arn, 'iam:ListAttachedGroupPolicies', arn('group', 'MarketingTeam')) });
    assert.deepEqual(await awsFails(['iam', 'put-group-policy', '--group-name', 'MarketingTeam', '--policy-name', 'x', '--policy-document', ADMIN], user),
      { code: 'AccessDenied', operation: 'PutGroupPolicy', message: noAllow(user.arn, 'iam:PutGroupPolicy', arn('group', 'MarketingTeam')) });
    // Allowed on the group, so the missing user is what answers.
    assert.deepEqual(await awsFails(['iam', 'add-user-to-group', '--group-name', 'MarketingTeam', '--user-name', 'Nobody'], user),
      { code: 'NoSuchEntity', operation: 'AddUserToGroup', message: 'The user with name Nobody cannot be found.' });
  });

  test('"IAM: Limits managed policies that can be applied": attach and detach only policy-name-1 and policy-name-2 (iam:PolicyARN)', async () => {
    const user = await userWith('PolicyLimiter', LIMIT_MANAGED_POLICY);
    await aws(['iam', 'create-user', '--user-name', 'Limited'], server.root);
    for (const name of ['policy-name-1', 'policy-name-3']) await aws(['iam', 'create-policy', '--policy-name', name, '--policy-document', ADMIN], server.root);
    await aws(['iam', 'attach-user-policy', '--user-name', 'Limited', '--policy-arn', arn('policy', 'policy-name-1')], user);
    assert.deepEqual((await aws(['iam', 'list-attached-user-policies', '--user-name', 'Limited'], server.root)).AttachedPolicies.map((p: { PolicyName: string }) => p.PolicyName), ['policy-name-1']);
    await aws(['iam', 'detach-user-policy', '--user-name', 'Limited', '--policy-arn', arn('policy', 'policy-name-1')], user);

    for (const other of [arn('policy', 'policy-name-3'), 'arn:aws:iam::aws:policy/AdministratorAccess']) {
      assert.deepEqual(await awsFails(['iam', 'attach-user-policy', '--user-name', 'Limited', '--policy-arn', other], user),
        { code: 'AccessDenied', operation: 'AttachUserPolicy', message: noAllow(user.arn, 'iam:AttachUserPolicy', arn('user', 'Limited')) });
    }
    // Allowed by its ARN, the policy that does not exist answers NoSuchEntity.
    assert.deepEqual(await awsFails(['iam', 'attach-user-policy', '--user-name', 'Limited', '--policy-arn', arn('policy', 'policy-name-2')], user),
      { code: 'NoSuchEntity', operation: 'AttachUserPolicy', message: `Policy ${arn('policy', 'policy-name-2')} does not exist or is not attachable.` });
    // Users only: a group or role is not in the example's actions.
    assert.deepEqual(await awsFails(['iam', 'attach-role-policy', '--role-name', 'AnyRole', '--policy-arn', arn('policy', 'policy-name-1')], user),
      { code: 'AccessDenied', operation: 'AttachRolePolicy', message: noAllow(user.arn, 'iam:AttachRolePolicy', arn('role', 'AnyRole')) });
  });

  test('"IAM: Pass an IAM role to a specific AWS service": iam:PassedToService must be cloudwatch.amazonaws.com', async () => {
    const user = await userWith('RolePasser', PASS_ROLE_POLICY, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:AddRoleToInstanceProfile', Resource: '*' }] }));
    const sim = await userWith('PassSimulator', SIMULATOR_API_POLICY);
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await aws(['iam', 'create-role', '--role-name', 'ServiceRole', '--assume-role-policy-document', trust], server.root);
    await aws(['iam', 'create-instance-profile', '--instance-profile-name', 'Web'], server.root);
    // An instance profile passes its role to EC2: not CloudWatch.
    assert.deepEqual(await awsFails(['iam', 'add-role-to-instance-profile', '--instance-profile-name', 'Web', '--role-name', 'ServiceRole'], user),
      { code: 'AccessDenied', operation: 'AddRoleToInstanceProfile', message: noAllow(user.arn, 'iam:PassRole', arn('role', 'ServiceRole')) });
    const passedTo = (service: string) => [`ContextKeyName=iam:PassedToService,ContextKeyValues=${service},ContextKeyType=string`];
    assert.equal(await simulate(sim, user.arn, 'iam:PassRole', arn('role', 'ServiceRole'), passedTo('cloudwatch.amazonaws.com')), 'allowed');
    assert.equal(await simulate(sim, user.arn, 'iam:PassRole', arn('role', 'ServiceRole'), passedTo('ec2.amazonaws.com')), 'implicitDeny');
  });

  test('"IAM: Manage a specific tag": only the tag key Department, on users and roles', async () => {
    const user = await userWith('Tagger', MANAGE_TAG_POLICY);
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] });
    await aws(['iam', 'create-role', '--role-name', 'TaggedRole', '--assume-role-policy-document', trust], server.root);
    await aws(['iam', 'create-user', '--user-name', 'TaggedUser'], server.root);
    await aws(['iam', 'tag-role', '--role-name', 'TaggedRole', '--tags', 'Key=Department,Value=Engineering'], user);
    await aws(['iam', 'tag-user', '--user-name', 'TaggedUser', '--tags', 'Key=Department,Value=Sales'], user);
    assert.deepEqual((await aws(['iam', 'list-role-tags', '--role-name', 'TaggedRole'], server.root)).Tags, [{ Key: 'Department', Value: 'Engineering' }]);
    await aws(['iam', 'untag-role', '--role-name', 'TaggedRole', '--tag-keys', 'Department'], user);
    assert.deepEqual((await aws(['iam', 'list-role-tags', '--role-name', 'TaggedRole'], server.root)).Tags, []);

    // Any other key in the request (ForAllValues): refused, the Department tag with it.
    assert.deepEqual(await awsFails(['iam', 'tag-role', '--role-name', 'TaggedRole', '--tags', 'Key=Department,Value=Eng', 'Key=Project,Value=X'], user),
      { code: 'AccessDenied', operation: 'TagRole', message: noAllow(user.arn, 'iam:TagRole', arn('role', 'TaggedRole')) });
    assert.deepEqual(await awsFails(['iam', 'untag-user', '--user-name', 'TaggedUser', '--tag-keys', 'Project'], user),
      { code: 'AccessDenied', operation: 'UntagUser', message: noAllow(user.arn, 'iam:UntagUser', arn('user', 'TaggedUser')) });
    // StringEquals is case-sensitive.
    assert.deepEqual(await awsFails(['iam', 'tag-user', '--user-name', 'TaggedUser', '--tags', 'Key=department,Value=Sales'], user),
      { code: 'AccessDenied', operation: 'TagUser', message: noAllow(user.arn, 'iam:TagUser', arn('user', 'TaggedUser')) });
    // Policies are not among the example's actions.
    await aws(['iam', 'create-policy', '--policy-name', 'TagTarget', '--policy-document', ADMIN], server.root);
    assert.deepEqual(await awsFails(['iam', 'tag-policy', '--policy-arn', arn('policy', 'TagTarget'), '--tags', 'Key=Department,Value=Eng'], user),
      { code: 'AccessDenied', operation: 'TagPolicy', message: noAllow(user.arn, 'iam:TagPolicy', arn('policy', 'TagTarget')) });
    assert.deepEqual((await aws(['iam', 'list-user-tags', '--user-name', 'TaggedUser'], server.root)).Tags, [{ Key: 'Department', Value: 'Sales' }]);
  });

  test('"IAM: Allows IAM users to update their own credentials": their own access keys, signing certificates, service credentials and password — nobody else\'s', async () => {
    const user = await userWith('Self', OWN_CREDENTIALS_POLICY);
    await aws(['iam', 'create-user', '--user-name', 'Someone'], server.root);
    assert.deepEqual((await aws(['iam', 'list-access-keys'], user)).AccessKeyMetadata.map((k: { UserName: string }) => k.UserName), ['Self']);
    const second = (await aws(['iam', 'create-access-key'], user)).AccessKey;
    assert.equal(second.UserName, 'Self');
    assert.equal((await aws(['iam', 'get-access-key-last-used', '--access-key-id', user.accessKeyId], user)).UserName, 'Self');
    await aws(['iam', 'update-access-key', '--access-key-id', second.AccessKeyId, '--status', 'Inactive'], user);
    await aws(['iam', 'delete-access-key', '--access-key-id', second.AccessKeyId], user);
    assert.deepEqual(await aws(['iam', 'list-signing-certificates'], user), { Certificates: [] });
    assert.deepEqual(await aws(['iam', 'list-service-specific-credentials'], user), { ServiceSpecificCredentials: [] });
    assert.equal((await aws(['iam', 'create-service-specific-credential', '--user-name', 'Self', '--service-name', 'codecommit.amazonaws.com'], user)).ServiceSpecificCredential.UserName, 'Self');
    await aws(['iam', 'create-login-profile', '--user-name', 'Self', '--password', 'Initial-Pass-123!'], server.root);
    await aws(['iam', 'change-password', '--old-password', 'Initial-Pass-123!', '--new-password', 'Changed-Pass-456!'], user);
    assert.equal((await aws(['iam', 'get-user'], user)).User.UserName, 'Self');
    assert.ok((await aws(['iam', 'list-users'], user)).Users.length >= 2);
    // Allowed, and there is no password policy.
    assert.deepEqual(await awsFails(['iam', 'get-account-password-policy'], user),
      { code: 'NoSuchEntity', operation: 'GetAccountPasswordPolicy', message: `The Password Policy with domain name ${account} cannot be found.` });

    assert.deepEqual(await awsFails(['iam', 'list-access-keys', '--user-name', 'Someone'], user),
      { code: 'AccessDenied', operation: 'ListAccessKeys', message: noAllow(user.arn, 'iam:ListAccessKeys', arn('user', 'Someone')) });
    assert.deepEqual(await awsFails(['iam', 'create-access-key', '--user-name', 'Someone'], user),
      { code: 'AccessDenied', operation: 'CreateAccessKey', message: noAllow(user.arn, 'iam:CreateAccessKey', arn('user', 'Someone')) });
    // SSH keys and the login profile are not in the example.
    assert.deepEqual(await awsFails(['iam', 'list-ssh-public-keys'], user),
      { code: 'AccessDenied', operation: 'ListSSHPublicKeys', message: noAllow(user.arn, 'iam:ListSSHPublicKeys', user.arn) });
    assert.deepEqual(await awsFails(['iam', 'get-login-profile', '--user-name', 'Self'], user),
      { code: 'AccessDenied', operation: 'GetLoginProfile', message: noAllow(user.arn, 'iam:GetLoginProfile', user.arn) });
    // user/${aws:username} names a user without a path: a user under /eng/ is not covered.
    await aws(['iam', 'create-user', '--user-name', 'PathUser', '--path', '/eng/'], server.root);
    await aws(['iam', 'put-user-policy', '--user-name', 'PathUser', '--policy-name', 'own', '--policy-document', OWN_CREDENTIALS_POLICY], server.root);
    const pathKey = (await aws(['iam', 'create-access-key', '--user-name', 'PathUser'], server.root)).AccessKey;
    const pathUser = { accessKeyId: pathKey.AccessKeyId, secretAccessKey: pathKey.SecretAccessKey };
    assert.deepEqual(await awsFails(['iam', 'list-access-keys'], pathUser),
      { code: 'AccessDenied', operation: 'ListAccessKeys', message: noAllow(arn('user', 'eng/PathUser'), 'iam:ListAccessKeys', arn('user', 'eng/PathUser')) });
  });

  test('"IAM: Access the policy simulator API": simulate principal and custom policies, read their context keys; nothing else', async () => {
    const user = await userWith('Simulator', SIMULATOR_API_POLICY);
    const subject = await userWith('SimulatedSubject', DATES_POLICY);
    assert.deepEqual(await aws(['iam', 'get-context-keys-for-principal-policy', '--policy-source-arn', subject.arn], user), { ContextKeyNames: ['aws:CurrentTime'] });
    assert.equal(await simulate(user, subject.arn, 'iam:ListUsers', undefined, ['ContextKeyName=aws:CurrentTime,ContextKeyValues=2020-05-01T00:00:00Z,ContextKeyType=date']), 'allowed');
    assert.equal(await simulate(user, subject.arn, 'iam:ListUsers', undefined, ['ContextKeyName=aws:CurrentTime,ContextKeyValues=2021-05-01T00:00:00Z,ContextKeyType=date']), 'implicitDeny');
    const input = JSON.stringify([DENY_IP_POLICY]);
    assert.deepEqual(await aws(['iam', 'get-context-keys-for-custom-policy', '--policy-input-list', input], user), { ContextKeyNames: ['aws:SourceIp', 'aws:ViaAWSService'] });
    const custom = await aws(['iam', 'simulate-custom-policy', '--policy-input-list', input, '--action-names', 's3:ListAllMyBuckets',
      '--context-entries', 'ContextKeyName=aws:SourceIp,ContextKeyValues=10.0.0.1,ContextKeyType=ip', 'ContextKeyName=aws:ViaAWSService,ContextKeyValues=false,ContextKeyType=boolean'], user);
    assert.equal(custom.EvaluationResults[0].EvalDecision, 'explicitDeny');
    assert.deepEqual(await awsFails(['iam', 'list-users'], user), { code: 'AccessDenied', operation: 'ListUsers', message: noAllow(user.arn, 'iam:ListUsers', arn('user', '')) });
    assert.deepEqual(await awsFails(['iam', 'get-user-policy', '--user-name', 'SimulatedSubject', '--policy-name', 'example-0'], user),
      { code: 'AccessDenied', operation: 'GetUserPolicy', message: noAllow(user.arn, 'iam:GetUserPolicy', subject.arn) });
  });

  test('"IAM: Allows read-only access to the IAM console without reporting": every Get and List, no Generate, no change', async () => {
    const user = await userWith('ReadOnly', READ_ONLY_NO_REPORTING_POLICY);
    assert.ok((await aws(['iam', 'list-users'], user)).Users.some((u: { UserName: string }) => u.UserName === 'ReadOnly'));
    assert.ok((await aws(['iam', 'get-account-authorization-details'], user)).UserDetailList.length >= 1);
    assert.ok((await aws(['iam', 'get-account-summary'], user)).SummaryMap.Users >= 1);
    assert.equal((await aws(['iam', 'get-user-policy', '--user-name', 'ReadOnly', '--policy-name', 'example-0'], user)).PolicyName, 'example-0');
    assert.deepEqual(await awsFails(['iam', 'generate-credential-report'], user),
      { code: 'AccessDenied', operation: 'GenerateCredentialReport', message: noAllow(user.arn, 'iam:GenerateCredentialReport', '*') });
    assert.deepEqual(await awsFails(['iam', 'generate-service-last-accessed-details', '--arn', user.arn], user),
      { code: 'AccessDenied', operation: 'GenerateServiceLastAccessedDetails', message: noAllow(user.arn, 'iam:GenerateServiceLastAccessedDetails', user.arn) });
    assert.deepEqual(await awsFails(['iam', 'create-user', '--user-name', 'NotMine'], user),
      { code: 'AccessDenied', operation: 'CreateUser', message: noAllow(user.arn, 'iam:CreateUser', arn('user', 'NotMine')) });
    assert.deepEqual(await awsFails(['iam', 'simulate-principal-policy', '--policy-source-arn', user.arn, '--action-names', 'iam:ListUsers'], user),
      { code: 'AccessDenied', operation: 'SimulatePrincipalPolicy', message: noAllow(user.arn, 'iam:SimulatePrincipalPolicy', user.arn) });
  });

  test('global keys on direct calls: aws:PrincipalIsAWSService is false, aws:CalledVia is absent', async () => {
    const denied = await userWith('NotAService', JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*', Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } } },
    ] }));
    assert.deepEqual(await awsFails(['iam', 'list-roles'], denied), { code: 'AccessDenied', operation: 'ListRoles', message: explicitDeny(denied.arn, 'iam:ListRoles', arn('role', '')) });
    const viaOnly = await userWith('ViaCloudFormationOnly', JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] } } },
    ] }));
    assert.deepEqual(await awsFails(['iam', 'list-roles'], viaOnly), { code: 'AccessDenied', operation: 'ListRoles', message: noAllow(viaOnly.arn, 'iam:ListRoles', arn('role', '')) });
  });
});
