// A queue, topic, key or secret policy written through Tessera is validated before it is
// forwarded, as the service validates it, and refused in its words: SQS answers
// InvalidAttributeValue "Invalid value for the parameter Policy." for any fault; SNS answers
// InvalidParameter "Invalid parameter: Policy Error: null" (not a policy),
// "…Policy statement action out of service scope!" (another service's action) or
// "…Policy Error: PrincipalNotFound" (a user or role that does not exist); KMS answers
// MalformedPolicyDocumentException, "Policy contains a statement with one or more invalid
// principals." for a principal (its documented description of the error otherwise); Secrets
// Manager MalformedPolicyDocumentException "This policy has invalid syntax." (recorded AWS
// answers). A policy is checked as a resource policy by the engine, an SQS or SNS policy's
// actions must be the service's, and every IAM user and role it names must exist (as for trust
// policies). An empty SQS Policy removes the policy.

import type { GatewayFailure } from '../../gateway/errors.ts';
import type { GatewayService } from '../../gateway/index.ts';
import { validatePolicy } from '../../policy/index.ts';
import type { Store } from '../../store/types.ts';
import { bindTrustPolicyPrincipals } from '../../iam/roles/trust-policy-principals.ts';

type Fault = 'syntax' | 'action' | 'principal';

export async function checkWrittenPolicy(store: Store, service: GatewayService, text: string): Promise<GatewayFailure | undefined> {
  if (service === 'sqs' && text === '') return undefined;
  const fault = await faultOf(store, service, text);
  if (fault === undefined) return undefined;
  if (service === 'sqs') return { code: 'InvalidAttributeValue', message: 'Invalid value for the parameter Policy.', status: 400 };
  if (service === 'kms') {
    const message = fault === 'principal' ? 'Policy contains a statement with one or more invalid principals.' : 'The request was rejected because the specified policy is not syntactically or semantically correct.';
    return { code: 'MalformedPolicyDocumentException', message, status: 400 };
  }
  if (service === 'secretsmanager') {
    const message = fault === 'principal' ? 'This resource policy contains an unsupported principal.' : 'This policy has invalid syntax.';
    return { code: 'MalformedPolicyDocumentException', message, status: 400 };
  }
  const message = fault === 'action' ? 'Invalid parameter: Policy statement action out of service scope!' : fault === 'principal' ? 'Invalid parameter: Policy Error: PrincipalNotFound' : 'Invalid parameter: Policy Error: null';
  return { code: 'InvalidParameter', message, status: 400 };
}

async function faultOf(store: Store, service: GatewayService, text: string): Promise<Fault | undefined> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return 'syntax';
  }
  const errors = validatePolicy(text, 'resource').filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.some((error) => error.code === 'InvalidPrincipal')) return 'principal';
  if (errors.length > 0) return 'syntax';
  // SQS and SNS refuse another service's actions; what KMS and Secrets Manager do with them is
  // not recorded, so they are left to the decision (which never matches them).
  for (const action of service === 'sqs' || service === 'sns' ? actionsOf(document) : []) {
    if (action !== '*' && !action.toLowerCase().startsWith(`${service}:`)) return 'action';
  }
  try {
    await store.transaction((tx) => bindTrustPolicyPrincipals(tx, text));
  } catch {
    return 'principal';
  }
  return undefined;
}

function actionsOf(document: unknown): string[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as Record<string, unknown>)['Statement'];
  const statements = Array.isArray(statement) ? statement : [statement];
  const actions: string[] = [];
  for (const item of statements) {
    if (typeof item !== 'object' || item === null) continue;
    const value = (item as Record<string, unknown>)['Action'] ?? (item as Record<string, unknown>)['NotAction'];
    if (typeof value === 'string') actions.push(value);
    else if (Array.isArray(value)) actions.push(...value.filter((entry): entry is string => typeof entry === 'string'));
  }
  return actions;
}
