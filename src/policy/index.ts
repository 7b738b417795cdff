// Tessera's policy engine: parse → validate → compile → evaluate → explain.
// A pure module: no I/O, no clock, no logging, no dependencies.

export type {
  CompiledPolicy,
  CompiledStatement,
  ContextScalar,
  ContextValue,
  Decision,
  DecisionDetails,
  DecisionKind,
  DecidingPolicyKind,
  DecidingStatement,
  Diagnostic,
  EvaluationPrincipal,
  EvaluationRequest,
  KindResult,
  PolicyKind,
  PolicySet,
  PolicyVersion,
  PrincipalKind,
  ResourceGrant,
  ValidateOptions,
} from './types.ts';
export { POLICY_KINDS } from './types.ts';

export { validatePolicy } from './validate.ts';
export { parseOperator } from './condition-operators.ts';
export { parseIpBlock } from './ip.ts';
export type { CompileResult } from './compile.ts';
export { compilePolicy, compilePolicyLenient, renamePolicy } from './compile.ts';
export { PolicyCache } from './policy-cache.ts';
export type { PolicyCacheStats } from './policy-cache.ts';
export { evaluate } from './evaluate.ts';
export { principalFromArn } from './principal-arn.ts';
export { awsPrincipalValues, replaceAwsPrincipalValues } from './principal-values.ts';
export type { ReadScenario, ScenarioResult } from './scenario.ts';
export { ScenarioError, evaluateScenario, readScenario } from './scenario.ts';
export { CODE as DIAGNOSTIC_CODES } from './messages.ts';
export { requiresResourcePolicy } from './service-rules.ts';
export type { WildcardPattern } from './wildcard.ts';
export { compileWildcard, matchWildcard } from './wildcard.ts';
