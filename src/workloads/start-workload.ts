import type { Clock } from '../kernel/clock.ts';
import type { RandomSource } from '../kernel/random.ts';
import type { CallerSettings } from './caller-credentials.ts';
import type { WorkloadEndpoint } from './child-environment.ts';
import { startContainerCredentials } from './container-credentials-server.ts';
import { startImds } from './imds-server.ts';
import { RefreshingCredentials } from './refreshing-credentials.ts';
import { getWorkloadCredentials, launchWorkload, TesseraApiError, type LaunchedWorkload } from './tessera-client.ts';

/**
 * Launches a workload on the Tessera server with the caller's credentials, gets its first
 * credentials (so a role the service may not assume is reported at once, with the reason),
 * and starts its credential endpoint on loopback: an instance metadata service for an
 * instance profile, the container credentials endpoint for a task role.
 */
export type WorkloadSpec =
  | { kind: 'instance'; instanceProfileName: string; allowV1: boolean }
  | { kind: 'task'; taskRoleArn: string };

export interface StartWorkloadOptions {
  endpointUrl: string;
  caller: CallerSettings;
  spec: WorkloadSpec;
  durationSeconds?: number;
  grantDurationSeconds?: number;
  host?: string;
  port?: number;
  clock: Clock;
  random: RandomSource;
  onError?: (err: unknown) => void;
}

export interface RunningWorkload {
  launched: LaunchedWorkload;
  endpoint: WorkloadEndpoint;
  credentials: RefreshingCredentials;
  close(): Promise<void>;
}

/** A workload that could not start: the launch was refused, or its role cannot be assumed. */
export class WorkloadStartError extends Error {
  override readonly name = 'WorkloadStartError';
}

export async function startWorkload(options: StartWorkloadOptions): Promise<RunningWorkload> {
  const { spec, caller } = options;
  let launched: LaunchedWorkload;
  try {
    launched = await launchWorkload(options.endpointUrl, { credentials: caller.credentials, region: caller.region, clock: options.clock }, {
      ...(spec.kind === 'instance' ? { InstanceProfileName: spec.instanceProfileName, MetadataHttpTokens: spec.allowV1 ? 'optional' : 'required' } : { TaskRoleArn: spec.taskRoleArn }),
      ...(options.durationSeconds !== undefined ? { DurationSeconds: options.durationSeconds } : {}),
      ...(options.grantDurationSeconds !== undefined ? { GrantDurationSeconds: options.grantDurationSeconds } : {}),
    });
  } catch (err) {
    if (err instanceof TesseraApiError) {
      throw new WorkloadStartError(err.status === 0 ? err.message : `the launch was refused: ${err.code}: ${withoutEncodedMessage(err.message)}`);
    }
    throw err;
  }
  const credentials = new RefreshingCredentials((delivery) => getWorkloadCredentials(options.endpointUrl, launched.Grant, delivery), options.clock);
  const first = await credentials.current(spec.kind === 'instance' ? '2.0' : undefined);
  if (!first.ok) throw new WorkloadStartError(cannotAssume(launched, spec, first.error));
  const listen = { host: options.host ?? '127.0.0.1', port: options.port ?? 0 };
  if (spec.kind === 'instance') {
    const server = await startImds({
      ...listen,
      instance: {
        instanceId: launched.WorkloadId,
        accountId: launched.AccountId,
        region: launched.Region,
        roleName: launched.RoleName,
        instanceProfileArn: launched.InstanceProfileArn ?? '',
        instanceProfileId: launched.InstanceProfileId ?? '',
        launchTime: launched.LaunchTime,
      },
      credentials,
      allowV1: spec.allowV1,
      clock: options.clock,
      random: options.random,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    return { launched, credentials, endpoint: { kind: 'imds', url: server.url, allowV1: spec.allowV1 }, close: server.close };
  }
  const server = await startContainerCredentials({ ...listen, credentials, random: options.random, ...(options.onError ? { onError: options.onError } : {}) });
  return {
    launched,
    credentials,
    endpoint: { kind: 'container', fullUri: server.fullUri, authorizationToken: server.authorizationToken },
    close: server.close,
  };
}

/** Why the workload gets no credentials, in the words EC2 and ECS use where they have them. */
function cannotAssume(launched: LaunchedWorkload, spec: WorkloadSpec, error: TesseraApiError): string {
  const detail = `${error.code}: ${withoutEncodedMessage(error.message)}`;
  if (error.code !== 'AccessDeniedException') return `${launched.WorkloadId} gets no credentials for ${launched.RoleArn}: ${detail}`;
  const service = spec.kind === 'instance' ? 'ec2.amazonaws.com' : 'ecs-tasks.amazonaws.com';
  const because = `the role's trust policy does not allow ${service} to call sts:AssumeRole (${detail})`;
  return spec.kind === 'instance'
    ? `EC2 cannot assume the role ${launched.RoleName} for ${launched.WorkloadId}: ${because}`
    : `ECS was unable to assume the role '${launched.RoleArn}' that was provided for task ${launched.WorkloadId}: ${because}`;
}

/** A trust policy's denial seals nothing worth decoding: the text alone is shown. */
function withoutEncodedMessage(message: string): string {
  const at = message.indexOf(' Encoded authorization failure message: ');
  return at < 0 ? message : message.slice(0, at);
}
