import { isIP } from 'node:net';
import type { ContextEntry, ContextKeyTypeEnum } from '../../protocol/generated/iam.ts';
import type { ContextScalar, ContextValue } from '../../policy/index.ts';
import { invalidContextValue, missingContextKeyName, singleContextValueExpected } from './errors.ts';

/**
 * The simulator's ContextEntries as the policy engine's request context.
 *
 * Each value is checked against its ContextKeyType so that a typo answers InvalidInput
 * instead of silently making every condition on the key false. Numbers and booleans become
 * typed values; dates, IP addresses and base64 binaries stay strings that the engine
 * parses per operator (a value accepted here that an operator cannot read makes that
 * condition false, as it would on a live request). A `…List` type gives a multi-valued
 * key; the other types take exactly one value. An entry without values leaves the key
 * out. Without a ContextKeyType, one value is a string and several a string list. A key
 * given twice (in any case) takes its last entry.
 */
export function contextFromEntries(entries: readonly ContextEntry[] | undefined): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  const spelled = new Map<string, string>();
  for (const entry of entries ?? []) {
    const name = entry.ContextKeyName;
    if (name === undefined || name === '') throw missingContextKeyName();
    const values = entry.ContextKeyValues ?? [];
    if (values.length === 0) continue;
    const type: ContextKeyTypeEnum = entry.ContextKeyType ?? (values.length === 1 ? 'string' : 'stringList');
    const isList = type.endsWith('List');
    const scalarType = (isList ? type.slice(0, -'List'.length) : type) as ScalarType;
    if (!isList && values.length !== 1) throw singleContextValueExpected(name, type);
    const parsed = values.map((value) => {
      const typed = parseValue(scalarType, value);
      if (typed === null) throw invalidContextValue(name, type, value);
      return typed;
    });
    const lower = name.toLowerCase();
    const previous = spelled.get(lower);
    if (previous !== undefined) delete context[previous];
    spelled.set(lower, name);
    context[name] = isList ? parsed : parsed[0]!;
  }
  return context;
}

type ScalarType = 'string' | 'numeric' | 'boolean' | 'ip' | 'binary' | 'date';

function parseValue(type: ScalarType, value: string): ContextScalar | null {
  switch (type) {
    case 'string':
      return value;
    case 'numeric':
      return NUMBER.test(value.trim()) ? Number(value.trim()) : null;
    case 'boolean': {
      const lower = value.trim().toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : null;
    }
    case 'ip':
      return isIpOrBlock(value.trim()) ? value.trim() : null;
    case 'binary':
      return BASE64.test(value) && value.length % 4 === 0 ? value : null;
    case 'date':
      return isDate(value.trim()) ? value.trim() : null;
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Epoch seconds, ISO 8601 extended (what Date.parse reads) or basic (20180816T120000Z). */
const EPOCH = /^\d+(\.\d+)?$/;
const ISO_BASIC = /^\d{8}(T\d{4}(\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isDate(value: string): boolean {
  if (EPOCH.test(value) || ISO_BASIC.test(value)) return true;
  return /^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(Date.parse(value));
}

function isIpOrBlock(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash === -1) return true;
  const bits = value.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
