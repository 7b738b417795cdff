// What README.md promises of the CLI, where the program did otherwise before: `--help` on every
// subcommand of `tessera master-key`, its mistakes told the way every other command tells
// them, and the read-only store commands refusing a store that is not there instead of
// creating an empty one and reporting that it recorded nothing.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliInProcess } from '../support/cli-in-process.ts';

const cli = cliInProcess;

describe('tessera master-key: --help on every subcommand, mistakes named as elsewhere', () => {
  for (const sub of ['status', 'rotate', 'retire', 'generate']) {
    for (const flag of ['--help', '-h']) {
      test(`tessera master-key ${sub} ${flag}`, async () => {
        const r = await cli(['master-key', sub, flag]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, '');
        assert.match(r.stdout, /^Usage: tessera master-key/);
        for (const name of ['--data-dir', '--store', '--master-key', '--batch-size', '--pause-ms', '--help']) assert.ok(r.stdout.includes(name), name);
      });
    }
  }

  test('--help wins over the other flags and does nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-readme-audit-'));
    try {
      const r = await cli(['master-key', 'rotate', '--data-dir', join(dir, 'none'), '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(join(dir, 'none')), 'nothing was created');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unknown flag names the nearest one and where the help is', async () => {
    const r = await cli(['master-key', 'status', '--bach-size', '3']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "Unknown option --bach-size. Did you mean --batch-size? See 'tessera master-key status --help'.\n");
  });

  test('an unknown subcommand names the nearest one', async () => {
    const r = await cli(['master-key', 'statsu']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Unknown master-key subcommand 'statsu'\. Did you mean 'status'\?/);
  });

  test('generate takes no arguments; a bad number names the value it got', async () => {
    const extra = await cli(['master-key', 'generate', 'extra']);
    assert.equal(extra.code, 2);
    assert.equal(extra.stderr, "Unexpected argument 'extra'. See 'tessera master-key generate --help'.\n");
    const generated = await cli(['master-key', 'generate']);
    assert.equal(generated.code, 0);
    assert.equal(Buffer.from(generated.stdout.trim(), 'base64').length, 32);
    for (const [flag, value, range] of [['--batch-size', 'abc', '1 to 1000'], ['--batch-size', '1.5', '1 to 1000'], ['--pause-ms', '60001', '0 to 60000']] as const) {
      const r = await cli(['master-key', 'status', `${flag}=${value}`]);
      assert.equal(r.code, 2, `${flag} ${value}`);
      assert.equal(r.stderr, `${flag} must be a whole number from ${range}, got '${value}'\n`);
    }
  });

  test('the top-level help names generate among the master-key subcommands', async () => {
    assert.match((await cli(['--help'])).stdout, /tessera master-key status\|rotate\|retire\|generate/);
  });
});

describe('explain, policy generate and audit verify refuse a store that does not exist', () => {
  const commands: [string, (dataDir: string) => string[]][] = [
    ['explain', (d) => ['explain', '01a24dbb-d463-7f13-9101-537cb3a9795f', '--data-dir', d]],
    ['policy generate', (d) => ['policy', 'generate', '--principal', 'arn:aws:iam::111122223333:user/alice', '--data-dir', d]],
    ['audit verify', (d) => ['audit', 'verify', '--trail', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main', '--trail-dir', d, '--data-dir', d]],
  ];
  for (const [name, argv] of commands) {
    test(name, async () => {
      const root = mkdtempSync(join(tmpdir(), 'tessera-readme-audit-'));
      const dataDir = join(root, 'no-such-dir');
      try {
        const r = await cli(argv(dataDir));
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.equal(r.stderr, `tessera: SQLite store ${join(dataDir, 'tessera.db')}: does not exist (is --data-dir or --store right? TESSERA_DATA_DIR, TESSERA_STORE)\n`);
        assert.ok(!existsSync(dataDir), 'no directory or database was created');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  test('the store named by TESSERA_STORE is checked the same way', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tessera-readme-audit-'));
    try {
      const path = join(root, 'missing.db');
      const r = await cli(['explain', '01a24dbb-d463-7f13-9101-537cb3a9795f'], { TESSERA_STORE: `sqlite:${path}` });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^tessera: SQLite store ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: does not exist`));
      assert.ok(!existsSync(path));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
