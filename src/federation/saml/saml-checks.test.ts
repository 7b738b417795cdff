import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRolePair, awsSessionAttributes, ROLE_ATTRIBUTE, ROLE_SESSION_NAME_ATTRIBUTE, SESSION_DURATION_ATTRIBUTE, PRINCIPAL_TAG_PREFIX, TRANSITIVE_TAG_KEYS_ATTRIBUTE } from './aws-attributes.ts';
import { nameQualifier, samlContextKeys, subjectType } from './context-keys.ts';
import { CLOCK_TOLERANCE_SECONDS } from '../clock-tolerance.ts';
import { assertAssertionCurrent, assertIssuedRecently, assertSessionOpen, awsRecipient, REDEEM_WITHIN_SECONDS } from './timing-and-audience.ts';
import { readAssertion, type VerifiedAssertion } from './verified-assertion.ts';

const ROLE = 'arn:aws:iam::111122223333:role/Admin';
const PROVIDER = 'arn:aws:iam::111122223333:saml-provider/Okta';

function assertion(attributes: Record<string, string[]>, more: Partial<VerifiedAssertion> = {}): VerifiedAssertion {
  return { id: '_a', issuer: 'https://idp.example', issueInstant: new Date(0), audiences: [], recipients: [], attributes: new Map(Object.entries(attributes)), ...more };
}
const code = (c: string) => (err: { code?: string }) => err.code === c;

test('the Role attribute grants only the exact pair, in either order, among several', () => {
  const a = assertion({ [ROLE_ATTRIBUTE]: ['arn:aws:iam::111122223333:role/Other,' + PROVIDER, `${PROVIDER}, ${ROLE}`] });
  assert.doesNotThrow(() => assertRolePair(a, ROLE, PROVIDER));
  assert.throws(() => assertRolePair(a, ROLE + 'X', PROVIDER), code('AccessDenied'));
  assert.throws(() => assertRolePair(assertion({ [ROLE_ATTRIBUTE]: [`${ROLE},${PROVIDER},extra`] }), ROLE, PROVIDER), code('AccessDenied'));
  assert.throws(() => assertRolePair(assertion({}), ROLE, PROVIDER), code('AccessDenied'));
});

test('session attributes: name pattern, duration bounds, tags, single values', () => {
  const ok = awsSessionAttributes(assertion({
    [ROLE_SESSION_NAME_ATTRIBUTE]: ['bob@corp'],
    [SESSION_DURATION_ATTRIBUTE]: ['900'],
    [`${PRINCIPAL_TAG_PREFIX}team`]: ['red'],
    [TRANSITIVE_TAG_KEYS_ATTRIBUTE]: ['team'],
  }));
  assert.deepEqual(ok, { sessionName: 'bob@corp', sessionDuration: 900, tags: [{ Key: 'team', Value: 'red' }], transitiveTagKeys: ['team'] });
  assert.throws(() => awsSessionAttributes(assertion({})), /RoleSessionName/);
  assert.throws(() => awsSessionAttributes(assertion({ [ROLE_SESSION_NAME_ATTRIBUTE]: ['x'] })), /must match/);
  assert.throws(() => awsSessionAttributes(assertion({ [ROLE_SESSION_NAME_ATTRIBUTE]: ['ab', 'cd'] })), /more than one value/);
  for (const bad of ['899', '43201', '1e3', '']) {
    assert.throws(() => awsSessionAttributes(assertion({ [ROLE_SESSION_NAME_ATTRIBUTE]: ['bob'], [SESSION_DURATION_ATTRIBUTE]: [bad] })), /SessionDuration/, bad);
  }
});

const at = (iso: string, seconds = 0) => new Date(Date.parse(iso) + seconds * 1000);
const T0 = '2026-01-01T00:00:00Z';

test('times: valid from NotBefore (less the clock tolerance) up to (not including) NotOnOrAfter; an assertion without an end is refused', () => {
  const a = assertion({}, { notBefore: new Date('2026-01-01T00:00:00Z'), notOnOrAfter: new Date('2026-01-01T00:05:00Z') });
  assert.throws(() => assertAssertionCurrent(a, at(T0, -CLOCK_TOLERANCE_SECONDS - 1)), /not yet valid/);
  assert.doesNotThrow(() => assertAssertionCurrent(a, at(T0, -CLOCK_TOLERANCE_SECONDS)), 'an IdP clock a little ahead');
  assert.equal(assertAssertionCurrent(a, new Date('2026-01-01T00:00:00Z')).toISOString(), '2026-01-01T00:05:00.000Z');
  assert.throws(() => assertAssertionCurrent(a, new Date('2026-01-01T00:05:00Z')), code('ExpiredTokenException'));
  assert.throws(() => assertAssertionCurrent(assertion({}), new Date()), /no NotOnOrAfter/);
});

test('IssueInstant: redeemed within 5 minutes (exactly, no tolerance on that end); ahead of our clock only within the tolerance', () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      const e = err as { code: string; message: string; httpStatus?: number };
      return `${e.code}: ${e.message}`;
    }
    return 'accepted';
  };
  assert.equal(REDEEM_WITHIN_SECONDS, 300);
  assert.equal(message(() => assertIssuedRecently([at(T0)], at(T0, 300))), 'accepted');
  assert.equal(message(() => assertIssuedRecently([at(T0)], at(T0, 301))), 'ExpiredTokenException: Token must be redeemed within 5 minutes of issuance');
  assert.equal(message(() => assertIssuedRecently([at(T0)], at(T0, 3600))), 'ExpiredTokenException: Token must be redeemed within 5 minutes of issuance');
  // Either instant alone makes it stale: the Response's and the Assertion's are both checked.
  assert.match(message(() => assertIssuedRecently([at(T0, -3600), at(T0)], at(T0, 10))), /^ExpiredTokenException: /);
  assert.match(message(() => assertIssuedRecently([at(T0), at(T0, -3600)], at(T0, 10))), /^ExpiredTokenException: /);
  assert.equal(message(() => assertIssuedRecently([at(T0, CLOCK_TOLERANCE_SECONDS)], at(T0))), 'accepted');
  assert.match(message(() => assertIssuedRecently([at(T0, CLOCK_TOLERANCE_SECONDS + 1)], at(T0))), /^InvalidIdentityToken: .*not yet valid/);
});

test('a SessionNotOnOrAfter already ended is refused', () => {
  for (const ended of [at(T0), at(T0, -1), at(T0, 0.5)]) {
    assert.throws(() => assertSessionOpen(ended, at(T0)), code('ExpiredTokenException'));
    assert.throws(() => assertSessionOpen(ended, at(T0)), /SessionNotOnOrAfter/);
  }
  assert.doesNotThrow(() => assertSessionOpen(undefined, at(T0)));
});

test('audience and recipient: AWS sign-in (global or regional) or urn:amazon:webservices only', () => {
  const regional = 'https://us-west-2.signin.aws.amazon.com/saml';
  assert.equal(awsRecipient(assertion({}, { audiences: ['urn:amazon:webservices'], recipients: [regional] })), regional);
  assert.throws(() => awsRecipient(assertion({}, { audiences: ['https://signin.aws.amazon.com.evil.example/saml'], recipients: [regional] })), /Audience/);
  assert.throws(() => awsRecipient(assertion({}, { audiences: ['urn:amazon:webservices'], recipients: ['https://evil.example/saml'] })), /Recipient/);
});

test('saml:* keys: sub_type short forms, namequalifier digest, multi-valued eduPerson affiliation', () => {
  assert.equal(subjectType('urn:oasis:names:tc:SAML:2.0:nameid-format:transient'), 'transient');
  assert.equal(subjectType('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'), 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
  // SHA-1 is 20 bytes: 28 base64 characters.
  assert.match(nameQualifier('https://idp.example', '111122223333', 'Okta'), /^[A-Za-z0-9+/]{27}=$/);
  assert.notEqual(nameQualifier('https://idp.example', '111122223333', 'Okta'), nameQualifier('https://idp.example', '111122223334', 'Okta'));
  const context = samlContextKeys(
    assertion({ 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['staff', 'member'], 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': ['bob@corp'] }, { nameId: 'bob' }),
    'https://signin.aws.amazon.com/saml', { accountId: '111122223333', name: 'Okta' },
  );
  assert.deepEqual(context['saml:edupersonaffiliation'], ['staff', 'member']);
  assert.equal(context['saml:edupersonprincipalname'], 'bob@corp');
  assert.equal(context['saml:sub'], 'bob');
  assert.equal(context['saml:aud'], 'https://signin.aws.amazon.com/saml');
});

test('reading an assertion: only its own Issuer, Subject and Conditions; unreadable times make it unreadable', () => {
  const ns = 'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';
  const xml = (until: string, issued = ' IssueInstant="2026-01-01T00:00:00Z"', session = '') => `<saml:Assertion ${ns} ID="_x"${issued}><saml:Issuer>https://idp.example</saml:Issuer>`
    + `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">bob</saml:NameID>`
    + `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData Recipient="https://signin.aws.amazon.com/saml" NotOnOrAfter="2026-01-01T00:03:00Z"/></saml:SubjectConfirmation></saml:Subject>`
    + `<saml:Conditions NotBefore="2026-01-01T00:00:00Z" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
    + session
    + `<saml:AttributeStatement><saml:Attribute Name="a"><saml:AttributeValue>1</saml:AttributeValue><saml:AttributeValue>2</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>`;
  const read = readAssertion(xml('2026-01-01T00:05:00Z'))!;
  assert.equal(read.issuer, 'https://idp.example');
  assert.equal(read.nameId, 'bob');
  assert.deepEqual(read.audiences, ['urn:amazon:webservices']);
  assert.equal(read.notOnOrAfter?.toISOString(), '2026-01-01T00:03:00.000Z', 'the earliest end wins');
  assert.deepEqual(read.attributes.get('a'), ['1', '2']);
  assert.equal(read.issueInstant.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(read.sessionNotOnOrAfter, undefined);
  const sessions = '<saml:AuthnStatement AuthnInstant="2026-01-01T00:00:00Z" SessionNotOnOrAfter="2026-01-01T08:00:00Z"/>'
    + '<saml:AuthnStatement AuthnInstant="2026-01-01T00:00:00Z" SessionNotOnOrAfter="2026-01-01T01:00:00Z"/>';
  assert.equal(readAssertion(xml('2026-01-01T00:05:00Z', undefined, sessions))!.sessionNotOnOrAfter?.toISOString(), '2026-01-01T01:00:00.000Z', 'the earliest session end');
  assert.equal(readAssertion(xml('2026-01-01T00:05:00Z', undefined, '<saml:AuthnStatement SessionNotOnOrAfter="tomorrow"/>')), undefined);
  assert.equal(readAssertion(xml('2026-01-01T00:05:00Z', '')), undefined, 'no IssueInstant');
  assert.equal(readAssertion(xml('2026-01-01T00:05:00Z', ' IssueInstant="yesterday"')), undefined);
  assert.equal(readAssertion(xml('soon')), undefined);
  assert.equal(readAssertion(`<Response ${ns}/>`), undefined);
});
