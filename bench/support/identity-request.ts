import { signRequest } from '../../src/sigv4/index.ts';
import type { Child } from './child-server.ts';
import type { PreparedRequest } from './load.ts';

/** The root key the CPU benches start Tessera with (`--root-access-key-id`/`--root-secret-access-key`). */
export const BENCH_ROOT = { accessKeyId: 'AKIABENCHROOTKEY0001', secretAccessKey: 'bench-secret-0000000000000000000000000000' };

/** A SigV4-signed GetCallerIdentity for the server at `url`, signed once and sent repeatedly. */
export function signedGetCallerIdentity(url: string): PreparedRequest {
  const host = new URL(url).host;
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const signed = signRequest({ method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    BENCH_ROOT, { region: 'us-east-1', service: 'sts', date: new Date() });
  return { method: 'POST', path: '/', headers: signed.headers, body };
}

/** The server's log lines go nowhere: kept by the child's output buffer they would grow without bound. */
export function discardOutput(server: Child): void {
  server.child.stderr!.removeAllListeners('data');
  server.child.stderr!.resume();
}
