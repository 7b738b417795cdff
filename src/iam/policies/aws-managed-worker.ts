import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { buildAwsManagedIndex, type RawManagedPolicies } from './aws-managed-index.ts';

/**
 * Runs in a worker thread (see aws-managed.ts): reads and parses the package's ~74 MB JSON
 * and posts back only the compact index. Parsing and compressing take about a second of CPU
 * and a few hundred MB of transient heap; doing it here keeps both off the server's event
 * loop and out of its heap.
 */
const file = (workerData as { file: string }).file;
const raw = JSON.parse(await readFile(file, 'utf8')) as RawManagedPolicies;
parentPort!.postMessage(buildAwsManagedIndex(raw));
