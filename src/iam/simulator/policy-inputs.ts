import { compilePolicyLenient, DIAGNOSTIC_CODES, validatePolicy } from '../../policy/index.ts';
import type { CompiledPolicy, PolicyKind } from '../../policy/index.ts';
import { malformedPolicy, oneBoundaryOnly } from './errors.ts';
import type { SourcedPolicy } from './simulation.ts';

/**
 * Policies given to the simulator as text: validated by the policy engine for their kind
 * (MalformedPolicyDocument with the engine's AWS wording for the first error), then
 * compiled. Size quotas are not applied: nothing is stored, and the API accepts documents
 * of up to 131,072 characters. AWS reports statements of these policies by their place in
 * the request (`PolicyInputList.1`, 1-based) and with the source type `none`, as they are
 * attached to no entity.
 */
export function compileInputList(texts: readonly string[] | undefined, listName: 'PolicyInputList' | 'PermissionsBoundaryPolicyInputList'): SourcedPolicy[] {
  const kind: PolicyKind = listName === 'PolicyInputList' ? 'identity' : 'boundary';
  if (kind === 'boundary' && (texts?.length ?? 0) > 1) throw oneBoundaryOnly();
  return (texts ?? []).map((text, i) => {
    const sourceId = `${listName}.${i + 1}`;
    return { policy: compileValid(text, kind, sourceId), sourceId, sourceType: 'none' };
  });
}

/**
 * The ResourcePolicy parameter. A role trust policy has no Resource element and so is not
 * a valid resource policy; when the text is a valid trust policy instead, it is simulated
 * as one (the resource is then the role, and the actions sts:AssumeRole*).
 */
export function compileResourcePolicy(text: string): SourcedPolicy {
  const asResource = validSimulationDiagnostics(text, 'resource');
  const kind: PolicyKind = asResource.length > 0 && validSimulationDiagnostics(text, 'trust').length === 0 ? 'trust' : 'resource';
  return { policy: compileValid(text, kind, 'ResourcePolicy'), sourceId: 'ResourcePolicy', sourceType: 'resource' };
}

/** Compiles a policy that must be valid, or fails with AWS's MalformedPolicyDocument. */
export function compileValid(text: string, kind: PolicyKind, name: string): CompiledPolicy {
  const errors = validSimulationDiagnostics(text, kind);
  if (errors.length > 0) throw malformedPolicy(errors[0]!.message);
  const { policy } = compilePolicyLenient(text, kind, name);
  // Unreachable: a document without errors always parses.
  if (policy === null) throw malformedPolicy('Syntax errors in policy.');
  return policy;
}

function validSimulationDiagnostics(text: string, kind: PolicyKind) {
  return validatePolicy(text, kind).filter((d) => d.severity === 'error' && d.code !== DIAGNOSTIC_CODES.policySize);
}
