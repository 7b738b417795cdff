import type { DeclarationTable } from '../operations/declaration.ts';
import { declareIam } from './declare.ts';
import { accessKeyHandlers } from './access-keys.ts';
import { userHandlers } from './users.ts';
import { userTargets } from './user-authorization.ts';
import { handlers as groups } from './groups/handlers.ts';
import { targets as groupTargets } from './groups/authorization.ts';
import { handlers as roles } from './roles/handlers.ts';
import { targets as roleTargets } from './roles/authorization.ts';
import { handlers as policies } from './policies/handlers.ts';
import { targets as policyTargets } from './policies/authorization.ts';
import { handlers as credentials } from './credentials/handlers.ts';
import { targets as credentialTargets } from './credentials/authorization.ts';
import { handlers as account } from './account/handlers.ts';
import { targets as accountTargets } from './account/authorization.ts';
import { handlers as certificates } from './certificates/handlers.ts';
import { targets as certificateTargets } from './certificates/authorization.ts';
import { handlers as providers } from './providers/handlers.ts';
import { targets as providerTargets } from './providers/authorization.ts';
import { handlers as reports } from './reports/handlers.ts';
import { targets as reportTargets } from './reports/authorization.ts';
import { handlers as simulator } from './simulator/handlers.ts';
import { targets as simulatorTargets } from './simulator/authorization.ts';
import { handlers as rootAccess } from './root-access/handlers.ts';
import { targets as rootAccessTargets } from './root-access/authorization.ts';
import { handlers as outboundFederation } from './outbound-federation/handlers.ts';
import { targets as outboundFederationTargets } from './outbound-federation/authorization.ts';

export { iamPolicySource } from './authorization/policy-source.ts';

/**
 * Every IAM operation Tessera implements, one declaration each: module by module, its
 * handlers with their authorization targets (a handler without a target does not type-check,
 * and the registry refuses it at start). The model's other operations answer NotImplemented.
 */
export const iamOperations: readonly DeclarationTable[] = [
  declareIam({ ...userHandlers, ...accessKeyHandlers }, userTargets),
  declareIam(groups, groupTargets),
  declareIam(roles, roleTargets),
  declareIam(policies, policyTargets),
  declareIam(credentials, credentialTargets),
  declareIam(account, accountTargets),
  declareIam(certificates, certificateTargets),
  declareIam(providers, providerTargets),
  declareIam(reports, reportTargets),
  declareIam(simulator, simulatorTargets),
  declareIam(rootAccess, rootAccessTargets),
  declareIam(outboundFederation, outboundFederationTargets),
];
