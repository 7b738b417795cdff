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
import { awsPrincipalValues, validatePolicy } from '../../policy/index.ts';
import { accountExists } from '../../iam/accounts.ts';
import type { Store } from '../../store/types.ts';
import { bindTrustPolicyPrincipals } from '../../iam/roles/trust-policy-principals.ts';
import { isPublicBucketPolicy } from '../../gateway/public-bucket-policy.ts';

type Fault = 'syntax' | 'action' | 'principal' | 'no-principal';

export async function checkWrittenPolicy(store: Store, service: GatewayService, text: string): Promise<GatewayFailure | undefined> {
  if (service === 'sqs' && text === '') return undefined;
  const fault = await faultOf(store, service, text);
  if (fault === undefined) return undefined;
  if (service === 'sqs') return { code: 'InvalidAttributeValue', message: 'Invalid value for the parameter Policy.', status: 400 };
  if (service === 'kms') {
    const message = fault === 'principal' ? 'Policy contains a statement with one or more invalid principals.'
      : fault === 'no-principal' ? 'Policy contains a statement with no principal.'
        : 'The request was rejected because the specified policy is not syntactically or semantically correct.';
    return { code: 'MalformedPolicyDocumentException', message, status: 400 };
  }
  if (service === 'secretsmanager') {
    const message = fault === 'principal' ? 'This resource policy contains an unsupported principal.' : 'This policy has invalid syntax.';
    return { code: 'MalformedPolicyDocumentException', message, status: 400 };
  }
  const message = fault === 'action' ? 'Invalid parameter: Policy statement action out of service scope!' : fault === 'principal' ? 'Invalid parameter: Policy Error: PrincipalNotFound' : 'Invalid parameter: Policy Error: null';
  // (SNS answers a statement with no principal as any other fault: "Policy Error: null".)
  return { code: 'InvalidParameter', message, status: 400 };
}

async function faultOf(store: Store, service: GatewayService, text: string): Promise<Fault | undefined> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return 'syntax';
  }
  // KMS names a statement without Principal or NotPrincipal on its own.
  if (statementsOf(document).some((statement) => !Object.hasOwn(statement, 'Principal') && !Object.hasOwn(statement, 'NotPrincipal'))) return 'no-principal';
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
  // SNS also resolves the accounts its policy names: an account no one holds is PrincipalNotFound.
  if (service === 'sns') {
    for (const value of awsPrincipalValues(text)) {
      const account = /^(\d{12})$/.exec(value)?.[1] ?? /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(value)?.[1];
      if (account !== undefined && !(await accountExists(store, account))) return 'principal';
    }
  }
  return undefined;
}

function statementsOf(document: unknown): Record<string, unknown>[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as Record<string, unknown>)['Statement'];
  const statements = Array.isArray(statement) ? statement : [statement];
  return statements.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !Array.isArray(item));
}

function actionsOf(document: unknown): string[] {
  const actions: string[] = [];
  for (const item of statementsOf(document)) {
    const value = item['Action'] ?? item['NotAction'];
    if (typeof value === 'string') actions.push(value);
    else if (Array.isArray(value)) actions.push(...value.filter((entry): entry is string => typeof entry === 'string'));
  }
  return actions;
}

/**
 * Secrets Manager's PutResourcePolicy with BlockPublicPolicy: a policy that grants broad access
 * (a wildcard principal not fixed by aws:SourceAccount, aws:SourceArn, aws:SourceVpc(e) or a
 * narrow aws:SourceIp — S3's test of a public policy, public-bucket-policy.ts) is refused with
 * PublicPolicyException (400), as Secrets Manager refuses it, and never stored.
 */
export function publicSecretPolicyRefusal(operation: string, body: Buffer | undefined, policy: string): GatewayFailure | undefined {
  if (operation !== 'PutResourcePolicy' || body === undefined) return undefined;
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const blocks = typeof input === 'object' && input !== null && (input as Record<string, unknown>)['BlockPublicPolicy'] === true;
  if (!blocks || !isPublicBucketPolicy(policy)) return undefined;
  return { code: 'PublicPolicyException', message: 'The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.', status: 400 };
}
