// README truth sweep: what README.md says a user meets first, checked against the program.
// The flags table of `tessera serve` against `tessera serve --help`, the startup mistakes README
// quotes, and the admin endpoints' answers.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, startServeProcess, type ServeProcess } from '../support/cli-process.ts';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The rows of README's `tessera serve` flags table: flag name → its environment twin as written. */
function readmeServeFlags(): Map<string, string> {
  const start = README.indexOf('| flag | environment | default | meaning |');
  assert.ok(start >= 0, 'README has the serve flags table');
  const rows = new Map<string, string>();
  for (const line of README.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(' | ');
    const flag = /`(--[a-z-]+)/.exec(cells[0]!)?.[1];
    const env = /`(TESSERA_[A-Z_]+)/.exec(cells[1]!)?.[1];
    assert.ok(flag && env, `a flag and its twin in: ${line}`);
    rows.set(flag, env);
  }
  return rows;
}

/** `tessera serve --help`: flag name → its environment twin in brackets. */
function helpServeFlags(): Map<string, string> {
  const r = runCli(['serve', '--help']);
  assert.equal(r.status, 0);
  const flags = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\s+(--[a-z-]+)\b.*?(?:\[(TESSERA_[A-Z_]+)\])?\s*$/.exec(line);
    if (m && m[1] !== '--help') flags.set(m[1]!, m[2] ?? '');
  }
  return flags;
}

describe('README: the tessera serve flags table matches tessera serve --help', () => {
  test('every flag of the table is in --help with the same environment twin, and back', () => {
    const table = readmeServeFlags();
    const help = helpServeFlags();
    assert.deepEqual([...table.keys()].sort(), [...help.keys()].sort());
    for (const [flag, env] of table) assert.equal(help.get(flag), env, `${flag}'s twin`);
  });
});

describe('README: "Mistakes are refused before anything starts", exit 2 and the quoted line', () => {
  const cases: { args: string[]; env?: NodeJS.ProcessEnv; line: string }[] = [
    { args: ['--prot', '4639'], line: "Unknown option --prot. Did you mean --port? See 'tessera serve --help'." },
    { args: ['--port', 'abc'], line: "--port must be a port number from 0 to 65535, got 'abc'" },
    { args: [], env: { TESSERA_LOG_LEVEL: 'inof' }, line: "TESSERA_LOG_LEVEL must be one of debug, info, warn, error, silent; got 'inof' (did you mean info?)" },
    { args: ['--quota', 'foo'], line: '--quota takes NAME=N' },
    { args: ['--store', 'mysql://u:secret@h/db'], line: "--store has the unknown scheme 'mysql:'; use sqlite:PATH or postgres://" },
    { args: ['--dev', '--workers', '2'], line: '--workers 2' },
  ];
  for (const c of cases) {
    test(`${c.args.join(' ') || JSON.stringify(c.env)} → exit 2: ${c.line}`, () => {
      const r = runCli(['serve', ...c.args], c.env ?? {});
      assert.equal(r.status, 2, r.stderr);
      assert.ok(r.stderr.startsWith(c.line), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(r.stderr, /secret/, 'a store URL is never echoed');
    });
  }
  test('boolean twins take 1/true/yes/on or 0/false/no/off/empty; anything else is refused', () => {
    const r = runCli(['serve'], { TESSERA_DEV: 'maybe' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^TESSERA_DEV /);
  });
});

describe('README: admin endpoints of a persistent server', () => {
  let dir: string;
  let server: ServeProcess;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-readme-sweep-'));
    server = await startServeProcess(['--port', '0', '--workers', '1', '--data-dir', dir, '--log-level', 'warn']);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('GET /_tessera/health: 200 {status, version, store, dev, defaultAccountId}', async () => {
    const res = await fetch(`${server.url}/_tessera/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['defaultAccountId', 'dev', 'status', 'store', 'version']);
    assert.equal(body.status, 'ok');
    assert.equal(body.store, 'sqlite');
    assert.equal(body.dev, false);
  });

  test('/_tessera/accounts: the admin token, 201 then 409; a web page gets 403 before anything else', async () => {
    const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${server.url}/_tessera/accounts`)).status, 401);
    const made = await fetch(`${server.url}/_tessera/accounts`, { method: 'POST', headers: auth, body: '{"accountId":"222233334444"}' });
    assert.equal(made.status, 201);
    assert.deepEqual(Object.keys((await made.json()) as object).sort(), ['accessKeyId', 'accountId', 'secretAccessKey']);
    const again = await fetch(`${server.url}/_tessera/accounts`, { method: 'POST', headers: auth, body: '{"accountId":"222233334444"}' });
    assert.equal(again.status, 409);
    const listed = (await (await fetch(`${server.url}/_tessera/accounts`, { headers: auth })).json()) as { accounts: string[] };
    assert.ok(listed.accounts.includes('222233334444'));
    for (const headers of [{ origin: 'http://example.test' }, { 'sec-fetch-site': 'same-origin' }]) {
      const res = await fetch(`${server.url}/_tessera/reset`, { method: 'POST', headers: { ...auth, ...headers } });
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as { error: string }).error, 'Forbidden');
    }
  });
});
