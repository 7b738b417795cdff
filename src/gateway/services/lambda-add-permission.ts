// Lambda's AddPermission writes a statement into the function's policy from its own members, not
// from a document, so the written-policy check (server/gateway/policy-writes.ts) cannot see it.
// Lambda validates those members first — each against its model's pattern and length
// (ValidationException, "N validation error(s) detected: Value '…' at 'action' failed to
// satisfy constraint: …") — and then the principal, which must be an account ID, an ARN, a
// service principal or "*" (InvalidParameterValueException "The provided principal was
// invalid. Please check the principal and try again."). An upstream that stores whatever it is
// given (moto) would otherwise keep a statement Lambda never writes.

import type { GatewayFailure } from '../errors.ts';
import { identify } from '../identify.ts';
import { isLambdaPrincipal } from '../lambda-policy.ts';
import { loadGatewayModel } from '../model.ts';
import type { GatewayRequest } from '../types.ts';

interface Constraint {
  member: string;
  pattern?: RegExp;
  patternText?: string;
  min?: number;
  max?: number;
}

let constraints: Constraint[] | undefined;

/** The body members of AddPermission with their model's pattern and lengths. */
function addPermissionConstraints(): Constraint[] {
  if (constraints !== undefined) return constraints;
  const operation = loadGatewayModel('lambda').operations.get('AddPermission')!;
  const input = operation.shapes.get(operation.inputShape!)!;
  const found: Constraint[] = [];
  for (const [member, ref] of Object.entries(input.members ?? {})) {
    if (ref.location !== undefined) continue;
    const shape = operation.shapes.get(ref.shape) as { type: string; pattern?: string; min?: number; max?: number } | undefined;
    if (shape?.type !== 'string') continue;
    found.push({
      member,
      ...(shape.pattern !== undefined ? { pattern: new RegExp(`^(?:${shape.pattern})$`), patternText: shape.pattern } : {}),
      ...(shape.min !== undefined ? { min: shape.min } : {}),
      ...(shape.max !== undefined ? { max: shape.max } : {}),
    });
  }
  constraints = found;
  return found;
}

/** Lambda's refusal of an AddPermission request, or undefined when Lambda would write the statement (or it is no AddPermission). */
export function addPermissionRefusalOf(request: GatewayRequest): GatewayFailure | undefined {
  const identified = identify('lambda', request);
  if ('kind' in identified || identified.operation.name !== 'AddPermission') return undefined;
  return addPermissionRefusal(identified.input);
}

function addPermissionRefusal(input: ReadonlyMap<string, unknown>): GatewayFailure | undefined {
  const problems: string[] = [];
  for (const constraint of addPermissionConstraints()) {
    const value = input.get(constraint.member);
    if (typeof value !== 'string') continue;
    const at = `at '${constraint.member.charAt(0).toLowerCase()}${constraint.member.slice(1)}'`;
    const shown = value.length > 256 ? `${value.slice(0, 256)}…` : value;
    if (constraint.min !== undefined && value.length < constraint.min) problems.push(`Value '${shown}' ${at} failed to satisfy constraint: Member must have length greater than or equal to ${constraint.min}`);
    else if (constraint.max !== undefined && value.length > constraint.max) problems.push(`Value '${shown}' ${at} failed to satisfy constraint: Member must have length less than or equal to ${constraint.max}`);
    else if (constraint.pattern !== undefined && value.length <= 2048 && !constraint.pattern.test(value)) problems.push(`Value '${shown}' ${at} failed to satisfy constraint: Member must satisfy regular expression pattern: ${constraint.patternText}`);
  }
  if (problems.length > 0) {
    return { code: 'ValidationException', message: `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`, status: 400 };
  }
  const principal = input.get('Principal');
  if (typeof principal === 'string' && principal !== '*' && !isLambdaPrincipal(principal)) {
    return { code: 'InvalidParameterValueException', message: 'The provided principal was invalid. Please check the principal and try again.', status: 400 };
  }
  return undefined;
}
