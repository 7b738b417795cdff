"""SQS, SNS, DynamoDB, KMS, Secrets Manager, SSM and CloudWatch Logs through the gateway with boto3."""
import base64
import json
import time

import botocore
from boto3.dynamodb.conditions import Attr, Key
from common import PREFIX, check, client, expect_error, keys, resource

P = PREFIX
iam = client('iam')
ACCT = client('sts').get_caller_identity()['Account']
iam.create_user(UserName=f'{P}-svc')
NOBODY = keys(iam.create_access_key(UserName=f'{P}-svc')['AccessKey'])


@check('sqs.create/send/receive(WaitTimeSeconds)/delete; resource Queue')
def _():
    sqs = client('sqs')
    url = sqs.create_queue(QueueName=f'{P}-q', Attributes={'VisibilityTimeout': '5'})['QueueUrl']
    assert sqs.get_queue_url(QueueName=f'{P}-q')['QueueUrl'] == url
    sqs.send_message(QueueUrl=url, MessageBody='hello', MessageAttributes={'k': {'DataType': 'String', 'StringValue': 'v'}})
    t = time.time()
    msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=10, MessageAttributeNames=['All'], AttributeNames=['All'])['Messages']
    assert msgs[0]['Body'] == 'hello' and msgs[0]['MessageAttributes']['k']['StringValue'] == 'v', msgs
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msgs[0]['ReceiptHandle'])
    empty = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
    assert 'Messages' not in empty or empty['Messages'] == []
    q = resource('sqs').Queue(url)
    q.send_messages(Entries=[{'Id': str(i), 'MessageBody': f'm{i}'} for i in range(3)])
    got = []
    for _ in range(5):
        got += [m.body for m in q.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=1)]
        if len(got) >= 3:
            break
    assert sorted(got) == ['m0', 'm1', 'm2'], got
    assert q.attributes['VisibilityTimeout'] == '5'


@check('sqs errors: QueueDoesNotExist class, AccessDenied for a user without policy')
def _():
    sqs = client('sqs')
    expect_error(lambda: sqs.get_queue_url(QueueName=f'{P}-missing'), sqs.exceptions.QueueDoesNotExist, None, 400)
    e = expect_error(lambda: client('sqs', NOBODY).list_queues(), None, 'AccessDenied', 403)
    return e.response['Error']


@check('sns.create_topic/subscribe sqs/publish delivers')
def _():
    sns, sqs = client('sns'), client('sqs')
    arn = sns.create_topic(Name=f'{P}-t')['TopicArn']
    url = sqs.create_queue(QueueName=f'{P}-tq')['QueueUrl']
    qarn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    # As on AWS, the queue's policy must let the topic deliver (Tessera refuses the subscription otherwise).
    sqs.set_queue_attributes(QueueUrl=url, Attributes={'Policy': json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'sns.amazonaws.com'}, 'Action': 'sqs:SendMessage', 'Resource': qarn, 'Condition': {'ArnEquals': {'aws:SourceArn': arn}}}]})})
    sub = sns.subscribe(TopicArn=arn, Protocol='sqs', Endpoint=qarn, ReturnSubscriptionArn=True)['SubscriptionArn']
    assert sub.startswith(arn), sub
    mid = sns.publish(TopicArn=arn, Message='to the queue', Subject='s', MessageAttributes={'a': {'DataType': 'String', 'StringValue': 'b'}})['MessageId']
    body = None
    for _ in range(3):
        m = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get('Messages')
        if m:
            body = json.loads(m[0]['Body'])
            break
    assert body and body['Message'] == 'to the queue' and body['MessageId'] == mid, body
    topic = resource('sns').Topic(arn)
    assert topic.attributes['TopicArn'] == arn
    expect_error(lambda: sns.get_topic_attributes(TopicArn=arn + 'x'), sns.exceptions.NotFoundException, 'NotFound', 404)
    expect_error(lambda: client('sns', NOBODY).publish(TopicArn=arn, Message='x'), sns.exceptions.AuthorizationErrorException, 'AuthorizationError', 403)


@check('dynamodb resource Table put_item/get_item/query Key().eq / batch_writer / scan Attr')
def _():
    ddb = resource('dynamodb')
    table = ddb.create_table(TableName=f'{P}-t', KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}],
                             AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', 'AttributeType': 'N'}], BillingMode='PAY_PER_REQUEST')
    table.wait_until_exists()
    table.put_item(Item={'pk': 'a', 'sk': 1, 'v': 'one', 'nested': {'x': [1, 2]}})
    item = table.get_item(Key={'pk': 'a', 'sk': 1})['Item']
    assert item['v'] == 'one' and item['nested']['x'][1] == 2, item
    with table.batch_writer() as bw:
        for i in range(30):
            bw.put_item(Item={'pk': 'b', 'sk': i, 'even': i % 2 == 0})
    r = table.query(KeyConditionExpression=Key('pk').eq('b') & Key('sk').between(5, 9))
    assert [int(i['sk']) for i in r['Items']] == [5, 6, 7, 8, 9], r['Items']
    r = table.query(KeyConditionExpression=Key('pk').eq('b'), FilterExpression=Attr('even').eq(True), Limit=10)
    assert r.get('LastEvaluatedKey') is not None
    scanned = table.scan(FilterExpression=Attr('v').exists())['Items']
    assert len(scanned) == 1
    table.update_item(Key={'pk': 'a', 'sk': 1}, UpdateExpression='SET v = :v', ExpressionAttributeValues={':v': 'uno'}, ConditionExpression=Attr('v').eq('one'))
    expect_error(lambda: table.put_item(Item={'pk': 'a', 'sk': 1}, ConditionExpression=Attr('pk').not_exists()), client('dynamodb').exceptions.ConditionalCheckFailedException, 'ConditionalCheckFailedException', 400)
    pages = list(client('dynamodb').get_paginator('query').paginate(TableName=f'{P}-t', KeyConditionExpression='pk = :p', ExpressionAttributeValues={':p': {'S': 'b'}}, PaginationConfig={'PageSize': 7}))
    assert sum(p['Count'] for p in pages) == 30


@check('dynamodb errors: ResourceNotFoundException class; AccessDeniedException for a user')
def _():
    ddb = client('dynamodb')
    expect_error(lambda: ddb.describe_table(TableName=f'{P}-missing'), ddb.exceptions.ResourceNotFoundException, 'ResourceNotFoundException', 400)
    e = expect_error(lambda: client('dynamodb', NOBODY).get_item(TableName=f'{P}-t', Key={'pk': {'S': 'a'}, 'sk': {'N': '1'}}), None, 'AccessDeniedException', 400)
    assert 'dynamodb:GetItem' in e.response['Error']['Message']


@check('kms encrypt/decrypt/generate_data_key; alias; NotFoundException; AccessDeniedException')
def _():
    kms = client('kms')
    kid = kms.create_key(Description='k')['KeyMetadata']['KeyId']
    kms.create_alias(AliasName=f'alias/{P}-k', TargetKeyId=kid)
    blob = kms.encrypt(KeyId=f'alias/{P}-k', Plaintext=b'secret', EncryptionContext={'a': 'b'})['CiphertextBlob']
    out = kms.decrypt(CiphertextBlob=blob, EncryptionContext={'a': 'b'})
    assert out['Plaintext'] == b'secret' and out['KeyId'].endswith(kid), out['KeyId']
    dk = kms.generate_data_key(KeyId=kid, KeySpec='AES_256')
    assert len(dk['Plaintext']) == 32
    assert kms.decrypt(CiphertextBlob=dk['CiphertextBlob'])['Plaintext'] == dk['Plaintext']
    expect_error(lambda: kms.describe_key(KeyId='alias/nope-nope'), kms.exceptions.NotFoundException, 'NotFoundException', 400)
    e = expect_error(lambda: client('kms', NOBODY).encrypt(KeyId=kid, Plaintext=b'x'), None, 'AccessDeniedException', 400)
    return e.response['Error']['Message'][:160]


@check('secretsmanager create/get_secret_value/put/rotate-less versions; ResourceNotFoundException')
def _():
    sm = client('secretsmanager')
    arn = sm.create_secret(Name=f'{P}/db', SecretString=json.dumps({'u': 'x'}), Tags=[{'Key': 't', 'Value': 'v'}])['ARN']
    v = sm.get_secret_value(SecretId=f'{P}/db')
    assert json.loads(v['SecretString']) == {'u': 'x'} and v['ARN'] == arn
    sm.put_secret_value(SecretId=arn, SecretBinary=b'\x00\x01')
    assert sm.get_secret_value(SecretId=arn)['SecretBinary'] == b'\x00\x01'
    prev = sm.get_secret_value(SecretId=arn, VersionStage='AWSPREVIOUS')
    assert json.loads(prev['SecretString']) == {'u': 'x'}
    names = [s['Name'] for page in sm.get_paginator('list_secrets').paginate() for s in page['SecretList']]
    assert f'{P}/db' in names
    expect_error(lambda: sm.get_secret_value(SecretId=f'{P}/missing'), sm.exceptions.ResourceNotFoundException, 'ResourceNotFoundException', None)
    expect_error(lambda: client('secretsmanager', NOBODY).get_secret_value(SecretId=arn), None, 'AccessDeniedException', 400)


@check('ssm put_parameter/get_parameter(WithDecryption)/get_parameters_by_path paginator; ParameterNotFound')
def _():
    ssm = client('ssm')
    for i in range(12):
        ssm.put_parameter(Name=f'/{P}/app/p{i:02d}', Value=f'v{i}', Type='String')
    ssm.put_parameter(Name=f'/{P}/app/secret', Value='s3cr3t', Type='SecureString')
    assert ssm.get_parameter(Name=f'/{P}/app/secret', WithDecryption=True)['Parameter']['Value'] == 's3cr3t'
    names = [p['Name'] for page in ssm.get_paginator('get_parameters_by_path').paginate(Path=f'/{P}/app', Recursive=True, PaginationConfig={'PageSize': 5}) for p in page['Parameters']]
    assert len(names) == 13, names
    got = ssm.get_parameters(Names=[f'/{P}/app/p00', f'/{P}/app/none'])
    assert [p['Name'] for p in got['Parameters']] == [f'/{P}/app/p00'] and got['InvalidParameters'] == [f'/{P}/app/none']
    expect_error(lambda: ssm.get_parameter(Name=f'/{P}/none'), ssm.exceptions.ParameterNotFound, 'ParameterNotFound', 400)
    expect_error(lambda: client('ssm', NOBODY).get_parameter(Name=f'/{P}/app/p00'), None, 'AccessDeniedException', 400)


@check('logs create group/stream, put_log_events, filter_log_events paginator; ResourceAlreadyExists')
def _():
    logs = client('logs')
    logs.create_log_group(logGroupName=f'/{P}/app')
    logs.create_log_stream(logGroupName=f'/{P}/app', logStreamName='s1')
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=f'/{P}/app', logStreamName='s1', logEvents=[{'timestamp': now + i, 'message': f'line {i}'} for i in range(5)])
    ev = [e['message'] for page in logs.get_paginator('filter_log_events').paginate(logGroupName=f'/{P}/app') for e in page['events']]
    assert ev == [f'line {i}' for i in range(5)], ev
    groups = [g['logGroupName'] for page in logs.get_paginator('describe_log_groups').paginate(logGroupNamePrefix=f'/{P}') for g in page['logGroups']]
    assert groups == [f'/{P}/app']
    expect_error(lambda: logs.create_log_group(logGroupName=f'/{P}/app'), logs.exceptions.ResourceAlreadyExistsException, 'ResourceAlreadyExistsException', 400)
    expect_error(lambda: logs.get_log_events(logGroupName=f'/{P}/none', logStreamName='s'), logs.exceptions.ResourceNotFoundException, 'ResourceNotFoundException', 400)
    expect_error(lambda: client('logs', NOBODY).describe_log_groups(), None, 'AccessDeniedException', 400)
