import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';

/**
 * Runs the `tessera` CLI in this process with its output captured: `files` are what it may
 * read (any other path is ENOENT), `env` its whole environment.
 */
export async function cliInProcess(argv: string[], env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readFile: async (p) => {
      if (Object.hasOwn(files, p)) return files[p]!;
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    },
    env,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
