// Tag on create: a request that creates a resource and tags it in the same call is authorized
// for the tagging action too, on the new resource, with the request's tags as aws:RequestTag/…
// and aws:TagKeys — as each service documents it:
//
//   - SQS CreateQueue: "To be able to tag a queue on creation, you must have the sqs:CreateQueue
//     and sqs:TagQueue permissions." (Amazon SQS API Reference, CreateQueue)
//   - SNS CreateTopic: "To be able to tag a topic on creation, you must have the sns:CreateTopic
//     and sns:TagResource permissions." (Amazon SNS API Reference, CreateTopic)
//   - KMS CreateKey: "To use this parameter [Tags], you must have kms:TagResource permission in an
//     IAM policy." (AWS KMS API Reference, CreateKey) — the new key has no ARN yet, so the check
//     is on `*`, as KMS says: "the principal must have permission in an IAM policy that isn't
//     restricted to particular KMS keys" (KMS Developer Guide, "Controlling access to tags").
//   - Secrets Manager CreateSecret: "If you include tags in the secret, you also need
//     secretsmanager:TagResource." (AWS Secrets Manager API Reference, CreateSecret)
//   - Lambda CreateFunction: lambda:TagResource is needed "to call TagResource or perform a tag
//     on create" (Lambda Developer Guide, "Permissions required for working with tags").
//   - DynamoDB CreateTable: dynamodb:TagResource for the table's Tags.
//   - Systems Manager PutParameter: ssm:AddTagsToResource for its Tags (AWS CloudFormation User
//     Guide, AWS::SSM::Parameter: creating a tagged parameter needs ssm:PutParameter and
//     ssm:AddTagsToResource).
//   - CloudWatch Logs CreateLogGroup: "you must have either the logs:TagResource or
//     logs:TagLogGroup permission" (CloudWatch Logs API Reference, CreateLogGroup). Tessera asks
//     for logs:TagResource, the action AWS keeps (TagLogGroup "is on the path to deprecation"):
//     stricter where a policy grants only the deprecated one (docs/gateway-mapping.md).
//   - CloudWatch PutMetricAlarm, PutCompositeAlarm, PutInsightRule and PutMetricStream: to
//     associate tags with the new alarm, rule or stream "you must have the cloudwatch:TagResource
//     permission" (Amazon CloudWatch API Reference, each operation's Tags). PutDashboard and
//     PutAlarmMuteRule carry Tags too, and their documentation does not say: Tessera asks for
//     cloudwatch:TagResource there as well (stricter). Tags given to an existing alarm, rule or
//     stream are ignored by CloudWatch; Tessera cannot tell a new one from an existing one
//     without asking the upstream, so it asks for the tagging action either way (stricter).
//
// Secrets Manager and Lambda also decide the creating call's aws:ResourceTag/… on the tags the
// request gives the new resource: IAM User Guide, "IAM tutorial: Define permissions to access
// AWS resources based on tags" (a role allowed `secretsmanager:*` where aws:ResourceTag/
// access-project equals its own tag creates a secret carrying that tag, and not one carrying
// another); Lambda Developer Guide, "Secure your functions by tag", step 1 (lambda:CreateFunction
// and lambda:TagResource allowed where aws:RequestTag/project and aws:ResourceTag/project both
// equal the caller's tag). Other services are not documented to: a new queue, topic, key, table,
// parameter or log group has no resource tags yet (the stricter reading).

import { requestTags } from './conditions.ts';
import type { IdentifiedRequest } from './identify.ts';
import { iamPrefix, type GatewayService } from './services.ts';
import type { ConditionValue } from './types.ts';

interface TaggingOnCreate {
  /** The tagging action, without the service prefix. */
  readonly action: string;
  /** The request's tags are the resource's tags for the decision (aws:ResourceTag/…). */
  readonly resourceTagsFromRequest?: boolean;
}

export const TAG_ON_CREATE: Readonly<Partial<Record<GatewayService, Readonly<Record<string, TaggingOnCreate>>>>> = {
  sqs: { CreateQueue: { action: 'TagQueue' } },
  sns: { CreateTopic: { action: 'TagResource' } },
  kms: { CreateKey: { action: 'TagResource' } },
  secretsmanager: { CreateSecret: { action: 'TagResource', resourceTagsFromRequest: true } },
  lambda: { CreateFunction: { action: 'TagResource', resourceTagsFromRequest: true } },
  dynamodb: { CreateTable: { action: 'TagResource' } },
  ssm: { PutParameter: { action: 'AddTagsToResource' } },
  logs: { CreateLogGroup: { action: 'TagResource' } },
  monitoring: {
    PutMetricAlarm: { action: 'TagResource' },
    PutCompositeAlarm: { action: 'TagResource' },
    PutInsightRule: { action: 'TagResource' },
    PutMetricStream: { action: 'TagResource' },
    PutDashboard: { action: 'TagResource' },
    PutAlarmMuteRule: { action: 'TagResource' },
  },
};

export interface TagOnCreateCheck {
  /** The tagging action to check beside the main one, without the service prefix. */
  readonly action: string;
  /** Condition keys for both checks: the new resource's tags, where the service decides on them. */
  readonly resourceContext?: Readonly<Record<string, ConditionValue>>;
}

/** The tagging check a creating request needs; undefined when it carries no tag. */
export function tagOnCreate(service: GatewayService, operation: string, request: IdentifiedRequest): TagOnCreateCheck | undefined {
  const rule = TAG_ON_CREATE[service]?.[operation];
  if (rule === undefined) return undefined;
  const tags = requestTags(request.input);
  if (tags.keys.length === 0) return undefined;
  if (!rule.resourceTagsFromRequest) return { action: rule.action };
  const resourceContext: Record<string, ConditionValue> = {};
  for (const [key, value] of tags.pairs) {
    resourceContext[`aws:ResourceTag/${key}`] = value;
    resourceContext[`${iamPrefix(service)}:ResourceTag/${key}`] = value;
  }
  return { action: rule.action, resourceContext };
}
