// The request context as conditions and variables see it: keys are case-insensitive,
// values are single or multi-valued, and keys describing the caller are derived from the
// principal when the caller of evaluate() did not supply them.
//
// Derived keys are computed on lookup, not up front: most requests consult only a few.

import type { ArnSubject } from './arn.ts';
import { arnSubject } from './arn.ts';
import type { IpAddress } from './ip.ts';
import { parseIp } from './ip.ts';
import type { ContextScalar, ContextValue, EvaluationPrincipal } from './request-types.ts';
import { decodeBase64, parseBool, parseDate, parseNumber } from './typed-values.ts';

/** One context key's values, with typed views parsed at most once per request. */
export class ContextEntry {
  readonly strings: readonly string[];
  readonly multiValued: boolean;
  readonly #raw: readonly ContextScalar[];
  #lower: readonly string[] | undefined;
  #numbers: readonly (number | null)[] | undefined;
  #dates: readonly (number | null)[] | undefined;
  #bools: readonly (boolean | null)[] | undefined;
  #ips: readonly (IpAddress | null)[] | undefined;
  #arns: readonly ArnSubject[] | undefined;
  #binaries: readonly (string | null)[] | undefined;

  constructor(value: ContextValue) {
    const raw: readonly ContextScalar[] = Array.isArray(value) ? value : [value as ContextScalar];
    this.#raw = raw;
    this.multiValued = Array.isArray(value);
    this.strings = raw.map(scalarToString);
  }

  get isEmpty(): boolean {
    return this.strings.length === 0;
  }

  lower(): readonly string[] {
    return (this.#lower ??= this.strings.map((s) => s.toLowerCase()));
  }

  numbers(): readonly (number | null)[] {
    return (this.#numbers ??= this.#raw.map((v) => (typeof v === 'number' ? (Number.isFinite(v) ? v : null) : typeof v === 'string' ? parseNumber(v) : null)));
  }

  dates(): readonly (number | null)[] {
    return (this.#dates ??= this.#raw.map((v) => {
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
      if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * 1000) : null;
      return typeof v === 'string' ? parseDate(v) : null;
    }));
  }

  bools(): readonly (boolean | null)[] {
    return (this.#bools ??= this.#raw.map((v) => (typeof v === 'boolean' ? v : typeof v === 'string' ? parseBool(v) : null)));
  }

  ips(): readonly (IpAddress | null)[] {
    return (this.#ips ??= this.strings.map(parseIp));
  }

  arns(): readonly ArnSubject[] {
    return (this.#arns ??= this.strings.map(arnSubject));
  }

  binaries(): readonly (string | null)[] {
    return (this.#binaries ??= this.strings.map(decodeBase64));
  }
}

function scalarToString(value: ContextScalar): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return String(value);
}

const PRINCIPAL_TYPES: Readonly<Record<string, string>> = {
  root: 'Account',
  user: 'User',
  'role-session': 'AssumedRole',
  'federated-user': 'FederatedUser',
  anonymous: 'Anonymous',
};

export class RequestContext {
  #explicit: Map<string, ContextEntry> | undefined;
  readonly #context: Readonly<Record<string, ContextValue>> | undefined;
  readonly #derived = new Map<string, ContextEntry | null>();
  readonly #principal: EvaluationPrincipal;
  readonly #resourceAccount: string | undefined;
  #tagsLower: Map<string, string> | undefined;

  constructor(
    principal: EvaluationPrincipal,
    context: Readonly<Record<string, ContextValue>> | undefined,
    resourceAccount: string | undefined,
  ) {
    this.#principal = principal;
    this.#resourceAccount = resourceAccount;
    this.#context = context;
  }

  /** Supplied keys, indexed on first use (many requests never consult the context). */
  #explicitEntries(): Map<string, ContextEntry> {
    if (this.#explicit === undefined) {
      this.#explicit = new Map();
      const context = this.#context;
      if (context) {
        for (const key of Object.keys(context)) {
          const value = context[key];
          if (value !== undefined && value !== null) this.#explicit.set(key.toLowerCase(), new ContextEntry(value));
        }
      }
    }
    return this.#explicit;
  }

  /** The entry for a lower-cased key, or undefined when the request lacks the key. */
  get(keyLower: string): ContextEntry | undefined {
    const explicit = this.#explicitEntries().get(keyLower);
    if (explicit !== undefined) return explicit;
    if (!keyLower.startsWith('aws:')) return undefined;
    let derived = this.#derived.get(keyLower);
    if (derived === undefined) {
      const value = this.#derive(keyLower);
      derived = value === undefined ? null : new ContextEntry(value);
      this.#derived.set(keyLower, derived);
    }
    return derived ?? undefined;
  }

  /** A present, non-empty key. */
  has(keyLower: string): boolean {
    const entry = this.get(keyLower);
    return entry !== undefined && !entry.isEmpty;
  }

  /**
   * The value a policy variable substitutes: single-valued keys only. AWS does not define
   * substitution of a multi-valued key, so one is treated as missing.
   */
  readonly variable = (keyLower: string): string | undefined => {
    const entry = this.get(keyLower);
    if (entry === undefined || entry.multiValued || entry.strings.length !== 1) return undefined;
    return entry.strings[0];
  };

  #derive(keyLower: string): string | undefined {
    const p = this.#principal;
    const partition = p.partition ?? 'aws';
    switch (keyLower) {
      case 'aws:username':
        return p.kind === 'user' ? p.name : undefined;
      case 'aws:userid':
        if (p.userId !== undefined) return p.userId;
        if (p.kind === 'root') return p.accountId;
        if (p.kind === 'federated-user' && p.accountId && p.name) return `${p.accountId}:${p.name}`;
        if (p.kind === 'anonymous') return 'anonymous';
        return undefined;
      case 'aws:principalarn':
        if (p.kind === 'root') return p.arn ?? (p.accountId ? `arn:${partition}:iam::${p.accountId}:root` : undefined);
        if (p.kind === 'role-session') {
          return p.roleArn ?? (p.accountId && p.roleName ? `arn:${partition}:iam::${p.accountId}:role/${p.roleName}` : undefined);
        }
        if (p.kind === 'user' || p.kind === 'federated-user') return p.arn;
        return undefined;
      case 'aws:principalaccount':
        return p.kind === 'service' || p.kind === 'anonymous' || p.kind === 'web-identity' ? undefined : p.accountId;
      case 'aws:principaltype':
        return PRINCIPAL_TYPES[p.kind];
      case 'aws:principalisawsservice':
        return p.kind === 'service' ? 'true' : 'false';
      case 'aws:principalservicename':
        return p.kind === 'service' ? p.serviceName : undefined;
      case 'aws:resourceaccount':
        return this.#resourceAccount;
      default:
        if (keyLower.startsWith('aws:principaltag/')) return this.#tag(keyLower.slice('aws:principaltag/'.length));
        return undefined;
    }
  }

  #tag(tagKeyLower: string): string | undefined {
    const tags = this.#principal.tags;
    if (!tags) return undefined;
    if (this.#tagsLower === undefined) {
      this.#tagsLower = new Map();
      for (const key of Object.keys(tags)) {
        const value = tags[key];
        if (typeof value === 'string') this.#tagsLower.set(key.toLowerCase(), value);
      }
    }
    return this.#tagsLower.get(tagKeyLower);
  }
}
