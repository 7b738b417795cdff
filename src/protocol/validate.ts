// Input validation from the model's constraints (required, length, range,
// pattern, enum), reported the way AWS reports it:
//   1 validation error detected: Value 'a b' at 'userName' failed to satisfy
//   constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+
// Member paths use AWS's lower-camel names; list elements of structures are
// addressed as `tags.1.member.key`, while a list or map of plain values is
// judged as a whole ("Member must satisfy constraint: [...]").

import { serviceError } from './errors.ts';
import { compilePatternMatcher } from './pattern-matcher.ts';
import {
  loadServiceModel,
  shapeOf,
  type ServiceModel,
  type ServiceName,
  type Shape,
  type StructureShape,
} from './model.ts';

export type ViolationKind =
  | 'required'
  | 'pattern'
  | 'minLength'
  | 'maxLength'
  | 'minValue'
  | 'maxValue'
  | 'enum'
  | 'listMember'
  | 'mapKey'
  | 'mapValue';

export interface Violation {
  /** AWS's member path, e.g. `userName` or `tags.1.member.key`. */
  readonly path: string;
  readonly kind: ViolationKind;
  /** The constraint as AWS words it: `Member must have length less than or equal to 64`. */
  readonly constraint: string;
  /** The offending value as AWS renders it; undefined for a missing member or a sensitive one. */
  readonly renderedValue: string | undefined;
  readonly missing: boolean;
}

/** AWS's member path segment: the model name with its first letter lowered. */
export function memberPathName(memberName: string): string {
  return memberName.charAt(0).toLowerCase() + memberName.slice(1);
}

/** Every constraint violation in `value` against a shape, in model member order. */
export function findViolations(model: ServiceModel, shapeName: string, value: unknown): Violation[] {
  const violations: Violation[] = [];
  checkValue(model, shapeOf(model, shapeName), value, '', violations);
  return violations;
}

function checkValue(model: ServiceModel, shape: Shape, value: unknown, path: string, out: Violation[]): void {
  switch (shape.type) {
    case 'structure':
      if (isRecord(value)) checkStructure(model, shape, value, path, out);
      return;
    case 'list': {
      if (!Array.isArray(value)) return;
      checkLength(model, shape, value, value.length, path, out);
      const memberShape = shapeOf(model, shape.member.shape);
      if (isAggregate(memberShape)) {
        value.forEach((item, index) => checkValue(model, memberShape, item, `${path}.${index + 1}.member`, out));
      } else if (value.some((item) => violatesAny(memberShape, item))) {
        out.push(violation(model, shape, value, path, 'listMember', `Member must satisfy constraint: [${describeConstraints(memberShape)}]`));
      }
      return;
    }
    case 'map': {
      if (!isRecord(value)) return;
      const keys = Object.keys(value);
      checkLength(model, shape, value, keys.length, path, out);
      const keyShape = shapeOf(model, shape.key.shape);
      if (keys.some((key) => violatesAny(keyShape, key))) {
        out.push(violation(model, shape, value, path, 'mapKey', `Map keys must satisfy constraint: [${describeConstraints(keyShape)}]`));
      }
      const valueShape = shapeOf(model, shape.value.shape);
      if (isAggregate(valueShape)) {
        for (const key of keys) checkValue(model, valueShape, value[key], `${path}.${key}`, out);
      } else if (keys.some((key) => violatesAny(valueShape, value[key]))) {
        out.push(violation(model, shape, value, path, 'mapValue', `Map value must satisfy constraint: [${describeConstraints(valueShape)}]`));
      }
      return;
    }
    default:
      for (const [kind, constraint] of scalarViolations(shape, value)) {
        out.push(violation(model, shape, value, path, kind, constraint));
      }
  }
}

function checkStructure(
  model: ServiceModel,
  shape: StructureShape,
  value: Record<string, unknown>,
  path: string,
  out: Violation[],
): void {
  const required = new Set(shape.required ?? []);
  for (const [memberName, ref] of Object.entries(shape.members)) {
    const memberPath = path === '' ? memberPathName(memberName) : `${path}.${memberPathName(memberName)}`;
    const memberValue = Object.hasOwn(value, memberName) ? value[memberName] : undefined;
    if (memberValue === undefined || memberValue === null) {
      if (required.has(memberName)) {
        out.push({ path: memberPath, kind: 'required', constraint: 'Member must not be null', renderedValue: undefined, missing: true });
      }
      continue;
    }
    checkValue(model, shapeOf(model, ref.shape), memberValue, memberPath, out);
  }
}

function checkLength(
  model: ServiceModel,
  shape: Shape & { readonly min?: number; readonly max?: number },
  value: unknown,
  length: number,
  path: string,
  out: Violation[],
): void {
  if (shape.min !== undefined && length < shape.min) {
    out.push(violation(model, shape, value, path, 'minLength', `Member must have length greater than or equal to ${shape.min}`));
  }
  if (shape.max !== undefined && length > shape.max) {
    out.push(violation(model, shape, value, path, 'maxLength', `Member must have length less than or equal to ${shape.max}`));
  }
}

/**
 * The violated constraints of a plain value. Order follows AWS's STS answers,
 * which name the pattern before the length. The cheap constraints are decided
 * first and the pattern last, on a linear-time matcher (pattern-matcher.ts):
 * a request value of any length is judged in one pass.
 */
function scalarViolations(shape: Shape, value: unknown): [ViolationKind, string][] {
  const found: [ViolationKind, string][] = [];
  if (value === undefined || value === null) return found;
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return found;
      const length = codePointLength(value);
      const tooShort = shape.min !== undefined && length < shape.min;
      const tooLong = shape.max !== undefined && length > shape.max;
      const notInEnum = shape.enum !== undefined && !shape.enum.includes(value);
      if (shape.pattern !== undefined && !compilePatternMatcher(shape.pattern).matches(value)) {
        found.push(['pattern', `Member must satisfy regular expression pattern: ${shape.pattern}`]);
      }
      if (tooShort) found.push(['minLength', `Member must have length greater than or equal to ${shape.min}`]);
      if (tooLong) found.push(['maxLength', `Member must have length less than or equal to ${shape.max}`]);
      // IAM's recorded answer names neither the value nor the set: "1 validation error
      // detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum
      // value set" (the value is left out in violation()).
      if (notInEnum) found.push(['enum', 'Member must satisfy enum value set']);
      return found;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (typeof value !== 'number') return found;
      if (shape.min !== undefined && value < shape.min) {
        found.push(['minValue', `Member must have value greater than or equal to ${shape.min}`]);
      }
      if (shape.max !== undefined && value > shape.max) {
        found.push(['maxValue', `Member must have value less than or equal to ${shape.max}`]);
      }
      return found;
    case 'blob': {
      if (!(value instanceof Uint8Array)) return found;
      if (shape.min !== undefined && value.length < shape.min) {
        found.push(['minLength', `Member must have length greater than or equal to ${shape.min}`]);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        found.push(['maxLength', `Member must have length less than or equal to ${shape.max}`]);
      }
      return found;
    }
    default:
      return found;
  }
}

/**
 * Whether a plain value breaks any constraint, for lists and maps judged as a
 * whole: a broken length or enum answers without running the pattern.
 */
function violatesAny(shape: Shape, value: unknown): boolean {
  if (shape.type !== 'string' || typeof value !== 'string' || shape.pattern === undefined) {
    return scalarViolations(shape, value).length > 0;
  }
  const length = codePointLength(value);
  if (shape.min !== undefined && length < shape.min) return true;
  if (shape.max !== undefined && length > shape.max) return true;
  if (shape.enum !== undefined && !shape.enum.includes(value)) return true;
  return !compilePatternMatcher(shape.pattern).matches(value);
}

/** All constraints of a shape, as AWS lists them inside "must satisfy constraint: [...]". */
function describeConstraints(shape: Shape): string {
  const parts: string[] = [];
  if (shape.type === 'string' || shape.type === 'blob') {
    if (shape.max !== undefined) parts.push(`Member must have length less than or equal to ${shape.max}`);
    if (shape.min !== undefined) parts.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.type === 'string') {
    if (shape.pattern !== undefined) parts.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
    if (shape.enum !== undefined) parts.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  }
  if (shape.type === 'integer' || shape.type === 'long' || shape.type === 'float' || shape.type === 'double') {
    if (shape.max !== undefined) parts.push(`Member must have value less than or equal to ${shape.max}`);
    if (shape.min !== undefined) parts.push(`Member must have value greater than or equal to ${shape.min}`);
  }
  return parts.join(', ');
}

function violation(
  model: ServiceModel,
  shape: Shape,
  value: unknown,
  path: string,
  kind: ViolationKind,
  constraint: string,
): Violation {
  return {
    path,
    kind,
    constraint,
    // AWS leaves sensitive values (passwords, secrets, SAML assertions) and values outside an
    // enum out of the message.
    renderedValue: shape.sensitive === true || kind === 'enum' ? undefined : renderValue(model, shape, value),
    missing: false,
  };
}

/**
 * How much of a value a message repeats. A list or map past it is cut short with `…`: a request
 * of 10,000 tags was answered (and recorded) with a 288 KB message, the rendering alone a
 * noticeable share of the time to refuse it. Any value of a well-formed request is far shorter.
 */
const MAX_RENDERED = 16 * 1024;

/** A value as AWS's Java services print it: lists `[a, b]`, maps `{k=v}`. */
function renderValue(model: ServiceModel, shape: Shape, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (shape.type) {
    case 'list': {
      const memberShape = shapeOf(model, shape.member.shape);
      return Array.isArray(value) ? `[${renderItems(value, (item) => renderValue(model, memberShape, item))}]` : String(value);
    }
    case 'map': {
      if (!isRecord(value)) return String(value);
      const valueShape = shapeOf(model, shape.value.shape);
      return `{${renderItems(Object.entries(value), ([k, v]) => `${k}=${renderValue(model, valueShape, v)}`)}}`;
    }
    case 'structure': {
      if (!isRecord(value)) return String(value);
      const fields = Object.entries(shape.members)
        .filter(([name]) => value[name] !== undefined && value[name] !== null)
        .map(([name, ref]) => `${name}: ${renderValue(model, shapeOf(model, ref.shape), value[name])}`);
      return `{${fields.join(',')}}`;
    }
    case 'blob':
      return value instanceof Uint8Array
        ? `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`
        : String(value);
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : String(value);
    default:
      return String(value);
  }
}

/** Items joined with `, `, stopping (with `…`) once the text passes MAX_RENDERED. */
function renderItems<T>(items: readonly T[], render: (item: T) => string): string {
  const parts: string[] = [];
  let length = 0;
  for (const item of items) {
    if (length > MAX_RENDERED) {
      parts.push('…');
      break;
    }
    const text = render(item);
    parts.push(text);
    length += text.length + 2;
  }
  return parts.join(', ');
}

export function describeViolation(v: Violation): string {
  const subject = v.missing ? 'Value null' : v.renderedValue === undefined ? 'Value' : `Value '${v.renderedValue}'`;
  return `${subject} at '${v.path}' failed to satisfy constraint: ${v.constraint}`;
}

/** `1 validation error detected: …` / `2 validation errors detected: …; …` */
export function validationMessage(violations: readonly Violation[]): string {
  const count = violations.length;
  const noun = count === 1 ? 'error' : 'errors';
  return `${count} validation ${noun} detected: ${violations.map(describeViolation).join('; ')}`;
}

// Organizations does not answer with the generic ValidationException: a value
// outside the model's constraints is an InvalidInputException whose Reason
// names the constraint ("You provided a value that does not match the required pattern.").
const ORGANIZATIONS_REASONS: Readonly<Record<ViolationKind, readonly [reason: string, message: string]>> = {
  required: ['INPUT_REQUIRED', 'You must include a value for all required parameters.'],
  pattern: ['INVALID_PATTERN', 'You provided a value that does not match the required pattern.'],
  minLength: ['MIN_LENGTH_EXCEEDED', 'You provided a string parameter that is shorter than allowed.'],
  maxLength: ['MAX_LENGTH_EXCEEDED', 'You provided a string parameter that is longer than allowed.'],
  minValue: ['MIN_VALUE_EXCEEDED', 'You provided a numeric parameter that has a smaller value than allowed.'],
  maxValue: ['MAX_VALUE_EXCEEDED', 'You provided a numeric parameter that has a larger value than allowed.'],
  enum: ['INVALID_ENUM', 'You specified an invalid value.'],
  listMember: ['INVALID_LIST_MEMBER', 'You provided a list to a parameter that contains at least one invalid value.'],
  mapKey: ['INVALID_LIST_MEMBER', 'You provided a list to a parameter that contains at least one invalid value.'],
  mapValue: ['INVALID_LIST_MEMBER', 'You provided a list to a parameter that contains at least one invalid value.'],
};

/**
 * Check an operation's input against its model; throws the service's
 * validation error (IAM/STS: ValidationError; Organizations: InvalidInputException).
 */
export function validateInput(service: ServiceName, operation: string, input: Record<string, unknown>): void {
  const model = loadServiceModel(service);
  const op = model.operations.get(operation);
  if (op === undefined) throw new Error(`${service} has no operation ${operation}`);
  if (op.input === undefined) return;
  const violations = findViolations(model, op.input.shape, input);
  const first = violations[0];
  if (first === undefined) return;
  if (service === 'organizations') {
    const [reason, message] = ORGANIZATIONS_REASONS[first.kind];
    throw serviceError('organizations', 'InvalidInputException', message, { Reason: reason });
  }
  throw serviceError(service, 'ValidationError', validationMessage(violations));
}

function isAggregate(shape: Shape): boolean {
  return shape.type === 'structure' || shape.type === 'list' || shape.type === 'map';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}

function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const nextUnit = value.charCodeAt(i + 1);
      if (nextUnit >= 0xdc00 && nextUnit <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}
