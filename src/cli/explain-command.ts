import { explanationOf } from '../cloudtrail/explain.ts';
import { UsageError, flagHelpLines, parseFlags } from './flags.ts';
import type { CliIo } from './io.ts';
import { STORE_FLAGS, withStore } from './store-access.ts';

const EXPLAIN_FLAGS = { ...STORE_FLAGS } as const;

const HELP = `Usage: tessera explain REQUEST_ID [flags]

Prints the full authorization decision of one request from the audit log, as JSON: the caller,
the operation, the error it was answered, and the engine's decision — the statements that
decided it, the missing context keys and every condition key it was decided with. REQUEST_ID
is the x-amzn-RequestId of the response (the aws CLI shows it with --debug; SDK errors carry it
as $metadata.requestId). Exit 1 when the audit log has no such request.

${flagHelpLines(EXPLAIN_FLAGS)}
  --help                         this help
`;

const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

export async function runExplainCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, EXPLAIN_FLAGS, 'explain', { maxPositionals: 1 });
  if (parsed.help) {
    io.stdout(HELP);
    return 0;
  }
  const requestId = parsed.positionals[0];
  if (requestId === undefined) throw new UsageError(`explain needs a REQUEST_ID. See 'tessera explain --help'.`);
  if (!REQUEST_ID.test(requestId)) throw new UsageError(`'${requestId.slice(0, 80)}' is not a request ID (letters, digits and dashes, at most 64).`);
  return withStore(parsed.values, io.env, async (store) => {
    const explanation = explanationOf(await store.auditByRequestId(requestId));
    if (!explanation) {
      io.stderr(`no request ${requestId} in the audit log (older than the retention period, or never answered by this store's servers)\n`);
      return 1;
    }
    io.stdout(`${JSON.stringify(explanation, null, 2)}\n`);
    return 0;
  });
}
