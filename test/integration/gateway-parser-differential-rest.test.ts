import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Parser differentials of a REST-JSON service (Lambda) between the gateway and its upstream
 * (moto_server). The gateway reads a Lambda request's operation from its method and path and the
 * function from the path; moto takes an X-Amz-Target header or an `Action` parameter over the path
 * (from the query string, else a form or the body read as a form, else — with neither — the
 * headers), reads `Qualifier` from the query string, the headers or a JSON body, routes on the
 * decoded path (`%2F` is a `/`) but names the function by its place from the path's end, and acts
 * in the request's region on a function ARN of any region. Each test checks the effect in moto
 * itself; the attempts that were already refused are kept refused.
 */
describe('REST-JSON (Lambda) parser differentials between the gateway and the upstream', () => {
  let env: GatewayEnv;
  let account: string;
  let roleArn: string;
  const upstreamCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const ZIP = 'UEsDBBQAAAAAAIIFh1048sTiGgAAABoAAAAIAAAAaW5kZXgucHlkZWYgaGFuZGxlcihlLGMpOiByZXR1cm4gZVBLAQIUAxQAAAAAAIIFh1048sTiGgAAABoAAAAIAAAAAAAAAAAAAACAAQAAAABpbmRleC5weVBLBQYAAAAAAQABADYAAABAAAAAAAA=';
  const F = '/2015-03-31/functions/';

  interface Raw { method?: string; path?: string; query?: string; headers?: Record<string, string | string[]>; body?: string }

  async function call(base: string, credentials: Credentials, service: string, raw: Raw, region = 'us-east-1'): Promise<RawResponse> {
    const host = new URL(base).host;
    const method = raw.method ?? 'GET';
    const body = raw.body ?? '';
    const headers = { host, ...(body !== '' ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...raw.headers };
    const signed = signRequest({ method, path: raw.path ?? '/', query: raw.query ?? '', headers, body }, credentials, { region, service, date: new Date() });
    return sendRaw(base, { method, path: raw.path ?? '/', query: raw.query ?? '', headers: signed.headers as Record<string, string>, body });
  }
  const tessera = (credentials: Credentials, raw: Raw) => call(env.server.url, credentials, 'lambda', raw);
  /** moto itself, in the default account: what really happened. */
  const moto = (service: string, raw: Raw) => call(env.moto.url, upstreamCredentials, service, { ...raw, headers: { ...raw.headers, 'x-moto-account-id': account } });
  const functions = async (): Promise<string[]> => JSON.parse((await moto('lambda', { path: F })).body).Functions.map((fn: { FunctionName: string }) => fn.FunctionName).sort();
  const concurrency = async (name: string): Promise<number | undefined> => JSON.parse((await moto('lambda', { path: F + name })).body).Concurrency?.ReservedConcurrentExecutions;
  const arn = (name: string, region = 'us-east-1') => `arn:aws:lambda:${region}:${account}:function:${name}`;
  const refused = (answer: RawResponse, pattern?: RegExp) => {
    assert.equal(answer.status, 400, answer.body);
    assert.equal(answer.headers['x-amzn-errortype'], 'ValidationException', answer.body);
    if (pattern) assert.match(JSON.parse(answer.body).message, pattern);
  };
  /** The functions as they were set up: `allowed` (concurrency 5, version 1) and `secret`. */
  async function reset(): Promise<void> {
    const present = await functions();
    for (const name of ['allowed', 'secret']) {
      if (present.includes(name)) continue;
      const created = await moto('lambda', {
        method: 'POST', path: '/2015-03-31/functions', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ FunctionName: name, Runtime: 'python3.12', Role: roleArn, Handler: 'index.handler', Code: { ZipFile: ZIP }, Publish: true }),
      });
      assert.equal(created.status, 201, created.body);
    }
    await moto('lambda', { method: 'PUT', path: '/2017-10-31/functions/allowed/concurrency', headers: { 'content-type': 'application/json' }, body: '{"ReservedConcurrentExecutions":5}' });
  }
  const intact = async () => {
    assert.deepEqual(await functions(), ['allowed', 'secret']);
    assert.equal(await concurrency('allowed'), 5);
  };

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const role = await moto('iam', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=CreateRole&Version=2010-05-08&RoleName=fn-role&AssumeRolePolicyDocument=${encodeURIComponent(trust)}` });
    roleArn = /<Arn>(.*?)<\/Arn>/.exec(role.body)![1]!;
    await reset();
  });
  after(() => env?.stop());

  test('an X-Amz-Target header on a REST request is refused (moto took it over the path: a GetFunction deleted the function)', async () => {
    const reader = await env.user('fn-reader-target', [allow('lambda:GetFunction', arn('allowed*'))]);
    const answer = await tessera(reader, { path: F + 'allowed', headers: { 'x-amz-target': 'AWSLambda.DeleteFunction' } });
    refused(answer, /X-Amz-Target/);
    await intact();
    // Without it, the same call is the GetFunction it was authorized as.
    const get = await tessera(reader, { path: F + 'allowed' });
    assert.equal(get.status, 200, get.body);
    assert.equal(JSON.parse(get.body).Configuration.FunctionName, 'allowed');
  });

  test('with neither query nor body, an Action or Qualifier header is refused (moto read the headers as parameters: a GetAlias deleted another function)', async () => {
    const reader = await env.user('fn-alias-reader', [allow(['lambda:GetAlias', 'lambda:GetFunction'], arn('allowed*'))]);
    // GetAlias of `allowed:secret`, which moto performed as DeleteFunction of the path's last segment.
    refused(await tessera(reader, { path: `${F}allowed/aliases/secret`, headers: { action: 'DeleteFunction' } }), /Action header/i);
    refused(await tessera(reader, { path: `${F}allowed`, headers: { Action: 'DeleteFunction' } }));
    await intact();
    // A Qualifier header: moto answered version 1 (`function:allowed:1`) to a caller allowed the unqualified function only.
    const unqualified = await env.user('fn-unqualified-reader', [allow('lambda:GetFunction', arn('allowed'))]);
    refused(await tessera(unqualified, { path: `${F}allowed`, headers: { qualifier: '1' } }), /qualifier header/);
    // The query string's Qualifier is the one both read, and decided on.
    assert.equal((await tessera(unqualified, { path: `${F}allowed`, query: 'Qualifier=1' })).status, 403);
    assert.equal((await tessera(unqualified, { path: `${F}allowed` })).status, 200);
  });

  test('a body on a GET, a form body, and `Action=` in a JSON body or an Invoke payload are refused (moto read them as parameters)', async () => {
    const user = await env.user('fn-configurer', [allow(['lambda:GetFunction', 'lambda:UpdateFunctionConfiguration', 'lambda:InvokeFunction'], arn('allowed*'))]);
    // A GetFunction with a body: moto read the body as a form (and deleted the function), or its JSON Qualifier.
    const got = await tessera(user, { path: `${F}allowed`, headers: { 'content-type': 'application/json' }, body: 'Action=DeleteFunction' });
    refused(got, /takes no body/);
    refused(await tessera(user, { path: `${F}allowed`, headers: { 'content-type': 'application/json' }, body: '{"Qualifier":"1"}' }), /takes no body/);
    refused(await tessera(user, { path: `${F}allowed`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DeleteFunction' }), /form/);
    refused(await tessera(user, { path: `${F}allowed`, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="Action"\r\n\r\nDeleteFunction\r\n--x--\r\n' }), /form/);
    // UpdateFunctionConfiguration whose JSON string holds `&Action=…&`: moto removed the function's reserved concurrency (204).
    refused(await tessera(user, { method: 'PUT', path: `${F}allowed/configuration`, headers: { 'content-type': 'application/json' }, body: '{"Description":"&Action=DeleteFunctionConcurrency&"}' }), /read as a form/);
    refused(await tessera(user, { method: 'PUT', path: `${F}allowed/configuration`, headers: { 'content-type': 'application/json' }, body: '{"Description":"&%41ction=DeleteFunctionConcurrency&"}' }), /read as a form/);
    // A JSON member the operation takes from its query string, read by moto from the body.
    refused(await tessera(user, { method: 'PUT', path: `${F}allowed/configuration`, headers: { 'content-type': 'application/json' }, body: '{"Description":"d","Qualifier":"1"}' }), /Qualifier/);
    // Invoke's payload read as a form: moto ran DeleteFunctionConcurrency, not the function.
    refused(await tessera(user, { method: 'POST', path: `${F}allowed/invocations`, headers: { 'content-type': 'application/octet-stream' }, body: 'Action=DeleteFunctionConcurrency' }), /read as a form/);
    refused(await tessera(user, { method: 'POST', path: `${F}allowed/invocations`, headers: { 'content-type': 'application/octet-stream' }, body: 'x=1&qualifier=1' }), /read as a form/);
    // A Content-Encoding other than gzip (which is decoded before it is read, then forwarded decoded).
    refused(await tessera(user, { method: 'PUT', path: `${F}allowed/configuration`, headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, body: '{"Description":"d"}' }), /Content-Encoding/);
    refused(await tessera(user, { method: 'PUT', path: `${F}allowed/configuration`, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '{"Description":"d"}' }), /not valid gzip/);
    await intact();
    // A JSON body with `&` but no parameter moto would take is an ordinary update.
    const updated = await tessera(user, { method: 'PUT', path: `${F}allowed/configuration`, headers: { 'content-type': 'application/json' }, body: '{"Description":"a&b=c"}' });
    assert.equal(updated.status, 200, updated.body);
    assert.equal(JSON.parse(updated.body).Description, 'a&b=c');
    await intact();
  });

  test('an encoded / in the path is refused (moto routed on it decoded and read another function)', async () => {
    const user = await env.user('fn-prefix', [allow(['lambda:GetFunction', 'lambda:DeleteFunction'], arn('allowed*'))]);
    // Authorized as GetFunction of `allowed/aliases/secret`; moto answered `secret`'s configuration.
    const read = await tessera(user, { path: `${F}allowed%2Faliases%2Fsecret` });
    refused(read, /encoded \//);
    assert.doesNotMatch(read.body, /"FunctionName"/);
    refused(await tessera(user, { method: 'DELETE', path: `${F}allowed%2faliases%2fsecret` }));
    for (const path of ['allowed%2F..%2Fsecret', 'allowed%2Fsecret', 'allowed%2F', 'allowed%2Fpolicy']) refused(await tessera(user, { path: F + path }));
    await intact();
  });

  test('a function ARN of another region is refused (moto acted on the name in the request\'s region)', async () => {
    const europe = await env.user('fn-europe', [allow(['lambda:GetFunction', 'lambda:DeleteFunction'], `arn:aws:lambda:eu-west-1:${account}:function:*`)]);
    const foreign = encodeURIComponent(arn('secret', 'eu-west-1'));
    refused(await tessera(europe, { path: F + foreign }), /region eu-west-1/);
    refused(await tessera(europe, { method: 'DELETE', path: F + foreign }), /region eu-west-1/);
    await intact();
    // The request's own region: decided on as ever (refused: the policy is for eu-west-1).
    assert.equal((await tessera(europe, { method: 'DELETE', path: F + encodeURIComponent(arn('secret')) })).status, 403);
    await intact();
  });

  test('a trailing / the operation does not have, and a query parameter given twice, are refused', async () => {
    const user = await env.user('fn-policy-reader', [allow(['lambda:GetPolicy', 'lambda:GetFunction'], arn('allowed*'))]);
    // moto names the function by its place from the path's end: `…/allowed/policy/` is function `policy` to it.
    refused(await tessera(user, { path: `${F}allowed/policy/` }), /trailing|ends with a \//);
    refused(await tessera(user, { path: `${F}allowed/` }), /ends with a \//);
    refused(await tessera(user, { path: `${F}allowed`, query: 'Qualifier=1&Qualifier=%24LATEST' }), /more than once/);
    await intact();
  });

  test('already refused or harmless, kept so: dot segments, double slashes, case, partial ARNs, HEAD, ?Action, X-HTTP-Method-Override', async () => {
    const user = await env.user('fn-reader-misc', [allow(['lambda:GetFunction', 'lambda:DeleteFunction'], arn('allowed*'))]);
    for (const path of [`${F}allowed/../secret`, `${F}allowed/%2e%2e/secret`, `${F}allowed/./`, `${F}allowed//`, `${F}/allowed`, '/2015-03-31/Functions/secret', '/2015-03-31/FUNCTIONS/allowed']) {
      assert.equal((await tessera(user, { path })).status, 400, path);
    }
    for (const name of ['secret', encodeURIComponent(arn('secret')), encodeURIComponent(`${account}:function:secret`), 'secret:1', 'secret%3A1']) {
      assert.equal((await tessera(user, { method: 'DELETE', path: F + name })).status, 403, name);
    }
    assert.equal((await tessera(user, { method: 'HEAD', path: `${F}allowed` })).status, 400);
    // An Action in the query string is a parameter no Lambda operation declares: nothing matches.
    assert.equal((await tessera(user, { path: `${F}allowed`, query: 'Action=DeleteFunction' })).status, 400);
    // moto does not honour X-HTTP-Method-Override: the GET stays a GET.
    const overridden = await tessera(user, { path: `${F}allowed`, headers: { 'x-http-method-override': 'DELETE' } });
    assert.equal(overridden.status, 200, overridden.body);
    await intact();
  });

  test('the aws CLI\'s ordinary Lambda calls still pass', async () => {
    const user = await env.user('fn-cli', [allow(['lambda:GetFunction', 'lambda:ListFunctions', 'lambda:UpdateFunctionConfiguration', 'lambda:GetFunctionConfiguration'], '*')]);
    const listed = await env.cli(['lambda', 'list-functions'], user);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).Functions.map((fn: { FunctionName: string }) => fn.FunctionName).sort(), ['allowed', 'secret']);
    const got = await env.cli(['lambda', 'get-function', '--function-name', 'allowed', '--qualifier', '1'], user);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(JSON.parse(got.stdout).Configuration.Version, '1');
    const byArn = await env.cli(['lambda', 'get-function-configuration', '--function-name', arn('allowed')], user);
    assert.equal(byArn.code, 0, byArn.stderr);
    const updated = await env.cli(['lambda', 'update-function-configuration', '--function-name', 'allowed', '--description', 'x&Action=y'], user);
    // (`&Action=` inside a JSON string reads as a parameter to moto: refused, as the tests above show.)
    assert.notEqual(updated.code, 0);
    assert.match(updated.stderr, /ValidationException/);
    const plain = await env.cli(['lambda', 'update-function-configuration', '--function-name', 'allowed', '--description', 'plain'], user);
    assert.equal(plain.code, 0, plain.stderr);
    await intact();
  });
});
