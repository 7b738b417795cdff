"""Shared helpers of the boto3 sweep: one JSON line per check on stdout."""
import json
import os
import sys
import traceback

import boto3
import botocore
from botocore.config import Config

ENDPOINT = os.environ.get('TESSERA_ENDPOINT', 'http://127.0.0.1:4640')
ROOT = {
    'aws_access_key_id': os.environ.get('TESSERA_ROOT_KEY', 'test'),
    'aws_secret_access_key': os.environ.get('TESSERA_ROOT_SECRET', 'test'),
}
PREFIX = os.environ.get('TESSERA_SWEEP_PREFIX', 'b3')
NO_RETRY = Config(retries={'max_attempts': 1, 'mode': 'standard'})


def client(service, creds=None, config=None, **kw):
    creds = creds or ROOT
    cfg = NO_RETRY.merge(config) if config else NO_RETRY
    return boto3.client(service, endpoint_url=ENDPOINT, region_name='us-east-1', config=cfg, **creds, **kw)


def resource(service, creds=None, config=None):
    creds = creds or ROOT
    cfg = NO_RETRY.merge(config) if config else NO_RETRY
    return boto3.resource(service, endpoint_url=ENDPOINT, region_name='us-east-1', config=cfg, **creds)


def keys(credentials):
    """boto3 client kwargs from an STS Credentials dict or a create_access_key AccessKey."""
    out = {'aws_access_key_id': credentials['AccessKeyId'], 'aws_secret_access_key': credentials['SecretAccessKey']}
    if 'SessionToken' in credentials:
        out['aws_session_token'] = credentials['SessionToken']
    return out


def err(e):
    """(code, status) of a ClientError."""
    return e.response.get('Error', {}).get('Code'), e.response.get('ResponseMetadata', {}).get('HTTPStatusCode')


def expect_error(fn, exc_class=None, code=None, status=None):
    """Run fn; it must raise ClientError (of exc_class when given) with this code/status."""
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        got_code, got_status = err(e)
        problems = []
        if exc_class is not None and not isinstance(e, exc_class):
            problems.append(f'exception {type(e).__name__}, expected {exc_class.__name__}')
        if code is not None and got_code != code:
            problems.append(f'code {got_code!r}, expected {code!r}')
        if status is not None and got_status != status:
            problems.append(f'status {got_status}, expected {status}')
        assert not problems, '; '.join(problems) + f' (message: {e.response.get("Error", {}).get("Message")!r})'
        return e
    raise AssertionError(f'no error raised, expected {code or exc_class}')


RESULTS = []


def check(name):
    def wrap(fn):
        try:
            detail = fn()
            out = {'check': name, 'ok': True}
            if detail is not None:
                out['detail'] = detail
        except Exception as e:  # noqa: BLE001 - every failure is a result
            tb = traceback.format_exc(limit=3)
            out = {'check': name, 'ok': False, 'error': f'{type(e).__name__}: {e}', 'trace': tb[-1500:]}
        print(json.dumps(out, default=str), flush=True)
        RESULTS.append(out)
        return fn
    return wrap


def account_id():
    return client('sts').get_caller_identity()['Account']
