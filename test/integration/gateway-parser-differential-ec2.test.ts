import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Parser differentials between the gateway and moto_server for EC2 (the Query protocol in EC2's
 * dialect): moto reads a list as `Name.1`, `Name.2`, … and stops at the first index missing (a
 * structure element counts as missing when it has none of its members), while the gateway read
 * every index it found. So a request with a gap in a list — `Tag.1` and `Tag.3` — was authorized
 * on what moto never applies: CreateTags and RunInstances decided aws:RequestTag/<key> on the
 * last tag of a key, one past the gap, while moto applied the one before it. Each test checks the
 * effect in moto itself (instance state, tags); the tricks that were already refused or harmless
 * (other spellings of the list, huge indexes, filters, DryRun, Action's case) are kept so they stay so.
 */
describe('EC2 parser differentials between the gateway and the upstream', () => {
  let env: GatewayEnv;
  let account: string;
  let image: string;
  const ids: Record<string, string> = {};
  const upstreamCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  /** A Query request signed for EC2: `params` as raw `name=value` pairs (kept in order, repeats kept), POSTed as a form or sent as a GET query. */
  async function call(base: string, credentials: Credentials, params: string, options: { method?: 'GET' | 'POST'; headers?: Record<string, string> } = {}): Promise<RawResponse> {
    const host = new URL(base).host;
    const method = options.method ?? 'POST';
    const raw = method === 'POST'
      ? { method, path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...options.headers }, body: params }
      : { method, path: '/', query: params, headers: { host, ...options.headers }, body: '' };
    const signed = signRequest(raw, credentials, { region: 'us-east-1', service: 'ec2', date: new Date() });
    return sendRaw(base, { method, path: '/', query: raw.query, headers: signed.headers as Record<string, string>, body: raw.body });
  }
  const tessera = (credentials: Credentials, params: string, options?: Parameters<typeof call>[3]) => call(env.server.url, credentials, `${params}&Version=2016-11-15`, options);
  /** moto itself, in the account: what really happened. */
  const moto = (params: string) => call(env.moto.url, upstreamCredentials, `${params}&Version=2016-11-15`, { headers: { 'x-moto-account-id': account } });

  const state = async (name: string): Promise<string> => {
    const answer = await moto(`Action=DescribeInstances&InstanceId.1=${ids[name]}`);
    assert.equal(answer.status, 200, answer.body);
    return /<instanceState>\s*<code>\d+<\/code>\s*<name>([a-z-]+)<\/name>/.exec(answer.body)?.[1] ?? 'unknown';
  };
  const tags = async (name: string): Promise<Record<string, string>> => {
    const answer = await moto(`Action=DescribeTags&Filter.1.Name=resource-id&Filter.1.Value.1=${ids[name]}`);
    assert.equal(answer.status, 200, answer.body);
    const found: Record<string, string> = {};
    for (const item of answer.body.matchAll(/<item>([\s\S]*?)<\/item>/g)) {
      const key = /<key>([^<]*)<\/key>/.exec(item[1]!)?.[1];
      if (key !== undefined) found[key] = /<value>([^<]*)<\/value>/.exec(item[1]!)?.[1] ?? '';
    }
    return found;
  };
  const launch = async (name: string, team?: string): Promise<void> => {
    const tagged = team === undefined ? '' : `&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=team&TagSpecification.1.Tag.1.Value=${team}`;
    const answer = await moto(`Action=RunInstances&ImageId=${image}&MinCount=1&MaxCount=1&InstanceType=t2.micro${tagged}`);
    assert.equal(answer.status, 200, answer.body);
    ids[name] = /<instanceId>(i-[0-9a-f]+)<\/instanceId>/.exec(answer.body)![1]!;
  };
  const refused = (answer: RawResponse, code: string, status = 400) => {
    assert.equal(answer.status, status, answer.body);
    assert.match(answer.body, new RegExp(`<Code>${code}</Code>`));
  };
  /** Every instance but those named is as launched (running). */
  const othersRunning = async (...changed: string[]) => {
    for (const name of Object.keys(ids)) if (!changed.includes(name)) assert.equal(await state(name), 'running', `${name} was changed`);
  };

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    const images = await moto('Action=DescribeImages&Owner.1=amazon');
    image = /<imageId>(ami-[0-9a-f]+)<\/imageId>/.exec(images.body)![1]!;
    await launch('allowed');
    await launch('other');
    await launch('red', 'red');
    await launch('blue', 'blue');
  });
  after(() => env?.stop());

  const instanceArn = (name: string) => `arn:aws:ec2:us-east-1:${account}:instance/${ids[name]}`;

  test('StopInstances on one instance: other spellings of the list, gaps, huge indexes, filters, DryRun and Action\'s case act on no other instance', async () => {
    const user = await env.user('ec2-stop-one', [allow('ec2:StopInstances', instanceArn('allowed'))]);
    const [allowed, other] = [ids['allowed']!, ids['other']!];
    // Other spellings moto does not read as InstanceIds (nor does the gateway): refused as naming no instance.
    for (const spelling of [`InstanceId=${other}`, `InstanceIds.1=${other}`, `instanceId.1=${other}`, `InstanceId.01=${other}`, `InstanceId.0=${other}`, `InstanceId.1.=${other}`]) {
      const answer = await tessera(user, `Action=StopInstances&${spelling}`);
      assert.ok(answer.status === 400 || answer.status === 403, `${spelling}: ${answer.status} ${answer.body}`);
    }
    // Next to the allowed instance: refused, the other one untouched. A gap, an index moto does
    // not read (it read neither, and stopped the allowed instance alone) or a value on the list's name: InvalidParameterValue.
    for (const spelling of [`InstanceId.3=${other}`, `InstanceId.1000=${other}`, `InstanceId.1000000=${other}`, `InstanceId=${other}`, `InstanceId.01=${other}`, `InstanceId.02=${other}`, `InstanceId.0=${other}`, `InstanceId.2.=${other}`]) {
      refused(await tessera(user, `Action=StopInstances&InstanceId.1=${allowed}&${spelling}`), 'InvalidParameterValue');
      await othersRunning();
    }
    refused(await tessera(user, `Action=StopInstances&InstanceId.1=${allowed}&InstanceId.2=${other}`), 'UnauthorizedOperation', 403);
    await othersRunning();
    // Names that are no member of StopInstances (read by neither): the allowed instance alone stops.
    for (const spelling of [`InstanceIds.1=${other}`, `InstanceId.1.=${other}`, `Filter.1.Name=instance-id&Filter.1.Value.1=${other}`]) {
      const answer = await tessera(user, `Action=StopInstances&InstanceId.1=${allowed}&${spelling}`);
      assert.equal(answer.status, 200, `${spelling}: ${answer.body}`);
      await othersRunning('allowed');
      assert.equal((await moto(`Action=StartInstances&InstanceId.1=${allowed}`)).status, 200);
    }
    // A list of any name numbered from 2 (every Query service: parser-differential.ts numberingGap) is refused.
    refused(await tessera(user, `Action=StopInstances&InstanceId.1=${allowed}&instanceId.2=${other}`), 'InvalidParameterValue');
    await othersRunning();
    // An empty value on the list's name is how the SDKs send an empty list: accepted, read by neither.
    const described = await tessera(env.server.root, 'Action=DescribeInstances&InstanceId=');
    assert.equal(described.status, 200, described.body);
    const emptyNext = await tessera(user, `Action=StopInstances&InstanceId=&InstanceId.1=${allowed}&DryRun=true`);
    refused(emptyNext, 'DryRunOperation', 412);
    // DryRun on the allowed instance: forwarded, nothing done.
    refused(await tessera(user, `Action=StopInstances&DryRun=true&InstanceId.1=${allowed}`), 'DryRunOperation', 412);
    await othersRunning();
    // DryRun: decided as the request itself (UnauthorizedOperation on the other instance), nothing done.
    refused(await tessera(user, `Action=StopInstances&DryRun=true&InstanceId.1=${other}`), 'UnauthorizedOperation', 403);
    refused(await tessera(user, `Action=StopInstances&DryRun=1&InstanceId.1=${other}`), 'UnauthorizedOperation', 403);
    // Action names the operation exactly: moto would not call another spelling's method either.
    for (const action of ['stopinstances', 'stopInstances', 'STOPINSTANCES', 'StopInstances ']) {
      const answer = await tessera(user, `Action=${encodeURIComponent(action)}&InstanceId.1=${other}`);
      assert.equal(answer.status, 400, `${action}: ${answer.body}`);
      assert.match(answer.body, /<Code>InvalidAction<\/Code>/);
    }
    // The same request from the query string of a GET, or in both query and body: the same decisions.
    refused(await tessera(user, `Action=StopInstances&InstanceId.1=${allowed}&InstanceId.2=${other}`, { method: 'GET' }), 'UnauthorizedOperation', 403);
    await othersRunning();
    // The allowed instance alone stops.
    const stopped = await tessera(user, `Action=StopInstances&InstanceId.1=${allowed}`);
    assert.equal(stopped.status, 200, stopped.body);
    assert.match(await state('allowed'), /^(stopping|stopped)$/);
    await othersRunning('allowed');
    assert.equal((await tessera(env.server.root, `Action=StartInstances&InstanceId.1=${allowed}`)).status, 200);
  });

  test('StopInstances on instances tagged team=red: a blue instance is not stopped next to a red one', async () => {
    const user = await env.user('ec2-stop-red', [allow('ec2:StopInstances', `arn:aws:ec2:us-east-1:${account}:instance/*`, { Condition: { StringEquals: { 'ec2:ResourceTag/team': 'red' } } })]);
    const [red, blue] = [ids['red']!, ids['blue']!];
    refused(await tessera(user, `Action=StopInstances&InstanceId.1=${red}&InstanceId.2=${blue}`), 'UnauthorizedOperation', 403);
    for (const spelling of [`InstanceId.3=${blue}`, `InstanceId.01=${blue}`, `InstanceId=${blue}`]) {
      refused(await tessera(user, `Action=StopInstances&InstanceId.1=${red}&${spelling}`), 'InvalidParameterValue');
    }
    await othersRunning();
    const stopped = await tessera(user, `Action=StopInstances&InstanceId.1=${red}`);
    assert.equal(stopped.status, 200, stopped.body);
    await othersRunning('red');
    assert.equal((await moto(`Action=StartInstances&InstanceId.1=${red}`)).status, 200);
  });

  test('CreateTags on one instance: other ResourceId spellings, gaps and a TagSpecification tag no other instance', async () => {
    const user = await env.user('ec2-tag-one', [allow('ec2:CreateTags', instanceArn('allowed'))]);
    const [allowed, other] = [ids['allowed']!, ids['other']!];
    refused(await tessera(user, `Action=CreateTags&ResourceId.1=${allowed}&ResourceId.2=${other}&Tag.1.Key=pwned&Tag.1.Value=yes`), 'UnauthorizedOperation', 403);
    for (const spelling of [`ResourceId.3=${other}`, `ResourceId.01=${other}`, `ResourceId=${other}`, `ResourceId.1000=${other}`]) {
      refused(await tessera(user, `Action=CreateTags&ResourceId.1=${allowed}&${spelling}&Tag.1.Key=pwned&Tag.1.Value=yes`), 'InvalidParameterValue');
    }
    // Names that are no member of CreateTags: read by neither, the allowed instance alone tagged.
    refused(await tessera(user, `Action=CreateTags&ResourceId.1=${allowed}&resourceId.2=${other}&Tag.1.Key=pwned&Tag.1.Value=yes`), 'InvalidParameterValue');
    for (const spelling of [`ResourceIds.1=${other}`, `Resources.1=${other}`]) {
      const answer = await tessera(user, `Action=CreateTags&ResourceId.1=${allowed}&${spelling}&Tag.1.Key=pwned&Tag.1.Value=yes`);
      assert.equal(answer.status, 200, `${spelling}: ${answer.body}`);
      assert.deepEqual(await tags('other'), {});
    }
    assert.equal((await moto(`Action=DeleteTags&ResourceId.1=${allowed}&Tag.1.Key=pwned`)).status, 200);
    // CreateTags takes no TagSpecification: one naming the other instance is read by neither.
    const spec = await tessera(user, `Action=CreateTags&ResourceId.1=${allowed}&Tag.1.Key=ok&Tag.1.Value=yes&TagSpecification.1.ResourceType=instance&TagSpecification.1.ResourceId.1=${other}&TagSpecification.1.Tag.1.Key=pwned&TagSpecification.1.Tag.1.Value=yes`);
    assert.equal(spec.status, 200, spec.body);
    assert.deepEqual(await tags('other'), {});
    assert.deepEqual(await tags('allowed'), { ok: 'yes' });
  });

  test('CreateTags allowed only with team=red: a blue tag past a gap in Tag.N is refused (moto applied the tag before the gap)', async () => {
    const user = await env.user('ec2-tag-red', [allow('ec2:CreateTags', `arn:aws:ec2:us-east-1:${account}:instance/*`, { Condition: { StringEquals: { 'aws:RequestTag/team': 'red' } } })]);
    const other = ids['other']!;
    // Tag.1 team=blue, Tag.3 team=red: moto stopped at the missing Tag.2 and tagged team=blue.
    refused(await tessera(user, `Action=CreateTags&ResourceId.1=${other}&Tag.1.Key=team&Tag.1.Value=blue&Tag.3.Key=team&Tag.3.Value=red`), 'InvalidParameterValue');
    // A structure element with none of its members is missing to moto too.
    refused(await tessera(user, `Action=CreateTags&ResourceId.1=${other}&Tag.1.Key=team&Tag.1.Value=blue&Tag.2.Nothing=x&Tag.3.Key=team&Tag.3.Value=red`), 'InvalidParameterValue');
    // An index moto does not read (a leading zero), or a value on the list itself.
    refused(await tessera(user, `Action=CreateTags&ResourceId.1=${other}&Tag.1.Key=team&Tag.1.Value=blue&Tag.02.Key=team&Tag.02.Value=red`), 'InvalidParameterValue');
    refused(await tessera(user, `Action=CreateTags&ResourceId.01=${other}&ResourceId.1=${other}&Tag.1.Key=team&Tag.1.Value=red`), 'InvalidParameterValue');
    assert.deepEqual(await tags('other'), {});
    // The tag the policy allows is applied.
    const ok = await tessera(user, `Action=CreateTags&ResourceId.1=${other}&Tag.1.Key=team&Tag.1.Value=red`);
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(await tags('other'), { team: 'red' });
    assert.equal((await moto(`Action=DeleteTags&ResourceId.1=${other}&Tag.1.Key=team`)).status, 200);
  });

  test('RunInstances allowed only with team=red: a blue tag past a gap in TagSpecification.N.Tag.N is refused (moto launched the instance tagged blue)', async () => {
    const types = ['instance', 'network-interface', 'security-group', 'subnet', 'volume'].map((type) => `arn:aws:ec2:us-east-1:${account}:${type}/*`);
    const user = await env.user('ec2-run-red', [
      allow('ec2:RunInstances', [...types, 'arn:aws:ec2:us-east-1::image/*']),
      allow(['ec2:RunInstances', 'ec2:CreateTags'], `arn:aws:ec2:us-east-1:${account}:instance/*`, { Condition: { StringEquals: { 'aws:RequestTag/team': 'red' } } }),
    ]);
    const count = async () => (await moto('Action=DescribeInstances&Filter.1.Name=tag:team&Filter.1.Value.1=blue')).body.match(/<instanceId>/g)?.length ?? 0;
    const before = await count();
    const base = `Action=RunInstances&ImageId=${image}&MinCount=1&MaxCount=1&TagSpecification.1.ResourceType=instance`;
    refused(await tessera(user, `${base}&TagSpecification.1.Tag.1.Key=team&TagSpecification.1.Tag.1.Value=blue&TagSpecification.1.Tag.3.Key=team&TagSpecification.1.Tag.3.Value=red`), 'InvalidParameterValue');
    assert.equal(await count(), before);
    // Without the gap the same request is decided on what moto applies: refused as blue.
    refused(await tessera(user, `${base}&TagSpecification.1.Tag.1.Key=team&TagSpecification.1.Tag.1.Value=blue`), 'UnauthorizedOperation', 403);
    assert.equal(await count(), before);
  });
});
