import { serviceError } from '../../protocol/errors.ts';

/**
 * The simulator's error texts. MalformedPolicyDocument carries the policy engine's
 * validation message, which is AWS's wording where AWS's is known (see
 * src/policy/messages.ts). AWS does not document the simulator's own InvalidInput texts and
 * none are quoted in public reports, so those below are best efforts.
 */

export function malformedPolicy(message: string) {
  return serviceError('iam', 'MalformedPolicyDocument', message);
}

/** Best effort. */
export function invalidContextValue(keyName: string, type: string, value: string) {
  return serviceError('iam', 'InvalidInput', `Invalid value ${JSON.stringify(value)} for context key ${keyName} of type ${type}.`);
}

/** Best effort. */
export function singleContextValueExpected(keyName: string, type: string) {
  return serviceError('iam', 'InvalidInput', `Context key ${keyName} of type ${type} takes exactly one value; use ${type}List for several.`);
}

/** Best effort. */
export function missingContextKeyName() {
  return serviceError('iam', 'InvalidInput', 'Every context entry must have a ContextKeyName.');
}

/** Best effort; AWS documents that only IAM user ARNs may be given as CallerArn. */
export function callerNotUser(callerArn: string) {
  return serviceError('iam', 'InvalidInput', `Invalid CallerArn ${callerArn}: only the ARN of an IAM user may be the simulated caller.`);
}

/** Best effort; AWS documents that a resource policy needs a caller for its Principal element. */
export function callerRequired() {
  return serviceError('iam', 'InvalidInput', 'CallerArn is required when a ResourcePolicy is given, so that its Principal element has a caller to match.');
}

/** Best effort; AWS documents the form arn:aws:iam::<account-id>:root. */
export function invalidResourceOwner(resourceOwner: string) {
  return serviceError('iam', 'InvalidInput', `Invalid ResourceOwner ${resourceOwner}: expected an account ARN such as arn:aws:iam::123456789012:root.`);
}

/** Best effort; AWS documents that only one permissions boundary may be given. */
export function oneBoundaryOnly() {
  return serviceError('iam', 'InvalidInput', 'PermissionsBoundaryPolicyInputList may contain only one policy.');
}

/** Best effort; AWS documents that action names need a service prefix and take no wildcards. */
export function invalidActionName(action: string) {
  return serviceError('iam', 'InvalidInput', `Invalid action name ${action}: use service:Action, without wildcards.`);
}

/**
 * AWS's text, as recorded for an assumed-role session ARN given as PolicySourceArn
 * (aws-containers/amazon-ecs-exec-checker PR #10): "Invalid Entity Arn:
 * arn:aws:sts::<account>:assumed-role/<role>/<session> does not clearly define entity type and name."
 */
export function invalidPolicySourceArn(arn: string) {
  return serviceError('iam', 'InvalidInput', `Invalid Entity Arn: ${arn} does not clearly define entity type and name.`);
}

/**
 * AWS's text, as recorded for a KMS key ID given in ResourceArns
 * (aws-containers/amazon-ecs-exec-checker issue #35): "ResourceNames are not in a valid ARN
 * format: 14a050d4-021e-4efe-84bb-0871bf6d0fda." Several invalid names are listed comma-separated
 * (best effort: only the one-name form is recorded).
 */
export function invalidResourceNames(names: readonly string[]) {
  return serviceError('iam', 'InvalidInput', `ResourceNames are not in a valid ARN format: ${names.join(', ')}.`);
}

/** Best effort; AWS documents which resources each EC2 scenario requires. */
export function unknownResourceHandlingOption(option: string) {
  return serviceError('iam', 'InvalidInput', `Invalid ResourceHandlingOption ${option}.`);
}

/** Best effort. */
export function scenarioResourceMissing(option: string, resourceType: string) {
  return serviceError('iam', 'InvalidInput', `ResourceHandlingOption ${option} requires a ${resourceType} resource in ResourceArns.`);
}
