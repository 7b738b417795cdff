import { startTestIdp } from '../federation/test-idp/oidc-idp.ts';
import { UsageError, parseFlags } from './flags.ts';
import { watchForStop } from './stop-signals.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: tessera idp [--port N]

Runs the built-in test identity provider (OIDC and SAML) on 127.0.0.1 until SIGTERM or
SIGINT. It signs anything it is asked to: development only.

  --port N                       listen port (default 0: any free port)
  --help                         this help
`;

/** Resolves when the process is asked to stop (SIGINT / SIGTERM, or the npm that started it is gone). */
async function untilSignal(): Promise<void> {
  const stop = watchForStop();
  try {
    await stop.stopped;
  } finally {
    stop.dispose();
  }
}

/**
 * `tessera idp [--port N]`: runs the built-in test identity provider on loopback until
 * stopped, printing its issuer URL (register it with CreateOpenIDConnectProvider) and how to
 * mint a token. `untilStopped` is passed in so the command can be run without signals.
 */
export async function runIdpCommand(argv: string[], io: CliIo, untilStopped: () => Promise<void> = untilSignal): Promise<number> {
  const { values, help } = parseFlags(argv, { port: { type: 'string' } }, 'idp', { maxPositionals: 0 });
  if (help) {
    io.stdout(USAGE);
    return 0;
  }
  const portText = values['port'] as string | undefined;
  const port = portText === undefined ? 0 : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a port number from 0 to 65535, got '${portText}'`);
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
