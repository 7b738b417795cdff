// Amazon EC2. Its API speaks the Query protocol in EC2's own dialect (model.ts `ec2`); its IAM
// actions are authorized on every resource they touch — StopInstances on each instance it names,
// AttachVolume on the instance and on the volume, RunInstances on the image, the new instance,
// its subnet, security groups, network interface and volumes, and the key pair it names (EC2 User
// Guide, "Example policies for working with the Amazon EC2 API": "Launch instances
// (RunInstances)"). So each mapped operation makes one check per resource type of its action
// that the request names (map-request.ts `eachResourceType`), as the Service Authorization
// Reference lists them:
//
//   - a type the request names by ID: one check per ID (`InstanceId.1`, `InstanceId.2` → two);
//   - a type the operation creates, or picks itself when the request names none (RunInstances'
//     default subnet and security group): `<type>/*` — only a grant on every resource of the
//     type allows it (stricter than AWS where a policy names the default subnet alone);
//   - a required type the request does not name: the request is invalid (never decided on `*`).
//
// An action the reference gives no resource type (DescribeInstances, every Describe*) is on `*`,
// as AWS authorizes it, with no rule here. The other operations whose actions take resources are
// refused, each naming itself (refuseUnlisted), until they are mapped.
//
// Condition keys: ec2:Region; aws:RequestTag/<key> and aws:TagKeys from TagSpecification.N of the
// resource type a check is on (and from CreateTags' Tag.N); ec2:CreateAction on the ec2:CreateTags
// check a request that tags what it creates needs ("Grant permission to tag Amazon EC2 resources
// during creation": the tagging is authorized as ec2:CreateTags, with ec2:CreateAction the
// creating action); ec2:InstanceType and ec2:InstanceProfile on RunInstances' instance; the ID
// keys (ec2:InstanceID, ec2:VolumeID, …) of the resources the request names; ec2:ResourceTag/<key>
// and aws:ResourceTag/<key> of existing resources are read upstream (ec2-reads.ts, DescribeTags).

import type { IdentifiedRequest } from '../identify.ts';
import { strings, type ServiceResources, type VariableSource } from '../resources.ts';
import type { ExpandedCheck, OperationRule, RuleContext, ServiceRules } from '../rules.ts';
import type { ConditionValue } from '../types.ts';
import { ec2ResourceId } from '../ec2-reads.ts';
import { wholeList } from '../wire/limits.ts';

/** An EC2 resource ID (`i-0abc…`, `vol-…`, `sg-…`, `subnet-…`, `ami-…`). */
const ID = /^[a-z][a-z0-9]{0,23}(-[a-z0-9]{1,23})?-[0-9a-zA-Z]{1,64}$/;

const id = (member: string, variable: string): VariableSource => ({ member, read: (value) => (ID.test(value) ? { [variable]: value } : undefined) });

const RESOURCES: ServiceResources = {
  variables: {
    InstanceId: [id('InstanceIds', 'InstanceId'), id('InstanceId', 'InstanceId')],
    VolumeId: [id('VolumeId', 'VolumeId'), id('VolumeIds', 'VolumeId')],
    SecurityGroupId: [id('GroupId', 'SecurityGroupId'), id('SecurityGroupIds', 'SecurityGroupId'), id('GroupIds', 'SecurityGroupId')],
    SubnetId: [id('SubnetId', 'SubnetId'), id('SubnetIds', 'SubnetId')],
    VpcId: [id('VpcId', 'VpcId')],
    ImageId: [id('ImageId', 'ImageId')],
    SnapshotId: [id('SnapshotId', 'SnapshotId')],
    NetworkInterfaceId: [id('NetworkInterfaceId', 'NetworkInterfaceId')],
    // ModifySecurityGroupRules' SecurityGroupRules.N.SecurityGroupRuleId (securityGroupRulesInput).
    SecurityGroupRuleId: [id('SecurityGroupRuleId', 'SecurityGroupRuleId')],
    // A key pair's ARN names it by its name (`key-pair/${KeyPairName}`).
    KeyPairName: [{ member: 'KeyName', read: (value) => (value.length <= 255 && !/[/*?]/.test(value) ? { KeyPairName: value } : undefined) }],
  },
  arnMembers: [],
};

/** The ID prefixes CreateTags and DeleteTags can be told the resource type of, with the type's ARN (no account for AMIs and snapshots). */
const ID_PREFIXES: Readonly<Record<string, { type: string; account: boolean }>> = {
  i: { type: 'instance', account: true },
  vol: { type: 'volume', account: true },
  snap: { type: 'snapshot', account: false },
  ami: { type: 'image', account: false },
  sg: { type: 'security-group', account: true },
  sgr: { type: 'security-group-rule', account: true },
  subnet: { type: 'subnet', account: true },
  vpc: { type: 'vpc', account: true },
  eni: { type: 'network-interface', account: true },
  igw: { type: 'internet-gateway', account: true },
  rtb: { type: 'route-table', account: true },
  acl: { type: 'network-acl', account: true },
  eipalloc: { type: 'elastic-ip', account: true },
  dopt: { type: 'dhcp-options', account: true },
  lt: { type: 'launch-template', account: true },
  nat: { type: 'natgateway', account: true },
  pcx: { type: 'vpc-peering-connection', account: true },
  vpce: { type: 'vpc-endpoint', account: true },
};

function typeOfId(value: string): { type: string; account: boolean } | undefined {
  return ID.test(value) && Object.hasOwn(ID_PREFIXES, value.slice(0, value.indexOf('-'))) ? ID_PREFIXES[value.slice(0, value.indexOf('-'))] : undefined;
}

/** The resource type and ARN of an EC2 resource ID, when its prefix says which. */
export function arnOfId(value: string, context: RuleContext): { type: string; arn: string } | undefined {
  const known = typeOfId(value);
  if (known === undefined) return undefined;
  return { type: known.type, arn: `arn:aws:ec2:${context.region}:${known.account ? context.ownerAccountId : ''}:${known.type}/${value}` };
}

/** The condition key that carries the ID of a resource of each type, when the request names it. */
const ID_KEYS: Readonly<Record<string, string>> = {
  instance: 'ec2:InstanceID', volume: 'ec2:VolumeID', subnet: 'ec2:SubnetID', 'security-group': 'ec2:SecurityGroupID', image: 'ec2:ImageID',
  vpc: 'ec2:VpcID', snapshot: 'ec2:SnapshotID', 'network-interface': 'ec2:NetworkInterfaceID', 'key-pair': 'ec2:KeyPairName',
};

/** `{Key, Value}` tags as aws:RequestTag/<key> and aws:TagKeys. */
function tagContext(tags: unknown, withValues: boolean): Record<string, ConditionValue> {
  const context: Record<string, ConditionValue> = {};
  if (!Array.isArray(tags)) return context;
  const keys: string[] = [];
  for (const tag of wholeList(tags, 'TagSpecifications (its tags)')) {
    const key = (tag as Record<string, unknown> | null)?.['Key'];
    const value = (tag as Record<string, unknown> | null)?.['Value'];
    if (typeof key !== 'string') continue;
    if (!keys.includes(key)) keys.push(key);
    if (withValues) context[`aws:RequestTag/${key}`] = typeof value === 'string' ? value : '';
  }
  context['aws:TagKeys'] = keys;
  return context;
}

/** The tags TagSpecification.N gives resources of `type`. */
function specTags(input: ReadonlyMap<string, unknown>, type: string): unknown[] | undefined {
  const specs = input.get('TagSpecifications');
  if (!Array.isArray(specs)) return undefined;
  const tags: unknown[] = [];
  let found = false;
  for (const spec of specs) {
    const entry = spec as Record<string, unknown> | null;
    if (entry?.['ResourceType'] !== type || !Array.isArray(entry['Tags'])) continue;
    found = true;
    tags.push(...(entry['Tags'] as unknown[]));
  }
  return found ? tags : undefined;
}

/** The nested resources of RunInstances' network interfaces, as top-level members. */
function runInstancesInput(request: IdentifiedRequest): ReadonlyMap<string, unknown> {
  const input = new Map(request.input);
  const interfaces = Array.isArray(input.get('NetworkInterfaces')) ? (input.get('NetworkInterfaces') as Record<string, unknown>[]) : [];
  const subnets = strings(input.get('SubnetId'));
  const groups = strings(input.get('SecurityGroupIds'));
  const enis: string[] = [];
  for (const spec of wholeList(interfaces, 'NetworkInterfaces')) {
    if (typeof spec !== 'object' || spec === null) continue;
    subnets.push(...strings(spec['SubnetId']));
    groups.push(...strings(spec['Groups']));
    enis.push(...strings(spec['NetworkInterfaceId']));
  }
  // EBS snapshots the new volumes are made from (BlockDeviceMapping.N.Ebs.SnapshotId).
  const snapshots: string[] = [];
  const mappings = Array.isArray(input.get('BlockDeviceMappings')) ? (input.get('BlockDeviceMappings') as Record<string, unknown>[]) : [];
  for (const mapping of wholeList(mappings, 'BlockDeviceMappings')) {
    const ebs = typeof mapping === 'object' && mapping !== null ? (mapping['Ebs'] as Record<string, unknown> | undefined) : undefined;
    if (typeof ebs === 'object' && ebs !== null) snapshots.push(...strings(ebs['SnapshotId']));
  }
  if (snapshots.length > 0) input.set('SnapshotId', [...new Set(snapshots)]);
  if (subnets.length > 0) input.set('SubnetId', [...new Set(subnets)]);
  if (groups.length > 0) input.set('SecurityGroupIds', [...new Set(groups)]);
  if (enis.length > 0) input.set('NetworkInterfaceId', [...new Set(enis)]);
  return input;
}

/** ModifySecurityGroupRules: the rules of SecurityGroupRules.N (each its SecurityGroupRuleId) as a top-level member. */
function securityGroupRulesInput(request: IdentifiedRequest): ReadonlyMap<string, unknown> {
  const input = new Map(request.input);
  const rules = Array.isArray(input.get('SecurityGroupRules')) ? (input.get('SecurityGroupRules') as unknown[]) : [];
  const ids: string[] = [];
  for (const rule of wholeList(rules, 'SecurityGroupRules')) {
    if (typeof rule === 'object' && rule !== null) ids.push(...strings((rule as Record<string, unknown>)['SecurityGroupRuleId']));
  }
  if (ids.length > 0) input.set('SecurityGroupRuleId', [...new Set(ids)]);
  return input;
}

/** A rule of ModifySecurityGroupRules naming a prefix list: a resource of its own that the gateway does not authorize yet. */
function rulePrefixList(request: IdentifiedRequest): string | undefined {
  const rules = Array.isArray(request.input.get('SecurityGroupRules')) ? (request.input.get('SecurityGroupRules') as unknown[]) : [];
  const names = rules.some((rule) => typeof rule === 'object' && rule !== null && typeof ((rule as Record<string, unknown>)['SecurityGroupRule'] as Record<string, unknown> | undefined)?.['PrefixListId'] === 'string');
  return names ? 'a rule names a prefix list (SecurityGroupRule.PrefixListId), a resource of its own that Tessera does not authorize yet' : undefined;
}

/** An IamInstanceProfile that names no profile Tessera can read (its PassRole check could not be made). */
function unreadableProfile(request: IdentifiedRequest): string | undefined {
  const spec = request.input.get('IamInstanceProfile') as Record<string, unknown> | undefined;
  if (spec === undefined) return undefined;
  const arn = typeof spec === 'object' && spec !== null ? spec['Arn'] : undefined;
  const name = typeof spec === 'object' && spec !== null ? spec['Name'] : undefined;
  if ((typeof arn === 'string' && PROFILE_ARN.test(arn)) || (arn === undefined && typeof name === 'string' && PROFILE_NAME.test(name))) return undefined;
  return 'IamInstanceProfile names no instance profile by a valid Arn or Name, so the role it passes (iam:PassRole) cannot be authorized';
}

/** RunInstances members naming resources the gateway does not read (each would be one more check AWS makes). */
function runInstancesRefusal(request: IdentifiedRequest): string | undefined {
  const input = request.input;
  const profile = unreadableProfile(request);
  if (profile !== undefined) return profile;
  if (input.has('LaunchTemplate')) return 'a launch template names the image, subnet and security groups only the upstream knows (LaunchTemplate); Tessera authorizes RunInstances on the resources the request itself names';
  const placement = input.get('Placement') as Record<string, unknown> | undefined;
  if (placement !== undefined && ['GroupName', 'GroupId', 'HostId', 'HostResourceGroupArn'].some((member) => placement[member] !== undefined)) {
    return 'a placement group or dedicated host (Placement) is a resource of its own that Tessera does not authorize yet';
  }
  if (input.has('InstanceMarketOptions')) return 'a Spot request (InstanceMarketOptions) is authorized on a spot-instances-request resource too, which Tessera does not authorize yet';
  for (const member of ['CapacityReservationSpecification', 'ElasticGpuSpecification', 'ElasticInferenceAccelerators', 'LicenseSpecifications', 'SecondaryInterfaces']) {
    if (input.has(member) && !(member === 'CapacityReservationSpecification' && (input.get(member) as Record<string, unknown>)?.['CapacityReservationTarget'] === undefined)) {
      return `${member} names resources that Tessera does not authorize yet`;
    }
  }
  return undefined;
}

/** CreateTags and DeleteTags: one check per resource of Resources, its type told by its ID's prefix. */
function taggingChecks(action: 'CreateTags' | 'DeleteTags') {
  return (request: IdentifiedRequest, context: RuleContext): readonly ExpandedCheck[] | undefined => {
    const checks: ExpandedCheck[] = [];
    for (const value of strings(request.input.get('Resources'))) {
      const found = arnOfId(value, context);
      if (found === undefined) return undefined;
      checks.push({ action, resources: [found.arn], resourceType: found.type });
    }
    return checks;
  };
}

function unknownTaggedResource(request: IdentifiedRequest): string | undefined {
  const unknown = strings(request.input.get('Resources')).find((value) => typeOfId(value) === undefined);
  return unknown === undefined ? undefined : `the resource ${unknown.slice(0, 64)} is not one whose type Tessera tells from its ID (${Object.keys(ID_PREFIXES).map((prefix) => `${prefix}-`).join(', ')})`;
}

const byName = (what: string, idMember: string, nameMember: string) => (request: IdentifiedRequest): string | undefined =>
  request.input.has(nameMember) && !request.input.has(idMember) ? `the ${what} is named by ${nameMember}, whose ID only the upstream knows; name it by ${idMember}` : undefined;

const ipamPool = (request: IdentifiedRequest): string | undefined =>
  ['Ipv4IpamPoolId', 'Ipv6IpamPoolId', 'Ipv6Pool'].find((member) => request.input.has(member)) === undefined ? undefined : 'an IPAM or IPv6 address pool is a resource of its own that Tessera does not authorize yet';

const each = (created?: readonly string[]): OperationRule => ({ eachResourceType: created === undefined ? {} : { created } });

const OPERATIONS: Readonly<Record<string, OperationRule>> = {
  // Instances
  RunInstances: { eachResourceType: { created: ['instance', 'network-interface', 'volume', 'subnet', 'security-group'], input: runInstancesInput, main: 'instance' }, refuse: runInstancesRefusal },
  StartInstances: each(),
  StopInstances: each(),
  RebootInstances: each(),
  TerminateInstances: each(),
  MonitorInstances: each(),
  UnmonitorInstances: each(),
  GetConsoleOutput: each(),
  AssociateIamInstanceProfile: { ...each(), refuse: unreadableProfile },
  // Volumes and snapshots
  CreateVolume: each(['volume']),
  DeleteVolume: each(),
  AttachVolume: each(),
  DetachVolume: each(),
  CreateSnapshot: each(['snapshot']),
  DeleteSnapshot: each(),
  // Images
  CreateImage: each(['image', 'snapshot']),
  DeregisterImage: each(),
  // Security groups
  CreateSecurityGroup: each(['security-group']),
  DeleteSecurityGroup: { ...each(), refuse: byName('security group', 'GroupId', 'GroupName') },
  AuthorizeSecurityGroupIngress: { ...each(), refuse: byName('security group', 'GroupId', 'GroupName') },
  AuthorizeSecurityGroupEgress: each(),
  RevokeSecurityGroupIngress: { ...each(), refuse: byName('security group', 'GroupId', 'GroupName') },
  RevokeSecurityGroupEgress: each(),
  UpdateSecurityGroupRuleDescriptionsIngress: { ...each(), refuse: byName('security group', 'GroupId', 'GroupName') },
  UpdateSecurityGroupRuleDescriptionsEgress: each(),
  // On the group and on each rule of SecurityGroupRules.N.
  ModifySecurityGroupRules: { eachResourceType: { input: securityGroupRulesInput }, refuse: rulePrefixList },
  // Key pairs (named by their name in their ARN)
  CreateKeyPair: each(),
  ImportKeyPair: each(),
  DeleteKeyPair: { ...each(), refuse: byName('key pair', 'KeyName', 'KeyPairId') },
  // VPCs and subnets
  CreateVpc: { ...each(['vpc']), refuse: ipamPool },
  DeleteVpc: each(),
  CreateSubnet: { ...each(['subnet']), refuse: ipamPool },
  DeleteSubnet: each(),
  // Tags
  CreateTags: { expand: taggingChecks('CreateTags'), expandDoc: 'ec2:CreateTags on each resource of ResourceId.N, its ARN told by its ID\'s prefix (i- instance, vol- volume, sg- security group, …), with Tag.N as aws:RequestTag/<key> and aws:TagKeys', refuse: unknownTaggedResource },
  DeleteTags: { expand: taggingChecks('DeleteTags'), expandDoc: 'ec2:DeleteTags on each resource of ResourceId.N, its ARN told by its ID\'s prefix, with the keys of Tag.N as aws:TagKeys', refuse: unknownTaggedResource },
};

export const EC2_RULES: ServiceRules = {
  resources: RESOURCES,
  operations: OPERATIONS,
  refused: {
    // The reference gives ec2:RunScheduledInstances no resource type, yet it launches instances
    // with LaunchSpecification.IamInstanceProfile: a role passed without iam:PassRole if forwarded.
    RunScheduledInstances: 'its LaunchSpecification can pass an IAM role through an instance profile, which Tessera authorizes (iam:PassRole) only for RunInstances and AssociateIamInstanceProfile',
  },
  refuseUnlisted: (operation) =>
    `ec2:${operation} is authorized on resources (the Service Authorization Reference lists its resource types) that Tessera does not yet build from the request, and it never decides such an action on *; the mapped EC2 operations are listed in docs/gateway-operations.md`,
  conditions: {
    'ec2:Region': (_request, context) => ({ 'ec2:Region': context.region }),
  },
  checkContext: (request, check, context) => {
    const result: Record<string, ConditionValue> = { 'ec2:Region': context.region };
    const operation = request.operation.name;
    if (!check.created && check.resourceType !== undefined) {
      const key = ID_KEYS[check.resourceType];
      const named = ec2ResourceId(check.arn);
      if (key !== undefined && named !== undefined) result[key] = named.id;
    }
    if (operation === 'CreateTags' || operation === 'DeleteTags') Object.assign(result, tagContext(request.input.get('Tags'), operation === 'CreateTags'));
    if (check.created && check.resourceType !== undefined) {
      const tags = specTags(request.input, check.resourceType);
      if (tags !== undefined) Object.assign(result, tagContext(tags, true));
    }
    if (operation === 'RunInstances' && check.resourceType === 'instance' && check.action === 'RunInstances') {
      const type = request.input.get('InstanceType');
      if (typeof type === 'string') result['ec2:InstanceType'] = type;
      const profile = instanceProfileArn(request, context);
      if (profile !== undefined) result['ec2:InstanceProfile'] = profile;
    }
    return result;
  },
  checkContextKeys: (operation, action, members) => {
    const keys = ['ec2:Region'];
    if (operation === 'CreateTags' || (members.includes('TagSpecifications') && action === 'CreateTags')) keys.push('aws:RequestTag/${TagKey}', 'aws:TagKeys');
    if (operation === 'DeleteTags') keys.push('aws:TagKeys');
    if (members.includes('TagSpecifications') && action === operation) keys.push('aws:RequestTag/${TagKey}', 'aws:TagKeys');
    if (action === 'CreateTags' && operation !== 'CreateTags') keys.push('ec2:CreateAction');
    if (operation === 'RunInstances') keys.push('ec2:InstanceType', 'ec2:InstanceProfile');
    if (OPERATIONS[operation]?.eachResourceType !== undefined || operation === 'CreateTags' || operation === 'DeleteTags') keys.push('ec2:InstanceID (and the other IDs of the resources named)');
    return keys;
  },
  passedInstanceProfiles: (request, context) => {
    if (request.operation.name !== 'RunInstances' && request.operation.name !== 'AssociateIamInstanceProfile') return [];
    const profile = instanceProfileArn(request, context);
    return profile === undefined ? [] : [profile];
  },
};

const PROFILE_ARN = /^arn:aws[\w-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]{1,512}$/;
const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;

/** The instance profile IamInstanceProfile names: its ARN, or (by Name) its ARN in the caller's account. */
function instanceProfileArn(request: IdentifiedRequest, context: RuleContext): string | undefined {
  const spec = request.input.get('IamInstanceProfile') as Record<string, unknown> | undefined;
  if (typeof spec !== 'object' || spec === null) return undefined;
  const arn = spec['Arn'];
  if (typeof arn === 'string' && PROFILE_ARN.test(arn)) return arn;
  const name = spec['Name'];
  if (typeof name === 'string' && PROFILE_NAME.test(name)) return `arn:aws:iam::${context.request.requestAccountId || context.ownerAccountId}:instance-profile/${name}`;
  return undefined;
}
