import { randomBytes } from 'node:crypto';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { getSystemErrorMessage } from 'node:util';

/**
 * Start-up checks on the paths Tessera writes to (the data directory, the SQLite file, the
 * master key file), so a bad path fails at once with the path and the reason, instead of as
 * SQLite's bare "unable to open database file" — or not at all: Node's recursive mkdir spins
 * forever on a path under /proc (it retries the parent it was just told exists).
 */

/** A path Tessera cannot use: the message names it and says why, and carries no stack worth showing. */
export class UnusablePathError extends Error {
  override readonly name = 'UnusablePathError';
}

/** "permission denied (EACCES)" from a Node file-system error; the message itself otherwise. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.errno === 'number' && typeof e.code === 'string') {
    try {
      return `${getSystemErrorMessage(e.errno)} (${e.code})`;
    } catch {
      return e.code;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/** Folder levels created at most: a deeper missing chain is a typo, not a data directory. */
const MAX_CREATED_LEVELS = 32;

/**
 * Makes sure `path` is a directory, creating it and its missing parents (mode 0700) one level
 * at a time: each step either succeeds or fails with its own reason, so nothing can loop.
 */
export async function ensureDirectory(path: string, what: string): Promise<void> {
  const absolute = resolve(path);
  const missing: string[] = [];
  let at = absolute;
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(at)).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(at) !== at && missing.length < MAX_CREATED_LEVELS) {
        missing.push(at);
        at = dirname(at);
        continue;
      }
      if (code === 'ENOTDIR') throw new UnusablePathError(`${what} ${path}: a part of the path is a file, not a directory`);
      throw new UnusablePathError(`${what} ${path}: cannot look up ${at}: ${describeFsError(err)}`);
    }
    if (!isDirectory) {
      throw new UnusablePathError(at === absolute ? `${what} ${path}: exists but is not a directory` : `${what} ${path}: ${at} is a file, not a directory`);
    }
    break;
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(folder).catch(() => undefined))?.isDirectory()) continue;
      throw new UnusablePathError(`${what} ${path}: cannot create ${folder}: ${describeFsError(err)}`);
    }
  }
}

/**
 * Makes sure `path` is a directory Tessera can create files in: creates it if needed, then
 * creates and removes a probe file. Access bits alone would not do: root passes every access
 * check, yet cannot write to a read-only mount or to /proc.
 */
export async function ensureWritableDirectory(path: string, what: string): Promise<void> {
  await ensureDirectory(path, what);
  const probe = resolve(path, `.tessera-write-check-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
  } catch (err) {
    throw new UnusablePathError(`${what} ${path}: cannot create files in it: ${describeFsError(err)}`);
  }
  await unlink(probe).catch(() => undefined);
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Checks a SQLite store path before SQLite sees it: its directory must be writable (SQLite
 * keeps its journal and lock files beside the database), and an existing file must be a
 * regular, readable and writable file that starts like a SQLite database (or is empty).
 */
export async function checkSqlitePath(path: string): Promise<void> {
  const what = 'SQLite store';
  await ensureWritableDirectory(dirname(resolve(path)), `${what} ${path}: its directory`);
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // created on open
    throw new UnusablePathError(`${what} ${path}: ${describeFsError(err)}`);
  }
  if (!info.isFile()) throw new UnusablePathError(`${what} ${path}: exists but is not a regular file`);
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (err) {
    throw new UnusablePathError(`${what} ${path}: cannot open it for reading and writing: ${describeFsError(err)}`);
  }
  try {
    if (info.size === 0) return;
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    if (bytesRead < header.length || !header.equals(SQLITE_HEADER)) throw new UnusablePathError(`${what} ${path}: the file is not a SQLite database`);
  } finally {
    await handle.close();
  }
}
