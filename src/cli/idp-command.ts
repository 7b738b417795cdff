import { parseArgs } from 'node:util';
import { startTestIdp } from '../federation/test-idp/oidc-idp.ts';
import { UsageError } from './flags.ts';
import type { CliIo } from './io.ts';

const USAGE = 'Usage: tessera idp [--port N]   (a test identity provider on 127.0.0.1; signs anything it is asked to — development only)';

/** Resolves when the process is asked to stop (SIGINT / SIGTERM). */
function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/**
 * `tessera idp [--port N]`: runs the built-in test identity provider on loopback until
 * stopped, printing its issuer URL (register it with CreateOpenIDConnectProvider) and how to
 * mint a token. `untilStopped` is passed in so the command can be run without signals.
 */
export async function runIdpCommand(argv: string[], io: CliIo, untilStopped: () => Promise<void> = untilSignal): Promise<number> {
  let values: { port?: string; help?: boolean };
  try {
    values = parseArgs({ args: argv, options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535\n${USAGE}`);
  const idp = await startTestIdp({ port });
  io.stdout(
    `Test identity provider issuer: ${idp.issuer}\n` +
    `  discovery: ${idp.url}/.well-known/openid-configuration   keys: ${idp.url}/jwks\n` +
    `  mint a token: curl -s -X POST ${idp.url}/token -d '{"sub":"alice","aud":"my-client"}'\n`,
  );
  try {
    await untilStopped();
  } finally {
    await idp.close();
  }
  return 0;
}
