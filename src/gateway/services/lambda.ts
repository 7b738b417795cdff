// Lambda. Invoke and InvokeWithResponseStream are authorized as lambda:InvokeFunction, and
// GetLayerVersionByArn as lambda:GetLayerVersion (AWS Lambda Developer Guide, "Actions,
// resources, and conditions for Lambda"; API Reference of each). A function named with a
// qualifier (`name:alias`, or the Qualifier parameter) is authorized on the qualified function
// ARN `…:function:name:qualifier` (Lambda Developer Guide, "Understanding Lambda function
// resource names": a policy on `function:name` covers the unqualified ARN only).

import type { ConditionReader, ServiceRules } from '../rules.ts';
import { strings } from '../resources.ts';
import { rolesInMembers } from '../passed-roles.ts';

/** `name`, `name:qualifier`, `123456789012:function:name[:q]` or a full function ARN. */
export function readFunctionName(value: string, input: ReadonlyMap<string, unknown>): Record<string, string> | undefined {
  const parts = value.split(':');
  let region: string | undefined;
  let account: string | undefined;
  let rest: string[];
  if (parts[0] === 'arn') {
    if (parts.length < 7 || parts[2] !== 'lambda' || parts[5] !== 'function') return undefined;
    region = parts[3];
    account = parts[4];
    rest = parts.slice(6);
  } else if (parts.length >= 3 && parts[1] === 'function') {
    account = parts[0];
    rest = parts.slice(2);
  } else {
    rest = parts;
  }
  if (rest.length === 0 || rest.length > 2 || rest[0] === '') return undefined;
  const qualifier = rest[1] ?? input.get('Qualifier');
  const variables: Record<string, string> = { FunctionName: typeof qualifier === 'string' && qualifier !== '' ? `${rest[0]}:${qualifier}` : rest[0]! };
  if (region) variables.Region = region;
  if (account) variables.Account = account;
  return variables;
}

/** A qualified function name → the bare name and the qualifier (as both Version and Alias). */
function splitQualifier(value: string, input: ReadonlyMap<string, unknown>): Record<string, string> | undefined {
  const read = readFunctionName(value, input);
  const [name, qualifier] = (read?.FunctionName ?? '').split(':');
  if (read === undefined || qualifier === undefined) return undefined;
  return { ...read, FunctionName: name!, Version: qualifier, Alias: qualifier };
}

/**
 * lambda:FunctionArn: the function the request names, as its ARN with its qualifier (event
 * source mappings, function URLs). Get/Delete/UpdateEventSourceMapping name only the mapping:
 * the key is then the mapping's function, read upstream when a policy refers to it
 * (server/gateway/service-facts.ts).
 */
const functionArn: ConditionReader = (request, context) => {
  const name = request.input.get('FunctionName');
  const read = typeof name === 'string' && name !== '' ? readFunctionName(name, request.input) : undefined;
  if (read === undefined) return undefined;
  return { 'lambda:FunctionArn': `arn:aws:lambda:${read.Region ?? context.region}:${read.Account ?? context.ownerAccountId}:function:${read.FunctionName}` };
};

/** VpcConfig's SubnetIds / SecurityGroupIds (CreateFunction, UpdateFunctionConfiguration). */
const vpcList = (member: 'SubnetIds' | 'SecurityGroupIds'): ConditionReader => (request) => {
  const config = request.input.get('VpcConfig');
  const ids = typeof config === 'object' && config !== null ? strings((config as Record<string, unknown>)[member]) : [];
  return ids.length === 0 ? undefined : { [`lambda:${member}`]: ids };
};

export const LAMBDA_RULES: ServiceRules = {
  passedRoles: (request) => rolesInMembers(request, ['Role']),
  resources: {
    variables: {
      FunctionName: [{ member: 'FunctionName', read: readFunctionName }],
      // The types that name a version or an alias take the bare name and the qualifier apart.
      Version: [{ member: 'FunctionName', read: splitQualifier }],
      Alias: [{ member: 'FunctionName', read: splitQualifier }],
      LayerVersion: [{ member: 'VersionNumber' }],
    },
    arnMembers: ['Resource'],
  },
  operations: {
    Invoke: { action: 'InvokeFunction' },
    InvokeWithResponseStream: { action: 'InvokeFunction' },
    GetLayerVersionByArn: { action: 'GetLayerVersion' },
    // The reference lists both the code signing config and the function, required: the main
    // check is on the config its ARN names, this one on the function it is attached to.
    PutFunctionCodeSigningConfig: {
      also: [{
        action: 'PutFunctionCodeSigningConfig',
        resource: (request, context) => {
          const name = request.input.get('FunctionName');
          const read = typeof name === 'string' && name !== '' ? readFunctionName(name, request.input) : undefined;
          return read === undefined ? undefined : [`arn:aws:lambda:${read.Region ?? context.region}:${read.Account ?? context.ownerAccountId}:function:${read.FunctionName}`];
        },
        resourceDoc: 'the FunctionName function',
      }],
    },
  },
  refused: {
    SendDurableExecutionCallbackFailure: 'a callback id, not a parameter, names the durable execution, and the gateway does not decode it',
    SendDurableExecutionCallbackHeartbeat: 'a callback id, not a parameter, names the durable execution, and the gateway does not decode it',
    SendDurableExecutionCallbackSuccess: 'a callback id, not a parameter, names the durable execution, and the gateway does not decode it',
  },
  conditions: {
    'lambda:FunctionArn': functionArn,
    // The layer versions of Layers (lambda:Layer is the ARN of a layer version).
    'lambda:Layer': (request) => {
      const layers = strings(request.input.get('Layers'));
      return layers.length === 0 ? undefined : { 'lambda:Layer': layers };
    },
    'lambda:SubnetIds': vpcList('SubnetIds'),
    'lambda:SecurityGroupIds': vpcList('SecurityGroupIds'),
  },
  policyHolders: (type, arn) => (type === 'function' || type === 'function version' || type === 'function alias' ? arn : undefined),
};
