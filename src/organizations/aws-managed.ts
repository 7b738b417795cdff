import { awsManagedPolicyArn, type GuardrailPolicyType } from './records.ts';

/**
 * AWS's managed guardrail policies. Every organization shares them (their IDs and ARNs are
 * global, as on AWS); enabling a policy type attaches its full-access policy to the root and
 * to every OU and account, and every OU and account created or joined later gets it too, so
 * that a fresh organization allows what it allowed before.
 */
export interface AwsManagedGuardrail {
  id: string;
  name: string;
  type: GuardrailPolicyType;
  arn: string;
  description: string;
  content: string;
}

export const FULL_AWS_ACCESS: AwsManagedGuardrail = {
  id: 'p-FullAWSAccess',
  name: 'FullAWSAccess',
  type: 'SERVICE_CONTROL_POLICY',
  arn: awsManagedPolicyArn('SERVICE_CONTROL_POLICY', 'p-FullAWSAccess'),
  description: 'Allows access to every operation',
  content: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]\n}',
};

export const RCP_FULL_AWS_ACCESS: AwsManagedGuardrail = {
  id: 'p-RCPFullAWSAccess',
  name: 'RCPFullAWSAccess',
  type: 'RESOURCE_CONTROL_POLICY',
  arn: awsManagedPolicyArn('RESOURCE_CONTROL_POLICY', 'p-RCPFullAWSAccess'),
  description: 'Allows access to every operation',
  content: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": "*",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]\n}',
};

const BY_ID: ReadonlyMap<string, AwsManagedGuardrail> = new Map([FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS].map((p) => [p.id, p]));

export function awsManagedGuardrail(id: string): AwsManagedGuardrail | undefined {
  return BY_ID.get(id);
}

export function fullAccessPolicyFor(type: GuardrailPolicyType): AwsManagedGuardrail {
  return type === 'SERVICE_CONTROL_POLICY' ? FULL_AWS_ACCESS : RCP_FULL_AWS_ACCESS;
}
