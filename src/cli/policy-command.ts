// `tessera policy validate FILE --kind KIND [--inline-for user|group|role] [--json]`
// `tessera policy eval SCENARIO.json`
//
// Exit codes: 0 valid / evaluated, 1 invalid policy, 2 usage error or unreadable input.

import type { Diagnostic, PolicyKind } from '../policy/index.ts';
import { POLICY_KINDS, ScenarioError, evaluateScenario, validatePolicy } from '../policy/index.ts';
import { UsageError, parseFlags, type FlagSpec } from './flags.ts';
import { findJsonSyntaxError } from './json-syntax.ts';
import { closestName } from './suggest.ts';

export interface PolicyCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => Promise<string>;
  /** For `policy generate`, which reads the store (TESSERA_DATA_DIR, TESSERA_STORE). */
  env?: NodeJS.ProcessEnv;
}

const VALIDATE_HELP = `Usage: tessera policy validate FILE --kind KIND [--inline-for user|group|role] [--json]

Checks a policy document as IAM would on the way in (the same messages as
MalformedPolicyDocument), plus warnings IAM does not give. Exit 0 valid, 1 invalid, 2 usage
error or unreadable file. A file that is not JSON is reported with its line and column.

  --kind KIND                    ${POLICY_KINDS.join(', ')}
  --inline-for user|group|role   an inline identity policy of that entity (its size quota)
  --json                         print {valid, diagnostics} as JSON
  --help                         this help
`;

const EVAL_HELP = `Usage: tessera policy eval SCENARIO.json

Decides one request against the policies in the scenario file (schemas/policy-scenario.schema.json)
and prints the decision with the statements that decided it. Exit 0 decided, 2 bad scenario.

  --help                         this help
`;

const USAGE = `Usage:
  tessera policy validate FILE --kind KIND [--inline-for user|group|role] [--json]
      KIND is one of: ${POLICY_KINDS.join(', ')}
  tessera policy eval SCENARIO.json
  tessera policy generate --principal ARN [--since DURATION|TIME]

tessera policy validate --help, tessera policy eval --help, tessera policy generate --help: more on each.
`;

const INLINE_FOR = ['user', 'group', 'role'] as const;
type InlineFor = (typeof INLINE_FOR)[number];

const VALIDATE_FLAGS = { kind: { type: 'string' }, 'inline-for': { type: 'string' }, json: { type: 'boolean' } } as const satisfies Record<string, FlagSpec>;

export async function runPolicyCommand(argv: string[], io: PolicyCommandIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  try {
    switch (subcommand) {
      case 'validate':
        return await validateCommand(rest, io);
      case 'eval':
        return await evalCommand(rest, io);
      case 'generate':
        return await (await import('./policy-generate-command.ts')).runPolicyGenerateCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return subcommand === undefined ? 2 : 0;
      default: {
        const near = closestName(subcommand, ['validate', 'eval', 'generate']);
        return usage(io, `Unknown policy subcommand '${subcommand}'.${near ? ` Did you mean '${near}'?` : ''}`);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function validateCommand(args: string[], io: PolicyCommandIo): Promise<number> {
  const { values, positionals, help } = parseFlags(args, VALIDATE_FLAGS, 'policy validate', { maxPositionals: 1 });
  if (help) {
    io.stdout(VALIDATE_HELP);
    return 0;
  }
  const file = positionals[0];
  const kind = values['kind'] as string | undefined;
  const inlineFor = values['inline-for'] as string | undefined;
  const json = values['json'] === true;
  if (file === undefined) return usage(io, 'policy validate needs a FILE.', VALIDATE_HELP);
  if (kind === undefined) return usage(io, 'policy validate needs --kind.', VALIDATE_HELP);
  if (!POLICY_KINDS.includes(kind as PolicyKind)) {
    const near = closestName(kind, POLICY_KINDS);
    return usage(io, `--kind must be one of: ${POLICY_KINDS.join(', ')}; got '${kind}'.${near ? ` Did you mean ${near}?` : ''}`, VALIDATE_HELP);
  }
  if (inlineFor !== undefined && !INLINE_FOR.includes(inlineFor as InlineFor)) return usage(io, `--inline-for must be user, group or role; got '${inlineFor}'.`, VALIDATE_HELP);
  if (inlineFor !== undefined && kind !== 'identity') return usage(io, '--inline-for applies only to --kind identity.', VALIDATE_HELP);

  const text = await read(file, io);
  if (text === null) return 2;
  const diagnostics = validatePolicy(text, kind as PolicyKind, inlineFor ? { inlineFor: inlineFor as InlineFor } : {});
  const invalid = diagnostics.some((d) => d.severity === 'error');
  // IAM's own answer to text that is not JSON is "Syntax errors in policy." with no place;
  // the diagnostics keep that wording, and the CLI adds where the JSON breaks.
  const syntax = findJsonSyntaxError(text);
  if (json) {
    io.stdout(`${JSON.stringify({ valid: !invalid, ...(syntax ? { jsonSyntaxError: syntax } : {}), diagnostics }, null, 2)}\n`);
  } else {
    if (syntax) io.stdout(`${file}:${syntax.line}:${syntax.column}: not valid JSON: ${syntax.reason}\n`);
    for (const d of diagnostics) io.stdout(`${formatDiagnostic(d)}\n`);
    io.stdout(invalid ? `${file}: invalid ${kind} policy\n` : `${file}: valid ${kind} policy\n`);
  }
  return invalid ? 1 : 0;
}

async function evalCommand(args: string[], io: PolicyCommandIo): Promise<number> {
  const { positionals, help } = parseFlags(args, {}, 'policy eval');
  if (help) {
    io.stdout(EVAL_HELP);
    return 0;
  }
  if (positionals.length !== 1) return usage(io, 'policy eval takes exactly one SCENARIO file.', EVAL_HELP);
  const file = positionals[0]!;
  const text = await read(file, io);
  if (text === null) return 2;
  const syntax = findJsonSyntaxError(text);
  if (syntax) {
    io.stderr(`${file}:${syntax.line}:${syntax.column}: not valid JSON: ${syntax.reason}\n`);
    return 2;
  }
  const scenario: unknown = JSON.parse(text);
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

function usage(io: PolicyCommandIo, message: string, help: string = USAGE): number {
  io.stderr(`${message}\n\n${help}`);
  return 2;
}
