import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPolicyCommand } from './policy-command.ts';

function fakeIo(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (s: string) => void out.push(s),
      stderr: (s: string) => void err.push(s),
      readFile: async (path: string) => {
        const content = files[path];
        if (content === undefined) throw new Error(`ENOENT: no such file '${path}'`);
        return content;
      },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

const validIdentity = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] });

describe('tessera policy validate', () => {
  it('exits 0 for a valid policy', async () => {
    const t = fakeIo({ 'p.json': validIdentity });
    assert.equal(await runPolicyCommand(['validate', 'p.json', '--kind', 'identity'], t.io), 0);
    assert.match(t.stdout(), /p\.json: valid identity policy/);
  });

  it('exits 1 and prints AWS\'s message for an invalid policy', async () => {
    const t = fakeIo({ 'p.json': withPrincipal });
    assert.equal(await runPolicyCommand(['validate', 'p.json', '--kind=identity'], t.io), 1);
    assert.match(t.stdout(), /error\tStatement\[0\]\.Principal\tPrincipalNotAllowed\tPolicy document should not specify a principal\./);
    assert.match(t.stdout(), /invalid identity policy/);
  });

  it('applies the inline quota chosen with --inline-for, and prints JSON with --json', async () => {
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(2100)}` }] });
    const t = fakeIo({ 'big.json': big });
    assert.equal(await runPolicyCommand(['validate', 'big.json', '--kind', 'identity', '--inline-for', 'user', '--json'], t.io), 1);
    const report = JSON.parse(t.stdout());
    assert.equal(report.valid, false);
    assert.deepEqual(report.diagnostics.map((d: { code: string }) => d.code), ['PolicySizeExceeded']);
    const role = fakeIo({ 'big.json': big });
    assert.equal(await runPolicyCommand(['validate', 'big.json', '--kind', 'identity', '--inline-for', 'role'], role.io), 0);
  });

  it('exits 2 for usage errors and unreadable files', async () => {
    for (const argv of [
      ['validate', 'p.json'],
      ['validate', '--kind', 'identity'],
      ['validate', 'p.json', '--kind', 'bucket'],
      ['validate', 'p.json', '--kind', 'trust', '--inline-for', 'user'],
      ['validate', 'p.json', '--kind', 'identity', '--bogus'],
      ['frobnicate'],
      [],
    ]) {
      const t = fakeIo({ 'p.json': validIdentity });
      assert.equal(await runPolicyCommand(argv, t.io), 2, argv.join(' '));
      assert.ok(t.stderr().length > 0 || t.stdout().includes('Usage'), argv.join(' '));
    }
    const missing = fakeIo({});
    assert.equal(await runPolicyCommand(['validate', 'nope.json', '--kind', 'identity'], missing.io), 2);
    assert.match(missing.stderr(), /nope\.json: cannot read/);
  });
});

describe('tessera policy eval', () => {
  it('prints the ScenarioResult as pretty JSON and exits 0', async () => {
    const scenario = {
      request: { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
      identityPolicies: [JSON.parse(validIdentity)],
    };
    const t = fakeIo({ 's.json': JSON.stringify(scenario) });
    assert.equal(await runPolicyCommand(['eval', 's.json'], t.io), 0);
    const result = JSON.parse(t.stdout());
    assert.equal(result.decision, 'Allowed');
    assert.equal(result.deciding[0].policy, 'identityPolicies[0]');
    assert.match(t.stdout(), /\n  "decision"/, 'pretty-printed');
  });

  it('prints the deny reason', async () => {
    const t = fakeIo({ 's.json': JSON.stringify({ request: { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:PutObject' } }) });
    assert.equal(await runPolicyCommand(['eval', 's.json'], t.io), 0);
    assert.equal(JSON.parse(t.stdout()).reason, 'no identity-based policy allows the s3:PutObject action');
  });

  it('exits 2 with a message for a bad scenario file', async () => {
    const cases: Record<string, string> = { 'broken.json': '{', 'bad.json': JSON.stringify({ request: { principal: 'nobody' } }) };
    for (const file of Object.keys(cases)) {
      const t = fakeIo(cases);
      assert.equal(await runPolicyCommand(['eval', file], t.io), 2, file);
      assert.match(t.stderr(), new RegExp(`^${file.replace('.', '\\.')}:`));
    }
    const broken = fakeIo(cases);
    await runPolicyCommand(['eval', 'broken.json'], broken.io);
    assert.match(broken.stderr(), /^broken\.json:1:2: not valid JSON: /, 'where the JSON breaks');
    const none = fakeIo({});
    assert.equal(await runPolicyCommand(['eval'], none.io), 2);
    assert.equal(await runPolicyCommand(['eval', 'missing.json'], none.io), 2);
  });
});
