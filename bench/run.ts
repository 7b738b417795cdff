import { runServerBench } from './server.bench.ts';
import { runSigV4Bench } from './sigv4.bench.ts';
import { runSigV4StreamingBench } from './sigv4-streaming.bench.ts';
import { runPolicyBench } from './policy.bench.ts';
import { runIamBench } from './iam.bench.ts';
import { runTokensBench } from './tokens.bench.ts';
import { runStsBench } from './sts.bench.ts';
import { runWorkersBench } from './workers.bench.ts';
import { runStartupBench } from './startup.bench.ts';
import { runGatewayBench } from './gateway.bench.ts';
import { runCloudTrailBench } from './cloudtrail.bench.ts';

/**
 * `npm run bench`: every benchmark, each printing its figures as ratios against a baseline
 * measured in the same run. `npm run bench -- server` (or sigv4, sigv4-streaming, policy, iam, tokens, sts, workers, startup, gateway, cloudtrail) runs one.
 */
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);

if (want('sigv4')) await runSigV4Bench();
if (want('sigv4-streaming')) await runSigV4StreamingBench();
if (want('policy')) await runPolicyBench({});
if (want('server')) await runServerBench();
if (want('iam')) await runIamBench();
if (want('tokens')) await runTokensBench();
if (want('sts')) await runStsBench();
if (want('workers')) await runWorkersBench();
if (want('startup')) await runStartupBench();
if (want('gateway')) await runGatewayBench();
if (want('cloudtrail')) await runCloudTrailBench();
