import { readFile } from 'node:fs/promises';
import { systemClock } from '../kernel/clock.ts';
import { cryptoRandom } from '../kernel/random.ts';
import { callerSettings } from '../workloads/caller-credentials.ts';
import type { WorkloadEndpoint } from '../workloads/child-environment.ts';
import type { StartWorkloadOptions, WorkloadSpec } from '../workloads/start-workload.ts';
import { UsageError, type FlagSpec, type ParsedFlags } from './flags.ts';
import type { CliIo } from './io.ts';

/**
 * Flags shared by `tessera run`, `tessera imds` and `tessera container-credentials`: where the
 * Tessera server is, whose credentials launch the workload, and how long its sessions last.
 */
export const DEFAULT_ENDPOINT_URL = 'http://127.0.0.1:4600';

export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  'endpoint-url': { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  'duration-seconds': { type: 'string' },
  'grant-duration-seconds': { type: 'string' },
};

export const COMMON_HELP = `  --endpoint-url URL             the Tessera server (default ${DEFAULT_ENDPOINT_URL})  [TESSERA_ENDPOINT_URL]
  --profile NAME                 launch with this profile's static keys (default: AWS_PROFILE, else
                                 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, else "default")
  --region REGION                the workload's region (default: AWS_REGION, AWS_DEFAULT_REGION, the
                                 profile's region, us-east-1)
  --duration-seconds N           length of each role session, 900-43200 (default 3600; at most the
                                 role's MaxSessionDuration). Credentials are renewed before they expire
  --grant-duration-seconds N     how long the workload may get credentials, 900-604800 (default 43200)`;

export async function workloadOptions(parsed: ParsedFlags, io: CliIo, spec: WorkloadSpec): Promise<Omit<StartWorkloadOptions, 'host' | 'port'>> {
  const values = parsed.values;
  const endpointUrl = (values['endpoint-url'] as string | undefined) ?? io.env['TESSERA_ENDPOINT_URL'] ?? DEFAULT_ENDPOINT_URL;
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new UsageError(`--endpoint-url must be a URL such as ${DEFAULT_ENDPOINT_URL}, got '${endpointUrl}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint-url must be an http:// or https:// URL, got '${endpointUrl}'`);
  const durationSeconds = seconds(values['duration-seconds'], 'duration-seconds', 900, 43_200);
  const grantDurationSeconds = seconds(values['grant-duration-seconds'], 'grant-duration-seconds', 900, 604_800);
  const profile = values['profile'] as string | undefined;
  const region = values['region'] as string | undefined;
  const caller = await callerSettings(io.env, (path) => readFile(path, 'utf8'), { ...(profile ? { profile } : {}), ...(region ? { region } : {}) });
  return {
    endpointUrl: url.toString().replace(/\/$/, ''),
    caller,
    spec,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(grantDurationSeconds !== undefined ? { grantDurationSeconds } : {}),
    clock: systemClock,
    random: cryptoRandom,
    onError: (err) => io.stderr(`tessera: ${err instanceof Error ? err.message : String(err)}\n`),
  };
}

/** --instance-profile or --task-role, exactly one (`imds` and `container-credentials` fix which). */
export function workloadSpec(values: ParsedFlags['values'], allowed: 'instance' | 'task' | 'either', command: string): WorkloadSpec {
  const profile = values['instance-profile'] as string | undefined;
  const role = values['task-role'] as string | undefined;
  const v1 = values['imds-v1'] === true;
  if (profile !== undefined && role !== undefined) throw new UsageError(`--instance-profile and --task-role cannot be given together. See 'tessera ${command} --help'.`);
  if (profile !== undefined && allowed !== 'task') return { kind: 'instance', instanceProfileName: profile, allowV1: v1 };
  if (role !== undefined && allowed !== 'instance') {
    if (v1) throw new UsageError('--imds-v1 applies to --instance-profile only.');
    return { kind: 'task', taskRoleArn: role };
  }
  const needed = allowed === 'instance' ? '--instance-profile NAME' : allowed === 'task' ? '--task-role ROLE_ARN' : '--instance-profile NAME or --task-role ROLE_ARN';
  throw new UsageError(`${needed} is required. See 'tessera ${command} --help'.`);
}

export function listenPort(value: string | true | string[] | undefined): number {
  if (value === undefined) return 0;
  const text = String(value);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a port number from 0 to 65535, got '${text}'`);
  return port;
}

function seconds(value: string | true | string[] | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const n = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${flag} must be a whole number of seconds from ${min} to ${max}, got '${text}'`);
  return n;
}

/** The variables a program started elsewhere sets to use the endpoint (what `tessera run` sets). */
export function endpointExports(endpoint: WorkloadEndpoint, region: string, tesseraUrl: string): string[] {
  const lines = endpoint.kind === 'imds'
    ? [`AWS_EC2_METADATA_SERVICE_ENDPOINT=${endpoint.url}`, 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv4', ...(endpoint.allowV1 ? [] : ['AWS_EC2_METADATA_V1_DISABLED=true'])]
    : [`AWS_CONTAINER_CREDENTIALS_FULL_URI=${endpoint.fullUri}`, `AWS_CONTAINER_AUTHORIZATION_TOKEN=${endpoint.authorizationToken}`];
  return [...lines, `AWS_REGION=${region}`, `AWS_ENDPOINT_URL=${tesseraUrl}`].map((line) => `export ${line}`);
}
