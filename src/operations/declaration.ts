import type { TargetResolver } from '../authz/target.ts';
import type { OperationContext, OperationHandler } from '../kernel/operation.ts';
import type { ServiceName } from '../protocol/model.ts';

/**
 * One declaration per operation: which service and operation it is, how its caller
 * authenticates, what it is authorized against, and what runs it. The registry
 * (registry.ts) is built from these and refuses an operation without an authorization
 * target — there is no fallback to "*" anywhere — so no operation can reach its handler
 * without the one decision point (authz/authorizer.ts) having decided.
 *
 *   sigv4         a SigV4 signature (header or presigned), long-term or temporary credentials
 *   web-identity  an OIDC token in the request, verified against the role account's provider
 *   saml          a SAML assertion in the request, verified against the named SAML provider
 *   workload-grant  a sealed workload grant in the request (tessera:LaunchWorkload made it): the
 *                 caller is the AWS service acting for that workload (ec2.amazonaws.com, …)
 */
export type Authentication = 'sigv4' | 'web-identity' | 'saml' | 'workload-grant';

export interface OperationDeclaration<I = any, O = any> {
  readonly service: ServiceName;
  readonly name: string;
  readonly authentication: Authentication;
  readonly target: TargetResolver<I>;
  /** Runs the operation here (an operation forwarded to another service has a forwarding handler). */
  readonly handler: OperationHandler<I, O>;
  /** Its writes change what is authorized (IAM state): they move the account's authorization epoch. */
  readonly writesAuthorizationState: boolean;
}

/** A module's declarations, by operation name. */
export type DeclarationTable = ReadonlyMap<string, OperationDeclaration>;

/** An operation's generated input shape. */
type InputOf<Ops, K> = K extends keyof Ops ? (Ops[K] extends { input: infer I } ? I : never) : never;

type HandlerTableOf<Ops> = { readonly [K in keyof Ops]?: (input: InputOf<Ops, K>, ctx: OperationContext) => Promise<any> };

/** For each handler, its target: a missing one is a type error here and an error at start. */
export type TargetsFor<Ops, H> = { readonly [K in keyof H]-?: TargetResolver<InputOf<Ops, K>> };

export interface DeclareOptions {
  authentication?: Authentication;
  /** Whether an operation writes authorization state (default: none does). */
  writes?: (operation: string) => boolean;
}

/**
 * A service's declaration helper, typed by its generated operation shapes: each module
 * declares its operations' handlers and their targets together, and gets one declaration per
 * operation.
 */
export function declarer<Ops>(service: ServiceName) {
  return function declare<H extends HandlerTableOf<Ops>>(handlers: H, targets: TargetsFor<Ops, H>, options: DeclareOptions = {}): DeclarationTable {
    return declarationsOf(service, handlers as Record<string, OperationHandler | undefined>, targets as Record<string, TargetResolver<unknown> | undefined>, options);
  };
}

export function declarationsOf(
  service: ServiceName,
  handlers: Readonly<Record<string, OperationHandler | undefined>>,
  targets: Readonly<Record<string, TargetResolver<unknown> | undefined>>,
  options: DeclareOptions = {},
): DeclarationTable {
  const table = new Map<string, OperationDeclaration>();
  for (const name of Object.keys(targets)) {
    if (!Object.hasOwn(handlers, name)) throw new DeclarationError(`${service}:${name} declares an authorization target but no handler`);
  }
  for (const [name, handler] of Object.entries(handlers)) {
    const target = Object.hasOwn(targets, name) ? targets[name] : undefined;
    if (typeof handler !== 'function') throw new DeclarationError(`${service}:${name} is declared without a handler`);
    if (typeof target !== 'function') throw new DeclarationError(`${service}:${name} is declared without an authorization target`);
    table.set(name, {
      service,
      name,
      authentication: options.authentication ?? 'sigv4',
      target,
      handler,
      writesAuthorizationState: options.writes?.(name) ?? false,
    });
  }
  return table;
}

/** A declaration that cannot be served: the server refuses to start. */
export class DeclarationError extends Error {
  override name = 'DeclarationError';
}
