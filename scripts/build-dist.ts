// Builds dist/ for the npm package (run by `npm pack` / `npm publish` as `prepack`): the
// JavaScript of src/ — types erased and `./x.ts` imports rewritten to `./x.js` by tsc
// (tsconfig.build.json) — and src/'s other files beside it (the SQL migrations). Node.js
// runs TypeScript by type stripping, but not for files under node_modules, which is where an
// installed package lives; a checkout keeps running src/ directly (see bin/tessera.js).
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (built.status !== 0) {
  console.error(`build-dist: tsc failed (exit ${built.status})`);
  process.exit(1);
}

let copied = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
  const from = join(entry.parentPath, entry.name);
  cpSync(from, join(dist, relative(src, from)));
  copied++;
}
console.log(`build-dist: ${relative(root, dist)}/ built from ${relative(root, src)}/ (+${copied} data files beside the code)`);

