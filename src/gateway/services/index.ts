import { withRequestConditionKeys } from './request-condition-keys.ts';
import type { ServiceRules } from '../rules.ts';
import type { GatewayService } from '../services.ts';
import { CLOUDWATCH_RULES } from './cloudwatch.ts';
import { DYNAMODB_RULES } from './dynamodb.ts';
import { EC2_RULES } from './ec2.ts';
import { KMS_RULES } from './kms.ts';
import { LAMBDA_RULES } from './lambda.ts';
import { LOGS_RULES } from './logs.ts';
import { S3_RULES } from './s3.ts';
import { SECRETSMANAGER_RULES } from './secretsmanager.ts';
import { SNS_RULES } from './sns.ts';
import { SQS_RULES } from './sqs.ts';
import { SSM_RULES } from './ssm.ts';

// Keys whose value the request gives under another member's name: request-condition-keys.ts.
export const SERVICE_RULES: Readonly<Record<GatewayService, ServiceRules>> = withRequestConditionKeys({
  s3: S3_RULES,
  sqs: SQS_RULES,
  sns: SNS_RULES,
  dynamodb: DYNAMODB_RULES,
  kms: KMS_RULES,
  lambda: LAMBDA_RULES,
  secretsmanager: SECRETSMANAGER_RULES,
  ssm: SSM_RULES,
  logs: LOGS_RULES,
  ec2: EC2_RULES,
  monitoring: CLOUDWATCH_RULES,
});
