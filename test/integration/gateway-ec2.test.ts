import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { signedQuery } from '../support/raw-request.ts';
import { motoIam } from '../support/moto-iam.ts';

/**
 * EC2 through the gateway with the aws CLI, in front of moto_server: the IAM User Guide's example
 * policy "Amazon EC2: Allows starting or stopping EC2 instances a user has tagged" — instances
 * launched through Tessera with TagSpecifications, started and stopped only by their Owner —
 * refusals as EC2's UnauthorizedOperation with an encoded authorization message that
 * `aws sts decode-authorization-message` opens, and iam:PassRole for an instance profile.
 */
describe('EC2 through the gateway (aws CLI)', () => {
  let env: GatewayEnv;
  let image: string;
  before(async () => {
    env = await startGatewayEnv();
    const images = await env.cli(['ec2', 'describe-images', '--owners', 'amazon', '--query', 'Images[0].ImageId', '--output', 'text'], env.server.root);
    assert.equal(images.code, 0, images.stderr);
    image = images.stdout.trim();
    assert.match(image, /^ami-/);
  });
  after(() => env?.stop());

  const launch = async (owner: string): Promise<string> => {
    const run = await env.cli([
      'ec2', 'run-instances', '--image-id', image, '--instance-type', 't2.micro', '--count', '1',
      '--tag-specifications', `ResourceType=instance,Tags=[{Key=Owner,Value=${owner}}]`, '--query', 'Instances[0].InstanceId', '--output', 'text',
    ], env.server.root);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim();
  };

  test('the Owner tag decides: alice starts and stops her instance, not bob\'s; the refusal decodes', async () => {
    const accountId = env.server.accountId;
    const mine = await launch('alice');
    const theirs = await launch('bob');
    // IAM User Guide, "Amazon EC2: Allows starting or stopping EC2 instances a user has tagged".
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ec2:StartInstances', 'ec2:StopInstances'], Resource: 'arn:aws:ec2:*:*:instance/*', Condition: { StringEquals: { 'ec2:ResourceTag/Owner': '${aws:username}' } } },
        { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
      ],
    };
    const alice = await env.user('alice', [policy]);

    const described = await env.cli(['ec2', 'describe-instances', '--filters', 'Name=tag:Owner,Values=alice', '--query', 'Reservations[].Instances[].InstanceId', '--output', 'text'], alice);
    assert.equal(described.code, 0, described.stderr);
    assert.equal(described.stdout.trim(), mine);

    const stopped = await env.cli(['ec2', 'stop-instances', '--instance-ids', mine, '--query', 'StoppingInstances[0].CurrentState.Name', '--output', 'text'], alice);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout.trim(), /^(stopping|stopped)$/);
    const started = await env.cli(['ec2', 'start-instances', '--instance-ids', mine, '--output', 'json'], alice);
    assert.equal(started.code, 0, started.stderr);

    const refused = await env.cli(['ec2', 'stop-instances', '--instance-ids', theirs], alice);
    assert.equal(refused.code, 255);
    const text = refused.stderr.trim();
    const prefix = `An error occurred (UnauthorizedOperation) when calling the StopInstances operation: You are not authorized to perform this operation. User: ${alice.arn} is not authorized to perform: ec2:StopInstances on resource: arn:aws:ec2:us-east-1:${accountId}:instance/${theirs} because no identity-based policy allows the ec2:StopInstances action. Encoded authorization failure message: `;
    assert.ok(text.startsWith(prefix), text);
    const encoded = text.slice(prefix.length);
    assert.match(encoded, /^[A-Za-z0-9_.-]{40,}$/);
    // Starting bob's instance is refused too; both instances are as they were.
    const start = await env.cli(['ec2', 'start-instances', '--instance-ids', theirs], alice);
    assert.match(start.stderr, /UnauthorizedOperation\) when calling the StartInstances operation: You are not authorized to perform this operation\. User: .* ec2:StartInstances on resource: arn:aws:ec2:us-east-1:\d{12}:instance\/i-/);
    const state = await env.cli(['ec2', 'describe-instances', '--instance-ids', theirs, '--query', 'Reservations[0].Instances[0].State.Name', '--output', 'text'], env.server.root);
    assert.equal(state.stdout.trim(), 'running');

    // The encoded part opens with sts:DecodeAuthorizationMessage (the account's root may).
    const decoded = await env.cli(['sts', 'decode-authorization-message', '--encoded-message', encoded, '--query', 'DecodedMessage', '--output', 'text'], env.server.root);
    assert.equal(decoded.code, 0, decoded.stderr);
    const message = JSON.parse(decoded.stdout) as { allowed: boolean; context: { action: string; resource: string; principal: { arn: string }; conditions: { items: { key: string; values: { items: { value: string }[] } }[] } } };
    assert.equal(message.allowed, false);
    assert.equal(message.context.action, 'ec2:StopInstances');
    assert.equal(message.context.resource, `arn:aws:ec2:us-east-1:${accountId}:instance/${theirs}`);
    assert.equal(message.context.principal.arn, alice.arn);
    const owner = message.context.conditions.items.find((item) => item.key === 'ec2:ResourceTag/Owner');
    assert.deepEqual(owner?.values.items.map((item) => item.value), ['bob']);
  });

  test('describe-instances needs ec2:Describe*; run-instances with an instance profile needs iam:PassRole on its role', async () => {
    const iam = env.server.iam();
    const role = await iam.send(new CreateRoleCommand({
      RoleName: 'web-role',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'web-role' }));
    const roleArn = role.Role!.Arn!;
    // moto, the upstream, launches an instance only with a profile its own IAM knows: the same name there.
    await motoIam(env.moto.url, env.server.accountId, { Action: 'CreateInstanceProfile', InstanceProfileName: 'web' });

    const nobody = await env.user('ec2-nobody');
    const describe = await env.cli(['ec2', 'describe-instances'], nobody);
    assert.match(describe.stderr.trim(), new RegExp(`^An error occurred \\(UnauthorizedOperation\\) when calling the DescribeInstances operation: You are not authorized to perform this operation\\. User: ${nobody.arn} is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action\\. Encoded authorization failure message: `));

    // RunInstances is authorized on every resource it uses: instance/* alone does not launch.
    const instancesOnly = await env.user('instances-only', [allow('ec2:RunInstances', 'arn:aws:ec2:*:*:instance/*')]);
    const partial = await env.cli(['ec2', 'run-instances', '--image-id', image, '--count', '1'], instancesOnly);
    assert.ok(partial.stderr.includes(`User: ${instancesOnly.arn} is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1::image/${image} because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: `), partial.stderr);
    const everyResource = await env.user('every-resource', [allow('ec2:RunInstances', ['instance', 'network-interface', 'security-group', 'subnet', 'volume'].map((type) => `arn:aws:ec2:us-east-1:${env.server.accountId}:${type}/*`).concat('arn:aws:ec2:us-east-1::image/ami-*'))]);
    const full = await env.cli(['ec2', 'run-instances', '--image-id', image, '--count', '1', '--output', 'json'], everyResource);
    assert.equal(full.code, 0, full.stderr);

    const launcher = await env.user('launcher', [allow(['ec2:RunInstances', 'ec2:CreateTags'])]);
    const args = ['ec2', 'run-instances', '--image-id', image, '--count', '1', '--iam-instance-profile', 'Name=web', '--query', 'Instances[0].InstanceId', '--output', 'text'];
    const noPass = await env.cli(args, launcher);
    assert.equal(noPass.code, 255);
    assert.ok(noPass.stderr.includes(`when calling the RunInstances operation: You are not authorized to perform this operation. User: ${launcher.arn} is not authorized to perform: iam:PassRole on resource: ${roleArn} because no identity-based policy allows the iam:PassRole action. Encoded authorization failure message: `), noPass.stderr);

    const passer = await env.user('launcher-with-pass', [
      allow(['ec2:RunInstances', 'ec2:CreateTags']),
      allow('iam:PassRole', roleArn, { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }),
    ]);
    const launched = await env.cli(args, passer);
    assert.equal(launched.code, 0, launched.stderr);
    assert.match(launched.stdout.trim(), /^i-/);
    // A role of its own is no grant for another profile's role: an unknown profile stays on its own ARN.
    const unknown = await env.cli(['ec2', 'run-instances', '--image-id', image, '--count', '1', '--iam-instance-profile', 'Name=missing'], passer);
    assert.match(unknown.stderr, new RegExp(`iam:PassRole on resource: arn:aws:iam::${env.server.accountId}:instance-profile/missing because`));
  });

  test('unsigned and unknown keys are EC2\'s AuthFailure, a wrong secret SignatureDoesNotMatch; an operation Tessera does not map is refused naming it', async () => {
    const unsigned = await fetch(`${env.server.url}/?Action=DescribeInstances&Version=2016-11-15`);
    assert.equal(unsigned.status, 401);
    assert.match(await unsigned.text(), /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>AuthFailure<\/Code><Message>AWS was not able to validate the provided access credentials<\/Message><\/Error><\/Errors><RequestID>[^<]+<\/RequestID><\/Response>$/);
    const root = env.server.root;
    const wrongSecret = await env.cli(['ec2', 'describe-instances'], { accessKeyId: root.accessKeyId, secretAccessKey: `${root.secretAccessKey}x` });
    assert.match(wrongSecret.stderr, /An error occurred \(SignatureDoesNotMatch\) when calling the DescribeInstances operation: /);
    const unknownKey = await env.cli(['ec2', 'describe-instances'], { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' });
    assert.equal(unknownKey.stderr.trim(), 'An error occurred (AuthFailure) when calling the DescribeInstances operation: AWS was not able to validate the provided access credentials');
    const refused = await env.cli(['ec2', 'accept-vpc-peering-connection', '--vpc-peering-connection-id', 'pcx-0abc1234'], env.server.root);
    assert.match(refused.stderr, /An error occurred \(NotImplemented\) when calling the AcceptVpcPeeringConnection operation: AcceptVpcPeeringConnection is not forwarded: ec2:AcceptVpcPeeringConnection is authorized on resources/);
    // An Action EC2 does not have: InvalidAction (400), as the Query services answer it.
    const bogus = await signedQuery(env.server.url, root, { Action: 'DescribeUnicorns', Version: '2016-11-15' }, { service: 'ec2' });
    assert.equal(bogus.status, 400, bogus.body);
    assert.match(bogus.body, /<Code>InvalidAction<\/Code><Message>The action DescribeUnicorns is not valid for this web service\.<\/Message>/);
  });
});
