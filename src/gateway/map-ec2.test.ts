import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readEc2ResourceTags } from './ec2-reads.ts';
import { accessDenied, inServiceDialect, missingAuthentication, renderError } from './errors.ts';
import { mapRequest } from './map-request.ts';
import { resolveTarget } from './resolve-target.ts';
import { LookupCache } from './lookup-cache.ts';
import { unsignedService } from './route.ts';
import { authorizationDataForTests, checks, mapped } from './testing/mapping.ts';
import { CALLER, form, OWNER, wire } from './testing/requests.ts';
import type { UpstreamResponse } from './upstream-http.ts';

const data = authorizationDataForTests();
const ec2 = (params: Record<string, string>) => form('ec2', { Version: '2016-11-15', ...params });
const INSTANCE = (id: string) => `arn:aws:ec2:us-east-1:${OWNER}:instance/${id}`;

describe('EC2: reading the Query dialect', () => {
  it('StopInstances: one check per InstanceId.N, each with its tags to read and its ID as ec2:InstanceID', () => {
    const result = mapped(mapRequest(data(), ec2({ Action: 'StopInstances', 'InstanceId.1': 'i-0aaa1111', 'InstanceId.2': 'i-0bbb2222' })));
    assert.equal(result.protocol, 'ec2');
    assert.deepEqual(checks(result), [`ec2:StopInstances ${INSTANCE('i-0aaa1111')}`, `ec2:StopInstances ${INSTANCE('i-0bbb2222')}`]);
    assert.deepEqual(result.targets[1]!.context, { 'ec2:Region': 'us-east-1', 'ec2:InstanceID': 'i-0bbb2222' });
    assert.deepEqual(result.lookups, [
      { kind: 'resource-tags', check: 0, resource: INSTANCE('i-0aaa1111') },
      { kind: 'resource-tags', check: 1, resource: INSTANCE('i-0bbb2222') },
    ]);
  });

  it('an ID that is not an EC2 ID names no instance: invalid, never decided', () => {
    const result = mapRequest(data(), ec2({ Action: 'StartInstances', 'InstanceId.1': 'i-1/../*' }));
    assert.equal(result.kind, 'unmapped');
    assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request');
  });

  it('DescribeInstances (no resource type in the reference) is on *, Filter.N read as the model names it', () => {
    const result = mapped(mapRequest(data(), ec2({ Action: 'DescribeInstances', 'Filter.1.Name': 'tag:Owner', 'Filter.1.Value.1': 'alice' })));
    assert.deepEqual(checks(result), ['ec2:DescribeInstances *']);
    assert.deepEqual(result.targets[0]!.context, { 'ec2:Region': 'us-east-1' });
  });

  it('a GET with the parameters in the query string maps too', () => {
    assert.deepEqual(checks(mapRequest(data(), wire('ec2', 'GET', '/?Action=RebootInstances&Version=2016-11-15&InstanceId.1=i-0ccc3333'))), [`ec2:RebootInstances ${INSTANCE('i-0ccc3333')}`]);
  });

  it('another API version is no operation of the model', () => {
    const result = mapRequest(data(), form('ec2', { Action: 'StopInstances', Version: '2015-10-01', 'InstanceId.1': 'i-0aaa1111' }));
    assert.equal(result.kind === 'unmapped' && result.reason, 'unknown-operation');
  });
});

describe('EC2: every resource an action touches', () => {
  it('RunInstances: the image, the new instance, its network interface and volumes, its default subnet and security group', () => {
    const result = mapped(mapRequest(data(), ec2({
      Action: 'RunInstances', ImageId: 'ami-12c6146b', InstanceType: 't2.micro', MinCount: '1', MaxCount: '1',
      'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'Owner', 'TagSpecification.1.Tag.1.Value': 'alice',
    })));
    // The new instance first: a refusal names it, as EC2's do.
    assert.deepEqual(checks(result), [
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:instance/*`,
      'ec2:RunInstances arn:aws:ec2:us-east-1::image/ami-12c6146b',
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:network-interface/*`,
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:security-group/*`,
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:subnet/*`,
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:volume/*`,
      `ec2:CreateTags arn:aws:ec2:us-east-1:${OWNER}:instance/*`,
    ]);
    // The instance: its tags as aws:RequestTag, its type; the image: its ID.
    assert.deepEqual(result.targets[0]!.context, { 'ec2:Region': 'us-east-1', 'ec2:Tenancy': 'default', 'ec2:InstanceMarketType': 'on-demand', 'aws:RequestTag/Owner': 'alice', 'aws:TagKeys': ['Owner'], 'ec2:InstanceType': 't2.micro' });
    assert.deepEqual(result.targets[1]!.context, { 'ec2:Region': 'us-east-1', 'ec2:ImageID': 'ami-12c6146b' });
    // A volume the request does not tag carries no request tags.
    assert.deepEqual(result.targets[5]!.context, { 'ec2:Region': 'us-east-1' });
    // Tagging on create: ec2:CreateTags with ec2:CreateAction.
    assert.deepEqual(result.targets[6]!.context, { 'ec2:Region': 'us-east-1', 'aws:RequestTag/Owner': 'alice', 'aws:TagKeys': ['Owner'], 'ec2:CreateAction': 'RunInstances' });
    // Only the image exists: its tags are the only ones to read.
    assert.deepEqual(result.lookups, [{ kind: 'resource-tags', check: 1, resource: 'arn:aws:ec2:us-east-1::image/ami-12c6146b' }]);
  });

  it('RunInstances: the subnet, security groups, network interface and key pair the request names', () => {
    const result = mapped(mapRequest(data(), ec2({
      Action: 'RunInstances', ImageId: 'ami-12c6146b', MinCount: '1', MaxCount: '1', KeyName: 'deploy',
      'NetworkInterface.1.DeviceIndex': '0', 'NetworkInterface.1.SubnetId': 'subnet-0abc', 'NetworkInterface.1.SecurityGroupId.1': 'sg-0123',
      'SecurityGroupId.1': 'sg-0456', 'BlockDeviceMapping.1.DeviceName': '/dev/sdb', 'BlockDeviceMapping.1.Ebs.SnapshotId': 'snap-0def',
    })));
    assert.deepEqual(checks(result), [
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:instance/*`,
      'ec2:RunInstances arn:aws:ec2:us-east-1::image/ami-12c6146b',
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:key-pair/deploy`,
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:network-interface/*`,
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:security-group/sg-0456`,
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:security-group/sg-0123`,
      'ec2:RunInstances arn:aws:ec2:us-east-1::snapshot/snap-0def',
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:subnet/subnet-0abc`,
      `ec2:RunInstances arn:aws:ec2:us-east-1:${OWNER}:volume/*`,
    ]);
  });

  it('RunInstances with an instance profile also needs iam:PassRole on its role, which Tessera\'s store resolves', async () => {
    const asked: string[] = [];
    const result = mapped(mapRequest(data(), ec2({ Action: 'RunInstances', ImageId: 'ami-12c6146b', MinCount: '1', MaxCount: '1', 'IamInstanceProfile.Name': 'web' }), {
      instanceProfileRole: async (profile) => {
        asked.push(profile);
        return 'arn:aws:iam::222222222222:role/web-role';
      },
    }));
    const passRole = result.targets.at(-1)!;
    assert.deepEqual(passRole, { action: 'iam:PassRole', resource: `arn:aws:iam::${CALLER}:instance-profile/web`, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
    assert.equal(result.targets.find((target) => target.resource.endsWith(':instance/*'))!.context!['ec2:InstanceProfile'], `arn:aws:iam::${CALLER}:instance-profile/web`);
    const target = await resolveTarget(result, {
      service: 'ec2', accounts: result.targets.map(() => OWNER), cache: new LookupCache({ now: () => 0 }),
      reads: () => ({ upstream: new URL('http://127.0.0.1:1'), call: () => Promise.reject(new Error('no upstream read expected')) }),
    });
    assert.deepEqual(asked, [`arn:aws:iam::${CALLER}:instance-profile/web`]);
    assert.equal(target.also!.at(-1)!.resource, 'arn:aws:iam::222222222222:role/web-role');
    assert.equal(target.also!.at(-1)!.action, 'iam:PassRole');
  });

  it('RunInstances with a launch template, or an unreadable profile, is refused naming why', () => {
    const cases: Record<string, string>[] = [{ 'LaunchTemplate.LaunchTemplateId': 'lt-0abc' }, { 'IamInstanceProfile.Arn': 'not-an-arn' }, { 'InstanceMarketOptions.MarketType': 'spot' }];
    for (const params of cases) {
      const result = mapRequest(data(), ec2({ Action: 'RunInstances', MinCount: '1', MaxCount: '1', ImageId: 'ami-12c6146b', ...params }));
      assert.equal(result.kind, 'unmapped');
      assert.equal(result.kind === 'unmapped' && result.reason, 'refused-operation');
      assert.match(result.kind === 'unmapped' ? result.message : '', /^RunInstances is not forwarded: /);
    }
  });

  it('AttachVolume: the instance and the volume', () => {
    assert.deepEqual(checks(mapRequest(data(), ec2({ Action: 'AttachVolume', InstanceId: 'i-0aaa1111', VolumeId: 'vol-0abc', Device: '/dev/sdf' }))), [
      `ec2:AttachVolume ${INSTANCE('i-0aaa1111')}`,
      `ec2:AttachVolume arn:aws:ec2:us-east-1:${OWNER}:volume/vol-0abc`,
    ]);
  });

  it('security group rules (IAM User Guide, managing security groups with a tag): the descriptions on the group, ModifySecurityGroupRules on the group and each rule', () => {
    const group = `arn:aws:ec2:us-east-1:${OWNER}:security-group/sg-0abc`;
    assert.deepEqual(checks(mapRequest(data(), ec2({ Action: 'UpdateSecurityGroupRuleDescriptionsIngress', GroupId: 'sg-0abc', 'IpPermissions.1.IpProtocol': 'tcp' }))), [`ec2:UpdateSecurityGroupRuleDescriptionsIngress ${group}`]);
    assert.deepEqual(checks(mapRequest(data(), ec2({ Action: 'UpdateSecurityGroupRuleDescriptionsEgress', GroupId: 'sg-0abc', 'IpPermissions.1.IpProtocol': 'tcp' }))), [`ec2:UpdateSecurityGroupRuleDescriptionsEgress ${group}`]);
    const modify = mapped(mapRequest(data(), ec2({
      Action: 'ModifySecurityGroupRules', GroupId: 'sg-0abc',
      'SecurityGroupRule.1.SecurityGroupRuleId': 'sgr-0aaa', 'SecurityGroupRule.1.SecurityGroupRule.IpProtocol': 'tcp',
      'SecurityGroupRule.2.SecurityGroupRuleId': 'sgr-0bbb', 'SecurityGroupRule.2.SecurityGroupRule.IpProtocol': 'udp',
    })));
    assert.deepEqual(checks(modify), [
      `ec2:ModifySecurityGroupRules ${group}`,
      `ec2:ModifySecurityGroupRules arn:aws:ec2:us-east-1:${OWNER}:security-group-rule/sgr-0aaa`,
      `ec2:ModifySecurityGroupRules arn:aws:ec2:us-east-1:${OWNER}:security-group-rule/sgr-0bbb`,
    ]);
    assert.deepEqual(modify.lookups.map((lookup) => lookup.kind), ['resource-tags', 'resource-tags', 'resource-tags']);
    // A rule naming a prefix list (a resource not authorized yet) is refused, naming why.
    const prefixed = mapRequest(data(), ec2({ Action: 'ModifySecurityGroupRules', GroupId: 'sg-0abc', 'SecurityGroupRule.1.SecurityGroupRuleId': 'sgr-0aaa', 'SecurityGroupRule.1.SecurityGroupRule.PrefixListId': 'pl-0abc' }));
    assert.equal(prefixed.kind, 'unmapped');
    // The ID of a rule tells CreateTags its type.
    assert.deepEqual(checks(mapRequest(data(), ec2({ Action: 'CreateTags', 'ResourceId.1': 'sgr-0aaa', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' }))), [`ec2:CreateTags arn:aws:ec2:us-east-1:${OWNER}:security-group-rule/sgr-0aaa`]);
  });

  it('CreateVolume tagged on create: volume/* with its tags, and ec2:CreateTags', () => {
    const result = mapped(mapRequest(data(), ec2({ Action: 'CreateVolume', AvailabilityZone: 'us-east-1a', Size: '8', 'TagSpecification.1.ResourceType': 'volume', 'TagSpecification.1.Tag.1.Key': 'team', 'TagSpecification.1.Tag.1.Value': 'blue' })));
    assert.deepEqual(checks(result), [`ec2:CreateVolume arn:aws:ec2:us-east-1:${OWNER}:volume/*`, `ec2:CreateTags arn:aws:ec2:us-east-1:${OWNER}:volume/*`]);
    assert.equal(result.targets[0]!.context!['aws:RequestTag/team'], 'blue');
  });

  it('CreateTags: each resource by its ID\'s prefix, with the tags as aws:RequestTag', () => {
    const result = mapped(mapRequest(data(), ec2({ Action: 'CreateTags', 'ResourceId.1': 'i-0aaa1111', 'ResourceId.2': 'ami-12c6146b', 'Tag.1.Key': 'Owner', 'Tag.1.Value': 'bob' })));
    assert.deepEqual(checks(result), [`ec2:CreateTags ${INSTANCE('i-0aaa1111')}`, 'ec2:CreateTags arn:aws:ec2:us-east-1::image/ami-12c6146b']);
    assert.deepEqual(result.targets[0]!.context, { 'ec2:Region': 'us-east-1', 'ec2:InstanceID': 'i-0aaa1111', 'aws:RequestTag/Owner': 'bob', 'aws:TagKeys': ['Owner'] });
    // Changing an instance's tags is decided on its existing tags too.
    assert.deepEqual(result.lookups[0], { kind: 'resource-tags', check: 0, resource: INSTANCE('i-0aaa1111') });
    const unknown = mapRequest(data(), ec2({ Action: 'CreateTags', 'ResourceId.1': 'xyz-0abc', 'Tag.1.Key': 'a', 'Tag.1.Value': 'b' }));
    assert.equal(unknown.kind === 'unmapped' && unknown.reason, 'refused-operation');
  });

  it('an operation whose action takes resources Tessera does not build is refused naming it; one on * is mapped', () => {
    const refused = mapRequest(data(), ec2({ Action: 'AcceptVpcPeeringConnection', VpcPeeringConnectionId: 'pcx-0abc' }));
    assert.equal(refused.kind === 'unmapped' && refused.reason, 'refused-operation');
    assert.match(refused.kind === 'unmapped' ? refused.message : '', /^AcceptVpcPeeringConnection is not forwarded: ec2:AcceptVpcPeeringConnection is authorized on resources/);
    assert.deepEqual(checks(mapRequest(data(), ec2({ Action: 'EnableEbsEncryptionByDefault' }))), ['ec2:EnableEbsEncryptionByDefault *']);
  });
});

describe('EC2: its answers and its reads', () => {
  it('a refusal is EC2\'s UnauthorizedOperation document, 403', () => {
    const failure = accessDenied('ec2', 'User: arn:aws:iam::111111111111:user/bob is not authorized to perform: ec2:StopInstances on resource: arn:aws:ec2:us-east-1:111111111111:instance/i-1 because no identity-based policy allows the ec2:StopInstances action Encoded authorization failure message: abc').failure;
    const rendered = renderError('ec2', 'ec2', failure, 'req-1', 'POST');
    assert.equal(rendered.status, 403);
    assert.equal(rendered.body, '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:iam::111111111111:user/bob is not authorized to perform: ec2:StopInstances on resource: arn:aws:ec2:us-east-1:111111111111:instance/i-1 because no identity-based policy allows the ec2:StopInstances action. Encoded authorization failure message: abc</Message></Error></Errors><RequestID>req-1</RequestID></Response>');
  });

  it('unsigned and unknown keys are AuthFailure (401); a wrong signature keeps SignatureDoesNotMatch', () => {
    assert.deepEqual(missingAuthentication('ec2', 'ec2'), { code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials', status: 401 });
    assert.equal(inServiceDialect('ec2', 'ec2', { code: 'InvalidClientTokenId', message: 'x', status: 403 }).code, 'AuthFailure');
    assert.equal(inServiceDialect('ec2', 'ec2', { code: 'SignatureDoesNotMatch', message: 'x', status: 403 }).code, 'SignatureDoesNotMatch');
  });

  it('an unsigned Action with EC2\'s version is routed to EC2 (to be refused as EC2 refuses it)', () => {
    assert.equal(unsignedService({ method: 'GET', path: '/', query: 'Action=DescribeInstances&Version=2016-11-15', headers: {} }), 'ec2');
    assert.equal(unsignedService({ method: 'GET', path: '/', query: 'Action=DescribeInstances', headers: {} }), undefined);
  });

  it('an instance\'s tags: DescribeTags filtered by its ID, read page by page', async () => {
    const bodies: string[] = [];
    const pages = [
      '<DescribeTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><tagSet><item><resourceId>i-0aaa1111</resourceId><resourceType>instance</resourceType><key>Owner</key><value>alice</value></item></tagSet><nextToken>t2</nextToken></DescribeTagsResponse>',
      '<DescribeTagsResponse><tagSet><item><resourceId>i-0aaa1111</resourceId><key>team</key><value></value></item></tagSet></DescribeTagsResponse>',
    ];
    const call = async (request: { body?: Buffer }): Promise<UpstreamResponse> => {
      bodies.push(request.body!.toString('utf8'));
      return { status: 200, headers: {}, body: Buffer.from(pages[bodies.length - 1]!) };
    };
    const tags = await readEc2ResourceTags(INSTANCE('i-0aaa1111'), { call, upstream: new URL('http://127.0.0.1:1') });
    assert.deepEqual({ ...tags }, { Owner: 'alice', team: '' });
    assert.equal(bodies[0], 'Action=DescribeTags&Filter.1.Name=resource-id&Filter.1.Value.1=i-0aaa1111&MaxResults=1000&Version=2016-11-15');
    assert.match(bodies[1]!, /NextToken=t2/);
  });

  it('a failed read refuses (throws); a resource the upstream does not know has no tags', async () => {
    const failing = async (): Promise<UpstreamResponse> => ({ status: 500, headers: {}, body: Buffer.from('<Response><Errors><Error><Code>InternalError</Code></Error></Errors></Response>') });
    await assert.rejects(readEc2ResourceTags(INSTANCE('i-0aaa1111'), { call: failing, upstream: new URL('http://127.0.0.1:1') }), /InternalError/);
    const unknown = async (): Promise<UpstreamResponse> => ({ status: 400, headers: {}, body: Buffer.from('<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code></Error></Errors></Response>') });
    assert.deepEqual({ ...(await readEc2ResourceTags(INSTANCE('i-0aaa1111'), { call: unknown, upstream: new URL('http://127.0.0.1:1') })) }, {});
  });
});
