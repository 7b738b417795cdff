import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CreateRoleCommand, CreateSAMLProviderCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { FixedClock } from '../../src/kernel/clock.ts';
import { createAccount } from '../../src/iam/accounts.ts';
import { generateSamlSigningKey, type SamlSigningKey } from '../../src/federation/test-idp/saml-keys.ts';
import { samlResponseXml, signSamlElement, type SamlResponseOptions } from '../../src/federation/test-idp/saml-response.ts';
import { createSamlRoutes, type SamlResponseRequest, type TestIdpRoute } from '../../src/federation/test-idp/saml-routes.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * sts:AssumeRoleWithSAML through the AWS SDK, with the built-in test IdP's metadata and
 * responses: the success path, and the classic attacks on SAML signatures, each refused.
 */

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const ENTITY_ID = 'https://idp.tessera.test/saml';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const parse = (xml: string): Document => new DOMParser().parseFromString(xml, 'text/xml');
const serialize = (d: Document) => new XMLSerializer().serializeToString(d);

describe('sts:AssumeRoleWithSAML', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let root: IAMClient;
  let account: string;
  let key: SamlSigningKey;
  let routes: TestIdpRoute;
  let providerArn: string;
  let roleArn: string;
  let roleId: string;
  let ids = 0;
  const newId = () => `_id${++ids}`;
  // The server ignores credentials on this operation; the SDK still wants some to sign with.
  const anonymous = () => server.sts({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-real-secret-0000000000000000000000' });
  const assume = (assertion: string, role = roleArn, principal = providerArn, extra: { DurationSeconds?: number } = {}) =>
    anonymous().send(new AssumeRoleWithSAMLCommand({ RoleArn: role, PrincipalArn: principal, SAMLAssertion: assertion, ...extra }));

  async function mint(request: Partial<SamlResponseRequest> = {}): Promise<string> {
    const answer = await routes('POST', '/saml/response', new URLSearchParams(), JSON.stringify({ roleArn, providerArn, sessionName: 'alice', ...request }));
    assert.equal(answer?.status, 200, answer?.body);
    return (JSON.parse(answer.body) as { SAMLResponse: string }).SAMLResponse;
  }

  /** Response XML for the attacks, built and signed here so it can be taken apart. */
  function responseOptions(overrides: Partial<SamlResponseOptions> = {}): SamlResponseOptions {
    return {
      issuer: ENTITY_ID, rolePairs: [`${roleArn},${providerArn}`], sessionName: 'alice', subject: 'alice',
      issuedAt: NOW, lifetimeSeconds: 300, responseId: newId(), assertionId: newId(), ...overrides,
    };
  }
  function signedAssertionXml(overrides: Partial<SamlResponseOptions> = {}, signer = key): { xml: string; assertionId: string } {
    const options = responseOptions(overrides);
    return { xml: signSamlElement(samlResponseXml(options), options.assertionId, signer), assertionId: options.assertionId };
  }
  const assertionOf = (d: Document) => d.getElementsByTagNameNS(ASSERTION_NS, 'Assertion')[0]!;

  async function refused(assertion: string, code: string, message?: RegExp) {
    const err = await awsError(() => assume(assertion));
    assert.equal(err.name, code, err.message);
    if (message) assert.match(err.message, message);
    return err;
  }

  before(async () => {
    server = await startTestServer({}, { clock });
    root = server.iam();
    account = server.accountId;
    key = generateSamlSigningKey();
    routes = createSamlRoutes({ entityId: ENTITY_ID, ssoUrl: 'https://idp.tessera.test/sso', key, now: () => NOW, newId });
    const metadata = await routes('GET', '/saml/metadata', new URLSearchParams(), '');
    assert.equal(metadata?.status, 200);
    providerArn = (await root.send(new CreateSAMLProviderCommand({ Name: 'TestIdP', SAMLMetadataDocument: metadata.body }))).SAMLProviderArn!;
    const role = await root.send(new CreateRoleCommand({
      RoleName: 'FederatedAdmin',
      Path: '/sso/',
      AssumeRolePolicyDocument: doc([{
        Effect: 'Allow', Principal: { Federated: providerArn },
        Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      }]),
    }));
    roleArn = role.Role!.Arn!;
    roleId = role.Role!.RoleId!;
  });
  after(async () => server.stop());

  test('a signed assertion from the provider gives a session of the role, described as AWS describes it', async () => {
    const out = await assume(await mint({ subject: 'alice@corp.example', sourceIdentity: 'alice', tags: { team: 'red' }, sessionDuration: 1800 }));
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(out.Credentials!.Expiration!.getTime(), NOW.getTime() + 1800_000, 'the SessionDuration attribute');
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/FederatedAdmin/alice`);
    assert.equal(out.AssumedRoleUser!.AssumedRoleId, `${roleId}:alice`);
    assert.equal(out.Subject, 'alice@corp.example');
    assert.equal(out.SubjectType, 'persistent');
    assert.equal(out.Issuer, ENTITY_ID);
    assert.equal(out.Audience, 'https://signin.aws.amazon.com/saml');
    assert.equal(out.NameQualifier, createHash('sha1').update(`${ENTITY_ID}${account}/TestIdP`).digest('base64'));
    assert.equal(out.SourceIdentity, 'alice');
    assert.ok(out.PackedPolicySize !== undefined && out.PackedPolicySize > 0, 'session tags are packed');

    const who = await server.sts({ accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! })
      .send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Arn, who.Account], [out.AssumedRoleUser!.Arn, account]);
  });

  test('a signed Response (rather than Assertion) is accepted too; DurationSeconds shorter than SessionDuration wins', async () => {
    const out = await assume(await mint({ sign: 'response', sessionDuration: 7200 }), roleArn, providerArn, { DurationSeconds: 900 });
    assert.equal(out.Credentials!.Expiration!.getTime(), NOW.getTime() + 900_000);
  });

  test('the trust policy decides with saml:* keys (multi-valued edupersonaffiliation)', async () => {
    const staffOnly = await root.send(new CreateRoleCommand({
      RoleName: 'StaffOnly',
      AssumeRolePolicyDocument: doc([{
        Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithSAML',
        Condition: { 'ForAnyValue:StringEquals': { 'saml:edupersonaffiliation': 'staff' }, StringEquals: { 'saml:iss': ENTITY_ID, 'saml:sub_type': 'persistent' } },
      }]),
    }));
    const arn = staffOnly.Role!.Arn!;
    const affiliation = 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1';
    const ok = await assume(await mint({ roleArn: arn, attributes: { [affiliation]: ['member', 'staff'] } }), arn);
    assert.equal(ok.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/StaffOnly/alice`);
    const denied = await awsError(() => assume(mintSync(arn, { [affiliation]: ['student'] }), arn));
    assert.equal(denied.name, 'AccessDenied');
    const noTagSession = await awsError(async () => assume(await mint({ roleArn: arn, attributes: { [affiliation]: 'staff' }, tags: { team: 'x' } }), arn));
    assert.equal(noTagSession.name, 'AccessDenied', 'session tags need sts:TagSession in the trust policy');
  });

  /** A signed response for another role, built in-process. */
  function mintSync(role: string, attributes: Record<string, string[]>): string {
    return b64(signedAssertionXml({ rolePairs: [`${role},${providerArn}`], attributes }).xml);
  }

  test('an unsigned assertion is refused', async () => {
    await refused(b64(samlResponseXml(responseOptions())), 'InvalidIdentityTokenException', /^Response signature invalid$/);
  });

  test('a signature by a key the provider metadata does not hold is refused, whatever certificate the message carries', async () => {
    const stranger = generateSamlSigningKey('Someone else');
    await refused(b64(signedAssertionXml({}, stranger).xml), 'InvalidIdentityTokenException', /^Response signature invalid$/);
  });

  test('an altered signed assertion is refused', async () => {
    const { xml } = signedAssertionXml();
    await refused(b64(xml.replace('>alice</saml:NameID>', '>admin</saml:NameID>')), 'InvalidIdentityTokenException', /^Response signature invalid$/);
  });

  test('signature wrapping: the signed assertion moved aside and a forged one put in its place is refused', async () => {
    const { xml } = signedAssertionXml();
    const d = parse(xml);
    const response = d.documentElement!;
    const signed = assertionOf(d);
    const forged = signed.cloneNode(true) as Element;
    forged.setAttribute('ID', '_forged');
    const nameId = forged.getElementsByTagNameNS(ASSERTION_NS, 'NameID')[0]!;
    nameId.textContent = 'admin';
    // The original, still validly signed, hides inside the forged one's Signature/Object.
    const forgedSignature = forged.getElementsByTagNameNS(DSIG, 'Signature')[0]!;
    const object = d.createElementNS(DSIG, 'Object');
    object.appendChild(signed.cloneNode(true));
    forgedSignature.appendChild(object);
    response.replaceChild(forged, signed);
    await refused(b64(serialize(d)), 'InvalidIdentityTokenException', /^Response signature invalid$/);
  });

  test('signature wrapping: a second, unsigned assertion beside the signed one is refused', async () => {
    const { xml } = signedAssertionXml();
    const d = parse(xml);
    const extra = assertionOf(d).cloneNode(true) as Element;
    extra.setAttribute('ID', '_second');
    extra.removeChild(extra.getElementsByTagNameNS(DSIG, 'Signature')[0]!);
    extra.getElementsByTagNameNS(ASSERTION_NS, 'NameID')[0]!.textContent = 'admin';
    d.documentElement!.insertBefore(extra, assertionOf(d));
    await refused(b64(serialize(d)), 'InvalidIdentityTokenException', /^Response signature invalid$/);
  });

  test('a comment inside the NameID (invisible to the signature) is refused', async () => {
    const { xml } = signedAssertionXml({ subject: 'admin@corp.example.evil.example' });
    const split = xml.replace('admin@corp.example.evil.example', 'admin@corp.example<!---->.evil.example');
    assert.notEqual(split, xml);
    // The signature alone still verifies (canonicalization drops comments): the comment is what is refused.
    await refused(b64(split), 'InvalidIdentityTokenException', /^Response signature invalid$/);
  });

  test('a Signature with two SignedInfo elements is refused', async () => {
    const { xml } = signedAssertionXml();
    const d = parse(xml);
    const signature = assertionOf(d).getElementsByTagNameNS(DSIG, 'Signature')[0]!;
    const signedInfo = signature.getElementsByTagNameNS(DSIG, 'SignedInfo')[0]!;
    signature.insertBefore(signedInfo.cloneNode(true), signedInfo);
    await refused(b64(serialize(d)), 'InvalidIdentityTokenException', /^Response signature invalid$/);
  });

  test('an expired assertion is ExpiredTokenException; one not yet valid is refused', async () => {
    await refused(b64(signedAssertionXml({ issuedAt: new Date(NOW.getTime() - 3600_000) }).xml), 'ExpiredTokenException');
    await refused(b64(signedAssertionXml({ issuedAt: new Date(NOW.getTime() + 600_000) }).xml), 'InvalidIdentityTokenException', /not yet valid/);
  });

  test('an assertion must be redeemed within 5 minutes of its IssueInstant, even while NotOnOrAfter is ahead', async () => {
    const stale = await awsError(async () => assume(await mint({ issuedSecondsAgo: 3600, lifetimeSeconds: 7200 })));
    assert.deepEqual([stale.name, stale.message, stale.status], ['ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance', 400]);
    const late = await awsError(async () => assume(await mint({ issuedSecondsAgo: 301, lifetimeSeconds: 600 })));
    assert.equal(late.message, 'Token must be redeemed within 5 minutes of issuance');
    assert.ok((await assume(await mint({ issuedSecondsAgo: 300, lifetimeSeconds: 600 }))).Credentials, 'exactly 5 minutes is still in time');
  });

  test('the Response\'s IssueInstant counts too: a fresh signed assertion inside a stale Response is refused', async () => {
    const xml = signedAssertionXml({ responseIssuedAt: new Date(NOW.getTime() - 3600_000) }).xml;
    await refused(b64(xml), 'ExpiredTokenException', /^Token must be redeemed within 5 minutes of issuance$/);
    const future = signedAssertionXml({ responseIssuedAt: new Date(NOW.getTime() + 600_000) }).xml;
    await refused(b64(future), 'InvalidIdentityTokenException', /not yet valid/);
  });

  test('a Response without a readable IssueInstant is not a SAML response, whichever provider is named', async () => {
    const { xml } = signedAssertionXml();
    const firstInstant = /IssueInstant="[^"]*"/.exec(xml)![0];
    for (const replacement of ['', 'IssueInstant="yesterday"']) {
      const broken = b64(xml.replace(firstInstant, replacement));
      const known = await awsError(() => assume(broken));
      const unknown = await awsError(() => assume(broken, roleArn, `arn:aws:iam::${account}:saml-provider/Nobody`));
      assert.deepEqual([known.name, known.message, known.status], ['InvalidIdentityTokenException', 'Invalid SAML response received', 400]);
      assert.deepEqual([unknown.name, unknown.message, unknown.status], [known.name, known.message, known.status]);
    }
  });

  test('SessionNotOnOrAfter caps the credentials\' expiry; a session already ended is refused', async () => {
    const capped = await assume(await mint({ sessionEndsInSeconds: 1200 }), roleArn, providerArn, { DurationSeconds: 3600 });
    assert.equal(capped.Credentials!.Expiration!.getTime(), NOW.getTime() + 1200_000, 'the session end comes first');
    const later = await assume(await mint({ sessionEndsInSeconds: 7200 }), roleArn, providerArn, { DurationSeconds: 1800 });
    assert.equal(later.Credentials!.Expiration!.getTime(), NOW.getTime() + 1800_000, 'DurationSeconds comes first');
    for (const ended of [0, -60]) {
      const err = await awsError(async () => assume(await mint({ sessionEndsInSeconds: ended })));
      assert.equal(err.name, 'ExpiredTokenException');
      assert.equal(err.status, 400);
      assert.match(err.message, /SessionNotOnOrAfter/);
    }
    const unreadable = signedAssertionXml().xml.replace('SessionIndex=', 'SessionNotOnOrAfter="never" SessionIndex=');
    // The attribute sits inside the signed assertion: the signature breaks first.
    await refused(b64(unreadable), 'InvalidIdentityTokenException', /^Response signature invalid$/);
  });

  describe('nothing is learnt about roles and providers without a valid signature', () => {
    const full = (e: { name: string; message: string; status: number | undefined }) => ({ name: e.name, message: e.message, status: e.status });

    test('an unknown provider answers exactly as a bad signature does', async () => {
      const stranger = generateSamlSigningKey('Someone else');
      const badSignature = full(await awsError(() => assume(b64(signedAssertionXml({}, stranger).xml))));
      assert.deepEqual(badSignature, { name: 'InvalidIdentityTokenException', message: 'Response signature invalid', status: 400 });
      const missing = `arn:aws:iam::${account}:saml-provider/NoSuchProvider`;
      const elsewhere = 'arn:aws:iam::999999999999:saml-provider/TestIdP';
      for (const principal of [missing, elsewhere]) {
        // A response validly signed by the real IdP, granting the pair with the named provider.
        const signed = b64(signedAssertionXml({ rolePairs: [`${roleArn},${principal}`] }).xml);
        assert.deepEqual(full(await awsError(() => assume(signed, roleArn, principal))), badSignature, principal);
        assert.deepEqual(full(await awsError(() => assume(b64(signedAssertionXml({}, stranger).xml), roleArn, principal))), badSignature);
      }
      // A nonexistent role named beside a bad signature changes nothing either.
      const noRole = `arn:aws:iam::${account}:role/NoSuchRole`;
      assert.deepEqual(full(await awsError(() => assume(b64(signedAssertionXml({}, stranger).xml), noRole))), badSignature);
    });

    test('a provider\'s state (expired metadata) is told only to a validly signed response', async () => {
      const metadata = (await routes('GET', '/saml/metadata', new URLSearchParams(), ''))!.body
        .replace('<md:EntityDescriptor ', `<md:EntityDescriptor validUntil="${new Date(NOW.getTime() - 86_400_000).toISOString()}" `);
      const expired = (await root.send(new CreateSAMLProviderCommand({ Name: 'Expired', SAMLMetadataDocument: metadata }))).SAMLProviderArn!;
      const stranger = generateSamlSigningKey('Someone else');
      const forged = await awsError(() => assume(b64(signedAssertionXml({ rolePairs: [`${roleArn},${expired}`] }, stranger).xml), roleArn, expired));
      assert.deepEqual(full(forged), { name: 'InvalidIdentityTokenException', message: 'Response signature invalid', status: 400 });
      const genuine = await awsError(() => assume(b64(signedAssertionXml({ rolePairs: [`${roleArn},${expired}`] }).xml), roleArn, expired));
      assert.match(genuine.message, /expired/);
    });

    test('a nonexistent role answers exactly as a role whose trust policy refuses', async () => {
      const untrusting = (await root.send(new CreateRoleCommand({
        RoleName: 'TrustsSomeoneElse',
        AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:saml-provider/Other` }, Action: 'sts:AssumeRoleWithSAML' }]),
      }))).Role!.Arn!;
      const absent = `arn:aws:iam::${account}:role/sso/NoSuchRole`;
      const refusedByTrust = full(await awsError(async () => assume(await mint({ roleArn: untrusting }), untrusting)));
      assert.deepEqual(refusedByTrust, { name: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithSAML', status: 403 });
      assert.deepEqual(full(await awsError(async () => assume(await mint({ roleArn: absent }), absent))), refusedByTrust);
      // With session tags (which need sts:TagSession) the answers still match.
      const tagged = (role: string) => mint({ roleArn: role, tags: { team: 'red' } });
      assert.deepEqual(full(await awsError(async () => assume(await tagged(absent), absent))), full(await awsError(async () => assume(await tagged(untrusting), untrusting))));
    });
  });

  test('an assertion is used once: a replay is refused', async () => {
    const assertion = await mint();
    await assume(assertion);
    await refused(assertion, 'InvalidIdentityTokenException', /already been used/);
  });

  test('the same assertion presented twice at once: exactly one session', async () => {
    const assertion = await mint();
    const results = await Promise.allSettled([assume(assertion), assume(assertion), assume(assertion)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.match(String((r.reason as Error).message), /already been used/);
  });

  test('an assertion for another audience, or from another issuer, is refused', async () => {
    await refused(b64(signedAssertionXml({ audience: 'https://sp.example.com' }).xml), 'InvalidIdentityTokenException', /Audience/);
    await refused(b64(signedAssertionXml({ recipient: 'https://sp.example.com/acs' }).xml), 'InvalidIdentityTokenException', /Recipient/);
    await refused(b64(signedAssertionXml({ issuer: 'https://other-idp.example' }).xml), 'InvalidIdentityTokenException', /^Issuer not present in specified provider$/);
  });

  test('the Role attribute must name this role with this provider; RoleSessionName is required', async () => {
    const otherRole = `arn:aws:iam::${account}:role/Other`;
    await refused(b64(signedAssertionXml({ rolePairs: [`${otherRole},${providerArn}`] }).xml), 'AccessDenied', /^Not authorized to perform sts:AssumeRoleWithSAML$/);
    // Either order of the pair is fine.
    const reversed = await assume(b64(signedAssertionXml({ rolePairs: [`${providerArn},${roleArn}`] }).xml));
    assert.ok(reversed.Credentials);
    await refused(b64(signedAssertionXml({ sessionName: undefined as unknown as string }).xml), 'InvalidIdentityTokenException', /RoleSessionName/);
    await refused(b64(signedAssertionXml({ sessionName: 'a b' }).xml), 'InvalidIdentityTokenException', /RoleSessionName in AuthnResponse must match/);
  });

  test('a role pair naming another account\'s provider (same IdP, same key) is refused', async () => {
    const deps = server.tessera.deps;
    const other = await createAccount({ store: deps.store, secrets: deps.secrets, clock: deps.clock, random: deps.random });
    const otherIam = server.iam({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
    const metadata = (await routes('GET', '/saml/metadata', new URLSearchParams(), ''))!.body;
    const otherProvider = (await otherIam.send(new CreateSAMLProviderCommand({ Name: 'TestIdP', SAMLMetadataDocument: metadata }))).SAMLProviderArn!;
    const assertion = b64(signedAssertionXml({ rolePairs: [`${roleArn},${otherProvider}`] }).xml);
    const err = await awsError(() => assume(assertion, roleArn, otherProvider));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.message, 'Not authorized to perform sts:AssumeRoleWithSAML');
  });

  test('the test IdP answers metadata and refuses bad requests', async () => {
    const metadata = await routes('GET', '/saml/metadata', new URLSearchParams(), '');
    assert.match(metadata!.body, /entityID="https:\/\/idp\.tessera\.test\/saml"/);
    assert.ok(metadata!.body.includes(key.certificatePem.split('\n')[1]!), 'the signing certificate is in the metadata');
    assert.equal((await routes('POST', '/saml/response', new URLSearchParams(), '{"roleArn":1}'))!.status, 400);
    const ask = (extra: object) => routes('POST', '/saml/response', new URLSearchParams(), JSON.stringify({ roleArn, providerArn, sessionName: 'alice', ...extra }));
    for (const bad of [{ issuedSecondsAgo: -1 }, { issuedSecondsAgo: 86_401 }, { issuedSecondsAgo: '60' }, { sessionEndsInSeconds: 1.5 }, { sessionEndsInSeconds: -86_401 }, { sessionEndsInSeconds: 1e300 }]) {
      const answer = await ask(bad);
      assert.equal(answer!.status, 400, JSON.stringify(bad));
      assert.match(answer!.body, /issuedSecondsAgo|sessionEndsInSeconds/);
    }
    const minted = Buffer.from((JSON.parse((await ask({ issuedSecondsAgo: 90, sessionEndsInSeconds: -30 }))!.body) as { SAMLResponse: string }).SAMLResponse, 'base64').toString('utf8');
    const instant = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
    assert.ok(minted.includes(`IssueInstant="${instant(NOW.getTime() - 90_000)}"`), 'back-dated');
    assert.ok(minted.includes(`SessionNotOnOrAfter="${instant(NOW.getTime() - 30_000)}"`), 'session end');
    assert.equal((await routes('GET', '/saml/response', new URLSearchParams(), ''))!.status, 405);
    assert.equal(await routes('GET', '/jwks', new URLSearchParams(), ''), undefined);
  });
});
