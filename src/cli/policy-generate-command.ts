import { generatePolicy } from '../cloudtrail/policy-generator.ts';
import { UsageError, flagHelpLines, parseDuration, parseFlags } from './flags.ts';
import { STORE_FLAGS, withStore } from './store-access.ts';

const GENERATE_FLAGS = {
  principal: { type: 'string', value: 'ARN', help: 'a user, role, assumed-role session or federated user ARN' },
  since: { type: 'string', value: 'DURATION|TIME', help: 'only requests since then: 30d, 12h, or an ISO time (default: every retained event)' },
  json: { type: 'boolean', help: 'print {policy, denied, events, diagnostics} as JSON' },
  ...STORE_FLAGS,
} as const;

const HELP = `Usage: tessera policy generate --principal ARN [--since DURATION|TIME] [flags]

Writes the least-privilege identity policy of a principal from its recorded requests (IAM
Access Analyzer's "generate policy"): every action and resource ARN its allowed requests
needed, resources with the same actions in one statement, validated as IAM validates an
identity policy. The policy goes to stdout; what the principal was denied is listed on stderr
(or in the JSON with --json). A role ARN covers all its sessions. Exit 1 when nothing was
found or the policy does not validate.

${flagHelpLines(GENERATE_FLAGS)}
  --help                         this help
`;

/** What the command touches (a subset of `tessera policy`'s io). */
interface GenerateIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env?: NodeJS.ProcessEnv;
}

export async function runPolicyGenerateCommand(argv: string[], io: GenerateIo): Promise<number> {
  const parsed = parseFlags(argv, GENERATE_FLAGS, 'policy generate', { maxPositionals: 0 });
  if (parsed.help) {
    io.stdout(HELP);
    return 0;
  }
  const values = parsed.values as Record<string, string | undefined>;
  const principal = values['principal'];
  if (!principal) throw new UsageError(`policy generate needs --principal ARN. See 'tessera policy generate --help'.`);
  if (!/^arn:aws:(iam|sts)::\d{12}:[!-~]{1,2000}$/.test(principal)) throw new UsageError(`--principal must be an IAM or STS principal ARN, got '${principal.slice(0, 100)}'`);
  const since = values['since'] !== undefined ? sinceOf(values['since']) : undefined;
  return withStore(values, io.env ?? {}, async (store) => {
    const generated = await generatePolicy(store, principal, since ? { since } : {});
    const errors = generated.diagnostics.filter((d) => d.severity === 'error');
    if (values['json'] !== undefined) {
      io.stdout(`${JSON.stringify(generated, null, 2)}\n`);
    } else {
      io.stdout(`${JSON.stringify(generated.policy, null, 2)}\n`);
      io.stderr(`${generated.events} request(s) of ${principal} read; ${generated.policy.Statement.length} statement(s)\n`);
      for (const d of generated.denied) io.stderr(`denied: ${d.action} on ${d.resource} (${d.count}×${d.errorCode ? `, ${d.errorCode}` : ''})\n`);
      for (const d of generated.diagnostics) io.stderr(`${d.severity}: ${d.message}${d.path ? ` at ${d.path}` : ''}\n`);
    }
    return generated.policy.Statement.length === 0 || errors.length > 0 ? 1 : 0;
  });
}

function sinceOf(text: string): Date {
  if (/^\d+[smhd]$/.test(text)) return new Date(Date.now() - parseDuration(text, '--since') * 1000);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since must be a duration (30d, 12h) or an ISO time, got '${text.slice(0, 60)}'`);
  return date;
}
