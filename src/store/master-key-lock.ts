import { open, readFile, unlink } from 'node:fs/promises';

/**
 * A lock around changes to a master key file, so two `tessera master-key` commands cannot
 * each add a different new key and lose one: the lock file is created exclusively and holds
 * the owner's process ID. It is held for milliseconds (re-read, write), so a lock left behind
 * is one whose owner died: a lock naming a process that no longer exists is taken over.
 */
export async function withKeyFileLock<T>(keyFile: string, fn: () => Promise<T>): Promise<T> {
  const lockFile = `${keyFile}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`, 'utf8');
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(lockFile, err);
      const owner = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (Number.isSafeInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(`another command (process ${owner}) is changing ${keyFile}; if no such command is running, delete ${lockFile}`);
      }
      await unlink(lockFile).catch(() => undefined);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}

function lockError(lockFile: string, err: unknown): Error {
  return new Error(`cannot lock ${lockFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
