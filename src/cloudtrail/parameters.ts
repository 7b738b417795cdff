import { loadServiceModel, shapeOf, type ServiceModel, type ServiceName, type ShapeRef } from '../protocol/model.ts';
import { parameterTimeOf } from './dates.ts';

/**
 * requestParameters and responseElements as CloudTrail records them: the operation's input or
 * output read through its AWS model, member names with their first letter lower-cased
 * (`UserName` → `userName`), timestamps as AWS prints them — and never a secret.
 *
 * A secret is any value whose member or shape the model marks `sensitive` (secret keys,
 * passwords, private keys, SAML assertions, web identity tokens, MFA seeds, Organizations'
 * account names and e-mails), and the members below that the models leave unmarked but that
 * are secrets all the same (session tokens, MFA codes). In requestParameters a secret is
 * replaced by CloudTrail's HIDDEN_DUE_TO_SECURITY_REASONS; in responseElements it is left
 * out, as CloudTrail's CreateAccessKey event has no secretAccessKey and Tessera's AssumeRole
 * event has credentials without the secret and the session token.
 */
export const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** Secrets by member name, whatever their model says (the models do not mark these sensitive). */
export const SECRET_MEMBERS: ReadonlySet<string> = new Set([
  'SecretAccessKey', 'SessionToken', 'Password', 'OldPassword', 'NewPassword', 'PrivateKey',
  'TokenCode', 'AuthenticationCode1', 'AuthenticationCode2', 'SAMLAssertion', 'WebIdentityToken',
  'Base32StringSeed', 'QRCodePNG', 'ServicePassword', 'ServiceCredentialSecret', 'SubjectToken',
]);

/** A recorded parameter set over this size (JSON bytes) is dropped, as CloudTrail drops oversized fields. */
export const MAX_PARAMETERS_BYTES = 100 * 1024;

export function requestParametersOf(service: ServiceName, operation: string, input: Record<string, unknown> | undefined): Record<string, unknown> | null {
  const model = loadServiceModel(service);
  const shape = model.operations.get(operation)?.input?.shape;
  if (shape === undefined || input === undefined) return null;
  return recorded(model, { shape }, input, 'request');
}

export function responseElementsOf(service: ServiceName, operation: string, output: Record<string, unknown> | undefined): Record<string, unknown> | null {
  const model = loadServiceModel(service);
  const shape = model.operations.get(operation)?.output?.shape;
  if (shape === undefined || output === undefined) return null;
  return recorded(model, { shape }, output, 'response');
}

function recorded(model: ServiceModel, ref: ShapeRef, value: Record<string, unknown>, side: 'request' | 'response'): Record<string, unknown> | null {
  const result = convert(model, ref, value, side) as Record<string, unknown> | undefined;
  if (result === undefined || Object.keys(result).length === 0) return null;
  return result;
}

function convert(model: ServiceModel, ref: ShapeRef, value: unknown, side: 'request' | 'response'): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = shapeOf(model, ref.shape);
  if (shape.sensitive) return side === 'request' ? HIDDEN : undefined;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined;
      const object = value as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const [member, memberRef] of Object.entries(shape.members)) {
        if (!Object.hasOwn(object, member) || object[member] === undefined || object[member] === null) continue;
        const converted = SECRET_MEMBERS.has(member) ? (side === 'request' ? HIDDEN : undefined) : convert(model, memberRef, object[member], side);
        if (converted !== undefined) result[lowerFirst(member)] = converted;
      }
      return result;
    }
    case 'list':
      return Array.isArray(value) ? value.map((item) => convert(model, shape.member, item, side)).filter((item) => item !== undefined) : undefined;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined;
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
      const result: Record<string, unknown> = {};
      for (const [key, item] of entries) {
        const converted = convert(model, shape.value, item, side);
        if (converted !== undefined) Object.defineProperty(result, String(key), { value: converted, enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(String(value));
      return Number.isNaN(date.getTime()) ? String(value) : parameterTimeOf(date);
    }
    case 'blob':
      // Binary values (certificates' PNGs, public key bytes) are not recorded.
      return undefined;
    case 'boolean':
      return value === true || value === 'true';
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return typeof value === 'number' ? value : Number(value);
    default:
      return String(value);
  }
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** The parameters as recorded, or null when they are over the size CloudTrail keeps. */
export function withinSize(parameters: Record<string, unknown> | null): { value: Record<string, unknown> | null; dropped: boolean } {
  if (parameters === null) return { value: null, dropped: false };
  return Buffer.byteLength(JSON.stringify(parameters)) > MAX_PARAMETERS_BYTES ? { value: null, dropped: true } : { value: parameters, dropped: false };
}
