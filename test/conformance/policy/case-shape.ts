// The shape of one policy-evaluation conformance case (documented in case.schema.json), and a
// checker that also cross-checks the expectation against the scenario: every deciding entry must
// name a policy present in the scenario, of the right kind, and a statement of the right effect.
// That catches authoring slips (a wrong index, a renamed policy) before they pass for engine bugs.

export const DECISIONS = ['Allowed', 'ExplicitDeny', 'ImplicitDeny'] as const;
export type ExpectedDecision = (typeof DECISIONS)[number];

export const DECIDING_KINDS = ['identity', 'resource', 'boundary', 'session', 'scp', 'rcp'] as const;
export type ExpectedDecidingKind = (typeof DECIDING_KINDS)[number];

export interface ExpectedDeciding {
  readonly policyKind: ExpectedDecidingKind;
  readonly policy: string;
  readonly statementIndex: number;
}

export interface EvaluationCase {
  readonly name: string;
  readonly source: string;
  readonly note?: string;
  readonly scenario: Readonly<Record<string, unknown>>;
  readonly expect: {
    readonly decision: ExpectedDecision;
    readonly deciding: readonly ExpectedDeciding[];
    readonly reason?: string;
  };
}

export interface CheckedCase<T> {
  readonly value?: T;
  readonly problems: readonly string[];
}

/** An AWS documentation page with a fragment naming the section the case encodes. */
export const AWS_DOC_URL = /^https:\/\/docs\.aws\.amazon\.com\/[^\s#]+#[^\s#]+$/;

const CASE_KEYS = new Set(['name', 'source', 'note', 'scenario', 'expect']);
const SCENARIO_KEYS = new Set(['request', 'identityPolicies', 'resourcePolicy', 'resourcePolicyKind', 'permissionsBoundary', 'sessionPolicy', 'scps', 'rcps']);
const REQUEST_KEYS = new Set(['principal', 'principalTags', 'uniqueId', 'action', 'resource', 'resourceAccount', 'context']);
const EXPECT_KEYS = new Set(['decision', 'deciding', 'reason']);
const DECIDING_KEYS = new Set(['policyKind', 'policy', 'statementIndex']);

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function unknownKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): string[] {
  return Object.keys(value).filter((key) => !allowed.has(key)).map((key) => `${where}: unknown field "${key}"`);
}

interface PolicyInfo {
  readonly kind: ExpectedDecidingKind;
  readonly statements: readonly unknown[];
}

export function checkEvaluationCase(value: unknown): CheckedCase<EvaluationCase> {
  const problems: string[] = [];
  if (!isRecord(value)) return { problems: ['a case must be a JSON object'] };
  problems.push(...unknownKeys(value, CASE_KEYS, 'case'));
  if (typeof value.name !== 'string' || value.name.trim() === '') problems.push('name must be a non-empty string');
  if (typeof value.source !== 'string' || !AWS_DOC_URL.test(value.source)) {
    problems.push('source must be an https://docs.aws.amazon.com/... URL with a #fragment');
  }
  if (value.note !== undefined && typeof value.note !== 'string') problems.push('note must be a string');

  const policies = new Map<string, PolicyInfo>();
  if (!isRecord(value.scenario)) {
    problems.push('scenario must be an object');
  } else {
    problems.push(...checkScenario(value.scenario, policies));
  }
  if (!isRecord(value.expect)) {
    problems.push('expect must be an object');
  } else {
    problems.push(...checkExpect(value.expect, policies));
  }
  return problems.length === 0 ? { value: value as unknown as EvaluationCase, problems } : { problems };
}

function checkScenario(scenario: Record<string, unknown>, policies: Map<string, PolicyInfo>): string[] {
  const problems = unknownKeys(scenario, SCENARIO_KEYS, 'scenario');
  if (scenario.resourcePolicyKind !== undefined && scenario.resourcePolicyKind !== 'resource' && scenario.resourcePolicyKind !== 'trust') {
    problems.push('scenario.resourcePolicyKind must be "resource" or "trust"');
  }
  const request = scenario.request;
  if (!isRecord(request)) {
    problems.push('scenario.request must be an object');
  } else {
    problems.push(...unknownKeys(request, REQUEST_KEYS, 'scenario.request'));
    if (typeof request.principal !== 'string' || request.principal === '') problems.push('scenario.request.principal must be a non-empty string');
    if (typeof request.action !== 'string' || !request.action.includes(':')) problems.push('scenario.request.action must be "service:Action"');
    if (request.resource !== undefined && typeof request.resource !== 'string') problems.push('scenario.request.resource must be a string');
    if (request.resourceAccount !== undefined && (typeof request.resourceAccount !== 'string' || !/^\d{12}$/.test(request.resourceAccount))) {
      problems.push('scenario.request.resourceAccount must be a 12-digit account ID');
    }
    if (request.principalTags !== undefined && !(isRecord(request.principalTags) && Object.values(request.principalTags).every((v) => typeof v === 'string'))) {
      problems.push('scenario.request.principalTags must map tag keys to strings');
    }
    if (request.context !== undefined) {
      const valid = isRecord(request.context) && Object.values(request.context).every(
        (v) => typeof v === 'string' || (Array.isArray(v) && v.every((item) => typeof item === 'string')));
      if (!valid) problems.push('scenario.request.context must map keys to a string or an array of strings');
    }
  }

  const add = (name: string, kind: ExpectedDecidingKind, entry: unknown, where: string): void => {
    const read = readPolicy(entry, name, where);
    if ('problem' in read) {
      problems.push(read.problem);
      return;
    }
    if (policies.has(read.name)) problems.push(`${where}: policy name "${read.name}" is used twice`);
    policies.set(read.name, { kind, statements: read.statements });
  };
  if (scenario.identityPolicies !== undefined) {
    if (!Array.isArray(scenario.identityPolicies)) problems.push('scenario.identityPolicies must be an array');
    else scenario.identityPolicies.forEach((p: unknown, i) => add(`identityPolicies[${i}]`, 'identity', p, `scenario.identityPolicies[${i}]`));
  }
  if (scenario.resourcePolicy !== undefined) add('resourcePolicy', 'resource', scenario.resourcePolicy, 'scenario.resourcePolicy');
  if (scenario.permissionsBoundary !== undefined) add('permissionsBoundary', 'boundary', scenario.permissionsBoundary, 'scenario.permissionsBoundary');
  if (scenario.sessionPolicy !== undefined) add('sessionPolicy', 'session', scenario.sessionPolicy, 'scenario.sessionPolicy');
  for (const kind of ['scps', 'rcps'] as const) {
    const levels = scenario[kind];
    if (levels === undefined) continue;
    if (!Array.isArray(levels) || levels.some((level) => !Array.isArray(level) || level.length === 0)) {
      problems.push(`scenario.${kind} must be an array of non-empty arrays (one per level)`);
      continue;
    }
    levels.forEach((level: unknown[], l) => level.forEach((p, i) =>
      add(`${kind}[${l}][${i}]`, kind === 'scps' ? 'scp' : 'rcp', p, `scenario.${kind}[${l}][${i}]`)));
  }
  return problems;
}

const INVALID_TEXT = Symbol('invalid JSON text');
const parseDocumentText = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_TEXT;
  }
};

/** A POLICY is a document object, or { name, document } where document is an object or JSON text. */
function readPolicy(entry: unknown, positionalName: string, where: string): { name: string; statements: unknown[] } | { problem: string } {
  let name = positionalName;
  let document: unknown = entry;
  if (isRecord(entry) && 'document' in entry) {
    const extra = Object.keys(entry).filter((key) => key !== 'name' && key !== 'document');
    if (extra.length > 0) return { problem: `${where}: a named policy has only "name" and "document", not ${extra.join(', ')}` };
    if (typeof entry.name !== 'string' || entry.name === '') return { problem: `${where}.name must be a non-empty string` };
    name = entry.name;
    document = entry.document;
    // Only a named policy may carry its document as JSON text.
    if (typeof document === 'string') document = parseDocumentText(document);
  }
  if (document === INVALID_TEXT) {
    return { problem: `${where}: document text is not JSON (the corpus only holds valid policies)` };
  }
  if (!isRecord(document)) return { problem: `${where}: a policy document must be an object` };
  const statement = document.Statement;
  const statements = Array.isArray(statement) ? statement : isRecord(statement) ? [statement] : undefined;
  if (statements === undefined) return { problem: `${where}: a policy document needs a Statement` };
  return { name, statements };
}

function checkExpect(expect: Record<string, unknown>, policies: ReadonlyMap<string, PolicyInfo>): string[] {
  const problems = unknownKeys(expect, EXPECT_KEYS, 'expect');
  const decision = expect.decision;
  if (typeof decision !== 'string' || !(DECISIONS as readonly string[]).includes(decision)) {
    problems.push(`expect.decision must be one of ${DECISIONS.join(', ')}`);
  }
  if (expect.reason !== undefined && (typeof expect.reason !== 'string' || expect.reason === '')) problems.push('expect.reason must be a non-empty string');
  if (!Array.isArray(expect.deciding)) {
    problems.push('expect.deciding must be an array (possibly empty)');
    return problems;
  }
  const wantedEffect = decision === 'ExplicitDeny' ? 'Deny' : 'Allow';
  expect.deciding.forEach((ref: unknown, i) => {
    const where = `expect.deciding[${i}]`;
    if (!isRecord(ref)) {
      problems.push(`${where} must be an object`);
      return;
    }
    problems.push(...unknownKeys(ref, DECIDING_KEYS, where));
    const { policyKind, policy, statementIndex } = ref;
    if (typeof policyKind !== 'string' || !(DECIDING_KINDS as readonly string[]).includes(policyKind)) {
      problems.push(`${where}.policyKind must be one of ${DECIDING_KINDS.join(', ')}`);
    }
    if (typeof statementIndex !== 'number' || !Number.isInteger(statementIndex) || statementIndex < 0) {
      problems.push(`${where}.statementIndex must be a non-negative integer`);
      return;
    }
    if (typeof policy !== 'string') {
      problems.push(`${where}.policy must be a string`);
      return;
    }
    const info = policies.get(policy);
    if (info === undefined) {
      problems.push(`${where}: the scenario has no policy named "${policy}"`);
      return;
    }
    if (info.kind !== policyKind) problems.push(`${where}: "${policy}" is a ${info.kind} policy, not ${String(policyKind)}`);
    const statement = info.statements[statementIndex];
    if (!isRecord(statement)) {
      problems.push(`${where}: "${policy}" has no statement ${statementIndex}`);
    } else if (statement.Effect !== wantedEffect) {
      problems.push(`${where}: a ${String(decision)} decision is decided by ${wantedEffect} statements, but this one is ${String(statement.Effect)}`);
    }
  });
  return problems;
}

/** Deciding statements compared as a set of {policyKind, policy, statementIndex}. */
export function decidingKeys(deciding: readonly { policyKind: string; policy: string; statementIndex: number }[]): string[] {
  return [...new Set(deciding.map((d) => `${d.policyKind} ${d.policy} #${d.statementIndex}`))].sort();
}
