/**
 * Names of service-linked roles. AWS names each one `AWSServiceRoleFor<Suffix>` under the path
 * `/aws-service-role/<service principal>/`, with a suffix each service chooses; some services
 * accept a caller's CustomSuffix (appended after `_`), others refuse it. The services below
 * are the common ones, with the names their documentation gives; any other service principal
 * gets a suffix made from its first DNS label (`access-analyzer` → `AccessAnalyzer`) and
 * accepts a CustomSuffix.
 */

interface KnownService {
  suffix: string;
  customSuffix: boolean;
}

const KNOWN: ReadonlyMap<string, KnownService> = new Map([
  ['autoscaling.amazonaws.com', { suffix: 'AutoScaling', customSuffix: true }],
  ['lex.amazonaws.com', { suffix: 'LexBots', customSuffix: true }],
  ['ecs.amazonaws.com', { suffix: 'ECS', customSuffix: false }],
  ['elasticloadbalancing.amazonaws.com', { suffix: 'ElasticLoadBalancing', customSuffix: false }],
  ['es.amazonaws.com', { suffix: 'AmazonElasticsearchService', customSuffix: false }],
  ['opensearchservice.amazonaws.com', { suffix: 'AmazonOpenSearchService', customSuffix: false }],
  ['spot.amazonaws.com', { suffix: 'EC2Spot', customSuffix: false }],
  ['spotfleet.amazonaws.com', { suffix: 'EC2SpotFleet', customSuffix: false }],
  ['rds.amazonaws.com', { suffix: 'RDS', customSuffix: false }],
  ['eks.amazonaws.com', { suffix: 'AmazonEKS', customSuffix: false }],
  ['eks-nodegroup.amazonaws.com', { suffix: 'AmazonEKSNodegroup', customSuffix: false }],
  ['organizations.amazonaws.com', { suffix: 'Organizations', customSuffix: false }],
  ['elasticbeanstalk.amazonaws.com', { suffix: 'ElasticBeanstalk', customSuffix: false }],
  ['support.amazonaws.com', { suffix: 'Support', customSuffix: false }],
  ['trustedadvisor.amazonaws.com', { suffix: 'TrustedAdvisor', customSuffix: false }],
  ['config.amazonaws.com', { suffix: 'Config', customSuffix: false }],
  ['guardduty.amazonaws.com', { suffix: 'AmazonGuardDuty', customSuffix: false }],
  ['sso.amazonaws.com', { suffix: 'SSO', customSuffix: false }],
  ['cloudtrail.amazonaws.com', { suffix: 'CloudTrail', customSuffix: false }],
  ['securityhub.amazonaws.com', { suffix: 'SecurityHub', customSuffix: false }],
  ['ssm.amazonaws.com', { suffix: 'AmazonSSM', customSuffix: false }],
  ['elasticmapreduce.amazonaws.com', { suffix: 'EMRCleanup', customSuffix: false }],
  ['replicator.lambda.amazonaws.com', { suffix: 'LambdaReplicator', customSuffix: false }],
  ['dynamodb.application-autoscaling.amazonaws.com', { suffix: 'ApplicationAutoScaling_DynamoDBTable', customSuffix: false }],
  ['ecs.application-autoscaling.amazonaws.com', { suffix: 'ApplicationAutoScaling_ECSService', customSuffix: false }],
]);

const SERVICE_PRINCIPAL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.amazonaws\.com$/;

export function isServicePrincipal(name: string): boolean {
  return SERVICE_PRINCIPAL.test(name);
}

export function serviceLinkedRolePath(serviceName: string): string {
  return `/aws-service-role/${serviceName}/`;
}

export type ServiceLinkedRoleName =
  | { ok: true; name: string }
  | { ok: false; reason: 'custom-suffix-not-allowed' };

/** The role name for a service principal (already checked with {@link isServicePrincipal}). */
export function serviceLinkedRoleName(serviceName: string, customSuffix: string | undefined): ServiceLinkedRoleName {
  const known = KNOWN.get(serviceName);
  const base = `AWSServiceRoleFor${known?.suffix ?? suffixFromLabel(serviceName)}`;
  if (customSuffix === undefined) return { ok: true, name: base };
  if (known && !known.customSuffix) return { ok: false, reason: 'custom-suffix-not-allowed' };
  return { ok: true, name: `${base}_${customSuffix}` };
}

function suffixFromLabel(serviceName: string): string {
  const label = serviceName.slice(0, serviceName.indexOf('.'));
  return label
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The trust policy of a service-linked role: only its service may assume it. */
export function serviceLinkedTrustPolicy(serviceName: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: serviceName }, Action: 'sts:AssumeRole' }],
  });
}
