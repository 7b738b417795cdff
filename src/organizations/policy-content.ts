import { validatePolicy } from '../policy/index.ts';
import { constraint, malformedPolicy } from './errors.ts';
import type { GuardrailPolicyType } from './records.ts';

/**
 * The checks Organizations makes on an SCP's or RCP's content, before anything is stored:
 *
 *   size      5,120 characters, white space included (AWS: "All characters in your SCP/RCP
 *             count against its maximum size") → ConstraintViolationException
 *             POLICY_CONTENT_LIMIT_EXCEEDED
 *   SCP       the IAM policy grammar without Principal or NotPrincipal
 *   RCP       every statement names "Principal": "*", and is a Deny (Allow is reserved for
 *             AWS's RCPFullAWSAccess); NotPrincipal and NotAction are not supported
 *
 * Anything else wrong → MalformedPolicyDocumentException: AWS's sentence, followed by the
 * engine's reason (the same texts IAM answers for the same mistakes).
 */
export const POLICY_CONTENT_LIMIT = 5120;

export function assertValidPolicyContent(type: GuardrailPolicyType, content: string): void {
  if ([...content].length > POLICY_CONTENT_LIMIT) {
    throw constraint('POLICY_CONTENT_LIMIT_EXCEEDED', `You provided a policy document that is larger than the maximum size of ${POLICY_CONTENT_LIMIT} characters.`);
  }
  const kind = type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp';
  const problem = validatePolicy(content, kind).find((d) => d.severity === 'error');
  if (problem) throw malformedPolicy(problem.message);
  if (kind === 'rcp') assertRcpStatements(content);
}

function assertRcpStatements(content: string): void {
  const document = JSON.parse(content) as { Statement?: unknown };
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  for (const statement of statements) {
    if (typeof statement !== 'object' || statement === null) continue;
    if (Object.hasOwn(statement, 'NotPrincipal')) throw malformedPolicy('Resource control policies do not support NotPrincipal.');
    if (Object.hasOwn(statement, 'NotAction')) throw malformedPolicy('Resource control policies do not support NotAction.');
    if ((statement as { Effect?: unknown }).Effect === 'Allow') throw malformedPolicy('The effect of Allow is only supported for the RCPFullAWSAccess policy.');
  }
}
