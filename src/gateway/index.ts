// The gateway's request mapping: a request for a protected service (S3, SQS, SNS, DynamoDB,
// KMS, Lambda, Secrets Manager, SSM, CloudWatch Logs, EC2) → the authorization checks it needs.
// See docs/gateway-mapping.md.

import { loadAuthorizationData, type AuthorizationData } from './authorization-data.ts';
import { mapRequest, type MapperHooks } from './map-request.ts';
import type { GatewayRequest, MapResult } from './types.ts';

export type { GatewayRequest, Lookup, MapResult, MappedRequest, NeedsBody, Unmapped, UnmappedReason } from './types.ts';
export { GATEWAY_SERVICES, isGatewayService, type GatewayService } from './services.ts';
export { toAuthorizationTarget } from './target.ts';
export { loadAuthorizationData, mapRequest, type AuthorizationData, type MapperHooks };

export interface RequestMapper {
  mapRequest(request: GatewayRequest): MapResult;
}

/** Read the Service Authorization Reference once; map requests synchronously after. */
export async function createRequestMapper(hooks: MapperHooks = {}): Promise<RequestMapper> {
  const data = await loadAuthorizationData();
  return { mapRequest: (request) => mapRequest(data, request, hooks) };
}
