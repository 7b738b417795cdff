// Regenerates src/protocol/generated/{iam,sts,organizations,tessera}.ts from the
// service models (AWS's and Tessera's own, and models/patches.json).
//   node scripts/generate-protocol-types.ts          write the files
//   node scripts/generate-protocol-types.ts --check  exit 1 if any file is stale

import { readFileSync, writeFileSync } from 'node:fs';
import { SERVICE_NAMES } from '../src/protocol/model.ts';
import { renderServiceTypes } from '../src/protocol/type-generator.ts';

const checkOnly = process.argv.includes('--check');
let stale = 0;

for (const service of SERVICE_NAMES) {
  const file = new URL(`../src/protocol/generated/${service}.ts`, import.meta.url);
  const rendered = renderServiceTypes(service);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === rendered) continue;
  stale += 1;
  if (checkOnly) {
    console.error(`stale: src/protocol/generated/${service}.ts`);
  } else {
    writeFileSync(file, rendered);
    console.log(`wrote src/protocol/generated/${service}.ts`);
  }
}

if (checkOnly && stale > 0) process.exitCode = 1;
