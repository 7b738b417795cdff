// AWS's published example policies for the protected services, each as AWS publishes it, walked
// with the aws CLI through Tessera in front of moto_server: the allowed and the denied cases each
// example implies, with the service's own error codes and messages.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, PutRolePolicyCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { generateSync } from 'otplib';
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from '@aws-sdk/client-iam';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { newSigningKey, signToken } from '../../src/federation/test-idp/oidc-keys.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import { trust, workload } from '../support/workloads.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import type { Credentials } from '../support/tessera-server.ts';
import { cliOutput, cliRefusal, type CliResult as Cli } from '../support/aws-cli-run.ts';

const cliError = cliRefusal;
const ok = cliOutput;
const notAllowed = (code: string, operation: string, principal: string, action: string, resource: string, why = `because no identity-based policy allows the ${action} action`) =>
  `An error occurred (${code}) when calling the ${operation} operation: User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${why}`;

describe('AWS example policies for the protected services (aws CLI through the gateway)', () => {
  let env: GatewayEnv;
  let account: string;
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
  });
  after(() => env?.stop());
  const root = () => env.server.root;
  const cli = (args: string[], credentials: Credentials) => env.cli(args, credentials);

  describe('EC2', () => {
    let image: string;
    before(async () => {
      image = ok(await cli(['ec2', 'describe-images', '--owners', 'amazon', '--query', 'Images[0].ImageId', '--output', 'text'], root()));
    });
    const launch = async (tags: Record<string, string> = {}): Promise<string> => {
      const spec = Object.keys(tags).length === 0 ? [] : ['--tag-specifications', `ResourceType=instance,Tags=[${Object.entries(tags).map(([k, v]) => `{Key=${k},Value=${v}}`).join(',')}]`];
      return ok(await cli(['ec2', 'run-instances', '--image-id', image, '--instance-type', 't2.micro', '--count', '1', ...spec, '--query', 'Instances[0].InstanceId', '--output', 'text'], root()));
    };
    const state = async (id: string) => ok(await cli(['ec2', 'describe-instances', '--instance-ids', id, '--query', 'Reservations[0].Instances[0].State.Name', '--output', 'text'], root()));
    const instanceArn = (id: string) => `arn:aws:ec2:us-east-1:${account}:instance/${id}`;
    /** EC2's UnauthorizedOperation, up to its encoded authorization message. */
    const unauthorized = (result: Cli, operation: string, principal: string, action: string, resource: string, why: string) => {
      const text = cliError(result);
      const prefix = `An error occurred (UnauthorizedOperation) when calling the ${operation} operation: You are not authorized to perform this operation. User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${why}. Encoded authorization failure message: `;
      assert.ok(text.startsWith(prefix), `${text}\n  expected to start with\n${prefix}`);
      assert.match(text.slice(prefix.length), /^[A-Za-z0-9_.-]{40,}$/);
    };

    test('IAM User Guide "Amazon EC2: Limits terminating EC2 instances to an IP address range" (aws:SourceIp is the client\'s address)', async () => {
      const policy = (ranges: string[]) => ({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['ec2:TerminateInstances'], Resource: ['*'] },
          { Effect: 'Deny', Action: ['ec2:TerminateInstances'], Condition: { NotIpAddress: { 'aws:SourceIp': ranges } }, Resource: ['*'] },
        ],
      });
      // As published: the CLI here calls from 127.0.0.1, outside both ranges — refused by the explicit deny.
      const outside = await env.user('terminate-ip-outside', [policy(['192.0.2.0/24', '203.0.113.0/24'])]);
      const id = await launch();
      unauthorized(await cli(['ec2', 'terminate-instances', '--instance-ids', id], outside), 'TerminateInstances', outside.arn, 'ec2:TerminateInstances', instanceArn(id), 'with an explicit deny in an identity-based policy');
      assert.equal(await state(id), 'running');
      // The company's range made the loopback one: allowed.
      const inside = await env.user('terminate-ip-inside', [policy(['127.0.0.0/8', '203.0.113.0/24'])]);
      assert.match(ok(await cli(['ec2', 'terminate-instances', '--instance-ids', id, '--query', 'TerminatingInstances[0].CurrentState.Name', '--output', 'text'], inside)), /^(shutting-down|terminated)$/);
    });

    test('IAM User Guide "Amazon EC2: Requires MFA (GetSessionToken) for specific EC2 operations"', async () => {
      const user = await env.user('ec2-mfa', [{
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AllowAllActionsForEC2', Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
          { Sid: 'DenyStopAndTerminateWhenMFAIsNotPresent', Effect: 'Deny', Action: ['ec2:StopInstances', 'ec2:TerminateInstances'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': false } } },
        ],
      }]);
      const id = await launch();
      // Long-term keys: the key is absent, BoolIfExists matches — denied; other EC2 actions pass.
      unauthorized(await cli(['ec2', 'stop-instances', '--instance-ids', id], user), 'StopInstances', user.arn, 'ec2:StopInstances', instanceArn(id), 'with an explicit deny in an identity-based policy');
      ok(await cli(['ec2', 'describe-instances', '--instance-ids', id], user));
      ok(await cli(['ec2', 'create-tags', '--resources', id, '--tags', 'Key=Checked,Value=yes'], user));
      // A session without MFA: the key is "false" — denied.
      const iam = env.server.iam();
      const plain = await env.server.sts(user).send(new GetSessionTokenCommand({}));
      const plainSession: Credentials = { accessKeyId: plain.Credentials!.AccessKeyId!, secretAccessKey: plain.Credentials!.SecretAccessKey!, sessionToken: plain.Credentials!.SessionToken! };
      unauthorized(await cli(['ec2', 'terminate-instances', '--instance-ids', id], plainSession), 'TerminateInstances', user.arn, 'ec2:TerminateInstances', instanceArn(id), 'with an explicit deny in an identity-based policy');
      // A session made with the user's MFA device: allowed.
      const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'ec2-mfa' }));
      const seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
      const serial = device.VirtualMFADevice!.SerialNumber!;
      const step = Math.floor(Date.now() / 30_000);
      const code = (at: number) => generateSync({ secret: seed, epoch: at * 30 });
      await iam.send(new EnableMFADeviceCommand({ UserName: 'ec2-mfa', SerialNumber: serial, AuthenticationCode1: code(step - 1), AuthenticationCode2: code(step) }));
      const mfa = await env.server.sts(user).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code(step + 1) }));
      const mfaSession: Credentials = { accessKeyId: mfa.Credentials!.AccessKeyId!, secretAccessKey: mfa.Credentials!.SecretAccessKey!, sessionToken: mfa.Credentials!.SessionToken! };
      assert.match(ok(await cli(['ec2', 'stop-instances', '--instance-ids', id, '--query', 'StoppingInstances[0].CurrentState.Name', '--output', 'text'], mfaSession)), /^(stopping|stopped)$/);
    });

    test('IAM User Guide "EC2: Start or stop instances based on matching principal and resource tags" (ABAC, CostCenter)', async () => {
      const user = await env.user('ec2-abac', [{
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: ['ec2:startInstances', 'ec2:stopInstances'], Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/CostCenter': '${aws:PrincipalTag/CostCenter}' } } },
      }]);
      await env.server.iam().send(new TagUserCommand({ UserName: 'ec2-abac', Tags: [{ Key: 'CostCenter', Value: '0815' }] }));
      const same = await launch({ CostCenter: '0815' });
      const other = await launch({ CostCenter: '4711' });
      const untagged = await launch();
      assert.match(ok(await cli(['ec2', 'stop-instances', '--instance-ids', same, '--query', 'StoppingInstances[0].CurrentState.Name', '--output', 'text'], user)), /^(stopping|stopped)$/);
      ok(await cli(['ec2', 'start-instances', '--instance-ids', same], user));
      unauthorized(await cli(['ec2', 'stop-instances', '--instance-ids', other], user), 'StopInstances', user.arn, 'ec2:StopInstances', instanceArn(other), 'because no identity-based policy allows the ec2:StopInstances action');
      unauthorized(await cli(['ec2', 'stop-instances', '--instance-ids', untagged], user), 'StopInstances', user.arn, 'ec2:StopInstances', instanceArn(untagged), 'because no identity-based policy allows the ec2:StopInstances action');
      // Both named: refused whole; neither is stopped.
      unauthorized(await cli(['ec2', 'stop-instances', '--instance-ids', same, other], user), 'StopInstances', user.arn, 'ec2:StopInstances', instanceArn(other), 'because no identity-based policy allows the ec2:StopInstances action');
      assert.equal(await state(other), 'running');
      // Not in the policy: terminate.
      unauthorized(await cli(['ec2', 'terminate-instances', '--instance-ids', same], user), 'TerminateInstances', user.arn, 'ec2:TerminateInstances', instanceArn(same), 'because no identity-based policy allows the ec2:TerminateInstances action');
    });

    test('IAM User Guide "Amazon EC2: Allows managing EC2 security groups with a specific tag key-value pair programmatically and in the console"', async () => {
      const user = await env.user('sg-manager', [{
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeTags'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules', 'ec2:UpdateSecurityGroupRuleDescriptionsIngress', 'ec2:UpdateSecurityGroupRuleDescriptionsEgress'],
            Resource: [`arn:aws:ec2:us-east-1:${account}:security-group/*`],
            Condition: { StringEquals: { 'aws:ResourceTag/Department': 'Test' } },
          },
          { Effect: 'Allow', Action: ['ec2:ModifySecurityGroupRules'], Resource: [`arn:aws:ec2:us-east-1:${account}:security-group-rule/*`] },
        ],
      }]);
      const group = async (name: string, tags: string) =>
        ok(await cli(['ec2', 'create-security-group', '--group-name', name, '--description', name, ...(tags ? ['--tag-specifications', `ResourceType=security-group,Tags=[${tags}]`] : []), '--query', 'GroupId', '--output', 'text'], root()));
      const test = await group('dept-test', '{Key=Department,Value=Test}');
      const prod = await group('dept-prod', '{Key=Department,Value=Prod}');
      const sgArn = (id: string) => `arn:aws:ec2:us-east-1:${account}:security-group/${id}`;
      assert.match(ok(await cli(['ec2', 'describe-security-groups', '--group-ids', test, prod, '--query', 'length(SecurityGroups)', '--output', 'text'], user)), /^2$/);
      ok(await cli(['ec2', 'describe-tags', '--filters', `Name=resource-id,Values=${test}`], user));
      ok(await cli(['ec2', 'authorize-security-group-ingress', '--group-id', test, '--protocol', 'tcp', '--port', '22', '--cidr', '10.0.0.0/16'], user));
      ok(await cli(['ec2', 'authorize-security-group-egress', '--group-id', test, '--protocol', 'tcp', '--port', '443', '--cidr', '10.1.0.0/16'], user));
      ok(await cli(['ec2', 'update-security-group-rule-descriptions-ingress', '--group-id', test, '--ip-permissions', 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/16,Description=ssh}]'], user));
      ok(await cli(['ec2', 'update-security-group-rule-descriptions-egress', '--group-id', test, '--ip-permissions', 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.1.0.0/16,Description=https}]'], user));
      ok(await cli(['ec2', 'revoke-security-group-ingress', '--group-id', test, '--protocol', 'tcp', '--port', '22', '--cidr', '10.0.0.0/16'], user));
      const noAllow = (action: string) => `because no identity-based policy allows the ${action} action`;
      unauthorized(await cli(['ec2', 'authorize-security-group-ingress', '--group-id', prod, '--protocol', 'tcp', '--port', '22', '--cidr', '10.0.0.0/16'], user), 'AuthorizeSecurityGroupIngress', user.arn, 'ec2:AuthorizeSecurityGroupIngress', sgArn(prod), noAllow('ec2:AuthorizeSecurityGroupIngress'));
      unauthorized(await cli(['ec2', 'revoke-security-group-egress', '--group-id', prod, '--protocol', '-1', '--cidr', '0.0.0.0/0'], user), 'RevokeSecurityGroupEgress', user.arn, 'ec2:RevokeSecurityGroupEgress', sgArn(prod), noAllow('ec2:RevokeSecurityGroupEgress'));
      unauthorized(
        await cli(['ec2', 'update-security-group-rule-descriptions-ingress', '--group-id', prod, '--ip-permissions', 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/16,Description=x}]'], user),
        'UpdateSecurityGroupRuleDescriptionsIngress', user.arn, 'ec2:UpdateSecurityGroupRuleDescriptionsIngress', sgArn(prod), noAllow('ec2:UpdateSecurityGroupRuleDescriptionsIngress'),
      );
      // ModifySecurityGroupRules: on the group (tagged) and on each rule (any rule, the third statement).
      const rule = ok(await cli(['ec2', 'describe-security-group-rules', '--filters', `Name=group-id,Values=${test}`, '--query', 'SecurityGroupRules[?IsEgress==`true`]|[0].SecurityGroupRuleId', '--output', 'text'], root()));
      assert.match(rule, /^sgr-/);
      const modify = (group: string) => ['ec2', 'modify-security-group-rules', '--group-id', group, '--security-group-rules', `SecurityGroupRuleId=${rule},SecurityGroupRule={IpProtocol=tcp,FromPort=443,ToPort=443,CidrIpv4=10.2.0.0/16}`];
      ok(await cli(modify(test), user));
      unauthorized(await cli(modify(prod), user), 'ModifySecurityGroupRules', user.arn, 'ec2:ModifySecurityGroupRules', sgArn(prod), noAllow('ec2:ModifySecurityGroupRules'));
      // Not in the policy: deleting a group, even a tagged one.
      unauthorized(await cli(['ec2', 'delete-security-group', '--group-id', test], user), 'DeleteSecurityGroup', user.arn, 'ec2:DeleteSecurityGroup', sgArn(test), noAllow('ec2:DeleteSecurityGroup'));
      assert.equal(ok(await cli(['ec2', 'describe-security-groups', '--group-ids', prod, '--query', 'length(SecurityGroups[0].IpPermissions)', '--output', 'text'], root())), '0');
    });

    test('EC2 User Guide "Describe, launch, stop, start, and terminate only specific instances" (aws:ResourceTag/Owner = ${aws:username})', async () => {
      const user = await env.user('owner-carol', [{
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'ec2:DescribeImages', 'ec2:DescribeKeyPairs', 'ec2:DescribeSecurityGroups', 'ec2:DescribeAvailabilityZones'], Resource: '*' },
          { Effect: 'Allow', Action: ['ec2:TerminateInstances', 'ec2:StopInstances', 'ec2:StartInstances'], Resource: `arn:aws:ec2:us-east-1:${account}:instance/*`, Condition: { StringEquals: { 'aws:ResourceTag/Owner': '${aws:username}' } } },
        ],
      }]);
      const mine = await launch({ Owner: 'owner-carol' });
      const theirs = await launch({ Owner: 'dave' });
      unauthorized(await cli(['ec2', 'terminate-instances', '--instance-ids', theirs], user), 'TerminateInstances', user.arn, 'ec2:TerminateInstances', instanceArn(theirs), 'because no identity-based policy allows the ec2:TerminateInstances action');
      assert.equal(await state(theirs), 'running');
      assert.match(ok(await cli(['ec2', 'terminate-instances', '--instance-ids', mine, '--query', 'TerminatingInstances[0].CurrentState.Name', '--output', 'text'], user)), /^(shutting-down|terminated)$/);
    });

    test('IAM User Guide "Amazon EC2: Allows an EC2 instance to attach or detach volumes" (ec2:SourceInstanceARN): a user\'s own keys are not the instance\'s', async () => {
      const id = await launch();
      const placement = ok(await cli(['ec2', 'describe-instances', '--instance-ids', id, '--query', 'Reservations[0].Instances[0].Placement.AvailabilityZone', '--output', 'text'], root()));
      const volume = ok(await cli(['ec2', 'create-volume', '--availability-zone', placement, '--size', '1', '--query', 'VolumeId', '--output', 'text'], root()));
      const user = await env.user('volume-user', [{
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['ec2:AttachVolume', 'ec2:DetachVolume'],
          Resource: ['arn:aws:ec2:*:*:volume/*', 'arn:aws:ec2:*:*:instance/*'],
          Condition: { ArnEquals: { 'ec2:SourceInstanceARN': `arn:aws:ec2:*:*:instance/${id}` } },
        }],
      }]);
      const text = cliError(await cli(['ec2', 'attach-volume', '--volume-id', volume, '--instance-id', id, '--device', '/dev/sdf'], user));
      assert.ok(text.startsWith(`An error occurred (UnauthorizedOperation) when calling the AttachVolume operation: You are not authorized to perform this operation. User: ${user.arn} is not authorized to perform: ec2:AttachVolume on resource: arn:aws:ec2:us-east-1:${account}:`), text);
      assert.equal(ok(await cli(['ec2', 'describe-volumes', '--volume-ids', volume, '--query', 'Volumes[0].State', '--output', 'text'], root())), 'available');
    });

    test('the same example, with the instance\'s own role credentials (Tessera\'s instance credential endpoint): that instance only', async () => {
      const id = await launch();
      const placement = ok(await cli(['ec2', 'describe-instances', '--instance-ids', id, '--query', 'Reservations[0].Instances[0].Placement.AvailabilityZone', '--output', 'text'], root()));
      const volume = ok(await cli(['ec2', 'create-volume', '--availability-zone', placement, '--size', '1', '--query', 'VolumeId', '--output', 'text'], root()));
      const iam = env.server.iam();
      await iam.send(new CreateRoleCommand({ RoleName: 'volume-role', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }));
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'volume-profile' }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'volume-profile', RoleName: 'volume-role' }));
      const clock = systemClock;
      const self = await workload(env.server, root(), { kind: 'instance', instanceProfileName: 'volume-profile', allowV1: false }, clock);
      const stranger = await workload(env.server, root(), { kind: 'instance', instanceProfileName: 'volume-profile', allowV1: false }, clock);
      try {
        const selfId = self.launched.WorkloadArn.split('/')[1]!;
        await iam.send(new PutRolePolicyCommand({
          RoleName: 'volume-role',
          PolicyName: 'attach-detach',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{
              Effect: 'Allow',
              Action: ['ec2:AttachVolume', 'ec2:DetachVolume'],
              Resource: ['arn:aws:ec2:*:*:volume/*', 'arn:aws:ec2:*:*:instance/*'],
              Condition: { ArnEquals: { 'ec2:SourceInstanceARN': `arn:aws:ec2:*:*:instance/${selfId}` } },
            }],
          }),
        }));
        const credentialsOf = async (w: typeof self): Promise<Credentials> => {
          const current = await w.credentials.current('2.0');
          assert.ok(current.ok);
          const c = current.held.credentials;
          return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
        };
        // The other instance's credentials: refused.
        const text = cliError(await cli(['ec2', 'attach-volume', '--volume-id', volume, '--instance-id', id, '--device', '/dev/sdf'], await credentialsOf(stranger)));
        assert.ok(text.startsWith(`An error occurred (UnauthorizedOperation) when calling the AttachVolume operation: You are not authorized to perform this operation. User: arn:aws:sts::${account}:assumed-role/volume-role/${stranger.launched.WorkloadId} is not authorized to perform: ec2:AttachVolume on resource: arn:aws:ec2:us-east-1:${account}:`), text);
        // The named instance's own: attached, then detached.
        const mine = await credentialsOf(self);
        assert.match(ok(await cli(['ec2', 'attach-volume', '--volume-id', volume, '--instance-id', id, '--device', '/dev/sdf', '--query', 'State', '--output', 'text'], mine)), /^(attaching|attached)$/);
        ok(await cli(['ec2', 'detach-volume', '--volume-id', volume, '--instance-id', id], mine));
      } finally {
        await self.close();
        await stranger.close();
      }
    });
  });

  describe('S3', () => {
    const bucket = async (name: string) => ok(await cli(['s3api', 'create-bucket', '--bucket', name], root()));
    const s3Denied = (operation: string, principal: string, action: string, resource: string, why: string) =>
      `An error occurred (AccessDenied) when calling the ${operation} operation: User: ${principal} is not authorized to perform: ${action} on resource: "${resource}" ${why}`;

    test('IAM User Guide "Amazon S3: Allows read and write access to objects in an S3 bucket, programmatically and in the console"', async () => {
      await bucket('example-rw');
      await bucket('example-other');
      ok(await cli(['s3api', 'put-object', '--bucket', 'example-other', '--key', 'x.txt', '--body', '/etc/hostname'], root()));
      const user = await env.user('s3-rw', [{
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ConsoleAccess', Effect: 'Allow', Action: ['s3:GetAccountPublicAccessBlock', 's3:GetBucketAcl', 's3:GetBucketLocation', 's3:GetBucketPolicyStatus', 's3:GetBucketPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets'], Resource: '*' },
          { Sid: 'ListObjectsInBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: ['arn:aws:s3:::example-rw'] },
          { Sid: 'AllObjectActions', Effect: 'Allow', Action: 's3:*Object', Resource: ['arn:aws:s3:::example-rw/*'] },
        ],
      }]);
      assert.match(ok(await cli(['s3api', 'list-buckets', '--query', 'Buckets[].Name', '--output', 'text'], user)), /example-rw/);
      ok(await cli(['s3api', 'get-bucket-location', '--bucket', 'example-other'], user));
      ok(await cli(['s3api', 'get-bucket-acl', '--bucket', 'example-rw'], user));
      ok(await cli(['s3api', 'put-object', '--bucket', 'example-rw', '--key', 'a.txt', '--body', '/etc/hostname'], user));
      ok(await cli(['s3api', 'get-object', '--bucket', 'example-rw', '--key', 'a.txt', '/dev/null'], user));
      ok(await cli(['s3api', 'copy-object', '--bucket', 'example-rw', '--key', 'b.txt', '--copy-source', 'example-rw/a.txt'], user));
      assert.equal(ok(await cli(['s3api', 'list-objects-v2', '--bucket', 'example-rw', '--query', 'length(Contents)', '--output', 'text'], user)), '2');
      ok(await cli(['s3api', 'delete-object', '--bucket', 'example-rw', '--key', 'b.txt'], user));
      // s3:*Object is not s3:PutObjectAcl / s3:GetObjectTagging; and nothing in another bucket.
      const noAllow = (action: string) => `because no identity-based policy allows the ${action} action`;
      assert.equal(cliError(await cli(['s3api', 'get-object-tagging', '--bucket', 'example-rw', '--key', 'a.txt'], user)), s3Denied('GetObjectTagging', user.arn, 's3:GetObjectTagging', 'arn:aws:s3:::example-rw/a.txt', noAllow('s3:GetObjectTagging')));
      assert.equal(cliError(await cli(['s3api', 'list-objects-v2', '--bucket', 'example-other'], user)), s3Denied('ListObjectsV2', user.arn, 's3:ListBucket', 'arn:aws:s3:::example-other', noAllow('s3:ListBucket')));
      assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'example-other', '--key', 'x.txt', '/dev/null'], user)), s3Denied('GetObject', user.arn, 's3:GetObject', 'arn:aws:s3:::example-other/x.txt', noAllow('s3:GetObject')));
      assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'example-other', '--key', 'y.txt', '--body', '/etc/hostname'], user)), s3Denied('PutObject', user.arn, 's3:PutObject', 'arn:aws:s3:::example-other/y.txt', noAllow('s3:PutObject')));
      assert.equal(cliError(await cli(['s3api', 'delete-bucket', '--bucket', 'example-rw'], user)), s3Denied('DeleteBucket', user.arn, 's3:DeleteBucket', 'arn:aws:s3:::example-rw', noAllow('s3:DeleteBucket')));
    });

    test('S3 User Guide "Restricting access to a specific VPC endpoint" (aws:SourceVpce): no request through Tessera comes from the endpoint', async () => {
      await bucket('example-vpce');
      ok(await cli(['s3api', 'put-object', '--bucket', 'example-vpce', '--key', 'a.txt', '--body', '/etc/hostname'], root()));
      const policy = {
        Version: '2012-10-17',
        Id: 'Policy1415115909152',
        Statement: [{
          Sid: 'Access-to-specific-VPCE-only',
          Principal: '*',
          Action: 's3:*',
          Effect: 'Deny',
          Resource: ['arn:aws:s3:::example-vpce', 'arn:aws:s3:::example-vpce/*'],
          Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
        }],
      };
      ok(await cli(['s3api', 'put-bucket-policy', '--bucket', 'example-vpce', '--policy', JSON.stringify(policy)], root()));
      const user = await env.user('s3-vpce', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }]);
      const deny = 'with an explicit deny in a resource-based policy';
      assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'example-vpce', '--key', 'a.txt', '/dev/null'], user)), s3Denied('GetObject', user.arn, 's3:GetObject', 'arn:aws:s3:::example-vpce/a.txt', deny));
      assert.equal(cliError(await cli(['s3api', 'list-objects-v2', '--bucket', 'example-vpce'], user)), s3Denied('ListObjectsV2', user.arn, 's3:ListBucket', 'arn:aws:s3:::example-vpce', deny));
      // The account's root is denied the data too ...
      const rootArn = `arn:aws:iam::${account}:root`;
      assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'example-vpce', '--key', 'a.txt', '/dev/null'], root())), s3Denied('GetObject', rootArn, 's3:GetObject', 'arn:aws:s3:::example-vpce/a.txt', deny));
      // ... but, as on AWS, the bucket owner's root user can still read and remove the policy that locks everyone out.
      assert.match(ok(await cli(['s3api', 'get-bucket-policy', '--bucket', 'example-vpce', '--query', 'Policy', '--output', 'text'], root())), /vpce-1a2b3c4d/);
      ok(await cli(['s3api', 'delete-bucket-policy', '--bucket', 'example-vpce'], root()));
      ok(await cli(['s3api', 'get-object', '--bucket', 'example-vpce', '--key', 'a.txt', '/dev/null'], user));
    });

    test('S3 User Guide bucket policy "Restrict access to specific IP addresses" (aws:SourceIp)', async () => {
      await bucket('example-ip');
      ok(await cli(['s3api', 'put-object', '--bucket', 'example-ip', '--key', 'a.txt', '--body', '/etc/hostname'], root()));
      const policy = (range: string) => ({
        Version: '2012-10-17',
        Id: 'S3PolicyId1',
        Statement: [{
          Sid: 'IPAllow',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::example-ip', 'arn:aws:s3:::example-ip/*'],
          Condition: { NotIpAddress: { 'aws:SourceIp': range } },
        }],
      });
      const user = await env.user('s3-ip', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }]);
      // The loopback client is inside 127.0.0.0/8: Tessera allows. (moto applies a bucket
      // policy's Deny statements to object requests itself, without their conditions, so an
      // object read passed on is refused by moto — its bare 403 — while a listing is answered.)
      ok(await cli(['s3api', 'put-bucket-policy', '--bucket', 'example-ip', '--policy', JSON.stringify(policy('127.0.0.0/8'))], root()));
      assert.equal(ok(await cli(['s3api', 'list-objects-v2', '--bucket', 'example-ip', '--query', 'length(Contents)', '--output', 'text'], user)), '1');
      assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'example-ip', '--key', 'a.txt', '/dev/null'], user)), 'An error occurred (403) when calling the GetObject operation: Forbidden');
      // As published (192.0.2.0/24): outside — refused, the policy's own text names the deny.
      ok(await cli(['s3api', 'put-bucket-policy', '--bucket', 'example-ip', '--policy', JSON.stringify(policy('192.0.2.0/24'))], root()));
      assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'example-ip', '--key', 'a.txt', '/dev/null'], user)), s3Denied('GetObject', user.arn, 's3:GetObject', 'arn:aws:s3:::example-ip/a.txt', 'with an explicit deny in a resource-based policy'));
      assert.equal(cliError(await cli(['s3api', 'put-object', '--bucket', 'example-ip', '--key', 'b.txt', '--body', '/etc/hostname'], user)), s3Denied('PutObject', user.arn, 's3:PutObject', 'arn:aws:s3:::example-ip/b.txt', 'with an explicit deny in a resource-based policy'));
      assert.equal(cliError(await cli(['s3api', 'list-objects-v2', '--bucket', 'example-ip'], user)), s3Denied('ListObjectsV2', user.arn, 's3:ListBucket', 'arn:aws:s3:::example-ip', 'with an explicit deny in a resource-based policy'));
      ok(await cli(['s3api', 'delete-bucket-policy', '--bucket', 'example-ip'], root()));
    });

    test('S3 User Guide "Allow a user to list and use only objects under a prefix" (s3:prefix)', async () => {
      await bucket('example-prefix');
      for (const key of ['projects/a.txt', 'private/b.txt']) ok(await cli(['s3api', 'put-object', '--bucket', 'example-prefix', '--key', key, '--body', '/etc/hostname'], root()));
      const user = await env.user('s3-prefix', [{
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AllowListingOfProjects', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::example-prefix', Condition: { StringLike: { 's3:prefix': ['projects/*'] } } },
          { Sid: 'AllowObjectsInProjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::example-prefix/projects/*' },
        ],
      }]);
      assert.equal(ok(await cli(['s3api', 'list-objects-v2', '--bucket', 'example-prefix', '--prefix', 'projects/', '--query', 'length(Contents)', '--output', 'text'], user)), '1');
      ok(await cli(['s3api', 'get-object', '--bucket', 'example-prefix', '--key', 'projects/a.txt', '/dev/null'], user));
      ok(await cli(['s3api', 'put-object', '--bucket', 'example-prefix', '--key', 'projects/c.txt', '--body', '/etc/hostname'], user));
      const noAllow = (action: string) => `because no identity-based policy allows the ${action} action`;
      assert.equal(cliError(await cli(['s3api', 'list-objects-v2', '--bucket', 'example-prefix'], user)), s3Denied('ListObjectsV2', user.arn, 's3:ListBucket', 'arn:aws:s3:::example-prefix', noAllow('s3:ListBucket')));
      assert.equal(cliError(await cli(['s3api', 'list-objects-v2', '--bucket', 'example-prefix', '--prefix', 'private/'], user)), s3Denied('ListObjectsV2', user.arn, 's3:ListBucket', 'arn:aws:s3:::example-prefix', noAllow('s3:ListBucket')));
      assert.equal(cliError(await cli(['s3api', 'get-object', '--bucket', 'example-prefix', '--key', 'private/b.txt', '/dev/null'], user)), s3Denied('GetObject', user.arn, 's3:GetObject', 'arn:aws:s3:::example-prefix/private/b.txt', noAllow('s3:GetObject')));
      // The high-level CLI lists under the prefix too.
      assert.match(ok(await cli(['s3', 'ls', 's3://example-prefix/projects/'], user)), /a\.txt/);
    });
  });

  describe('SQS and SNS', () => {
    test('SNS Developer Guide "allow an Amazon SNS topic to send messages to an Amazon SQS queue" (aws:SourceArn): the queue policy as written; no caller passes for the service', async () => {
      const queueUrl = ok(await cli(['sqs', 'create-queue', '--queue-name', 'MyQueue', '--query', 'QueueUrl', '--output', 'text'], root()));
      const topicArn = ok(await cli(['sns', 'create-topic', '--name', 'MyTopic', '--query', 'TopicArn', '--output', 'text'], root()));
      const queueArn = `arn:aws:sqs:us-east-1:${account}:MyQueue`;
      const policy = {
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
        }],
      };
      // The policy is accepted as written (no Version, a service principal).
      ok(await cli(['sqs', 'set-queue-attributes', '--queue-url', queueUrl, '--attributes', JSON.stringify({ Policy: JSON.stringify(policy) })], root()));
      ok(await cli(['sns', 'subscribe', '--topic-arn', topicArn, '--protocol', 'sqs', '--notification-endpoint', queueArn], root()));
      // The topic's delivery (inside the upstream) reaches the queue.
      ok(await cli(['sns', 'publish', '--topic-arn', topicArn, '--message', 'hello'], root()));
      assert.match(ok(await cli(['sqs', 'receive-message', '--queue-url', queueUrl, '--wait-time-seconds', '1', '--query', 'Messages[0].Body', '--output', 'text'], root())), /hello/);
      // A caller of another account: the policy names only the service — refused.
      const other = await env.account();
      const remote = await env.user('sqs-remote', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }], { iam: env.server.iam, root: other });
      assert.equal(
        cliError(await cli(['sqs', 'send-message', '--queue-url', queueUrl, '--message-body', 'x'], remote)),
        `An error occurred (AccessDenied) when calling the SendMessage operation: User: ${remote.arn} is not authorized to perform: sqs:SendMessage on resource: ${queueArn} because no resource-based policy allows the sqs:SendMessage action`,
      );
      // A user of the queue's account with no identity policy: the service's statement does not serve it.
      const local = await env.user('sqs-local');
      assert.equal(
        cliError(await cli(['sqs', 'send-message', '--queue-url', queueUrl, '--message-body', 'x'], local)),
        `An error occurred (AccessDenied) when calling the SendMessage operation: User: ${local.arn} is not authorized to perform: sqs:SendMessage on resource: ${queueArn} because no identity-based policy allows the sqs:SendMessage action`,
      );
      // Publishing to the topic is SNS's own permission: refused to the bare user with SNS's AuthorizationError.
      assert.equal(
        cliError(await cli(['sns', 'publish', '--topic-arn', topicArn, '--message', 'x'], local)),
        `An error occurred (AuthorizationError) when calling the Publish operation: User: ${local.arn} is not authorized to perform: SNS:Publish on resource: ${topicArn} because no identity-based policy allows the SNS:Publish action`,
      );
    });
  });

  describe('Lambda', () => {
    let zip: string;
    before(async () => {
      // Lambda checks its execution role in the upstream's IAM: made there directly.
      await createMotoServiceRole(env.moto.url, account, 'fn-exec');
      zip = lambdaZip('tessera-examples-');
    });

    test('Lambda Developer Guide: a policy on a qualified function ARN (alias PROD) allows invoking that alias only', async () => {
      ok(await cli(['lambda', 'create-function', '--function-name', 'my-function', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${account}:role/fn-exec`, '--zip-file', `fileb://${zip}`, '--publish'], root()));
      ok(await cli(['lambda', 'create-alias', '--function-name', 'my-function', '--name', 'PROD', '--function-version', '1'], root()));
      const fn = `arn:aws:lambda:us-east-1:${account}:function:my-function`;
      const user = await env.user('lambda-prod', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], Resource: `${fn}:PROD` }] }]);
      const out = join(mkdtempSync(join(tmpdir(), 'tessera-examples-')), 'out.json');
      const invoke = (...extra: string[]) => cli(['lambda', 'invoke', '--function-name', 'my-function', ...extra, out], user);
      const noAllow = (resource: string) => `An error occurred (AccessDeniedException) when calling the Invoke operation: User: ${user.arn} is not authorized to perform: lambda:InvokeFunction on resource: ${resource} because no identity-based policy allows the lambda:InvokeFunction action`;
      // The alias, by --qualifier or in the name: past the gateway (whatever the upstream then answers, never AccessDenied).
      const byQualifier = await invoke('--qualifier', 'PROD');
      assert.doesNotMatch(byQualifier.stderr, /AccessDenied/);
      ok(await cli(['lambda', 'get-function-configuration', '--function-name', 'my-function:PROD'], user));
      // Unqualified, another qualifier, a version: refused, naming the ARN decided.
      assert.equal(cliError(await invoke()), noAllow(fn));
      assert.equal(cliError(await invoke('--qualifier', '1')), noAllow(`${fn}:1`));
      assert.equal(cliError(await invoke('--qualifier', '$LATEST')), noAllow(`${fn}:$LATEST`));
      // The resource policy side: a permission added with --qualifier PROD serves another account on the alias only.
      const other = await env.account();
      const remote = await env.user('lambda-remote', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }] }], { iam: env.server.iam, root: other });
      ok(await cli(['lambda', 'add-permission', '--function-name', 'my-function', '--qualifier', 'PROD', '--statement-id', 'prod', '--action', 'lambda:GetFunctionConfiguration', '--principal', other.accountId], root()));
      assert.match(ok(await cli(['lambda', 'get-function-configuration', '--function-name', `${fn}:PROD`, '--query', 'FunctionArn', '--output', 'text'], remote)), /function:my-function/);
      assert.equal(
        cliError(await cli(['lambda', 'get-function-configuration', '--function-name', fn], remote)),
        `An error occurred (AccessDeniedException) when calling the GetFunctionConfiguration operation: User: ${remote.arn} is not authorized to perform: lambda:GetFunctionConfiguration on resource: ${fn} because no resource-based policy allows the lambda:GetFunctionConfiguration action`,
      );
    });

    test('IAM User Guide "AWS Lambda: Allows a Lambda function to access an Amazon DynamoDB table" (the execution role\'s policy)', async () => {
      ok(await cli(['dynamodb', 'create-table', '--table-name', 'SampleTable', '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST', '--stream-specification', 'StreamEnabled=true,StreamViewType=NEW_IMAGE'], root()));
      ok(await cli(['dynamodb', 'create-table', '--table-name', 'OtherTable2', '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST'], root()));
      const iam = env.server.iam();
      await iam.send(new CreateRoleCommand({
        RoleName: 'SampleFunctionRole',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] }),
      }));
      await iam.send(new PutRolePolicyCommand({
        RoleName: 'SampleFunctionRole',
        PolicyName: 'table',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'ReadWriteTable', Effect: 'Allow', Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: 'arn:aws:dynamodb:*:*:table/SampleTable' },
            // As AWS publishes it, with the trailing space inside the ARN.
            { Sid: 'GetStreamRecords', Effect: 'Allow', Action: 'dynamodb:GetRecords', Resource: 'arn:aws:dynamodb:*:*:table/SampleTable/stream/* ' },
            { Sid: 'WriteLogStreamsAndGroups', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
            { Sid: 'CreateLogGroup', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*' },
          ],
        }),
      }));
      // Lambda assumes the role; here a user of the account does, which the trust policy allows.
      const assumer = await env.user('role-assumer', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${account}:role/SampleFunctionRole` }] }]);
      const assumed = await env.server.sts(assumer).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/SampleFunctionRole`, RoleSessionName: 'SampleFunction' }));
      const session: Credentials = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
      const arn = `arn:aws:sts::${account}:assumed-role/SampleFunctionRole/SampleFunction`;
      ok(await cli(['dynamodb', 'put-item', '--table-name', 'SampleTable', '--item', '{"id":{"S":"1"}}'], session));
      ok(await cli(['dynamodb', 'update-item', '--table-name', 'SampleTable', '--key', '{"id":{"S":"1"}}', '--update-expression', 'SET n = :n', '--expression-attribute-values', '{":n":{"N":"1"}}'], session));
      assert.equal(ok(await cli(['dynamodb', 'scan', '--table-name', 'SampleTable', '--query', 'Count', '--output', 'text'], session)), '1');
      ok(await cli(['dynamodb', 'batch-write-item', '--request-items', '{"SampleTable":[{"PutRequest":{"Item":{"id":{"S":"2"}}}}]}'], session));
      ok(await cli(['logs', 'create-log-group', '--log-group-name', '/aws/lambda/SampleFunction'], session));
      ok(await cli(['logs', 'create-log-stream', '--log-group-name', '/aws/lambda/SampleFunction', '--log-stream-name', 's1'], session));
      ok(await cli(['logs', 'put-log-events', '--log-group-name', '/aws/lambda/SampleFunction', '--log-stream-name', 's1', '--log-events', `timestamp=${Date.now()},message=hi`], session));
      const table = `arn:aws:dynamodb:us-east-1:${account}:table/SampleTable`;
      const noAllow = (operation: string, action: string, resource: string) =>
        `An error occurred (AccessDeniedException) when calling the ${operation} operation: User: ${arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
      // Not in the policy: DeleteItem, DescribeTable, another table.
      assert.equal(cliError(await cli(['dynamodb', 'delete-item', '--table-name', 'SampleTable', '--key', '{"id":{"S":"1"}}'], session)), noAllow('DeleteItem', 'dynamodb:DeleteItem', table));
      assert.equal(cliError(await cli(['dynamodb', 'get-item', '--table-name', 'OtherTable2', '--key', '{"id":{"S":"1"}}'], session)), noAllow('GetItem', 'dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${account}:table/OtherTable2`));
      // The stream statement's Resource ends in a space, as published: it matches no stream ARN,
      // so GetRecords is refused (the policy is accepted as written).
      const streamArn = ok(await cli(['dynamodb', 'describe-table', '--table-name', 'SampleTable', '--query', 'Table.LatestStreamArn', '--output', 'text'], root()));
      const shard = ok(await cli(['dynamodbstreams', 'describe-stream', '--stream-arn', streamArn, '--query', 'StreamDescription.Shards[0].ShardId', '--output', 'text'], root()));
      const iterator = ok(await cli(['dynamodbstreams', 'get-shard-iterator', '--stream-arn', streamArn, '--shard-id', shard, '--shard-iterator-type', 'TRIM_HORIZON', '--query', 'ShardIterator', '--output', 'text'], root()));
      assert.equal(cliError(await cli(['dynamodbstreams', 'get-records', '--shard-iterator', iterator], session)), noAllow('GetRecords', 'dynamodb:GetRecords', streamArn));
    });
  });

  describe('DynamoDB', () => {
    const createTable = async (name: string, key = 'id') =>
      ok(await cli(['dynamodb', 'create-table', '--table-name', name, '--attribute-definitions', `AttributeName=${key},AttributeType=S`, '--key-schema', `AttributeName=${key},KeyType=HASH`, '--billing-mode', 'PAY_PER_REQUEST'], root()));

    test('IAM User Guide "Amazon DynamoDB: Allows access to a specific table"', async () => {
      const policy = {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ListAndDescribe', Effect: 'Allow', Action: ['dynamodb:List*', 'dynamodb:DescribeReservedCapacity*', 'dynamodb:DescribeLimits', 'dynamodb:DescribeTimeToLive'], Resource: '*' },
          {
            Sid: 'SpecificTable',
            Effect: 'Allow',
            Action: ['dynamodb:BatchGet*', 'dynamodb:DescribeStream', 'dynamodb:DescribeTable', 'dynamodb:Get*', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchWrite*', 'dynamodb:CreateTable', 'dynamodb:Delete*', 'dynamodb:Update*', 'dynamodb:PutItem'],
            Resource: 'arn:aws:dynamodb:*:*:table/MyTable',
          },
        ],
      };
      const user = await env.user('ddb-table-user', [policy]);
      await createTable('OtherTable');
      // CreateTable of MyTable is allowed; of any other name refused.
      ok(await cli(['dynamodb', 'create-table', '--table-name', 'MyTable', '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST'], user));
      assert.equal(
        cliError(await cli(['dynamodb', 'create-table', '--table-name', 'Elsewhere', '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST'], user)),
        notAllowed('AccessDeniedException', 'CreateTable', user.arn, 'dynamodb:CreateTable', `arn:aws:dynamodb:us-east-1:${account}:table/Elsewhere`),
      );
      assert.match(ok(await cli(['dynamodb', 'list-tables', '--output', 'text'], user)), /MyTable/);
      ok(await cli(['dynamodb', 'describe-limits'], user));
      ok(await cli(['dynamodb', 'describe-time-to-live', '--table-name', 'OtherTable'], user));
      ok(await cli(['dynamodb', 'put-item', '--table-name', 'MyTable', '--item', '{"id":{"S":"a"},"v":{"N":"1"}}'], user));
      assert.equal(ok(await cli(['dynamodb', 'get-item', '--table-name', 'MyTable', '--key', '{"id":{"S":"a"}}', '--query', 'Item.v.N', '--output', 'text'], user)), '1');
      ok(await cli(['dynamodb', 'update-item', '--table-name', 'MyTable', '--key', '{"id":{"S":"a"}}', '--update-expression', 'SET v = :v', '--expression-attribute-values', '{":v":{"N":"2"}}'], user));
      assert.equal(ok(await cli(['dynamodb', 'scan', '--table-name', 'MyTable', '--query', 'Count', '--output', 'text'], user)), '1');
      assert.equal(ok(await cli(['dynamodb', 'query', '--table-name', 'MyTable', '--key-condition-expression', 'id = :id', '--expression-attribute-values', '{":id":{"S":"a"}}', '--query', 'Count', '--output', 'text'], user)), '1');
      ok(await cli(['dynamodb', 'batch-get-item', '--request-items', '{"MyTable":{"Keys":[{"id":{"S":"a"}}]}}'], user));
      ok(await cli(['dynamodb', 'describe-table', '--table-name', 'MyTable'], user));
      // Every table action on another table is refused, with DynamoDB's AccessDeniedException.
      const other = `arn:aws:dynamodb:us-east-1:${account}:table/OtherTable`;
      assert.equal(cliError(await cli(['dynamodb', 'get-item', '--table-name', 'OtherTable', '--key', '{"id":{"S":"a"}}'], user)), notAllowed('AccessDeniedException', 'GetItem', user.arn, 'dynamodb:GetItem', other));
      assert.equal(cliError(await cli(['dynamodb', 'put-item', '--table-name', 'OtherTable', '--item', '{"id":{"S":"a"}}'], user)), notAllowed('AccessDeniedException', 'PutItem', user.arn, 'dynamodb:PutItem', other));
      assert.equal(cliError(await cli(['dynamodb', 'scan', '--table-name', 'OtherTable'], user)), notAllowed('AccessDeniedException', 'Scan', user.arn, 'dynamodb:Scan', other));
      assert.equal(cliError(await cli(['dynamodb', 'describe-table', '--table-name', 'OtherTable'], user)), notAllowed('AccessDeniedException', 'DescribeTable', user.arn, 'dynamodb:DescribeTable', other));
      assert.equal(cliError(await cli(['dynamodb', 'batch-write-item', '--request-items', '{"OtherTable":[{"PutRequest":{"Item":{"id":{"S":"b"}}}}]}'], user)), notAllowed('AccessDeniedException', 'BatchWriteItem', user.arn, 'dynamodb:BatchWriteItem', other));
      // A batch naming both tables is refused whole; nothing was written to MyTable.
      assert.equal(
        cliError(await cli(['dynamodb', 'batch-get-item', '--request-items', '{"MyTable":{"Keys":[{"id":{"S":"a"}}]},"OtherTable":{"Keys":[{"id":{"S":"a"}}]}}'], user)),
        notAllowed('AccessDeniedException', 'BatchGetItem', user.arn, 'dynamodb:BatchGetItem', other),
      );
      // Delete* covers DeleteItem and DeleteTable of MyTable.
      ok(await cli(['dynamodb', 'delete-item', '--table-name', 'MyTable', '--key', '{"id":{"S":"a"}}'], user));
      assert.equal(cliError(await cli(['dynamodb', 'delete-table', '--table-name', 'OtherTable'], user)), notAllowed('AccessDeniedException', 'DeleteTable', user.arn, 'dynamodb:DeleteTable', other));
      ok(await cli(['dynamodb', 'delete-table', '--table-name', 'MyTable'], user));
    });

    // The web identity session keeps its provider's keys, so `${cognito-identity.amazonaws.com:sub}`
    // in the role's permission policy is the identity's ID; the trust policy names the provider
    // as Cognito writes it (`"Federated": "cognito-identity.amazonaws.com"`).
    test('IAM User Guide "Amazon DynamoDB: Allows item-level access to DynamoDB based on an Amazon Cognito ID" (dynamodb:LeadingKeys)', async () => {
      await createTable('MyTable');
      // A Cognito identity pool's identities reach STS as web identity tokens of the issuer
      // cognito-identity.amazonaws.com; its keys are given inline (tessera:jwks tags).
      const key = await newSigningKey('cognito-1');
      const iam = env.server.iam();
      const pool = 'us-east-1:11111111-2222-3333-4444-555555555555';
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://cognito-identity.amazonaws.com', ClientIDList: [pool], Tags: jwksTagsFor({ keys: [key.publicJwk] } as never) }));
      const role = await iam.send(new CreateRoleCommand({
        RoleName: 'CognitoItems',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': pool }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } } }],
        }),
      }));
      // The example, as AWS writes it.
      await iam.send(new PutRolePolicyCommand({
        RoleName: 'CognitoItems',
        PolicyName: 'items',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
            Resource: ['arn:aws:dynamodb:*:*:table/MyTable'],
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${cognito-identity.amazonaws.com:sub}'] } },
          }],
        }),
      }));
      const identity = 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
      const now = Math.floor(Date.now() / 1000);
      const token = await signToken(key, { iss: 'https://cognito-identity.amazonaws.com', sub: identity, aud: pool, amr: ['authenticated', 'accounts.google.com'], iat: now, exp: now + 600 });
      const assumed = await env.server.sts({ accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'app', WebIdentityToken: token }));
      const session: Credentials = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
      const arn = `arn:aws:sts::${account}:assumed-role/CognitoItems/app`;
      const table = `arn:aws:dynamodb:us-east-1:${account}:table/MyTable`;

      // The identity's own items: written, read, updated, queried, deleted.
      ok(await cli(['dynamodb', 'put-item', '--table-name', 'MyTable', '--item', JSON.stringify({ id: { S: identity }, score: { N: '1' } })], session));
      assert.equal(ok(await cli(['dynamodb', 'get-item', '--table-name', 'MyTable', '--key', JSON.stringify({ id: { S: identity } }), '--query', 'Item.score.N', '--output', 'text'], session)), '1');
      ok(await cli(['dynamodb', 'update-item', '--table-name', 'MyTable', '--key', JSON.stringify({ id: { S: identity } }), '--update-expression', 'SET score = :s', '--expression-attribute-values', '{":s":{"N":"2"}}'], session));
      assert.equal(ok(await cli(['dynamodb', 'query', '--table-name', 'MyTable', '--key-condition-expression', 'id = :id', '--expression-attribute-values', JSON.stringify({ ':id': { S: identity } }), '--query', 'Items[0].score.N', '--output', 'text'], session)), '2');
      // Another identity's items: refused, every action.
      ok(await cli(['dynamodb', 'put-item', '--table-name', 'MyTable', '--item', '{"id":{"S":"us-east-1:someone-else"},"score":{"N":"9"}}'], root()));
      const other = JSON.stringify({ id: { S: 'us-east-1:someone-else' } });
      assert.equal(cliError(await cli(['dynamodb', 'get-item', '--table-name', 'MyTable', '--key', other], session)), notAllowed('AccessDeniedException', 'GetItem', arn, 'dynamodb:GetItem', table));
      assert.equal(cliError(await cli(['dynamodb', 'put-item', '--table-name', 'MyTable', '--item', '{"id":{"S":"us-east-1:someone-else"},"score":{"N":"0"}}'], session)), notAllowed('AccessDeniedException', 'PutItem', arn, 'dynamodb:PutItem', table));
      assert.equal(cliError(await cli(['dynamodb', 'delete-item', '--table-name', 'MyTable', '--key', other], session)), notAllowed('AccessDeniedException', 'DeleteItem', arn, 'dynamodb:DeleteItem', table));
      assert.equal(
        cliError(await cli(['dynamodb', 'query', '--table-name', 'MyTable', '--key-condition-expression', 'id = :id', '--expression-attribute-values', '{":id":{"S":"us-east-1:someone-else"}}'], session)),
        notAllowed('AccessDeniedException', 'Query', arn, 'dynamodb:Query', table),
      );
      // Scan is not in the example: refused.
      assert.equal(cliError(await cli(['dynamodb', 'scan', '--table-name', 'MyTable'], session)), notAllowed('AccessDeniedException', 'Scan', arn, 'dynamodb:Scan', table));
      assert.equal(ok(await cli(['dynamodb', 'get-item', '--table-name', 'MyTable', '--key', other, '--query', 'Item.score.N', '--output', 'text'], root())), '9');
      ok(await cli(['dynamodb', 'delete-item', '--table-name', 'MyTable', '--key', JSON.stringify({ id: { S: identity } })], session));
      ok(await cli(['dynamodb', 'delete-table', '--table-name', 'MyTable'], root()));
    });

    test('dynamodb:LeadingKeys (the same example, keyed by ${aws:username}): own items only', async () => {
      await createTable('Scores');
      const user = await env.user('alice-ddb', [{
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
          Resource: ['arn:aws:dynamodb:*:*:table/Scores'],
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } },
        }],
      }]);
      const table = `arn:aws:dynamodb:us-east-1:${account}:table/Scores`;
      ok(await cli(['dynamodb', 'put-item', '--table-name', 'Scores', '--item', '{"id":{"S":"alice-ddb"},"score":{"N":"1"}}'], user));
      assert.equal(ok(await cli(['dynamodb', 'query', '--table-name', 'Scores', '--key-condition-expression', 'id = :id', '--expression-attribute-values', '{":id":{"S":"alice-ddb"}}', '--query', 'Count', '--output', 'text'], user)), '1');
      assert.equal(cliError(await cli(['dynamodb', 'get-item', '--table-name', 'Scores', '--key', '{"id":{"S":"bob"}}'], user)), notAllowed('AccessDeniedException', 'GetItem', user.arn, 'dynamodb:GetItem', table));
      assert.equal(cliError(await cli(['dynamodb', 'update-item', '--table-name', 'Scores', '--key', '{"id":{"S":"bob"}}', '--update-expression', 'SET score = :s', '--expression-attribute-values', '{":s":{"N":"2"}}'], user)), notAllowed('AccessDeniedException', 'UpdateItem', user.arn, 'dynamodb:UpdateItem', table));
      assert.equal(
        cliError(await cli(['dynamodb', 'query', '--table-name', 'Scores', '--key-condition-expression', 'id = :id', '--expression-attribute-values', '{":id":{"S":"bob"}}'], user)),
        notAllowed('AccessDeniedException', 'Query', user.arn, 'dynamodb:Query', table),
      );
    });
  });
});
