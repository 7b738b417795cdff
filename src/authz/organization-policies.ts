import type { CompiledPolicy, ContextValue } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';

/**
 * AWS Organizations' part of every decision: the SCPs of the caller's account, the RCPs of
 * the resource's account, and the organization condition keys — from an injected source
 * (organizations/guardrail-source.ts), so authz/ sees compiled policies and facts only,
 * never Organizations' records.
 *
 *   SCPs   apply to every principal of a member account, its root user included: one level
 *          per node from the root through each OU to the account. The management account
 *          and service-linked roles are exempt, as on AWS.
 *   RCPs   apply to requests for resources of a member account (not the management
 *          account's) of the services AWS enforces RCPs for — STS among Tessera's own, so
 *          AssumeRole into a member's role meets them; IAM is not one. Service-linked roles
 *          are exempt.
 *   keys   aws:PrincipalOrgID and aws:PrincipalOrgPaths when the caller's account is in an
 *          organization; aws:ResourceOrgID and aws:ResourceOrgPaths when the resource's
 *          account is (aws:ResourceAccount the engine derives from the resource).
 *   closed a closed (suspended) account's credentials are not accepted at all.
 *
 * Freshness: the source's epoch moves with every write of organizations state, in the same
 * transaction; each request reads it once, and what was computed at another epoch is thrown
 * away. So a change applies to the next request on every node, and a request costs one read
 * while nothing changes.
 */
export interface AccountGuardrails {
  orgId: string;
  /** The account's entity path to its parent: `o-…/r-…/ou-…/…/`. */
  orgPath: string;
  /** The organization's management account (exempt from SCPs; its resources from RCPs). */
  management: boolean;
  /** Closed by CloseAccount (SUSPENDED). */
  closed: boolean;
  /** SCP levels, root first; undefined when SCPs are not enabled. */
  scps?: readonly (readonly CompiledPolicy[])[];
  /** RCP levels, root first; undefined when RCPs are not enabled. */
  rcps?: readonly (readonly CompiledPolicy[])[];
}

export interface OrganizationPolicySource {
  /** Moves with every write of organizations state, in the same transaction. */
  epoch(): number | Promise<number>;
  /** The account's place in its organization and its guardrails; undefined when it is in none. */
  account(accountId: string): Promise<AccountGuardrails | undefined>;
}

/** AWS's services whose requests RCPs govern (the RCP user guide's list), by action prefix. */
export const RCP_SERVICES: ReadonlySet<string> = new Set([
  's3', 'sts', 'kms', 'sqs', 'secretsmanager', 'cognito-identity', 'ecr', 'aoss', 'logs', 'dynamodb',
]);

const ACCOUNT_CALLERS: ReadonlySet<Principal['kind']> = new Set(['root', 'user', 'role-session', 'federated-user']);

/** Guardrails of the accounts a request involves, each read once per epoch and shared by every request. */
export class OrganizationGuardrails {
  readonly #source: OrganizationPolicySource;
  readonly #capacity: number;
  #epoch = -1;
  #accounts = new Map<string, Promise<AccountGuardrails | undefined>>();

  constructor(source: OrganizationPolicySource, capacity = 10_000) {
    this.#source = source;
    this.#capacity = capacity;
  }

  /** A view at the current epoch (one read), for the checks of one request. */
  async current(): Promise<GuardrailView> {
    const epoch = await this.#source.epoch();
    if (epoch !== this.#epoch) {
      this.#epoch = epoch;
      this.#accounts = new Map();
    }
    const accounts = this.#accounts;
    return {
      account: (accountId) => {
        let found = accounts.get(accountId);
        if (!found) {
          if (accounts.size >= this.#capacity) accounts.delete(accounts.keys().next().value!);
          found = this.#source.account(accountId);
          // A failed read is not kept: the next request tries again.
          found.catch(() => accounts.delete(accountId));
          accounts.set(accountId, found);
        }
        return found;
      },
    };
  }
}

export interface GuardrailView {
  account(accountId: string): Promise<AccountGuardrails | undefined>;
}

/** What Organizations adds to one check of a request. */
export interface CheckGuardrails {
  scps?: readonly (readonly CompiledPolicy[])[];
  rcps?: readonly (readonly CompiledPolicy[])[];
  context: Record<string, ContextValue>;
}

export interface RequestGuardrails {
  /** The caller's account is closed: its credentials are refused. */
  closed: boolean;
  /** Per check, in the checks' order. */
  checks: CheckGuardrails[];
  /** Some check has SCPs or RCPs to evaluate (the root user's shortcut then does not apply). */
  apply: boolean;
}

const NONE: RequestGuardrails = { closed: false, checks: [], apply: false };

export async function requestGuardrails(
  guardrails: OrganizationGuardrails | undefined,
  principal: Principal,
  checks: ReadonlyArray<{ action: string; resource: string; resourceAccount?: string; awsOwned?: true }>,
): Promise<RequestGuardrails> {
  if (!guardrails) return { ...NONE, checks: checks.map(() => ({ context: {} })) };
  const view = await guardrails.current();
  const hasAccount = ACCOUNT_CALLERS.has(principal.kind) && principal.accountId !== '';
  const caller = hasAccount ? await view.account(principal.accountId) : undefined;
  const serviceLinked = isServiceLinkedRoleSession(principal);
  const callerContext: Record<string, ContextValue> = caller ? { 'aws:PrincipalOrgID': caller.orgId, 'aws:PrincipalOrgPaths': [caller.orgPath] } : {};
  const scps = caller && !caller.management && !serviceLinked ? caller.scps : undefined;

  let apply = false;
  const out: CheckGuardrails[] = [];
  for (const check of checks) {
    // An AWS-owned resource (an AWS managed policy, target.ts) belongs to an account outside
    // every organization: no aws:ResourceOrgID / aws:ResourceOrgPaths, and no RCP of the
    // caller's organization governs it. The caller's SCPs still apply.
    const resourceAccount = check.awsOwned ? undefined : check.resourceAccount ?? accountOfArn(check.resource) ?? (hasAccount ? principal.accountId : undefined);
    const owner = resourceAccount === undefined ? undefined : resourceAccount === principal.accountId ? caller : await view.account(resourceAccount);
    const context: Record<string, ContextValue> = { ...callerContext };
    if (owner) {
      context['aws:ResourceOrgID'] = owner.orgId;
      context['aws:ResourceOrgPaths'] = [owner.orgPath];
    }
    // RCPs govern requests for a resource, not resource-less calls ("*"). The resource's account
    // is its ARN's or, for ARNs that name none (an S3 bucket or object), the owner the caller
    // of the decision looked up (the gateway's resourceAccount).
    const onResource = check.resource !== '*' && (accountOfArn(check.resource) !== undefined || check.resourceAccount !== undefined);
    const rcps = onResource && owner && !owner.management && !serviceLinked && RCP_SERVICES.has(serviceOf(check.action)) ? owner.rcps : undefined;
    if (scps || rcps) apply = true;
    out.push({ ...(scps ? { scps } : {}), ...(rcps ? { rcps } : {}), context });
  }
  return { closed: caller?.closed === true, checks: out, apply };
}

/**
 * A service-linked role's session: its role lives under /aws-service-role/ — the resource part
 * of the role ARN begins `role/aws-service-role/`, compared literally, as the protected-role
 * rule (service-rules.ts) compares it. Not a substring test: a path may hold `:` (printable
 * ASCII), and `/x:role/aws-service-role/` is an ordinary path CreateRole accepts, whose ARN
 * nevertheless contains `:role/aws-service-role/`. Only CreateServiceLinkedRole creates roles
 * under the prefix (CreateRole refuses it).
 */
function isServiceLinkedRoleSession(principal: Principal): boolean {
  if (principal.kind !== 'role-session') return false;
  return arnResource(principal.session?.role?.arn ?? '')?.startsWith('role/aws-service-role/') === true;
}

/** The resource part of an ARN (after its fifth colon), or undefined for a text with fewer fields. */
function arnResource(arn: string): string | undefined {
  let at = -1;
  for (let field = 0; field < 5; field++) {
    at = arn.indexOf(':', at + 1);
    if (at === -1) return undefined;
  }
  return arn.slice(at + 1);
}

function serviceOf(action: string): string {
  const colon = action.indexOf(':');
  return (colon === -1 ? action : action.slice(0, colon)).toLowerCase();
}

/** The 12-digit account of an ARN (its fifth field), if it names one. */
function accountOfArn(arn: string): string | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const account = arn.split(':', 5)[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}
