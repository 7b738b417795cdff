import type { Operations } from '../protocol/generated/sts.ts';
import type { OperationContext } from '../kernel/operation.ts';

/** STS handlers typed from the model (see iam/handler.ts). */
export type StsOperation = keyof Operations;
type OutputOf<K extends StsOperation> = Operations[K]['output'] extends void ? Record<string, never> : Operations[K]['output'];
export type StsHandler<K extends StsOperation> = (input: Operations[K]['input'], ctx: OperationContext) => Promise<OutputOf<K>>;
export type StsHandlerTable = { readonly [K in StsOperation]?: StsHandler<K> };
