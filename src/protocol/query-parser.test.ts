import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildServiceModel } from './model.ts';
import { parseQueryParams, parseQueryRequest } from './query-parser.ts';
import { thrown } from './testing/thrown.ts';

const model = buildServiceModel('iam', {
  metadata: { apiVersion: '1', protocol: 'query', endpointPrefix: 'test', serviceId: 'Test' },
  operations: {},
  shapes: {
    Input: {
      type: 'structure',
      members: {
        Str: { shape: 'String' },
        Int: { shape: 'Int' },
        Long: { shape: 'Long' },
        Dbl: { shape: 'Double' },
        Flag: { shape: 'Bool' },
        When: { shape: 'Time' },
        Bytes: { shape: 'Blob' },
        Nested: { shape: 'Nested' },
        Names: { shape: 'Names' },
        Items: { shape: 'Items' },
        Flat: { shape: 'FlatNames' },
        Attrs: { shape: 'Attrs' },
        Renamed: { shape: 'String', locationName: 'Alias' },
        Things: { shape: 'Things' },
      },
    },
    String: { type: 'string' },
    Int: { type: 'integer' },
    Long: { type: 'long' },
    Double: { type: 'double' },
    Bool: { type: 'boolean' },
    Time: { type: 'timestamp' },
    Blob: { type: 'blob' },
    Nested: { type: 'structure', members: { Inner: { shape: 'String' }, Deep: { shape: 'Deep' } } },
    Deep: { type: 'structure', members: { Leaf: { shape: 'Int' } } },
    Names: { type: 'list', member: { shape: 'String' } },
    Items: { type: 'list', member: { shape: 'Item' } },
    Item: { type: 'structure', members: { Key: { shape: 'String' }, Values: { shape: 'Names' } } },
    FlatNames: { type: 'list', member: { shape: 'String' }, flattened: true },
    Attrs: { type: 'map', key: { shape: 'String' }, value: { shape: 'Int' } },
    Things: { type: 'list', member: { shape: 'String', locationName: 'item' } },
  },
});

function parse(query: string): Record<string, unknown> {
  return parseQueryParams('iam', model, 'Input', new URLSearchParams(query));
}

describe('parseQueryParams: scalars', () => {
  it('reads every scalar type', () => {
    assert.deepEqual(
      parse('Str=hello%20world&Int=-42&Long=9007199254740991&Dbl=1.5e3&Flag=true&When=2024-01-02T03%3A04%3A05Z&Bytes=AAEC%2F%2F8%3D'),
      {
        Str: 'hello world',
        Int: -42,
        Long: 9007199254740991,
        Dbl: 1500,
        Flag: true,
        When: new Date('2024-01-02T03:04:05Z'),
        Bytes: new Uint8Array([0, 1, 2, 255, 255]),
      },
    );
  });

  it('reads booleans case-insensitively and false as false', () => {
    assert.deepEqual(parse('Flag=FALSE'), { Flag: false });
    assert.deepEqual(parse('Flag=True'), { Flag: true });
  });

  it('reads timestamps with offsets, fractions and as epoch seconds', () => {
    assert.deepEqual(parse('When=2024-01-02T04:04:05.250%2B01:00'), { When: new Date('2024-01-02T03:04:05.250Z') });
    assert.deepEqual(parse('When=1704164645'), { When: new Date('2024-01-02T03:04:05Z') });
  });

  it('keeps the empty string', () => {
    assert.deepEqual(parse('Str='), { Str: '' });
  });

  for (const [query, expected] of [
    ['Int=abc', "Invalid value 'abc' for parameter Int: expected an integer"],
    ['Int=1.5', "Invalid value '1.5' for parameter Int: expected an integer"],
    ['Int=2147483648', "Invalid value '2147483648' for parameter Int: expected an integer"],
    ['Nested.Deep.Leaf=x', "Invalid value 'x' for parameter Nested.Deep.Leaf: expected an integer"],
    ['Flag=yes', "Invalid value 'yes' for parameter Flag: expected true or false"],
    ['When=yesterday', "Invalid value 'yesterday' for parameter When: expected an ISO 8601 timestamp"],
    ['Bytes=abc', "Invalid value 'abc' for parameter Bytes: expected base64-encoded data"],
    ['Dbl=1e', "Invalid value '1e' for parameter Dbl: expected a number"],
  ] as const) {
    it(`refuses ${query} with a ValidationError`, () => {
      const error = thrown(() => parse(query));
      assert.equal(error.code, 'ValidationError');
      assert.equal(error.httpStatus, 400);
      assert.equal(error.message, expected);
    });
  }
});

describe('parseQueryParams: nesting', () => {
  it('reads nested structures from dotted names', () => {
    assert.deepEqual(parse('Nested.Inner=a&Nested.Deep.Leaf=7'), { Nested: { Inner: 'a', Deep: { Leaf: 7 } } });
  });

  it('reads lists in index order, skipping gaps', () => {
    assert.deepEqual(parse('Names.member.3=c&Names.member.1=a&Names.member.10=j'), { Names: ['a', 'c', 'j'] });
  });

  it('reads lists of structures holding lists', () => {
    assert.deepEqual(
      parse('Items.member.1.Key=k1&Items.member.1.Values.member.1=v1&Items.member.1.Values.member.2=v2&Items.member.2.Key=k2'),
      { Items: [{ Key: 'k1', Values: ['v1', 'v2'] }, { Key: 'k2' }] },
    );
  });

  it('reads an empty list sent as Name=', () => {
    assert.deepEqual(parse('Names=&Items='), { Names: [], Items: [] });
  });

  it('reads flattened lists and member location names', () => {
    assert.deepEqual(parse('Flat.2=b&Flat.1=a&Things.item.1=x'), { Flat: ['a', 'b'], Things: ['x'] });
  });

  it('reads maps from entry.N.key / entry.N.value', () => {
    assert.deepEqual(parse('Attrs.entry.1.key=a&Attrs.entry.1.value=1&Attrs.entry.2.key=b&Attrs.entry.2.value=2'), {
      Attrs: { a: 1, b: 2 },
    });
  });

  it('keeps a map key named __proto__ as an entry, not a prototype', () => {
    const parsed = parse('Attrs.entry.1.key=__proto__&Attrs.entry.1.value=5') as { Attrs: Record<string, unknown> };
    assert.equal(Object.getPrototypeOf(parsed.Attrs), Object.prototype);
    assert.deepEqual(Object.entries(parsed.Attrs), [['__proto__', 5]]);
  });

  it('uses a member\'s locationName as its parameter name', () => {
    assert.deepEqual(parse('Alias=x&Renamed=ignored'), { Renamed: 'x' });
  });

  it('ignores unknown parameters and non-positional list keys', () => {
    assert.deepEqual(parse('Bogus=1&Names.member.x=y&Names.member.0=z&Names.member.1=a&Nested.Unknown=q'), {
      Names: ['a'],
      Nested: {},
    });
  });

  it('takes the first of repeated parameters', () => {
    assert.deepEqual(parse('Str=first&Str=second'), { Str: 'first' });
  });

  it('accepts a Map of parameters as well as URLSearchParams', () => {
    const params = new Map([['Str', 'x'], ['Names.member.1', 'n']]);
    assert.deepEqual(parseQueryParams('iam', model, 'Input', params), { Str: 'x', Names: ['n'] });
  });
});

describe('parseQueryRequest', () => {
  it('resolves the operation and reads its typed input', () => {
    const parsed = parseQueryRequest(
      'iam',
      new URLSearchParams(
        'Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fteam%2F' +
          '&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess' +
          '&Tags.member.1.Key=team&Tags.member.1.Value=blue&Tags.member.2.Key=env&Tags.member.2.Value=',
      ),
    );
    assert.deepEqual(parsed, {
      operation: 'CreateUser',
      input: {
        Path: '/team/',
        UserName: 'alice',
        PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'env', Value: '' }],
      },
    });
  });

  it('reads STS integers and lists of structures', () => {
    const parsed = parseQueryRequest(
      'sts',
      new URLSearchParams(
        'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo' +
          '&RoleSessionName=s1&DurationSeconds=900&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess' +
          '&TransitiveTagKeys.member.1=team',
      ),
    );
    assert.deepEqual(parsed.input, {
      RoleArn: 'arn:aws:iam::123456789012:role/demo',
      RoleSessionName: 's1',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      DurationSeconds: 900,
      TransitiveTagKeys: ['team'],
    });
  });

  it('reads an operation with no input members as {}', () => {
    assert.deepEqual(parseQueryRequest('sts', new URLSearchParams('Action=GetCallerIdentity&Version=2011-06-15&Extra=1')), {
      operation: 'GetCallerIdentity',
      input: {},
    });
  });

  it('answers a missing Action with MissingAction', () => {
    const error = thrown(() => parseQueryRequest('iam', new URLSearchParams('Version=2010-05-08')));
    assert.equal(error.code, 'MissingAction');
    assert.equal(error.httpStatus, 400);
  });

  for (const [query, message] of [
    ['Action=NoSuchAction&Version=2011-06-15', 'Could not find operation NoSuchAction for version 2011-06-15'],
    ['Action=&Version=2011-06-15', 'Could not find operation  for version 2011-06-15'],
    ['Action=GetCallerIdentity', 'Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED'],
    ['Action=GetCallerIdentity&Version=', 'Could not find operation GetCallerIdentity for version '],
    ['Action=GetCallerIdentity&Version=2000-01-01', 'Could not find operation GetCallerIdentity for version 2000-01-01'],
    ['Action=NoSuchAction&Action=GetCallerIdentity&Version=2011-06-15', 'Could not find operation NoSuchAction for version 2011-06-15'],
    ['Action=CreateUser&Version=2011-06-15', 'Could not find operation CreateUser for version 2011-06-15'],
  ] as const) {
    it(`answers ${query} with InvalidAction`, () => {
      const error = thrown(() => parseQueryRequest('sts', new URLSearchParams(query)));
      assert.equal(error.code, 'InvalidAction');
      assert.equal(error.httpStatus, 400);
      assert.equal(error.message, message);
    });
  }

  it('takes the first Action and Version, as AWS does', () => {
    const query = 'Action=GetCallerIdentity&Action=NoSuchAction&Version=2011-06-15&Version=2000-01-01';
    assert.equal(parseQueryRequest('sts', new URLSearchParams(query)).operation, 'GetCallerIdentity');
  });

  it('validates the input it read', () => {
    const error = thrown(() => parseQueryRequest('iam', new URLSearchParams('Action=CreateUser&Version=2010-05-08')));
    assert.equal(error.code, 'ValidationError');
    assert.equal(error.message, "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null");
  });

  it('refuses the JSON service outright', () => {
    assert.throws(() => parseQueryRequest('organizations', new URLSearchParams('Action=ListAccounts')), /JSON/);
  });
});
