import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordsAnswer, responseElementsOf } from './response-elements.ts';

const xml = (text: string) => Buffer.from(text);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('responseElements of forwarded calls', () => {
  it('records the named members of a JSON answer, lowerCamelCase, nested and in lists', () => {
    const answer = json({ KeyMetadata: { KeyId: 'k-1', Arn: 'arn:aws:kms:us-east-1:111111111111:key/k-1', Enabled: true, CreationDate: 1.7e9, Description: 'd' } });
    assert.deepEqual(responseElementsOf('kms', 'CreateKey', 'json', answer), { keyMetadata: { keyId: 'k-1', arn: 'arn:aws:kms:us-east-1:111111111111:key/k-1', enabled: true, description: 'd' } });
    const batch = json({ Successful: [{ Id: 'a', MessageId: 'm-a', MD5OfMessageBody: 'x' }], Failed: [{ Id: 'b', Code: 'InvalidParameterValue', SenderFault: true, Message: 'never recorded' }] });
    assert.deepEqual(responseElementsOf('sqs', 'SendMessageBatch', 'json', batch), {
      successful: [{ id: 'a', messageId: 'm-a', mD5OfMessageBody: 'x' }],
      failed: [{ id: 'b', code: 'InvalidParameterValue', senderFault: true }],
    });
    // Secrets Manager's ARN is `aRN`, as CloudTrail lower-cases a member's first letter.
    assert.deepEqual(responseElementsOf('secretsmanager', 'CreateSecret', 'json', json({ ARN: 'arn:x', Name: 'n', VersionId: 'v' })), { aRN: 'arn:x', name: 'n', versionId: 'v' });
  });

  it('reads a Query answer\'s result element, its lists as <member>s or flattened', () => {
    const topic = xml('<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:1:t</TopicArn></CreateTopicResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateTopicResponse>');
    assert.deepEqual(responseElementsOf('sns', 'CreateTopic', 'query', topic), { topicArn: 'arn:aws:sns:us-east-1:1:t' });
    const batch = xml('<SendMessageBatchResponse><SendMessageBatchResult><SendMessageBatchResultEntry><Id>a</Id><MessageId>m</MessageId></SendMessageBatchResultEntry></SendMessageBatchResult></SendMessageBatchResponse>');
    // SQS's Query answer names its entries otherwise than the JSON members: nothing it cannot name is recorded.
    assert.equal(responseElementsOf('sqs', 'SendMessageBatch', 'query', batch), null);
    const sent = xml('<SendMessageResponse><SendMessageResult><MessageId>m-1</MessageId><MD5OfMessageBody>abc</MD5OfMessageBody></SendMessageResult></SendMessageResponse>');
    assert.deepEqual(responseElementsOf('sqs', 'SendMessage', 'query', sent), { messageId: 'm-1', mD5OfMessageBody: 'abc' });
  });

  it('records nothing for reads, content, unnamed members, or an answer it cannot read', () => {
    assert.equal(recordsAnswer('secretsmanager', 'GetSecretValue'), false);
    assert.equal(recordsAnswer('kms', 'Decrypt'), false);
    assert.equal(recordsAnswer('dynamodb', 'PutItem'), false);
    assert.equal(recordsAnswer('lambda', 'Invoke'), false);
    // Only the members named: a grant's token, a function's environment are never recorded.
    assert.deepEqual(responseElementsOf('kms', 'CreateGrant', 'json', json({ GrantId: 'g', GrantToken: 'secret-token' })), { grantId: 'g' });
    assert.deepEqual(responseElementsOf('lambda', 'CreateFunction', 'rest-json', json({ FunctionName: 'f', Environment: { Variables: { PASSWORD: 'p' } } })), { functionName: 'f' });
    assert.equal(responseElementsOf('sqs', 'CreateQueue', 'json', Buffer.from('not json')), null);
    assert.equal(responseElementsOf('sqs', 'CreateQueue', 'query', Buffer.from('<unclosed')), null);
    assert.equal(responseElementsOf('sqs', 'CreateQueue', 'json', json({})), null);
  });
});
