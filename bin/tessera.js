#!/usr/bin/env node
// Entry point of `tessera` (npx tessera, an installed package's bin, the Docker image).
//
// Plain JavaScript that any Node.js can parse, so an old one is told what it needs instead
// of failing on the code it cannot run. Then it loads the CLI:
//  - from a checkout (src/ present): the TypeScript itself, by Node's type stripping;
//  - from an installed package: dist/, the JavaScript `npm pack` builds (Node.js does not
//    strip types of files under node_modules).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const MINIMUM = [22, 18, 0];
// 23.x stripped types without a flag only from 23.6.
const MINIMUM_23 = [23, 6, 0];

function atLeast(version, minimum) {
  for (let i = 0; i < minimum.length; i++) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i];
  }
  return true;
}

const running = process.versions.node.split('.').map(Number);
if (!atLeast(running, running[0] === 23 ? MINIMUM_23 : MINIMUM)) {
  process.stderr.write(
    `tessera needs Node.js ≥ 22.18 (this is Node.js ${process.version}, ${process.execPath}).\n` +
    'Install Node.js 22.18 or newer (24 LTS recommended) and run it again.\n',
  );
  process.exit(1);
}

// Node.js 22 calls node:sqlite experimental on every start; Tessera knows, and says which
// Node.js versions it supports. Every other warning is printed as Node.js would.
if (running[0] === 22) {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning' && warning.message.startsWith('SQLite is an experimental feature')) return;
    process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
  });
}

const fromSource = new URL('../src/cli/main.ts', import.meta.url);
const fromBuild = new URL('../dist/cli/main.js', import.meta.url);
let main;
try {
  ({ main } = await import(existsSync(fromSource) ? fromSource.href : fromBuild.href));
} catch (err) {
  process.stderr.write(`tessera: cannot load the CLI: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (p) => readFile(p, 'utf8'),
  env: process.env,
});
