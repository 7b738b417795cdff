import { RCP_SERVICES } from '../authz/organization-policies.ts';
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
 *   RCP       the elements AWS's RCP syntax lists and no others: "Version": "2012-10-17"
 *             (every RCP must name it), "Principal": "*" in every statement (the string, not
 *             {"AWS": "*"}: principals are narrowed with conditions), Deny only (Allow is
 *             reserved for AWS's RCPFullAWSAccess), no NotPrincipal or NotAction, and actions
 *             only of the services RCPs apply to ("*" or "<service>:…"; a wildcard in the
 *             service part could name others, so it is refused)
 *
 * Anything else wrong → MalformedPolicyDocumentException: AWS's sentence, followed by the
 * reason (the engine's, the same texts IAM answers for the same mistakes, or the RCP rule).
 */
export const POLICY_CONTENT_LIMIT = 5120;

export function assertValidPolicyContent(type: GuardrailPolicyType, content: string): void {
  if ([...content].length > POLICY_CONTENT_LIMIT) {
    throw constraint('POLICY_CONTENT_LIMIT_EXCEEDED', `You provided a policy document that is larger than the maximum size of ${POLICY_CONTENT_LIMIT} characters.`);
  }
  const kind = type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp';
  // The elements RCPs do not support are named before the engine's grammar, which would
  // otherwise answer a NotPrincipal statement with its missing Principal.
  const statements = kind === 'rcp' ? statementsOf(content) : undefined;
  if (statements) assertRcpElements(statements);
  const problem = validatePolicy(content, kind).find((d) => d.severity === 'error');
  if (problem) throw malformedPolicy(problem.message);
  if (statements) assertRcpStatements(content, statements);
}

type Statement = Record<string, unknown>;

/** The statements of a document that parses as JSON; undefined when it does not (the engine says why). */
function statementsOf(content: string): Statement[] | undefined {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null) return undefined;
  const raw = (document as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((s): s is Statement => typeof s === 'object' && s !== null && !Array.isArray(s));
}

function assertRcpElements(statements: Statement[]): void {
  for (const statement of statements) {
    if (Object.hasOwn(statement, 'NotPrincipal')) throw malformedPolicy('Resource control policies do not support NotPrincipal.');
    if (Object.hasOwn(statement, 'NotAction')) throw malformedPolicy('Resource control policies do not support NotAction.');
  }
}

function assertRcpStatements(content: string, statements: Statement[]): void {
  if ((JSON.parse(content) as { Version?: unknown }).Version !== '2012-10-17') {
    throw malformedPolicy('Resource control policies must specify "Version": "2012-10-17".');
  }
  for (const statement of statements) {
    if (statement['Effect'] === 'Allow') throw malformedPolicy('The effect of Allow is only supported for the RCPFullAWSAccess policy.');
    if (statement['Principal'] !== '*') throw malformedPolicy('Resource control policies must specify "Principal": "*".');
    const actions = Array.isArray(statement['Action']) ? statement['Action'] : [statement['Action']];
    for (const action of actions) {
      if (typeof action !== 'string' || action === '*') continue;
      const service = action.slice(0, Math.max(action.indexOf(':'), 0)).toLowerCase();
      if (!RCP_SERVICES.has(service)) {
        throw malformedPolicy(`Resource control policies do not support the action ${action}: they apply to ${[...RCP_SERVICES].join(', ')}.`);
      }
    }
  }
}
