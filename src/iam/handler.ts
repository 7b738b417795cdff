import type { Operations } from '../protocol/generated/iam.ts';
import type { OperationContext } from '../kernel/operation.ts';

/**
 * IAM handlers typed from the model: inputs and outputs are the generated shapes, so a
 * handler cannot read a parameter the model does not have or return a misspelt member.
 */
export type IamOperation = keyof Operations;
type OutputOf<K extends IamOperation> = Operations[K]['output'] extends void ? Record<string, never> : Operations[K]['output'];
export type IamHandler<K extends IamOperation> = (input: Operations[K]['input'], ctx: OperationContext) => Promise<OutputOf<K>>;
export type IamHandlerTable = { readonly [K in IamOperation]?: IamHandler<K> };
export type { Operations as IamOperations };
