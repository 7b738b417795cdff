// The shape of one policy-validation conformance case (documented in case.schema.json beside it).
import { AWS_DOC_URL, isRecord, unknownKeys, type CheckedCase } from '../policy/case-shape.ts';

export const VALIDATION_KINDS = ['identity', 'resource', 'trust', 'boundary', 'scp', 'rcp', 'session'] as const;
export type ValidationKind = (typeof VALIDATION_KINDS)[number];
export const INLINE_TARGETS = ['user', 'group', 'role'] as const;
export type InlineTarget = (typeof INLINE_TARGETS)[number];

export interface ValidationCase {
  readonly name: string;
  readonly source: string;
  readonly note?: string;
  readonly kind: ValidationKind;
  readonly inlineFor?: InlineTarget;
  /** A managed policy (CreatePolicy, CreatePolicyVersion): validated with `{ managed: true }`. */
  readonly managed?: boolean;
  /** The exact text handed to the validator. */
  readonly document: string;
  /**
   * `messages`, when present, are AWS's exact error messages, compared as a set; `first`, when
   * present, is the one message IAM answers with, compared with the first error diagnostic.
   */
  readonly expect: { readonly valid: true } | { readonly valid: false; readonly messages?: readonly string[]; readonly first?: string };
}

const CASE_KEYS = new Set(['name', 'source', 'note', 'kind', 'inlineFor', 'managed', 'document', 'expect']);

export function checkValidationCase(value: unknown): CheckedCase<ValidationCase> {
  if (!isRecord(value)) return { problems: ['a case must be a JSON object'] };
  const problems = unknownKeys(value, CASE_KEYS, 'case');
  if (typeof value.name !== 'string' || value.name.trim() === '') problems.push('name must be a non-empty string');
  if (typeof value.source !== 'string' || !AWS_DOC_URL.test(value.source)) {
    problems.push('source must be an https://docs.aws.amazon.com/... URL with a #fragment');
  }
  if (value.note !== undefined && typeof value.note !== 'string') problems.push('note must be a string');
  if (typeof value.kind !== 'string' || !(VALIDATION_KINDS as readonly string[]).includes(value.kind)) {
    problems.push(`kind must be one of ${VALIDATION_KINDS.join(', ')}`);
  }
  if (value.inlineFor !== undefined) {
    if (typeof value.inlineFor !== 'string' || !(INLINE_TARGETS as readonly string[]).includes(value.inlineFor)) {
      problems.push(`inlineFor must be one of ${INLINE_TARGETS.join(', ')}`);
    } else if (value.kind !== 'identity') {
      problems.push('inlineFor applies to identity policies only');
    }
  }
  if (value.managed !== undefined && (value.managed !== true || value.kind !== 'identity')) {
    problems.push('managed must be true, and applies to identity policies only');
  }
  if (typeof value.document !== 'string') problems.push('document must be a string: the exact policy text');
  const expect = value.expect;
  if (!isRecord(expect) || typeof expect.valid !== 'boolean') {
    problems.push('expect must be {"valid": true} or {"valid": false, "messages"?: [...]}');
  } else if (expect.valid) {
    problems.push(...unknownKeys(expect, new Set(['valid']), 'expect'));
  } else {
    problems.push(...unknownKeys(expect, new Set(['valid', 'messages', 'first']), 'expect'));
    if (expect.first !== undefined && (typeof expect.first !== 'string' || expect.first === '')) {
      problems.push('expect.first must be a non-empty string');
    }
    const messages = expect.messages;
    if (messages !== undefined && !(Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'string' && m !== ''))) {
      problems.push('expect.messages must be a non-empty array of non-empty strings');
    }
    if (messages === undefined && expect.first === undefined && typeof value.note !== 'string') {
      problems.push('a rejection without expected messages needs a note saying why AWS\'s text is not asserted');
    }
  }
  return problems.length === 0 ? { value: value as unknown as ValidationCase, problems } : { problems };
}
