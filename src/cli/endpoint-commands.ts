import { startWorkload } from '../workloads/start-workload.ts';
import { parseFlags } from './flags.ts';
import type { CliIo } from './io.ts';
import { describe } from './run-command.ts';
import { watchForStop } from './stop-signals.ts';
import { COMMON_FLAGS, COMMON_HELP, endpointExports, listenPort, workloadOptions, workloadSpec } from './workload-flags.ts';

const LISTEN_HELP = `  --host ADDRESS                 listen address (default 127.0.0.1; the SDKs take plain-HTTP container
                                 credentials from loopback addresses only)
  --port N                       listen port (default 0: any free port)`;

const IMDS_USAGE = `Usage: tessera imds --instance-profile NAME [--port P] [flags]

Launches an EC2 instance with the instance profile on the Tessera server (with your
credentials; iam:PassRole and iam:GetInstanceProfile are required) and serves its instance
metadata — IMDSv2 tokens, iam/info, iam/security-credentials/<role>, instance-id, placement,
the instance identity document — until SIGTERM or SIGINT, for processes started elsewhere.
Prints the variables such a process sets.

  --instance-profile NAME        the instance profile the instance is launched with
  --imds-v1                      also answer IMDSv1 requests (no session token); default: IMDSv2 only
${LISTEN_HELP}
${COMMON_HELP}
  --help                         this help
`;

const CONTAINER_USAGE = `Usage: tessera container-credentials --task-role ROLE_ARN [--port P] [flags]

Launches an ECS task with the task role on the Tessera server (with your credentials;
iam:PassRole is required) and serves the role's credentials as ECS's container credentials
endpoint does, until SIGTERM or SIGINT. Prints AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN for processes started elsewhere.

  --task-role ROLE_ARN           the task role
${LISTEN_HELP}
${COMMON_HELP}
  --help                         this help
`;

async function untilSignal(): Promise<void> {
  const stop = watchForStop();
  try {
    await stop.stopped;
  } finally {
    stop.dispose();
  }
}

export async function runImdsCommand(argv: string[], io: CliIo, untilStopped: () => Promise<void> = untilSignal): Promise<number> {
  return serve(argv, io, 'instance', untilStopped);
}

export async function runContainerCredentialsCommand(argv: string[], io: CliIo, untilStopped: () => Promise<void> = untilSignal): Promise<number> {
  return serve(argv, io, 'task', untilStopped);
}

async function serve(argv: string[], io: CliIo, kind: 'instance' | 'task', untilStopped: () => Promise<void>): Promise<number> {
  const command = kind === 'instance' ? 'imds' : 'container-credentials';
  const parsed = parseFlags(argv, {
    ...COMMON_FLAGS,
    ...(kind === 'instance' ? { 'instance-profile': { type: 'string' }, 'imds-v1': { type: 'boolean' } } as const : { 'task-role': { type: 'string' } } as const),
    host: { type: 'string' },
    port: { type: 'string' },
  }, command, { maxPositionals: 0 });
  if (parsed.help) {
    io.stdout(kind === 'instance' ? IMDS_USAGE : CONTAINER_USAGE);
    return 0;
  }
  const spec = workloadSpec(parsed.values, kind, command);
  const port = listenPort(parsed.values['port']);
  const host = (parsed.values['host'] as string | undefined) ?? '127.0.0.1';
  const options = await workloadOptions(parsed, io, spec);
  const workload = await startWorkload({ ...options, host, port });
  try {
    io.stdout(`# ${describe(workload)}\n${endpointExports(workload.endpoint, workload.launched.Region, options.endpointUrl).join('\n')}\n`);
    await untilStopped();
  } finally {
    await workload.close();
  }
  return 0;
}
