"""S3 through the gateway with boto3: managed transfers, presigning, POST, resources, errors."""
import hashlib
import io
import json
import os
import tempfile
import urllib.error
import urllib.request

import boto3
import botocore
import requests
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from common import ENDPOINT, PREFIX, check, client, expect_error, keys, resource

P = PREFIX
s3 = client('s3')
iam = client('iam')
ACCT = client('sts').get_caller_identity()['Account']
B = f'{P}-bucket'
MB = 1024 * 1024
TMP = tempfile.mkdtemp()

s3.create_bucket(Bucket=B)
# A user who may read only objects under pub/, and list the bucket.
iam.create_user(UserName=f'{P}-reader')
iam.put_user_policy(UserName=f'{P}-reader', PolicyName='p', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': f'arn:aws:s3:::{B}/pub/*'},
    {'Effect': 'Allow', 'Action': 's3:ListBucket', 'Resource': f'arn:aws:s3:::{B}'}]}))
READER = keys(iam.create_access_key(UserName=f'{P}-reader')['AccessKey'])
# A reader without s3:ListBucket.
iam.create_user(UserName=f'{P}-nolist')
iam.put_user_policy(UserName=f'{P}-nolist', PolicyName='p', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': f'arn:aws:s3:::{B}/pub/*'}]}))
NOLIST = keys(iam.create_access_key(UserName=f'{P}-nolist')['AccessKey'])


def file_of(size, name):
    path = os.path.join(TMP, name)
    with open(path, 'wb') as f:
        f.write(os.urandom(size))
    return path


def md5(path):
    return hashlib.md5(open(path, 'rb').read()).hexdigest()


@check('s3.upload_file/download_file 20 MB multipart (threshold 5 MB)')
def _():
    src = file_of(20 * MB, 'big.bin')
    cfg = TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB, max_concurrency=4)
    s3.upload_file(src, B, 'pub/big.bin', Config=cfg)
    head = s3.head_object(Bucket=B, Key='pub/big.bin')
    assert head['ContentLength'] == 20 * MB and head['ETag'].endswith('-4"'), head['ETag']
    dst = os.path.join(TMP, 'big.out')
    client('s3', READER).download_file(B, 'pub/big.bin', dst, Config=cfg)
    assert md5(src) == md5(dst)


@check('s3.upload_file with session credentials and ExtraArgs (metadata, content type, SSE)')
def _():
    src = file_of(6 * MB, 'mid.bin')
    cfg = TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB)
    s3.upload_file(src, B, 'pub/mid.bin', Config=cfg, ExtraArgs={'Metadata': {'a': 'b'}, 'ContentType': 'application/x-test', 'ServerSideEncryption': 'AES256'})
    h = s3.head_object(Bucket=B, Key='pub/mid.bin')
    assert h['Metadata'] == {'a': 'b'} and h['ContentType'] == 'application/x-test', h


@check('s3.upload_fileobj / download_fileobj / put_object / get_object')
def _():
    s3.upload_fileobj(io.BytesIO(b'hello world'), B, 'pub/small.txt')
    buf = io.BytesIO()
    client('s3', READER).download_fileobj(B, 'pub/small.txt', buf)
    assert buf.getvalue() == b'hello world'
    s3.put_object(Bucket=B, Key='pub/p.txt', Body=b'put body', ContentType='text/plain')
    body = s3.get_object(Bucket=B, Key='pub/p.txt', Range='bytes=0-2')['Body'].read()
    assert body == b'put', body


@check('s3.default checksums (request_checksum_calculation when_supported/when_required)')
def _():
    r = s3.put_object(Bucket=B, Key='pub/crc.txt', Body=b'checksummed')
    c2 = client('s3', config=Config(request_checksum_calculation='when_required', response_checksum_validation='when_required'))
    c2.put_object(Bucket=B, Key='pub/nocrc.txt', Body=b'no checksum')
    r2 = s3.put_object(Bucket=B, Key='pub/sha.txt', Body=b'sha256', ChecksumAlgorithm='SHA256')
    g = s3.get_object(Bucket=B, Key='pub/crc.txt', ChecksumMode='ENABLED')
    assert g['Body'].read() == b'checksummed'
    return {'put_crc32': r.get('ChecksumCRC32'), 'sha': r2.get('ChecksumSHA256'), 'get_crc32': g.get('ChecksumCRC32')}


@check('s3.head_object missing key 404 / forbidden 403 / missing key without ListBucket 403')
def _():
    r = client('s3', READER)
    e = expect_error(lambda: r.head_object(Bucket=B, Key='pub/missing'), None, '404', 404)
    e = expect_error(lambda: r.head_object(Bucket=B, Key='private/x'), None, '403', 403)
    expect_error(lambda: client('s3', NOLIST).head_object(Bucket=B, Key='pub/missing'), None, '403', 403)
    expect_error(lambda: s3.head_object(Bucket=f'{P}-nobucket', Key='k'), None, '404', 404)
    expect_error(lambda: s3.head_bucket(Bucket=f'{P}-nobucket'), None, '404', 404)
    expect_error(lambda: client('s3', READER).head_bucket(Bucket=B), None, None, None) if False else None


@check('s3.exceptions NoSuchKey / NoSuchBucket / AccessDenied from get_object')
def _():
    expect_error(lambda: s3.get_object(Bucket=B, Key='nope'), s3.exceptions.NoSuchKey, 'NoSuchKey', 404)
    expect_error(lambda: s3.get_object(Bucket=f'{P}-nobucket', Key='nope'), s3.exceptions.NoSuchBucket, 'NoSuchBucket', 404)
    expect_error(lambda: client('s3', NOLIST).get_object(Bucket=B, Key='pub/nope'), None, 'AccessDenied', 403)
    e = expect_error(lambda: client('s3', READER).get_object(Bucket=B, Key='private/x'), None, 'AccessDenied', 403)
    assert 'not authorized to perform: s3:GetObject' in e.response['Error']['Message'], e.response['Error']
    expect_error(lambda: client('s3', READER).put_object(Bucket=B, Key='pub/w', Body=b'x'), None, 'AccessDenied', 403)
    s3.create_bucket(Bucket=B)  # us-east-1 answers 200 to its owner re-creating a bucket


@check('s3.generate_presigned_url GET default config (no signature_version)')
def _():
    url = client('s3', READER).generate_presigned_url('get_object', Params={'Bucket': B, 'Key': 'pub/small.txt'}, ExpiresIn=300)
    res = requests.get(url, timeout=10)
    assert res.status_code == 200 and res.content == b'hello world', (res.status_code, res.text[:300], url)
    return url.split('?')[1].split('=')[0]


@check('s3.generate_presigned_url GET/PUT with signature_version s3v4')
def _():
    c = client('s3', config=Config(signature_version='s3v4'))
    put = c.generate_presigned_url('put_object', Params={'Bucket': B, 'Key': 'pub/presigned-put.txt'}, ExpiresIn=300)
    res = requests.put(put, data=b'presigned body', timeout=10)
    assert res.status_code == 200, (res.status_code, res.text[:400])
    get = client('s3', READER, config=Config(signature_version='s3v4')).generate_presigned_url('get_object', Params={'Bucket': B, 'Key': 'pub/presigned-put.txt'}, ExpiresIn=300)
    res = requests.get(get, timeout=10)
    assert res.status_code == 200 and res.content == b'presigned body', (res.status_code, res.text[:400])
    denied = client('s3', READER, config=Config(signature_version='s3v4')).generate_presigned_url('get_object', Params={'Bucket': B, 'Key': 'private/x'})
    res = requests.get(denied, timeout=10)
    assert res.status_code == 403 and '<Code>AccessDenied</Code>' in res.text, (res.status_code, res.text[:400])


@check('s3.generate_presigned_url PUT default config with ContentType')
def _():
    put = s3.generate_presigned_url('put_object', Params={'Bucket': B, 'Key': 'pub/ct.txt', 'ContentType': 'text/csv'}, ExpiresIn=300)
    res = requests.put(put, data=b'a,b', headers={'Content-Type': 'text/csv'}, timeout=10)
    assert res.status_code == 200, (res.status_code, res.text[:400])
    assert s3.head_object(Bucket=B, Key='pub/ct.txt')['ContentType'] == 'text/csv'


@check('s3.generate_presigned_url PUT default config with ContentMD5')
def _():
    body = b'md5 body'
    digest = __import__('base64').b64encode(hashlib.md5(body).digest()).decode()
    put = s3.generate_presigned_url('put_object', Params={'Bucket': B, 'Key': 'pub/md5.txt', 'ContentMD5': digest}, ExpiresIn=300)
    res = requests.put(put, data=body, headers={'Content-MD5': digest}, timeout=10)
    assert res.status_code == 200, (res.status_code, res.text[:400])


@check('s3.generate_presigned_url list_objects_v2 default config (bucket-level SigV2 resource)')
def _():
    url = client('s3', READER).generate_presigned_url('list_objects_v2', Params={'Bucket': B, 'Prefix': 'pub/'}, ExpiresIn=300)
    res = requests.get(url, timeout=10)
    assert res.status_code == 200 and '<ListBucketResult' in res.text, (res.status_code, res.text[:500])
    v4 = client('s3', READER, config=Config(signature_version='s3v4')).generate_presigned_url('list_objects_v2', Params={'Bucket': B, 'Prefix': 'pub/'})
    assert requests.get(v4, timeout=10).status_code == 200


@check('s3.generate_presigned_url with session credentials (s3v4)')
def _():
    iam.create_role(RoleName=f'{P}-s3role', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': f'arn:aws:iam::{ACCT}:root'}, 'Action': 'sts:AssumeRole'}]}))
    iam.attach_role_policy(RoleName=f'{P}-s3role', PolicyArn='arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess')
    iam.put_user_policy(UserName=f'{P}-reader', PolicyName='assume', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Resource': '*'}]}))
    cr = client('sts', READER).assume_role(RoleArn=f'arn:aws:iam::{ACCT}:role/{P}-s3role', RoleSessionName='presign')['Credentials']
    for cfg in (None, Config(signature_version='s3v4')):
        url = client('s3', keys(cr), config=cfg).generate_presigned_url('get_object', Params={'Bucket': B, 'Key': 'pub/p.txt'})
        res = requests.get(url, timeout=10)
        assert res.status_code == 200 and res.content == b'put body', (cfg, res.status_code, res.text[:300])


@check('s3.generate_presigned_post + multipart POST with requests')
def _():
    post = s3.generate_presigned_post(B, 'uploads/${filename}', Fields={'acl': 'private', 'Content-Type': 'text/plain'},
                                      Conditions=[{'acl': 'private'}, ['starts-with', '$key', 'uploads/'], ['content-length-range', 1, 1000], {'Content-Type': 'text/plain'}], ExpiresIn=300)
    res = requests.post(post['url'], data=post['fields'], files={'file': ('hello.txt', b'posted body')}, timeout=10)
    assert res.status_code == 204, (res.status_code, res.text[:500], post['fields'].keys())
    assert s3.get_object(Bucket=B, Key='uploads/hello.txt')['Body'].read() == b'posted body'
    too_big = requests.post(post['url'], data=post['fields'], files={'file': ('big.txt', b'x' * 2000)}, timeout=10)
    assert too_big.status_code == 400 and 'EntityTooLarge' in too_big.text, (too_big.status_code, too_big.text[:300])
    v4 = client('s3', config=Config(signature_version='s3v4')).generate_presigned_post(B, 'uploads/v4.txt', ExpiresIn=300)
    res = requests.post(v4['url'], data=v4['fields'], files={'file': ('v4.txt', b'v4 body')}, timeout=10)
    assert res.status_code == 204, (res.status_code, res.text[:500])
    return sorted(post['fields'].keys())


@check('s3.resource Bucket.objects.filter(Prefix) / page_size / delete')
def _():
    res = resource('s3')
    bucket = res.Bucket(B)
    for i in range(12):
        bucket.put_object(Key=f'list/{i:02d}.txt', Body=b'x')
    keys_ = [o.key for o in bucket.objects.filter(Prefix='list/').page_size(5)]
    assert keys_ == [f'list/{i:02d}.txt' for i in range(12)], keys_
    reader_keys = [o.key for o in resource('s3', READER).Bucket(B).objects.filter(Prefix='list/')]
    assert len(reader_keys) == 12
    obj = res.Object(B, 'list/00.txt')
    assert obj.content_length == 1
    pages = list(s3.get_paginator('list_objects_v2').paginate(Bucket=B, Prefix='list/', PaginationConfig={'PageSize': 5}))
    assert [p['KeyCount'] for p in pages] == [5, 5, 2], [p['KeyCount'] for p in pages]
    v1 = list(s3.get_paginator('list_objects').paginate(Bucket=B, Prefix='list/', Delimiter='/', PaginationConfig={'PageSize': 5}))
    assert sum(len(p.get('Contents', [])) for p in v1) == 12
    out = bucket.objects.filter(Prefix='list/1').delete()
    assert len(out[0]['Deleted']) == 2, out


@check('s3.delete_objects (quiet and verbose; a denied key reports AccessDenied)')
def _():
    for k in ('d/a', 'd/b', 'd/c'):
        s3.put_object(Bucket=B, Key=k, Body=b'x')
    r = s3.delete_objects(Bucket=B, Delete={'Objects': [{'Key': 'd/a'}, {'Key': 'd/b'}, {'Key': 'd/missing'}]})
    assert sorted(d['Key'] for d in r['Deleted']) == ['d/a', 'd/b', 'd/missing'], r
    q = s3.delete_objects(Bucket=B, Delete={'Objects': [{'Key': 'd/c'}], 'Quiet': True})
    assert 'Errors' not in q, q  # (moto lists Deleted even when Quiet)
    s3.put_object(Bucket=B, Key='pub/keep', Body=b'x')
    iam.put_user_policy(UserName=f'{P}-reader', PolicyName='del', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:DeleteObject', 'Resource': f'arn:aws:s3:::{B}/d/*'}]}))
    s3.put_object(Bucket=B, Key='d/x', Body=b'x')
    r = client('s3', READER).delete_objects(Bucket=B, Delete={'Objects': [{'Key': 'd/x'}, {'Key': 'pub/keep'}]})
    assert [d['Key'] for d in r.get('Deleted', [])] == ['d/x'], r
    assert [(e['Key'], e['Code']) for e in r.get('Errors', [])] == [('pub/keep', 'AccessDenied')], r


@check('s3.copy (managed) and copy_object; resource Object.copy_from')
def _():
    s3.copy({'Bucket': B, 'Key': 'pub/big.bin'}, B, 'copies/big.bin', Config=TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB))
    assert s3.head_object(Bucket=B, Key='copies/big.bin')['ContentLength'] == 20 * MB
    s3.copy_object(Bucket=B, Key='copies/p.txt', CopySource={'Bucket': B, 'Key': 'pub/p.txt'})
    resource('s3').Object(B, 'copies/p2.txt').copy_from(CopySource=f'{B}/pub/p.txt')
    assert s3.get_object(Bucket=B, Key='copies/p2.txt')['Body'].read() == b'put body'
    expect_error(lambda: client('s3', READER).copy_object(Bucket=B, Key='pub/c', CopySource={'Bucket': B, 'Key': 'pub/p.txt'}), None, 'AccessDenied', 403)


@check('s3.bucket policy / tagging / versioning round trips')
def _():
    pol = {'Version': '2012-10-17', 'Statement': [{'Sid': 'r', 'Effect': 'Allow', 'Principal': {'AWS': f'arn:aws:iam::{ACCT}:user/{P}-nolist'}, 'Action': 's3:ListBucket', 'Resource': f'arn:aws:s3:::{B}'}]}
    s3.put_bucket_policy(Bucket=B, Policy=json.dumps(pol))
    assert json.loads(s3.get_bucket_policy(Bucket=B)['Policy'])['Statement'][0]['Sid'] == 'r'
    expect_error(lambda: client('s3', NOLIST).head_object(Bucket=B, Key='pub/missing'), None, '404', 404)
    s3.put_bucket_tagging(Bucket=B, Tagging={'TagSet': [{'Key': 'a', 'Value': 'b'}]})
    assert s3.get_bucket_tagging(Bucket=B)['TagSet'] == [{'Key': 'a', 'Value': 'b'}]
    s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={'Status': 'Enabled'})
    assert s3.get_bucket_versioning(Bucket=B)['Status'] == 'Enabled'
    loc = s3.get_bucket_location(Bucket=B)['LocationConstraint']
    assert loc is None, loc
    assert any(b['Name'] == B for b in s3.list_buckets()['Buckets'])
    expect_error(lambda: client('s3', READER).list_buckets(), None, 'AccessDenied', 403)
