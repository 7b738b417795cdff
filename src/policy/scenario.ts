// Scenario files: a request plus the policies that apply to it, as JSON, evaluated in one
// call. The format is documented in docs/policy-engine.md and
// schemas/policy-scenario.schema.json.
//
// Policies in a scenario are compiled leniently: a document with validation errors is
// still evaluated as written (its diagnostics are reported in details.policyDiagnostics),
// because a scenario asks "what would AWS decide", not "would AWS accept this policy".
// Only a scenario that cannot be read at all raises ScenarioError.

import { compilePolicyLenient } from './compile.ts';
import { evaluate } from './evaluate.ts';
import { principalFromArn } from './principal-arn.ts';
import type {
  CompiledPolicy,
  ContextValue,
  Decision,
  DecisionDetails,
  Diagnostic,
  EvaluationPrincipal,
  EvaluationRequest,
  PolicyKind,
  PolicySet,
} from './types.ts';

export class ScenarioError extends Error {
  readonly code = 'ScenarioError';
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export interface ScenarioResult {
  decision: Decision['decision'];
  reason: string;
  deciding: Decision['deciding'];
  details: DecisionDetails & { policyDiagnostics: Record<string, Diagnostic[]> };
  missingContextKeys: string[];
}

/** Evaluates a parsed scenario file. Throws ScenarioError only for a malformed scenario. */
export function evaluateScenario(scenario: unknown): ScenarioResult {
  const { request, policies, policyDiagnostics } = readScenario(scenario);
  const decision = evaluate(request, policies);
  return {
    decision: decision.decision,
    reason: decision.reason,
    deciding: decision.deciding,
    details: { ...decision.details, policyDiagnostics },
    missingContextKeys: decision.missingContextKeys,
  };
}

export interface ReadScenario {
  request: EvaluationRequest;
  policies: PolicySet;
  policyDiagnostics: Record<string, Diagnostic[]>;
}

/** Top-level fields of a scenario (mirrored by schemas/policy-scenario.schema.json). */
export const SCENARIO_FIELDS: readonly string[] = [
  'request',
  'identityPolicies',
  'resourcePolicy',
  'resourcePolicyKind',
  'permissionsBoundary',
  'sessionPolicy',
  'scps',
  'rcps',
];

/** Fields of a scenario's request (mirrored by the schema). */
export const REQUEST_FIELDS: readonly string[] = [
  'principal',
  'principalTags',
  'userId',
  'uniqueId',
  'parentUserArn',
  'canonicalUserId',
  'action',
  'resource',
  'resourceAccount',
  'context',
];

// Free-text fields a scenario author may add anywhere without tripping the typo check.
const COMMENT_FIELDS = new Set(['$comment', 'comment', 'description', 'note']);

/** Turns a scenario into a request and a compiled policy set (exported for tools). */
export function readScenario(scenario: unknown): ReadScenario {
  const root = object(scenario, 'scenario');
  // A misspelled field ("identityPolicy") would otherwise drop policies silently and
  // turn an intended Allow into a confident ImplicitDeny.
  rejectUnknownFields(root, SCENARIO_FIELDS, 'scenario');
  const rawRequest = object(root['request'], 'request');
  rejectUnknownFields(rawRequest, REQUEST_FIELDS, 'request');
  const request = readRequest(rawRequest);
  const policyDiagnostics: Record<string, Diagnostic[]> = {};

  const compile = (raw: unknown, kind: PolicyKind, defaultName: string): CompiledPolicy => {
    const { name, document } = readPolicyEntry(raw, defaultName);
    const { policy, diagnostics } = compilePolicyLenient(document, kind, name);
    if (policy === null) throw new ScenarioError(`${defaultName}: the policy document is not a JSON object`);
    if (diagnostics.length > 0) policyDiagnostics[name] = diagnostics;
    return policy;
  };

  const policies: PolicySet = {};
  if (root['identityPolicies'] !== undefined) {
    policies.identity = array(root['identityPolicies'], 'identityPolicies').map((p, i) =>
      compile(p, 'identity', `identityPolicies[${i}]`),
    );
  }
  if (root['resourcePolicy'] !== undefined && root['resourcePolicy'] !== null) {
    const kindField = root['resourcePolicyKind'];
    if (kindField !== undefined && kindField !== 'resource' && kindField !== 'trust') {
      throw new ScenarioError('resourcePolicyKind must be "resource" or "trust"');
    }
    policies.resource = compile(root['resourcePolicy'], kindField === 'trust' ? 'trust' : 'resource', 'resourcePolicy');
  }
  if (root['permissionsBoundary'] !== undefined && root['permissionsBoundary'] !== null) {
    policies.boundary = compile(root['permissionsBoundary'], 'boundary', 'permissionsBoundary');
  }
  const session = root['sessionPolicy'];
  if (session !== undefined && session !== null) {
    policies.session = Array.isArray(session)
      ? session.map((p, i) => compile(p, 'session', `sessionPolicy[${i}]`))
      : [compile(session, 'session', 'sessionPolicy')];
  }
  for (const field of ['scps', 'rcps'] as const) {
    if (root[field] === undefined) continue;
    const levels = array(root[field], field).map((level, i) =>
      array(level, `${field}[${i}]`).map((p, j) => compile(p, field === 'scps' ? 'scp' : 'rcp', `${field}[${i}][${j}]`)),
    );
    if (field === 'scps') policies.scps = levels;
    else policies.rcps = levels;
  }
  return { request, policies, policyDiagnostics };
}

function readRequest(raw: Record<string, unknown>): EvaluationRequest {
  const principalText = raw['principal'];
  if (typeof principalText !== 'string') throw new ScenarioError('request.principal must be a string (an ARN, a service name, "*" or "anonymous")');
  const principal: EvaluationPrincipal | null = principalFromArn(principalText);
  if (principal === null) throw new ScenarioError(`request.principal "${principalText}" is not a principal ARN, a service name, "*" or "anonymous"`);

  const tags = raw['principalTags'];
  if (tags !== undefined) principal.tags = stringRecord(tags, 'request.principalTags');
  const userId = raw['userId'];
  if (userId !== undefined) principal.userId = string(userId, 'request.userId');
  const uniqueId = raw['uniqueId'];
  if (uniqueId !== undefined) principal.uniqueId = string(uniqueId, 'request.uniqueId');
  const parentUserArn = raw['parentUserArn'];
  if (parentUserArn !== undefined) principal.parentUserArn = string(parentUserArn, 'request.parentUserArn');
  const canonicalUserId = raw['canonicalUserId'];
  if (canonicalUserId !== undefined) principal.canonicalUserId = string(canonicalUserId, 'request.canonicalUserId');

  const action = raw['action'];
  if (typeof action !== 'string' || action === '') throw new ScenarioError('request.action must be a non-empty string');
  const request: EvaluationRequest = { principal, action };
  if (raw['resource'] !== undefined) request.resource = string(raw['resource'], 'request.resource');
  if (raw['resourceAccount'] !== undefined) request.resourceAccount = string(raw['resourceAccount'], 'request.resourceAccount');
  if (raw['context'] !== undefined) request.context = readContext(raw['context']);
  return request;
}

function readContext(raw: unknown): Record<string, ContextValue> {
  const obj = object(raw, 'request.context');
  const out: Record<string, ContextValue> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (isScalar(value)) out[key] = value;
    else if (Array.isArray(value) && value.every(isScalar)) out[key] = value;
    else throw new ScenarioError(`request.context["${key}"] must be a string or an array of strings`);
  }
  return out;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** A POLICY: a document object, or { "name": ..., "document": <object or JSON string> }. */
function readPolicyEntry(raw: unknown, defaultName: string): { name: string; document: string | object } {
  if (typeof raw === 'string') return { name: defaultName, document: raw };
  const obj = object(raw, defaultName);
  if (!Object.hasOwn(obj, 'document')) return { name: defaultName, document: obj };
  const name = obj['name'] === undefined ? defaultName : string(obj['name'], `${defaultName}.name`);
  const document = obj['document'];
  if (typeof document === 'string') return { name, document };
  return { name, document: object(document, `${defaultName}.document`) };
}

function rejectUnknownFields(obj: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key) && !COMMENT_FIELDS.has(key)) {
      throw new ScenarioError(`${what} has an unknown field "${key}" (expected one of: ${known.join(', ')})`);
    }
  }
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScenarioError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ScenarioError(`${what} must be an array`);
  return value;
}

function string(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new ScenarioError(`${what} must be a string`);
  return value;
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  const obj = object(value, what);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = string(v, `${what}["${k}"]`);
  return out;
}
