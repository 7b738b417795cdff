import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CLI } from '../support/cli-process.ts';

/**
 * `tessera serve` on paths it cannot use: it must stop at once (not hang, not wait for the
 * server's modules), exit non-zero, and say which path and why — no stack trace. The tests
 * run as root, so every case is one that fails for root too: /proc, a file where a directory
 * belongs, a directory where a file belongs, a file that is not what it should be.
 */

const root = mkdtempSync(join(tmpdir(), 'tessera-bad-paths-'));
after(() => rmSync(root, { recursive: true, force: true }));

const plainFile = join(root, 'plain-file');
writeFileSync(plainFile, 'not a directory\n');
const goodDir = join(root, 'good');
mkdirSync(goodDir);

/** Well under a second of our own work; the rest is Node starting on a busy machine (a hang takes forever). */
const LIMIT_MS = 3000;

function serve(args: string[], command: string[] = ['serve', '--port', '0']): { status: number | null; stderr: string; stdout: string; ms: number; signal: NodeJS.Signals | null } {
  const started = performance.now();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TESSERA_')));
  const r = spawnSync(process.execPath, [CLI, ...command, ...args], { encoding: 'utf8', env, timeout: 10_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, ms: performance.now() - started, signal: r.signal };
}

function assertRefused(args: string[], message: RegExp, command?: string[]): void {
  const r = serve(args, command);
  assert.equal(r.signal, null, `ended by itself, not killed after hanging (${Math.round(r.ms)} ms)`);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  assert.doesNotMatch(r.stdout, /listening/);
  assert.ok(r.ms < LIMIT_MS, `took ${Math.round(r.ms)} ms`);
}

describe('tessera serve refuses unusable paths at once, naming them', () => {
  test('--data-dir under /proc (used to hang at full CPU)', () => {
    assertRefused(['--data-dir', '/proc/tessera-x'], /^tessera: data directory \/proc\/tessera-x: cannot create \/proc\/tessera-x: no such file or directory \(ENOENT\)$/m);
  });

  test('tessera account refuses the same paths the same way', () => {
    assertRefused(['--data-dir', '/proc/tessera-x'], /^tessera: data directory \/proc\/tessera-x: cannot create \/proc\/tessera-x: no such file or directory \(ENOENT\)$/m, ['account', 'create']);
  });

  test('tessera account list reads: a store that is not there is named, and nothing is created', () => {
    const missing = join(root, 'no-such-dir');
    assertRefused(['--data-dir', missing], new RegExp(`^tessera: SQLite store ${missing}/tessera\\.db: does not exist \\(is --data-dir or --store right\\?`, 'm'), ['account', 'list']);
    assert.equal(existsSync(missing), false);
  });

  test('--data-dir that exists but cannot hold files (used to say only "unable to open database file")', () => {
    assertRefused(['--data-dir', '/proc/self'], /^tessera: data directory \/proc\/self: cannot create files in it: /m);
  });

  test('--data-dir that is a regular file, or below one', () => {
    assertRefused(['--data-dir', plainFile], new RegExp(`^tessera: data directory ${plainFile}: exists but is not a directory$`, 'm'));
    assertRefused(['--data-dir', join(plainFile, 'sub')], /plain-file\/sub: a part of the path is a file, not a directory$/m);
  });

  test('--store sqlite:PATH under /proc, on a directory, or on a file that is not a database', () => {
    assertRefused(['--data-dir', goodDir, '--store', 'sqlite:/proc/tessera-x/tessera.db'], /^tessera: SQLite store \/proc\/tessera-x\/tessera\.db: its directory \/proc\/tessera-x: cannot create/m);
    assertRefused(['--data-dir', goodDir, '--store', `sqlite:${goodDir}`], /: exists but is not a regular file$/m);
    const garbage = join(root, 'garbage.db');
    writeFileSync(garbage, 'this is not a SQLite database at all\n');
    assertRefused(['--data-dir', goodDir, '--store', `sqlite:${garbage}`], /garbage\.db: the file is not a SQLite database$/m);
  });

  test('a master key file that is garbled, a directory, or too large; a bad --master-key', () => {
    const garbled = join(root, 'garbled');
    mkdirSync(garbled);
    writeFileSync(join(garbled, 'master.key'), 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=\n');
    assertRefused(['--data-dir', garbled], /^tessera: master key file .*garbled\/master\.key, line 1: the master key must be the base64 of exactly 32 bytes$/m);
    const dir = join(root, 'key-is-dir');
    mkdirSync(join(dir, 'master.key'), { recursive: true });
    assertRefused(['--data-dir', dir], /key-is-dir\/master\.key: is not a regular file$/m);
    const big = join(root, 'big');
    mkdirSync(big);
    writeFileSync(join(big, 'master.key'), 'A'.repeat(5_000_000));
    assertRefused(['--data-dir', big], /big\/master\.key: is 5000000 bytes, too large to be a key file$/m);
    assertRefused(['--data-dir', goodDir, '--master-key', 'abc'], /^tessera: configured master key: the master key must be the base64 of exactly 32 bytes$/m);
  });
});
