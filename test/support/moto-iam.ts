import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../../src/sigv4/index.ts';
import { sendRaw } from './raw-request.ts';
import { trust } from './workloads.ts';

/**
 * moto_server's own IAM directly — not through Tessera — as one account (moto's
 * `x-moto-account-id`): what the upstream itself checks, such as a Lambda function's execution
 * role or an EC2 instance profile, exists only there when made there.
 */

/** One IAM Query action in moto's IAM as `account`, signed with SigV4 for iam; its XML answer (200 asserted). */
export async function motoIam(motoUrl: string, account: string, params: Record<string, string>): Promise<string> {
  const host = new URL(motoUrl).host;
  const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  const signed = signRequest(
    { method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded', 'x-moto-account-id': account }, body },
    { accessKeyId: 'test', secretAccessKey: 'test' },
    { region: 'us-east-1', service: 'iam', date: new Date() },
  );
  const res = await sendRaw(motoUrl, { method: 'POST', path: '/', headers: signed.headers, body });
  assert.equal(res.status, 200, `moto IAM ${params['Action']}: ${res.body}`);
  return res.body;
}

/** A role in moto's IAM that `service` may assume (a Lambda execution role by default); its ARN. */
export async function createMotoServiceRole(motoUrl: string, account: string, roleName: string, service = 'lambda.amazonaws.com'): Promise<string> {
  await motoIam(motoUrl, account, { Action: 'CreateRole', RoleName: roleName, AssumeRolePolicyDocument: trust(service) });
  return `arn:aws:iam::${account}:role/${roleName}`;
}

/** A Python Lambda deployment package (index.handler returns 1) in a new temporary folder: its path. */
export function lambdaZip(prefix = 'tessera-lambda-'): string {
  const zip = join(mkdtempSync(join(tmpdir(), prefix)), 'fn.zip');
  execFileSync('python3', ['-c', 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],"w")\nz.writestr("index.py","def handler(e,c):\\n  return 1\\n")\nz.close()', zip]);
  return zip;
}
