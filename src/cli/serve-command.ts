import { checkStartupPaths } from '../server/startup-checks.ts';
import { parseServeConfig, serveHelp } from './flags.ts';
import type { CliIo } from './io.ts';

/** `tessera serve`: runs the server until SIGINT/SIGTERM, then closes it cleanly. */
export async function runServeCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(serveHelp());
    return 0;
  }
  const config = parseServeConfig(argv, io.env);
  // Bad paths and keys fail here, in a fraction of a second, before the server's modules load.
  await checkStartupPaths(config);
  const { startTessera } = await import('../server/app.ts');
  const tessera = await startTessera(config);
  const created = tessera.createdRootCredentials;
  // One write, "listening on" last: whoever waits for that line has the whole banner.
  let banner = `Default account: ${tessera.defaultAccountId}\n`;
  if (created) {
    banner +=
      `Root user credentials (shown once${config.dev ? '' : `; also in ${config.dataDir}/root-credentials`}):\n` +
      `  AWS_ACCESS_KEY_ID=${created.accessKeyId}\n  AWS_SECRET_ACCESS_KEY=${created.secretAccessKey}\n`;
  }
  banner += `Tessera listening on ${tessera.url} (${config.dev ? 'dev mode, in-memory' : config.store})\n`;
  io.stdout(banner);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await tessera.close();
  return 0;
}
