#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { UsageError } from './flags.ts';
import { closestName } from './suggest.ts';
import type { CliIo } from './io.ts';
import { TESSERA_VERSION } from '../server/version.ts';

const HELP = `Tessera ${TESSERA_VERSION} — AWS-compatible IAM + STS server and policy engine

Usage:
  tessera serve [flags]                         run the server
  tessera account create [--account-id ID]      create an account and its root access key
  tessera account list                          list account IDs
  tessera master-key status|rotate|retire|generate   rotate the key sealing secrets at rest (tessera master-key --help)
  tessera policy validate FILE --kind KIND      validate a policy document
  tessera policy eval SCENARIO.json             decide a request and explain why
  tessera policy generate --principal ARN       a least-privilege policy from the principal's recorded requests
  tessera explain REQUEST_ID                    the full authorization decision of a request, from the audit log
  tessera audit verify --trail ARN --trail-dir DIR   check a trail's log files and signed digests
  tessera idp [--port N]                        run the built-in test identity provider (OIDC, SAML)
  tessera run --instance-profile NAME -- CMD    run CMD as an EC2 instance (or --task-role ARN: an ECS task)
  tessera imds --instance-profile NAME          serve an instance's metadata for programs started elsewhere
  tessera container-credentials --task-role ARN serve a task's container credentials endpoint
  tessera dev-cert [--out DIR] [--hosts LIST]   make a development CA and HTTPS certificate for serve --tls-cert
  tessera --version

Every command and subcommand takes --help (tessera serve --help, tessera policy validate --help).
`;

const COMMANDS = ['serve', 'account', 'master-key', 'policy', 'explain', 'audit', 'idp', 'run', 'imds', 'container-credentials', 'dev-cert', 'version', 'help'];

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // Commands load lazily: `tessera policy …` needs the engine, not the server.
      case 'serve':
        return await (await import('./serve-command.ts')).runServeCommand(rest, io);
      case 'account':
        return await (await import('./account-command.ts')).runAccountCommand(rest, io);
      case 'master-key':
        return await (await import('./master-key-command.ts')).runMasterKeyCommand(rest, io);
      case 'policy':
        return await (await import('./policy-command.ts')).runPolicyCommand(rest, io);
      case 'explain':
        return await (await import('./explain-command.ts')).runExplainCommand(rest, io);
      case 'audit':
        return await (await import('./audit-command.ts')).runAuditCommand(rest, io);
      case 'idp':
        return await (await import('./idp-command.ts')).runIdpCommand(rest, io);
      case 'run':
        return await (await import('./run-command.ts')).runRunCommand(rest, io);
      case 'imds':
        return await (await import('./endpoint-commands.ts')).runImdsCommand(rest, io);
      case 'container-credentials':
        return await (await import('./endpoint-commands.ts')).runContainerCredentialsCommand(rest, io);
      case 'dev-cert':
        return await (await import('./dev-cert-command.ts')).runDevCertCommand(rest, io);
      case '--version':
      case 'version':
        io.stdout(`${TESSERA_VERSION}\n`);
        return 0;
      case 'help':
        if (rest.length > 0) return await main([...rest, '--help'], io);
        io.stdout(HELP);
        return 0;
      case undefined:
      case '--help':
      case '-h':
        io.stdout(HELP);
        return command === undefined ? 2 : 0;
      default: {
        const near = closestName(command, COMMANDS);
        io.stderr(`Unknown command '${command}'.${near ? ` Did you mean '${near}'?` : ''}\n\n${HELP}`);
        return 2;
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n`);
      return 2;
    }
    io.stderr(`tessera: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readFile: (p) => readFile(p, 'utf8'),
    env: process.env,
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
