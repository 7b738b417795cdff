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
export const tooManyTrails = () => serviceError('cloudtrail', 'MaximumNumberOfTrailsExceededException', 'User already has 5 trails in this region.');
export const unsupportedFeature = (what: string) => serviceError('cloudtrail', 'UnsupportedOperationException', `Tessera does not support ${what} on trails.`);
export const invalidParameter = (message: string) => serviceError('cloudtrail', 'InvalidParameterException', message);
export const invalidEventSelectors = (message: string) => serviceError('cloudtrail', 'InvalidEventSelectorsException', message);
export const invalidParameterCombination = (message: string) => serviceError('cloudtrail', 'InvalidParameterCombinationException', message);
