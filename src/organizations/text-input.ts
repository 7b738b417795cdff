import type { OperationContext } from '../kernel/operation.ts';
import { invalidPattern } from './errors.ts';

/**
 * The store holds no U+0000 (store/records.ts: PostgreSQL cannot), yet most of Organizations'
 * text members — OU and policy names, descriptions, handshake notes, emails, policy content —
 * have the model pattern `[\s\S]*`, which admits it. Rather than a 500 from the store, a NUL
 * anywhere in the input gets the answer the model validator gives a value outside its pattern
 * (CreateAccount's AccountName, `[\u0020-\u007E]+`, and tag keys and values get it there):
 * InvalidInputException INVALID_PATTERN, before the handler reads or writes anything.
 */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null && !(value instanceof Date) && !(value instanceof Uint8Array)) return Object.values(value).some(holdsNul);
  return false;
}

type Handler = (input: any, ctx: OperationContext) => Promise<unknown>;

/** Each handler, refusing an input with a NUL in any of its text. */
export function refusingNul<H extends Record<string, Handler>>(handlers: H): H {
  const out: Record<string, Handler> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    out[name] = async (input, ctx) => {
      if (holdsNul(input)) throw invalidPattern();
      return handler(input, ctx);
    };
  }
  return out as H;
}
