// A request with more parameters (Query) or values (JSON) than any operation takes is refused
// before the model reads it: reading 10,000 tags to answer "at most 50" cost 70-270 ms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { thrown as refusal } from './testing/thrown.ts';
import { parseJsonRequest } from './json-codec.ts';
import { MAX_QUERY_PARAMETERS, parseQueryRequest } from './query-parser.ts';

const tagParams = (n: number): [string, string][] => Array.from({ length: n }, (_, i): [string, string][] => [[`Tags.member.${i + 1}.Key`, `k${i}`], [`Tags.member.${i + 1}.Value`, 'v']]).flat();

test('a Query request past the parameter bound is refused as a ValidationError naming the bound; within it the model decides', () => {
  const over = new URLSearchParams([['Action', 'CreateUser'], ['Version', '2010-05-08'], ['UserName', 'u'], ...tagParams(5_000)]);
  const refused = refusal(() => parseQueryRequest('iam', over));
  assert.equal(refused.code, 'ValidationError');
  assert.equal(refused.message, `1 validation error detected: the request has ${over.size} parameters; Tessera reads at most ${MAX_QUERY_PARAMETERS}`);
  // 2,498 tags (4,999 parameters): read, and refused by the model's own bound of 50.
  const within = new URLSearchParams([['Action', 'CreateUser'], ['Version', '2010-05-08'], ['UserName', 'u'], ...tagParams(2_498)]);
  assert.ok(within.size <= MAX_QUERY_PARAMETERS);
  assert.match(refusal(() => parseQueryRequest('iam', within)).message, /Member must have length less than or equal to 50/);
});

test('a JSON request past the value bound is refused in each service\'s words; within it the model decides', () => {
  const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  const organizations = refusal(() => parseJsonRequest('organizations', 'AWSOrganizationsV20161128.CreateAccount', JSON.stringify({ Email: 'a@example.com', AccountName: 'a', Tags: tags(10_000) })));
  assert.equal(organizations.code, 'InvalidInputException');
  assert.equal(organizations.fields['Reason'], 'INVALID_INPUT');
  assert.equal(organizations.message, 'The request has more than 5000 values; Tessera reads at most 5000.');
  const selectors = Array.from({ length: 3_000 }, () => ({ Name: 'n', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }));
  assert.equal(refusal(() => parseJsonRequest('cloudtrail', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.CreateEventDataStore', JSON.stringify({ Name: 'x', AdvancedEventSelectors: selectors }))).code, 'ValidationException');
  // Fifty tags are read by the model as before.
  assert.equal(parseJsonRequest('organizations', 'AWSOrganizationsV20161128.CreateAccount', JSON.stringify({ Email: 'a@example.com', AccountName: 'a', Tags: tags(50) })).operation, 'CreateAccount');
});
