import { serviceError } from '../protocol/errors.ts';

/**
 * CloudTrail's errors, one factory each. AWS documents the codes; the texts it does not
 * publish are Tessera's best effort (README "CloudTrail").
 */
export const invalidNextToken = () => serviceError('cloudtrail', 'InvalidNextTokenException', 'Invalid NextToken.');
export const invalidLookupAttributes = (message: string) => serviceError('cloudtrail', 'InvalidLookupAttributesException', message);
export const invalidTimeRange = () => serviceError('cloudtrail', 'InvalidTimeRangeException', 'The start time must be before the end time.');
export const invalidEventCategory = () => serviceError('cloudtrail', 'InvalidEventCategoryException', 'The event category is not valid.');
export const trailNotFound = (arnOrName: string, accountId: string) =>
  serviceError('cloudtrail', 'TrailNotFoundException', `Unknown trail: ${arnOrName} for the user: ${accountId}`);
export const trailAlreadyExists = (arn: string, accountId: string) =>
  serviceError('cloudtrail', 'TrailAlreadyExistsException', `Trail ${arn} already exists for customer: ${accountId}`);
export const invalidTrailName = (message: string) => serviceError('cloudtrail', 'InvalidTrailNameException', message);
export const invalidBucketName = (bucket: string) => serviceError('cloudtrail', 'InvalidS3BucketNameException', `Bucket name is not valid: ${bucket}`);
export const bucketDoesNotExist = (bucket: string) => serviceError('cloudtrail', 'S3BucketDoesNotExistException', `S3 bucket ${bucket} does not exist.`);
export const insufficientBucketPolicy = (bucket: string) =>
  serviceError('cloudtrail', 'InsufficientS3BucketPolicyException', `Incorrect S3 bucket policy is detected for bucket: ${bucket}`);
export const invalidS3Prefix = () => serviceError('cloudtrail', 'InvalidS3PrefixException', 'S3 prefix is not valid.');
/** AWS's text, as CloudFormation reports it: "User: 123456789012 already has 5 trails in ap-southeast-2." */
export const tooManyTrails = (accountId: string, region: string, limit: number) =>
  serviceError('cloudtrail', 'MaximumNumberOfTrailsExceededException', `User: ${accountId} already has ${limit} trails in ${region}.`);
export const unsupportedFeature = (what: string) => serviceError('cloudtrail', 'UnsupportedOperationException', `Tessera does not support ${what} on trails.`);
export const invalidParameter = (message: string) => serviceError('cloudtrail', 'InvalidParameterException', message);
export const invalidEventSelectors = (message: string) => serviceError('cloudtrail', 'InvalidEventSelectorsException', message);
export const invalidParameterCombination = (message: string) => serviceError('cloudtrail', 'InvalidParameterCombinationException', message);
/** A value starting `arn:` that is not `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>` (or, for the tag operations, a name). */
export const invalidTrailArn = (value: string) =>
  serviceError('cloudtrail', 'CloudTrailARNInvalidException', `Invalid trail ARN: ${value}. The format of a trail ARN is arn:aws:cloudtrail:us-east-2:123456789012:trail/MyTrail.`);
/** AWS's text (as public reports of ListTags quote it) for a resource ARN of another account. */
export const otherAccountArn = (accountId: string) =>
  serviceError('cloudtrail', 'CloudTrailARNInvalidException', `AccountID in ARN is wrong, you can only access resources with AccountID ${accountId}.`);
export const resourceNotFound = (arn: string) => serviceError('cloudtrail', 'ResourceNotFoundException', `Resource not found: ${arn}`);
export const tagsLimitExceeded = (limit: number) =>
  serviceError('cloudtrail', 'TagsLimitExceededException', `The number of tags per trail has exceeded the permitted amount. Currently, the limit is ${limit}.`);
export const invalidTagParameter = (message: string) => serviceError('cloudtrail', 'InvalidTagParameterException', message);
/** ListTags' "The list has a limit of 20 ARNs": AWS documents the limit, not its answer; this is the model-constraint error AWS gives for a list too long. */
export const tooManyResourceIds = (limit: number) =>
  serviceError('cloudtrail', 'ValidationException', `1 validation error detected: Value at 'resourceIdList' failed to satisfy constraint: Member must have length less than or equal to ${limit}`);
