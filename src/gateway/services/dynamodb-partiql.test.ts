import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRequest } from '../map-request.ts';
import { authorizationDataForTests, checks, mapped } from '../testing/mapping.ts';
import { json } from '../testing/requests.ts';
import { readStatement, UnreadStatement } from './dynamodb-partiql.ts';

const authorizationData = authorizationDataForTests();
const TABLE = 'arn:aws:dynamodb:us-east-1:111111111111:table';

describe('DynamoDB PartiQL: the action and table of a statement', () => {
  const read: [string, ReturnType<typeof readStatement>][] = [
    ['SELECT * FROM Music', { action: 'PartiQLSelect', table: 'Music', equalities: [] }],
    ['select Artist, "Year" from "Music" where Artist = \'Acme\' order by Year desc', { action: 'PartiQLSelect', table: 'Music', equalities: ['Artist'] }],
    ['SELECT * FROM "Music"."ByYear" WHERE "Year" = 1999', { action: 'PartiQLSelect', table: 'Music', index: 'ByYear', equalities: ['Year'] }],
    ['SELECT * FROM "my.table-1"', { action: 'PartiQLSelect', table: 'my.table-1', equalities: [] }],
    ['SELECT * FROM "abc.defg"', { action: 'PartiQLSelect', table: 'abc.defg', equalities: [] }],
    // A table named in a string literal is text: moto and DynamoDB read Music. OR: no equality confines the read.
    ["SELECT * FROM Music WHERE x = 'a FROM Other' OR y = 'SELECT'", { action: 'PartiQLSelect', table: 'Music' }],
    // The equalities a conjunction holds: a value, a parameter, a number, IN; not a path, a function, another attribute or <=.
    ["SELECT * FROM Music WHERE Artist = ? AND \"Song\" IN ['a', 'b'] AND Year = -3 AND Sales <= 5", { action: 'PartiQLSelect', table: 'Music', equalities: ['Artist', 'Song', 'Year'] }],
    ["SELECT * FROM Music WHERE Info.Artist = 'a' AND size(Artist) = 3 AND Artist = Other AND Tags[0] = 'x'", { action: 'PartiQLSelect', table: 'Music', equalities: [] }],
    ["SELECT * FROM Music WHERE NOT Artist = 'a'", { action: 'PartiQLSelect', table: 'Music' }],
    ["SELECT * FROM Music WHERE Artist = 'a' ORDER BY Song", { action: 'PartiQLSelect', table: 'Music', equalities: ['Artist'] }],
    ["INSERT INTO \"Music\" VALUE {'Artist': 'Acme', 'note': 'SELECT * FROM Other'}", { action: 'PartiQLInsert', table: 'Music' }],
    ["UPDATE Music SET Sales = Sales + 1 WHERE Artist = 'Acme' RETURNING ALL NEW *", { action: 'PartiQLUpdate', table: 'Music' }],
    ["UPDATE \"Music\" REMOVE note WHERE Artist = 'Acme'", { action: 'PartiQLUpdate', table: 'Music' }],
    ["DELETE FROM Music WHERE Artist = 'Acme'", { action: 'PartiQLDelete', table: 'Music' }],
    ['\n  SELECT\t*\r\nFROM   Music', { action: 'PartiQLSelect', table: 'Music', equalities: [] }],
  ];
  for (const [statement, expected] of read) {
    it(`reads ${JSON.stringify(statement)}`, () => assert.deepEqual(readStatement(statement), expected));
  }

  // Each of these could be read as another table (or as two) by another reader: refused.
  const refused: [string, RegExp][] = [
    ['SELECT * FROM Music, Other', /after its table/],
    ['SELECT * FROM Music m', /after its table/],
    ['SELECT * FROM "Other" AS o', /after its table/],
    ['SELECT * FROM Music WHERE Artist IN (SELECT Artist FROM Other)', /more than one/],
    ['SELECT * FROM Music UNION SELECT * FROM Other', /UNION/],
    ["EXISTS(SELECT * FROM Music WHERE Artist = 'A')", /EXISTS/],
    ['SELECT * FROM Music; SELECT * FROM Other', /;/],
    ['SELECT * FROM Music -- Other', /comment/],
    ['SELECT * FROM /* Music */ Other', /comment/],
    ['SELECT * FROM `Music`', /`/],
    ['SELECT * FROM "Mu""sic"', /not a DynamoDB table name/],
    ['SELECT * FROM "arn:aws:dynamodb:us-east-1:111111111111:table/Other"', /not a DynamoDB table name/],
    ['SELECT * FROM ab', /not a DynamoDB table name/],
    ['SELECT * FROM music-table', /after its table/],
    ['SELECT * FROM', /names no table/],
    ['SELECT FROM Music', /no projection/],
    ["SELECT * FROM Music WHERE x = 'unterminated", /unterminated/],
    ['SELECT * FROM "Music"."ab"', /not a DynamoDB index name/],
    // moto reads a bare `abc.defg` as the table `abc.defg`, and `"abc" . "defg"` as the table abc.
    ['SELECT * FROM abc.defg', /index other than as "Table"."Index"/],
    ['SELECT * FROM "abc" . "defg"', /index other than as "Table"."Index"/],
    ['SELECT * FROM "abc".defg', /index other than as "Table"."Index"/],
    ['SELECT * FROM abc."defg"', /index other than as "Table"."Index"/],
    ["INSERT INTO Music SELECT * FROM Other", /more than one|no VALUE/],
    ["INSERT Music VALUE {'a': 1}", /no INTO/],
    ["UPDATE Music WHERE Artist = 'A'", /no SET or REMOVE/],
    ['DELETE FROM Music', /no WHERE/],
    ['DELETE Music WHERE a = 1', /no FROM/],
    ['UPSERT INTO Music VALUE {}', /not a SELECT, INSERT, UPDATE or DELETE/],
    ['', /not a SELECT/],
    ['SELECT * FROM Music WHERE from = 1', /more than one/],
    [`SELECT * FROM Music WHERE a = '${'x'.repeat(9000)}'`, /longer than/],
  ];
  for (const [statement, why] of refused) {
    it(`refuses ${JSON.stringify(statement.slice(0, 80))}`, () => assert.throws(() => readStatement(statement), (err: unknown) => err instanceof UnreadStatement && why.test(err.message)));
  }
});

describe('DynamoDB PartiQL: the checks of ExecuteStatement, BatchExecuteStatement and ExecuteTransaction', () => {
  const map = (target: string, body: Record<string, unknown>) => mapRequest(authorizationData(), json('dynamodb', `DynamoDB_20120810.${target}`, body, '1.0'));

  it('ExecuteStatement: the statement\'s action on its table, or on its index', () => {
    assert.deepEqual(checks(mapped(map('ExecuteStatement', { Statement: 'SELECT * FROM "Music" WHERE Artist = ?', Parameters: [{ S: 'Acme' }] }))), [`dynamodb:PartiQLSelect ${TABLE}/Music`]);
    assert.deepEqual(checks(mapped(map('ExecuteStatement', { Statement: 'SELECT * FROM "Music"."ByYear"' }))), [`dynamodb:PartiQLSelect ${TABLE}/Music/index/ByYear`]);
    assert.deepEqual(checks(mapped(map('ExecuteStatement', { Statement: "DELETE FROM Music WHERE Artist = 'A'" }))), [`dynamodb:PartiQLDelete ${TABLE}/Music`]);
  });

  it('BatchExecuteStatement and ExecuteTransaction: each statement on its own table; a transaction\'s with dynamodb:EnclosingOperation', () => {
    const batch = mapped(map('BatchExecuteStatement', { Statements: [{ Statement: "SELECT * FROM Music WHERE Artist = 'A'" }, { Statement: "UPDATE Other SET x = 1 WHERE k = 'b'" }] }));
    assert.deepEqual(checks(batch), [`dynamodb:PartiQLSelect ${TABLE}/Music`, `dynamodb:PartiQLUpdate ${TABLE}/Other`]);
    assert.equal(batch.targets[0]!.context?.['dynamodb:EnclosingOperation'], undefined);
    const transaction = mapped(map('ExecuteTransaction', { TransactStatements: [{ Statement: "INSERT INTO Music VALUE {'Artist': 'T'}" }, { Statement: "DELETE FROM Other WHERE k = 'b'" }] }));
    assert.deepEqual(checks(transaction), [`dynamodb:PartiQLInsert ${TABLE}/Music`, `dynamodb:PartiQLDelete ${TABLE}/Other`]);
    for (const target of transaction.targets) assert.equal(target.context?.['dynamodb:EnclosingOperation'], 'ExecuteTransaction');
  });

  it('sets none of the keys the statement would (they stay missing, so a policy that refers to one refuses the request)', () => {
    const result = mapped(map('ExecuteStatement', { Statement: "UPDATE Music SET a = 1 WHERE Artist = 'A' RETURNING ALL OLD *" }));
    const context = result.targets[0]!.context ?? {};
    for (const key of ['dynamodb:Attributes', 'dynamodb:Select', 'dynamodb:ReturnValues', 'dynamodb:LeadingKeys', 'dynamodb:FullTableScan']) assert.equal(context[key], undefined, key);
    assert.equal(result.lookups.some((lookup) => lookup.kind === 'dynamodb-leading-keys'), false);
    assert.deepEqual(result.unread?.keys, ['dynamodb:Attributes', 'dynamodb:LeadingKeys', 'dynamodb:Select', 'dynamodb:ReturnValues']);
  });

  it('a SELECT reads dynamodb:FullTableScan once the table\'s partition key is known; a SELECT from an index is a full scan', () => {
    const keyed = mapped(map('ExecuteStatement', { Statement: "SELECT * FROM Music WHERE Artist = 'a' AND Song = 'b'" }));
    assert.deepEqual(keyed.lookups.filter((lookup) => lookup.kind === 'dynamodb-full-table-scan'), [{ kind: 'dynamodb-full-table-scan', check: 0, table: 'Music', equalities: ['Artist', 'Song'] }]);
    const either = mapped(map('ExecuteStatement', { Statement: "SELECT * FROM Music WHERE Artist = 'a' OR Song = 'b'" }));
    assert.deepEqual(either.lookups.filter((lookup) => lookup.kind === 'dynamodb-full-table-scan'), [{ kind: 'dynamodb-full-table-scan', check: 0, table: 'Music' }]);
    const index = mapped(map('ExecuteStatement', { Statement: 'SELECT * FROM "Music"."ByYear" WHERE Year = 1999' }));
    assert.deepEqual(index.lookups.filter((lookup) => lookup.kind === 'dynamodb-full-table-scan'), [{ kind: 'dynamodb-full-table-scan', check: 0, table: 'Music' }]);
    // Only PartiQLSelect lists the key.
    assert.deepEqual(mapped(map('ExecuteStatement', { Statement: "DELETE FROM Music WHERE Artist = 'a'" })).lookups.filter((lookup) => lookup.kind === 'dynamodb-full-table-scan'), []);
  });

  it('beyond DynamoDB\'s bounds (25 statements in a batch, 100 in a transaction, 8,192 characters in one) is invalid, as DynamoDB answers it, before any statement is read', () => {
    const statements = (n: number) => Array.from({ length: n }, () => ({ Statement: 'SELECT * FROM Music WHERE Artist = ?' }));
    assert.equal(map('BatchExecuteStatement', { Statements: statements(25) }).kind, 'mapped');
    assert.equal(map('ExecuteTransaction', { TransactStatements: statements(100) }).kind, 'mapped');
    for (const [operation, member, n] of [['BatchExecuteStatement', 'Statements', 26], ['ExecuteTransaction', 'TransactStatements', 101]] as const) {
      const result = map(operation, { [member]: statements(n) });
      assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request');
      const camel = member[0]!.toLowerCase() + member.slice(1);
      assert.equal(result.kind === 'unmapped' ? result.message : '', `1 validation error detected: Value at '${camel}' failed to satisfy constraint: Member must have length less than or equal to ${n - 1}`);
    }
    const longest = `SELECT * FROM Music WHERE Artist = '${'a'.repeat(8192 - "SELECT * FROM Music WHERE Artist = ''".length)}'`;
    assert.equal(longest.length, 8192);
    assert.equal(map('ExecuteStatement', { Statement: longest }).kind, 'mapped');
    const tooLong = map('ExecuteStatement', { Statement: `${longest} ` });
    assert.equal(tooLong.kind === 'unmapped' && tooLong.reason, 'invalid-request');
    assert.equal(tooLong.kind === 'unmapped' ? tooLong.message : '', "1 validation error detected: Value at 'statement' failed to satisfy constraint: Member must have length less than or equal to 8192");
    const twoLong = map('ExecuteTransaction', { TransactStatements: [{ Statement: `${longest} ` }, { Statement: 'SELECT * FROM Music' }, { Statement: `${longest}  ` }] });
    assert.equal(twoLong.kind === 'unmapped' ? twoLong.message : '', "2 validation errors detected: Value at 'transactStatements.1.member.statement' failed to satisfy constraint: Member must have length less than or equal to 8192; Value at 'transactStatements.3.member.statement' failed to satisfy constraint: Member must have length less than or equal to 8192");
  });

  it('a statement it does not read refuses the whole call, naming the statement', () => {
    const result = map('BatchExecuteStatement', { Statements: [{ Statement: 'SELECT * FROM Music WHERE Artist = ?' }, { Statement: 'SELECT * FROM Music, Other' }] });
    assert.equal(result.kind, 'unmapped');
    assert.equal(result.kind === 'unmapped' && result.reason, 'refused-operation');
    assert.match(result.kind === 'unmapped' ? result.message : '', /^BatchExecuteStatement is not forwarded: .*statement 2 is not one: the statement has something other than WHERE or ORDER BY after its table/);
  });
});
