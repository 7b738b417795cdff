// The module boundaries of .dependency-cruiser.cjs: a tree full of forbidden imports fails
// with each rule's name, the allowed imports pass, and the real tree is checked completely
// (every source file read).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const configPath = join(repoRoot, '.dependency-cruiser.cjs');
const depcruiseBin = join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}
interface CruiseJson {
  modules: { source: string }[];
  summary: { error: number; warn: number; violations: Violation[] };
}

function depcruise(cwd: string, outputType: 'json' | 'err-long') {
  const run = spawnSync(process.execPath, [depcruiseBin, 'src', '--config', configPath, '--output-type', outputType], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    // The JSON report of the whole tree is over spawnSync's default 1 MiB.
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// The JSON report exits 0 whatever it finds; the build fails through the
// 'err-long' form that `npm run lint:modules` prints.
function cruiseJson(cwd: string): CruiseJson {
  const run = depcruise(cwd, 'json');
  assert.ok(run.stdout.startsWith('{'), `depcruise printed no report: ${run.stderr}`);
  return JSON.parse(run.stdout) as CruiseJson;
}

const describeViolation = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}`;

async function writeTree(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

// Every import below is allowed: the clean tree must pass.
const allowedTree: Record<string, string> = {
  'package.json': JSON.stringify({ type: 'module', dependencies: { 'left-pad': '1.0.0' } }),
  'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.0.0', main: 'index.js' }),
  'node_modules/left-pad/index.js': 'module.exports = (s) => s;\n',
  'src/policy/evaluate.ts': "import { createHash } from 'node:crypto';\nexport const hash = createHash;\n",
  'src/store/types.ts': 'export type Store = { readonly kind: string };\n',
  'src/kernel/clock.ts': "import type { Store } from '../store/types.ts';\nexport type Clock = { store: Store };\n",
  'src/iam/roles.ts': "import type { Clock } from '../kernel/clock.ts';\nexport type Role = { clock: Clock };\n",
  // sts → iam is allowed (iam → sts is not).
  'src/sts/assume-role.ts': "import type { Role } from '../iam/roles.ts';\nexport type Assumed = { role: Role };\n",
  'src/server/app.ts': "import type { Assumed } from '../sts/assume-role.ts';\nexport type App = { a: Assumed };\n",
  'src/cli/main.ts': "export const run = async () => (await import('../server/app.ts'));\n",
  // Tests may import across any layer.
  'src/policy/evaluate.test.ts': "import type { App } from '../server/app.ts';\nexport type T = App;\n",
  // A cycle inside one module is only a warning.
  'src/protocol/a.ts': "import type { B } from './b.ts';\nexport type A = { b?: B };\n",
  'src/protocol/b.ts': "import type { A } from './a.ts';\nexport type B = { a?: A };\n",
};

// Each forbidden import, and the rule that must name it.
const forbiddenTree: Record<string, string> = {
  ...allowedTree,
  'src/policy/explain.ts': "import type { App } from '../server/app.ts';\nexport type E = App;\n",
  // A type-only re-export is an import like any other.
  'src/policy/index.ts': "export type { App } from '../server/app.ts';\n",
  'src/sigv4/sign.ts': "import pad from 'left-pad';\nexport const p = pad;\n",
  'src/iam/sessions.ts': "import type { Assumed } from '../sts/assume-role.ts';\nexport type S = Assumed;\n",
  'src/server/commands.ts': "import { run } from '../cli/main.ts';\nexport const r = run;\n",
  'src/billing/invoice.ts': "import type { Clock } from '../kernel/clock.ts';\nexport type I = Clock;\n",
  'src/kernel/ids.ts': "import { tokenPrefix } from '../tokens/prefix.ts';\nexport const idPrefix = 'id';\nexport const both = tokenPrefix;\n",
  'src/tokens/prefix.ts': "import { idPrefix } from '../kernel/ids.ts';\nexport const tokenPrefix = idPrefix;\n",
  'src/store/fixtures.ts': "import { user } from '../../test/support/users.ts';\nexport const u = user;\n",
  'test/support/users.ts': "export const user = 'alice';\n",
  'src/protocol/codec.ts': "import { gone } from './missing.ts';\nexport const g = gone;\n",
  // sts/ does not reach into federation/ (authentication verifies tokens; STS issues sessions).
  'src/sts/registry.ts': "import { other } from '../federation/saml/other.ts';\nexport const o = other;\n",
  'src/federation/saml/other.ts': 'export const other = 1;\n',
};

const expectedForbidden = [
  'layer-policy: src/policy/explain.ts → src/server/app.ts',
  'layer-policy: src/policy/index.ts → src/server/app.ts',
  'pure-core-has-no-npm-dependencies: src/sigv4/sign.ts → node_modules/left-pad/index.js',
  'layer-iam: src/iam/sessions.ts → src/sts/assume-role.ts',
  'layer-server: src/server/commands.ts → src/cli/main.ts',
  'module-not-in-layer-table: src/billing/invoice.ts → src/kernel/clock.ts',
  'layer-kernel: src/kernel/ids.ts → src/tokens/prefix.ts',
  // A cycle is reported once, at its first import.
  'no-cycle-between-modules: src/kernel/ids.ts → src/tokens/prefix.ts',
  'src-does-not-import-tests: src/store/fixtures.ts → test/support/users.ts',
  'not-to-unresolvable: src/protocol/codec.ts → ./missing.ts',
  'layer-sts: src/sts/registry.ts → src/federation/saml/other.ts',
].sort();

describe('module boundaries (.dependency-cruiser.cjs)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-depcruise-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a tree of allowed imports passes, with the in-module cycle as a warning', async () => {
    const root = join(dir, 'allowed');
    await writeTree(root, allowedTree);
    const result = cruiseJson(root);
    assert.deepEqual(result.summary.violations.filter((v) => v.rule.severity === 'error').map(describeViolation), []);
    assert.equal(result.summary.error, 0);
    assert.deepEqual(
      result.summary.violations.filter((v) => v.rule.severity === 'warn').map((v) => v.rule.name),
      ['cycle-within-module'],
    );
    assert.ok(result.modules.some((m) => m.source === 'src/sts/assume-role.ts'), 'the fixture was read');
  });

  test('every forbidden import is reported by its rule, and nothing else is', async () => {
    const root = join(dir, 'forbidden');
    await writeTree(root, forbiddenTree);
    const result = cruiseJson(root);
    const errors = result.summary.violations.filter((v) => v.rule.severity === 'error').map(describeViolation).sort();
    assert.deepEqual(errors, expectedForbidden);
    assert.equal(result.summary.error, expectedForbidden.length);
  });

  test('the npm script form fails on a policy/ → server/ import and names the rule', async () => {
    const root = join(dir, 'policy-to-server');
    await writeTree(root, {
      'src/server/app.ts': 'export const app = 1;\n',
      'src/policy/evaluate.ts': "import { app } from '../server/app.ts';\nexport const a = app;\n",
    });
    const run = depcruise(root, 'err-long');
    assert.notEqual(run.status, 0);
    assert.match(run.stdout, /error layer-policy: src\/policy\/evaluate\.ts → src\/server\/app\.ts/);
    assert.match(run.stdout, /policy\/ imports nothing of ours/);
  });

  test('the source tree: every file is read and no rule is broken', async () => {
    const result = cruiseJson(repoRoot);
    const errors = result.summary.violations.filter((v) => v.rule.severity === 'error').map(describeViolation);
    assert.deepEqual(errors, []);
    assert.equal(result.summary.error, 0);

    // dependency-cruiser skips what it cannot parse without a word: prove it read everything.
    const sources = (await readdir(join(repoRoot, 'src'), { recursive: true }))
      .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts'))
      .map((path) => `src/${path}`);
    const cruised = new Set(result.modules.map((m) => m.source));
    assert.deepEqual(sources.filter((path) => !cruised.has(path)), []);
    assert.ok(sources.length > 100, `only ${sources.length} source files found`);

    // swc, dependency-cruiser's parser here, does not see an inline import('…') type inside a
    // type alias or a type argument; `import type` is always seen. Only awaited dynamic
    // imports (code, seen as dynamic-import) may use the call form.
    const inlineImports: string[] = [];
    for (const path of sources) {
      const text = await readFile(join(repoRoot, path), 'utf8');
      for (let at = text.indexOf('import('); at !== -1; at = text.indexOf('import(', at + 1)) {
        const partOfAName = at > 0 && /[\w$.]/.test(text[at - 1]!);
        const awaited = text.slice(0, at).trimEnd().endsWith('await');
        if (!partOfAName && !awaited) inlineImports.push(`${path}:${text.slice(0, at).split('\n').length}`);
      }
    }
    assert.deepEqual(inlineImports, [], "write `import type { X } from '…'` instead of an inline import('…') type");

  });
});
