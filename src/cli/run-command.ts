import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { workloadEnvironment } from '../workloads/child-environment.ts';
import { startWorkload, type RunningWorkload } from '../workloads/start-workload.ts';
import { parseFlags, UsageError } from './flags.ts';
import type { CliIo } from './io.ts';
import { COMMON_FLAGS, COMMON_HELP, workloadOptions, workloadSpec } from './workload-flags.ts';

const USAGE = `Usage: tessera run (--instance-profile NAME | --task-role ROLE_ARN) [flags] -- COMMAND [ARG...]

Launches a workload on the Tessera server with your credentials — an EC2 instance with an
instance profile, or an ECS task with a task role (iam:PassRole on the role, for
ec2.amazonaws.com or ecs-tasks.amazonaws.com, is required) — then runs COMMAND with the
role's credentials delivered as EC2 or ECS delivers them: an instance metadata service or a
container credentials endpoint on 127.0.0.1, and only the environment variables the AWS CLI
and SDKs read to find it (static keys and profiles are cleared). Exits with COMMAND's status.

  --instance-profile NAME        run as an EC2 instance launched with this instance profile
  --task-role ROLE_ARN           run as an ECS task with this task role
  --imds-v1                      also answer IMDSv1 requests (no session token); default: IMDSv2 only
${COMMON_HELP}
  --quiet                        do not print the launched workload on stderr
  --help                         this help
`;

export async function runRunCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, {
    ...COMMON_FLAGS,
    'instance-profile': { type: 'string' },
    'task-role': { type: 'string' },
    'imds-v1': { type: 'boolean' },
    quiet: { type: 'boolean' },
  }, 'run');
  if (parsed.help) {
    io.stdout(USAGE);
    return 0;
  }
  const spec = workloadSpec(parsed.values, 'either', 'run');
  const [command, ...args] = parsed.positionals;
  if (command === undefined) throw new UsageError("A command to run is required: tessera run --instance-profile NAME -- COMMAND [ARG...]. See 'tessera run --help'.");
  const options = await workloadOptions(parsed, io, spec);
  const workload = await startWorkload(options);
  try {
    if (parsed.values['quiet'] !== true) io.stderr(`tessera: ${describe(workload)}\n`);
    const env = workloadEnvironment(io.env, workload.endpoint, { region: workload.launched.Region, tesseraUrl: options.endpointUrl });
    return await runChild(command, args, env, io);
  } finally {
    await workload.close();
  }
}

export function describe(workload: RunningWorkload): string {
  const { launched, endpoint } = workload;
  return endpoint.kind === 'imds'
    ? `instance ${launched.WorkloadId} with instance profile ${launched.InstanceProfileArn} (role ${launched.RoleName}); instance metadata on ${endpoint.url}`
    : `task ${launched.WorkloadId} with task role ${launched.RoleArn}; container credentials on ${endpoint.fullUri}`;
}

/** Runs the program with the terminal's stdio; SIGINT and SIGTERM are passed on to it. */
function runChild(command: string, args: string[], env: Record<string, string>, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (code: number) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.on('error', (err) => {
      io.stderr(`tessera: cannot run ${command}: ${err.message}\n`);
      done(127);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
