import { declarer, type DeclarationTable } from '../operations/declaration.ts';
import { withBoundPageTokens } from '../operations/page-tokens.ts';
import type { Operations } from '../protocol/generated/organizations.ts';
import { invalidInput } from './errors.ts';
import { accountHandlers } from './accounts.ts';
import { organizationsTargets } from './authorization.ts';
import { handshakeHandlers } from './handshakes.ts';
import { organizationHandlers } from './organization.ts';
import { policyHandlers } from './policies.ts';
import { serviceAccessHandlers } from './service-access.ts';
import { delegatedAdministratorHandlers } from './delegated-administrators.ts';
import { effectivePolicyHandlers } from './effective-policy.ts';
import { tagHandlers } from './tags.ts';
import { unitHandlers } from './units.ts';
import { resourcePolicyHandlers } from './resource-policy.ts';
import { unsupportedHandlers } from './unsupported.ts';
import { refusingNul } from './text-input.ts';

export { organizationPolicySource, accountGuardrails } from './guardrail-source.ts';
export { organizationMembership } from './service-access.ts';

const declareOrganizations = declarer<Operations>('organizations');

/**
 * Every Organizations operation of the model, one declaration each; those that only make sense
 * inside AWS refuse with a documented error (unsupported.ts). Their writes move the organizations epoch themselves (epoch.ts), in
 * their own transactions — the account-level IAM epoch the pipeline moves for IAM writes is
 * not the one organizations' state is cached by. A U+0000 in any input text is refused before a
 * handler runs (text-input.ts).
 */
export const organizationsOperations: readonly DeclarationTable[] = [
  withBoundPageTokens(declareOrganizations(refusingNul({
    ...organizationHandlers,
    ...accountHandlers,
    ...handshakeHandlers,
    ...unitHandlers,
    ...policyHandlers,
    ...tagHandlers,
    ...serviceAccessHandlers,
    ...delegatedAdministratorHandlers,
    ...effectivePolicyHandlers,
    ...resourcePolicyHandlers,
    ...unsupportedHandlers,
  }), organizationsTargets), {
    // Each NextToken is bound to the operation and parameters that issued it (operations/page-tokens.ts).
    tokenMember: 'NextToken',
    pageSizeMember: 'MaxResults',
    refuse: () => invalidInput('INVALID_NEXT_TOKEN', 'The provided NextToken is not valid.'),
  }),
];
