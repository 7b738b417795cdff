#!/usr/bin/env node
// Entry point for `npx tessera` / an installed `tessera` binary: runs the TypeScript CLI
// directly (Node.js >= 22.18 strips types natively).
import { readFile } from 'node:fs/promises';
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (p) => readFile(p, 'utf8'),
  env: process.env,
});
