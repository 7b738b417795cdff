import { runServerBench } from './server.bench.ts';
import { runSigV4Bench } from './sigv4.bench.ts';
import { runPolicyBench } from './policy.bench.ts';
import { runIamBench } from './iam.bench.ts';
import { runTokensBench } from './tokens.bench.ts';
import { runStsBench } from './sts.bench.ts';
import { runCloudTrailBench } from './cloudtrail.bench.ts';

/**
 * `npm run bench`: every benchmark, each printing its figures as ratios against a baseline
 * measured in the same run. `npm run bench -- server` (or sigv4, policy, iam, tokens, sts, cloudtrail) runs one.
 */
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);

if (want('sigv4')) await runSigV4Bench();
if (want('policy')) await runPolicyBench({});
if (want('server')) await runServerBench();
if (want('iam')) await runIamBench();
if (want('tokens')) await runTokensBench();
if (want('sts')) await runStsBench();
if (want('cloudtrail')) await runCloudTrailBench();
