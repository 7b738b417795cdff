// Writes docs/gateway-operations.md from the gateway's coverage plan.
import { writeFileSync } from 'node:fs';
import { loadAuthorizationData } from '../src/gateway/authorization-data.ts';
import { renderOperationsDoc } from '../src/gateway/operations-doc.ts';

const target = new URL('../docs/gateway-operations.md', import.meta.url);
writeFileSync(target, renderOperationsDoc(await loadAuthorizationData()));
console.log(`wrote ${target.pathname}`);
