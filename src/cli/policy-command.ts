// `tessera policy validate FILE --kind KIND [--inline-for user|group|role] [--json]`
// `tessera policy eval SCENARIO.json`
//
// Exit codes: 0 valid / evaluated, 1 invalid policy, 2 usage error or unreadable input.

import type { Diagnostic, PolicyKind } from '../policy/index.ts';
import { POLICY_KINDS, ScenarioError, evaluateScenario, validatePolicy } from '../policy/index.ts';

export interface PolicyCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => Promise<string>;
}

const USAGE = `Usage:
  tessera policy validate FILE --kind KIND [--inline-for user|group|role] [--json]
      KIND is one of: ${POLICY_KINDS.join(', ')}
  tessera policy eval SCENARIO.json
`;

const INLINE_FOR = ['user', 'group', 'role'] as const;
type InlineFor = (typeof INLINE_FOR)[number];

export async function runPolicyCommand(argv: string[], io: PolicyCommandIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  switch (subcommand) {
    case 'validate':
      return validateCommand(rest, io);
    case 'eval':
      return evalCommand(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return subcommand === undefined ? 2 : 0;
    default:
      return usage(io, `Unknown policy subcommand '${subcommand}'.`);
  }
}

async function validateCommand(args: string[], io: PolicyCommandIo): Promise<number> {
  let file: string | undefined;
  let kind: PolicyKind | undefined;
  let inlineFor: InlineFor | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inlineValue ?? args[++i];
    switch (flag) {
      case '--kind': {
        const k = value();
        if (!POLICY_KINDS.includes(k as PolicyKind)) return usage(io, `--kind must be one of: ${POLICY_KINDS.join(', ')}.`);
        kind = k as PolicyKind;
        break;
      }
      case '--inline-for': {
        const v = value();
        if (!INLINE_FOR.includes(v as InlineFor)) return usage(io, '--inline-for must be user, group or role.');
        inlineFor = v as InlineFor;
        break;
      }
      case '--json':
        json = true;
        break;
      default:
        if (flag.startsWith('--')) return usage(io, `Unknown option '${flag}'.`);
        if (file !== undefined) return usage(io, 'policy validate takes one FILE.');
        file = arg;
    }
  }
  if (file === undefined) return usage(io, 'policy validate needs a FILE.');
  if (kind === undefined) return usage(io, 'policy validate needs --kind.');
  if (inlineFor !== undefined && kind !== 'identity') return usage(io, '--inline-for applies only to --kind identity.');

  const text = await read(file, io);
  if (text === null) return 2;
  const diagnostics = validatePolicy(text, kind, inlineFor ? { inlineFor } : {});
  const invalid = diagnostics.some((d) => d.severity === 'error');
  if (json) {
    io.stdout(`${JSON.stringify({ valid: !invalid, diagnostics }, null, 2)}\n`);
  } else {
    for (const d of diagnostics) io.stdout(`${formatDiagnostic(d)}\n`);
    io.stdout(invalid ? `${file}: invalid ${kind} policy\n` : `${file}: valid ${kind} policy\n`);
  }
  return invalid ? 1 : 0;
}

async function evalCommand(args: string[], io: PolicyCommandIo): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('--')) return usage(io, 'policy eval takes exactly one SCENARIO file.');
  const file = args[0]!;
  const text = await read(file, io);
  if (text === null) return 2;
  let scenario: unknown;
  try {
    scenario = JSON.parse(text);
  } catch (err) {
    io.stderr(`${file}: not valid JSON: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  try {
    io.stdout(`${JSON.stringify(evaluateScenario(scenario), null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ScenarioError) {
      io.stderr(`${file}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

function formatDiagnostic(d: Diagnostic): string {
  return `${d.severity}\t${d.path || '(document)'}\t${d.code}\t${d.message}`;
}

async function read(file: string, io: PolicyCommandIo): Promise<string | null> {
  try {
    return await io.readFile(file);
  } catch (err) {
    io.stderr(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}\n`);
    return null;
  }
}

function usage(io: PolicyCommandIo, message: string): number {
  io.stderr(`${message}\n\n${USAGE}`);
  return 2;
}
