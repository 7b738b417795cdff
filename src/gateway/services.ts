/**
 * The services Tessera protects but does not serve: their requests are authorized here and
 * forwarded upstream. Each is named by its SigV4 signing name (the credential scope's service),
 * which is also its prefix in the Service Authorization Reference (`s3:GetObject`) — except
 * where IAM_PREFIXES says otherwise (CloudWatch is signed as `monitoring`, its actions are
 * `cloudwatch:…`).
 */
export const GATEWAY_SERVICES = ['s3', 'sqs', 'sns', 'dynamodb', 'kms', 'lambda', 'secretsmanager', 'ssm', 'logs', 'ec2', 'monitoring'] as const;

export type GatewayService = (typeof GATEWAY_SERVICES)[number];

/** The model file of each service in models/protected/ (botocore data files). */
export const MODEL_FILES: Readonly<Record<GatewayService, string>> = {
  s3: 's3-2006-03-01.json',
  sqs: 'sqs-2012-11-05.json',
  sns: 'sns-2010-03-31.json',
  dynamodb: 'dynamodb-2012-08-10.json',
  kms: 'kms-2014-11-01.json',
  lambda: 'lambda-2015-03-31.json',
  secretsmanager: 'secretsmanager-2017-10-17.json',
  ssm: 'ssm-2014-11-06.json',
  logs: 'logs-2014-03-28.json',
  ec2: 'ec2-2016-11-15.json',
  monitoring: 'cloudwatch-2010-08-01.json',
};

/** The Service Authorization Reference prefix of a service whose signing name differs (CloudWatch: `monitoring` → `cloudwatch`). */
const IAM_PREFIXES: Readonly<Partial<Record<GatewayService, string>>> = {
  monitoring: 'cloudwatch',
};

/** The service's prefix in IAM actions and service condition keys (`cloudwatch:PutMetricData`). */
export function iamPrefix(service: GatewayService): string {
  return IAM_PREFIXES[service] ?? service;
}

export function isGatewayService(name: string): name is GatewayService {
  return (GATEWAY_SERVICES as readonly string[]).includes(name);
}
