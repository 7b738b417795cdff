import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, rmSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp dir, one server on a free
 * loopback port with durability switched off (fsync, full-page writes) for speed, torn down
 * by `stop()` — or, if the test process dies first, by an exit hook.
 */

const run = promisify(execFile);

/** The superuser initdb creates; trust auth on loopback, so the URL needs no password. */
const SUPERUSER = 'tessera';
/** initdb and postgres refuse to run as root; this OS user runs them instead. */
const OS_USER_WHEN_ROOT = 'postgres';

export interface PostgresCluster {
  /** URL of a fresh, empty database created for the caller. */
  url: string;
  /** Creates another empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folder holding `initdb` and `pg_ctl`: from PATH, else Debian's
 * /usr/lib/postgresql/<version>/bin (newest first). Undefined when PostgreSQL is not installed.
 */
export function findPostgresBinDir(): string | undefined {
  const candidates = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // No Debian-style installation.
  }
  return candidates.find((dir) => isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'pg_ctl')));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

async function osUser(name: string): Promise<OsUser> {
  try {
    const uid = Number((await run('id', ['-u', name])).stdout.trim());
    const gid = Number((await run('id', ['-g', name])).stdout.trim());
    return { name, uid, gid };
  } catch {
    throw new Error(`running as root, and there is no "${name}" OS user to run PostgreSQL as (initdb refuses root)`);
  }
}

/** Runs a PostgreSQL binary, as `runAs` when given; the error carries its output. */
async function runPg(binDir: string, program: string, args: string[], runAs: OsUser | undefined): Promise<void> {
  const file = runAs ? 'runuser' : join(binDir, program);
  const argv = runAs ? ['-u', runAs.name, '--', join(binDir, program), ...args] : args;
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${program} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: err });
  }
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binDir = findPostgresBinDir();
  if (!binDir) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found in PATH or /usr/lib/postgresql/*/bin');
  const runAs = process.getuid?.() === 0 ? await osUser(OS_USER_WHEN_ROOT) : undefined;

  const root = await mkdtemp(join(tmpdir(), 'tessera-pg-'));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'postgres.log');
  if (runAs) await chown(root, runAs.uid, runAs.gid);

  // Best effort if the test process exits without calling stop(): an orphaned postmaster
  // would otherwise keep running and holding its port.
  const stopSync = () => {
    const pgCtl = [join(binDir, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', '-w', 'stop'];
    if (runAs) spawnSync('runuser', ['-u', runAs.name, '--', ...pgCtl], { stdio: 'ignore' });
    else spawnSync(pgCtl[0]!, pgCtl.slice(1), { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', stopSync);

  try {
    await runPg(binDir, 'initdb', ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], runAs);

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      await appendFile(
        join(dataDir, 'postgresql.conf'),
        [
          '',
          '# Throwaway test cluster: loopback only, no durability.',
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          "unix_socket_directories = ''",
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          '',
        ].join('\n'),
      );
      try {
        await runPg(binDir, 'pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'], runAs);
        break;
      } catch (err) {
        // Another process may have taken the port between our probe and the server's bind;
        // a later `port =` line overrides this one.
        const log = await readFile(logFile, 'utf8').catch(() => '');
        if (attempt >= 3 || !/could not (bind|create listen socket)/i.test(log)) throw err;
      }
    }

    const adminUrl = `postgresql://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    const createDatabase = async (name: string): Promise<string> => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name must be a plain identifier: ${name}`);
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgresql://${SUPERUSER}@127.0.0.1:${port}/${name}`;
    };
    const url = await createDatabase('tessera_test');

    let stopped = false;
    return {
      url,
      createDatabase,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', stopSync);
        try {
          await runPg(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], runAs);
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    process.removeListener('exit', stopSync);
    stopSync();
    throw err;
  }
}
