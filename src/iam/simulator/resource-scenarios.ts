import { scenarioResourceMissing, unknownResourceHandlingOption } from './errors.ts';

/**
 * ResourceHandlingOption: the EC2 scenarios in which one API call touches several
 * resources at once, and the resource types AWS requires for each (IAM API reference,
 * SimulateCustomPolicy). The simulator then decides each action over all the scenario's
 * resources together.
 */
export interface ResourceScenario {
  name: string;
  requiredTypes: readonly string[];
}

const SCENARIOS: readonly ResourceScenario[] = [
  { name: 'EC2-Classic-InstanceStore', requiredTypes: ['instance', 'image', 'security-group'] },
  { name: 'EC2-Classic-EBS', requiredTypes: ['instance', 'image', 'security-group', 'volume'] },
  { name: 'EC2-VPC-InstanceStore', requiredTypes: ['instance', 'image', 'security-group', 'network-interface'] },
  { name: 'EC2-VPC-InstanceStore-Subnet', requiredTypes: ['instance', 'image', 'security-group', 'network-interface', 'subnet'] },
  { name: 'EC2-VPC-EBS', requiredTypes: ['instance', 'image', 'security-group', 'network-interface', 'volume'] },
  { name: 'EC2-VPC-EBS-Subnet', requiredTypes: ['instance', 'image', 'security-group', 'network-interface', 'subnet', 'volume'] },
];

/**
 * The scenario an option names (matched case-insensitively), after checking that the
 * resources include every type it requires; undefined when no option is given.
 */
export function resourceScenario(option: string | undefined, resources: readonly string[] | undefined): ResourceScenario | undefined {
  if (option === undefined) return undefined;
  const scenario = SCENARIOS.find((s) => s.name.toLowerCase() === option.toLowerCase());
  if (scenario === undefined) throw unknownResourceHandlingOption(option);
  const present = new Set((resources ?? []).map(ec2ResourceType));
  for (const type of scenario.requiredTypes) if (!present.has(type)) throw scenarioResourceMissing(scenario.name, type);
  return scenario;
}

/** `arn:aws:ec2:us-east-1:123456789012:security-group/sg-1` → `security-group`. */
function ec2ResourceType(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[2] !== 'ec2') return undefined;
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  return slash === -1 ? resource : resource.slice(0, slash);
}
