import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceError } from './errors.ts';
import { buildServiceModel } from './model.ts';
import {
  AWS_FAULT_NAMESPACE,
  queryErrorResponse,
  renderQueryResponse,
  serializeQueryError,
  serializeQueryResponse,
} from './query-serializer.ts';
import { escapeXml } from './xml.ts';

describe('serializeQueryResponse', () => {
  it('writes the result inside its wrapper, members in AWS\'s order, with the request id', () => {
    const xml = serializeQueryResponse(
      'iam',
      'CreateUser',
      {
        User: {
          Tags: [{ Key: 'team', Value: 'blue' }],
          CreateDate: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
          Arn: 'arn:aws:iam::123456789012:user/alice',
          UserId: 'AIDAEXAMPLE',
          UserName: 'alice',
          Path: '/',
          NotInTheModel: 'never written',
        },
      },
      'req-1',
    );
    assert.equal(
      xml,
      `<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <CreateUserResult>
    <User>
      <Path>/</Path>
      <UserName>alice</UserName>
      <UserId>AIDAEXAMPLE</UserId>
      <Arn>arn:aws:iam::123456789012:user/alice</Arn>
      <CreateDate>2024-01-02T03:04:05Z</CreateDate>
      <Tags>
        <member>
          <Key>team</Key>
          <Value>blue</Value>
        </member>
      </Tags>
    </User>
  </CreateUserResult>
  <ResponseMetadata>
    <RequestId>req-1</RequestId>
  </ResponseMetadata>
</CreateUserResponse>
`,
    );
  });

  it('writes no Result element for an operation without output', () => {
    assert.equal(
      serializeQueryResponse('iam', 'DeleteUser', undefined, 'req-2'),
      `<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ResponseMetadata>
    <RequestId>req-2</RequestId>
  </ResponseMetadata>
</DeleteUserResponse>
`,
    );
  });

  it('writes maps as entry/key/value, booleans, integers and empty lists', () => {
    const summary = serializeQueryResponse('iam', 'GetAccountSummary', { SummaryMap: { Users: 3, Groups: 0 } }, 'r');
    assert.match(summary, /<SummaryMap>\n {6}<entry>\n {8}<key>Users<\/key>\n {8}<value>3<\/value>\n {6}<\/entry>\n {6}<entry>\n {8}<key>Groups<\/key>\n {8}<value>0<\/value>/);
    const users = serializeQueryResponse('iam', 'ListUsers', { Users: [], IsTruncated: false }, 'r');
    assert.match(users, /<ListUsersResult>\n {4}<Users\/>\n {4}<IsTruncated>false<\/IsTruncated>\n {2}<\/ListUsersResult>/);
  });

  it('writes timestamps with milliseconds only when present, and blobs as base64', () => {
    const credentials = serializeQueryResponse(
      'sts',
      'GetSessionToken',
      { Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date('2011-07-11T19:55:29.611Z') } },
      'r',
    );
    assert.match(credentials, /<Expiration>2011-07-11T19:55:29.611Z<\/Expiration>/);
    const report = serializeQueryResponse(
      'iam',
      'GetCredentialReport',
      { Content: new TextEncoder().encode('user,arn\n'), ReportFormat: 'text/csv', GeneratedTime: new Date('2024-05-06T07:08:09Z') },
      'r',
    );
    assert.match(report, /<Content>dXNlcixhcm4K<\/Content>\n {4}<ReportFormat>text\/csv<\/ReportFormat>\n {4}<GeneratedTime>2024-05-06T07:08:09Z<\/GeneratedTime>/);
  });

  it('escapes text and keeps the document well-formed for any string', () => {
    const xml = serializeQueryResponse('iam', 'GetUser', { User: { UserName: `<a&b>"'\r\u0001`, Path: '/' } }, 'r');
    assert.match(xml, /<UserName>&lt;a&amp;b&gt;"'&#xD;\uFFFD<\/UserName>/);
    assert.equal(escapeXml('\u{1f600}'), '\u{1f600}', 'paired surrogates are kept');
    assert.equal(escapeXml('\ud800x'), '\uFFFDx', 'a lone surrogate is replaced');
  });

  it('writes flattened lists and maps as repeated elements, honouring location names', () => {
    const model = buildServiceModel('iam', {
      metadata: { apiVersion: '1', protocol: 'query', endpointPrefix: 'test', serviceId: 'T', xmlNamespace: 'urn:test' },
      operations: { Op: { output: { shape: 'Out', resultWrapper: 'OpResult' } } },
      shapes: {
        Out: {
          type: 'structure',
          members: { Names: { shape: 'Flat' }, Pairs: { shape: 'FlatMap' }, Renamed: { shape: 'S', locationName: 'Alias' } },
        },
        S: { type: 'string' },
        Flat: { type: 'list', member: { shape: 'S', locationName: 'Name' }, flattened: true },
        FlatMap: { type: 'map', key: { shape: 'S', locationName: 'K' }, value: { shape: 'S', locationName: 'V' }, flattened: true },
      },
    });
    assert.equal(
      renderQueryResponse(model, 'Op', { Names: ['a', 'b'], Pairs: { x: '1' }, Renamed: 'r' }, 'id'),
      `<OpResponse xmlns="urn:test">
  <OpResult>
    <Name>a</Name>
    <Name>b</Name>
    <Pairs>
      <K>x</K>
      <V>1</V>
    </Pairs>
    <Alias>r</Alias>
  </OpResult>
  <ResponseMetadata>
    <RequestId>id</RequestId>
  </ResponseMetadata>
</OpResponse>
`,
    );
  });
});

describe('serializeQueryError', () => {
  it('writes a service error in the service namespace', () => {
    assert.equal(
      serializeQueryError('iam', serviceError('iam', 'NoSuchEntity', 'The user with name bob cannot be found.'), 'req-3'),
      `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>NoSuchEntity</Code>
    <Message>The user with name bob cannot be found.</Message>
  </Error>
  <RequestId>req-3</RequestId>
</ErrorResponse>
`,
    );
  });

  it('writes an unresolvable-operation error in AWS\'s fault namespace', () => {
    const xml = serializeQueryError('sts', serviceError('sts', 'InvalidAction', 'Could not find operation X for version 2011-06-15'), 'r');
    assert.ok(xml.startsWith(`<ErrorResponse xmlns="${AWS_FAULT_NAMESPACE}">`), xml);
  });

  it('turns anything else into a generic InternalFailure without internals', () => {
    const failure = new Error('database password is hunter2');
    const xml = serializeQueryError('iam', failure, 'r');
    assert.match(xml, /<Type>Receiver<\/Type>\n {4}<Code>InternalFailure<\/Code>/);
    assert.doesNotMatch(xml, /hunter2|at /);
    const response = queryErrorResponse('iam', failure, 'r');
    assert.equal(response.status, 500);
    assert.deepEqual(response.headers, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': 'r' });
  });
});
