"""STS with boto3: assume_role in all its forms, chaining, MFA, federation tokens, profiles."""
import base64
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

import boto3
import botocore
import botocore.session
from common import ENDPOINT, PREFIX, ROOT, check, client, expect_error, keys

P = PREFIX
iam = client('iam')
sts = client('sts')
ACCT = sts.get_caller_identity()['Account']


def totp(seed_b32, step=None):
    key = base64.b32decode(seed_b32 + '=' * (-len(seed_b32) % 8))
    step = int(time.time() // 30) if step is None else step
    digest = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    off = digest[-1] & 0x0F
    return '%06d' % ((struct.unpack('>I', digest[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


# A user allowed to assume roles and tag sessions; a role trusting the account, with an ExternalId.
iam.create_user(UserName=f'{P}-caller')
iam.put_user_policy(UserName=f'{P}-caller', PolicyName='p', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Action': ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'sts:GetFederationToken', 's3:*', 'iam:GetUser', 'sts:DecodeAuthorizationMessage'], 'Resource': '*'}]}))
CALLER = keys(iam.create_access_key(UserName=f'{P}-caller')['AccessKey'])
TRUST = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': f'arn:aws:iam::{ACCT}:root'},
         'Action': ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], 'Condition': {'StringEquals': {'sts:ExternalId': 'ext-1'}}}]}
TRUST_PLAIN = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': f'arn:aws:iam::{ACCT}:root'},
               'Action': ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']}]}
iam.create_role(RoleName=f'{P}-r1', AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=7200)
iam.attach_role_policy(RoleName=f'{P}-r1', PolicyArn='arn:aws:iam::aws:policy/AdministratorAccess')
iam.create_role(RoleName=f'{P}-r2', AssumeRolePolicyDocument=json.dumps(TRUST_PLAIN))
iam.attach_role_policy(RoleName=f'{P}-r2', PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')
ro = iam.create_policy(PolicyName=f'{P}-s3read', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:GetObject', 'iam:Get*', 'iam:List*'], 'Resource': '*'}]}))['Policy']['Arn']
R1 = f'arn:aws:iam::{ACCT}:role/{P}-r1'
R2 = f'arn:aws:iam::{ACCT}:role/{P}-r2'
STATE = {}


@check('sts.get_caller_identity root/user')
def _():
    assert sts.get_caller_identity()['Arn'] == f'arn:aws:iam::{ACCT}:root'
    me = client('sts', CALLER).get_caller_identity()
    assert me['Arn'] == f'arn:aws:iam::{ACCT}:user/{P}-caller' and me['UserId'].startswith('AIDA'), me


@check('sts.assume_role with Tags/TransitiveTagKeys/Policy/PolicyArns/DurationSeconds/SourceIdentity/ExternalId')
def _():
    c = client('sts', CALLER)
    r = c.assume_role(RoleArn=R1, RoleSessionName='s1', ExternalId='ext-1', DurationSeconds=7200, SourceIdentity='alice',
                      Tags=[{'Key': 'project', 'Value': 'x'}, {'Key': 'team', 'Value': 'y'}], TransitiveTagKeys=['project'],
                      Policy=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:*', 'sts:*'], 'Resource': '*'}]}),
                      PolicyArns=[{'arn': ro}])
    cr = r['Credentials']
    assert cr['AccessKeyId'].startswith('ASIA'), cr['AccessKeyId']
    assert hasattr(cr['Expiration'], 'tzinfo') and cr['Expiration'].tzinfo is not None
    life = (cr['Expiration'].timestamp() - time.time())
    assert 7100 < life <= 7200, life
    assert r['AssumedRoleUser']['Arn'] == f'arn:aws:sts::{ACCT}:assumed-role/{P}-r1/s1', r['AssumedRoleUser']
    assert r['AssumedRoleUser']['AssumedRoleId'].endswith(':s1')
    assert r['SourceIdentity'] == 'alice', r.get('SourceIdentity')
    assert isinstance(r['PackedPolicySize'], int), r.get('PackedPolicySize')
    STATE['s1'] = keys(cr)
    who = client('sts', STATE['s1']).get_caller_identity()
    assert who['Arn'] == r['AssumedRoleUser']['Arn']
    # session policy intersection: GetObject allowed in both, ListUsers allowed (iam:List* in the ARN policy), CreateUser is not
    client('iam', STATE['s1']).list_users()
    expect_error(lambda: client('iam', STATE['s1']).create_user(UserName=f'{P}-nope'), None, 'AccessDenied', 403)


@check('sts.assume_role refusals: missing ExternalId, bad duration, AccessDenied shape')
def _():
    c = client('sts', CALLER)
    e = expect_error(lambda: c.assume_role(RoleArn=R1, RoleSessionName='sx'), None, 'AccessDenied', 403)
    assert 'is not authorized to perform: sts:AssumeRole on resource' in e.response['Error']['Message'], e.response['Error']
    expect_error(lambda: c.assume_role(RoleArn=R2, RoleSessionName='sx', DurationSeconds=7200), None, 'ValidationError', 400)
    expect_error(lambda: c.assume_role(RoleArn=R2, RoleSessionName='bad name'), None, 'ValidationError', 400)
    expect_error(lambda: c.assume_role(RoleArn=R2, RoleSessionName='sx', Policy='{"bad'), sts.exceptions.MalformedPolicyDocumentException, 'MalformedPolicyDocument', 400)
    expect_error(lambda: client('sts').assume_role(RoleArn=R2, RoleSessionName='sx'), None, 'AccessDenied', 403)


@check('sts.role chaining keeps transitive tags and source identity; chained duration capped')
def _():
    c = client('sts', STATE['s1'])
    r = c.assume_role(RoleArn=R2, RoleSessionName='chained')
    assert r['AssumedRoleUser']['Arn'] == f'arn:aws:sts::{ACCT}:assumed-role/{P}-r2/chained'
    assert r.get('SourceIdentity') == 'alice', r.get('SourceIdentity')
    expect_error(lambda: c.assume_role(RoleArn=R2, RoleSessionName='c2', DurationSeconds=7200), None, 'ValidationError', 400)
    expect_error(lambda: c.assume_role(RoleArn=R2, RoleSessionName='c3', Tags=[{'Key': 'project', 'Value': 'other'}]), None, None, None)
    STATE['chained'] = keys(r['Credentials'])
    client('iam', STATE['chained']).list_roles()


@check('sts.boto3.Session from assume_role credentials')
def _():
    s = boto3.Session(**STATE['s1'], region_name='us-east-1')
    assert s.client('sts', endpoint_url=ENDPOINT).get_caller_identity()['Arn'].endswith(f'assumed-role/{P}-r1/s1')
    u = s.resource('iam', endpoint_url=ENDPOINT).CurrentUser
    assert u is not None
    assert s.get_credentials().get_frozen_credentials().token == STATE['s1']['aws_session_token']


@check('sts.get_session_token with MFA (TOTP) then IAM')
def _():
    iam.create_user(UserName=f'{P}-mfa')
    iam.attach_user_policy(UserName=f'{P}-mfa', PolicyArn='arn:aws:iam::aws:policy/IAMReadOnlyAccess')
    k = keys(iam.create_access_key(UserName=f'{P}-mfa')['AccessKey'])
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=f'{P}-mfa')['VirtualMFADevice']
    seed = dev['Base32StringSeed']
    seed = seed.decode() if isinstance(seed, bytes) else seed
    assert dev['SerialNumber'] == f'arn:aws:iam::{ACCT}:mfa/{P}-mfa', dev['SerialNumber']
    assert isinstance(dev['QRCodePNG'], bytes) and dev['QRCodePNG'][:4] == b'\x89PNG'
    now = int(time.time() // 30)
    iam.enable_mfa_device(UserName=f'{P}-mfa', SerialNumber=dev['SerialNumber'], AuthenticationCode1=totp(seed, now - 2), AuthenticationCode2=totp(seed, now - 1))
    c = client('sts', k)
    no_mfa = keys(c.get_session_token(DurationSeconds=900)['Credentials'])
    expect_error(lambda: client('iam', no_mfa).list_users(), None, 'InvalidClientTokenId', 403)
    expect_error(lambda: c.get_session_token(SerialNumber=dev['SerialNumber'], TokenCode='000000'), None, 'AccessDenied', 403)
    tok = c.get_session_token(SerialNumber=dev['SerialNumber'], TokenCode=totp(seed, now + 1) if False else totp(seed))['Credentials']
    client('iam', keys(tok)).list_users()
    devs = iam.list_mfa_devices(UserName=f'{P}-mfa')['MFADevices']
    assert [d['SerialNumber'] for d in devs] == [dev['SerialNumber']]
    vs = iam.list_virtual_mfa_devices(AssignmentStatus='Assigned')['VirtualMFADevices']
    assert any(v['SerialNumber'] == dev['SerialNumber'] and v['User']['UserName'] == f'{P}-mfa' for v in vs), vs


@check('sts.get_federation_token')
def _():
    r = client('sts', CALLER).get_federation_token(Name='fed1', DurationSeconds=900, Policy=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:ListAllMyBuckets', 'Resource': '*'}]}), Tags=[{'Key': 'a', 'Value': 'b'}])
    assert r['FederatedUser']['Arn'] == f'arn:aws:sts::{ACCT}:federated-user/fed1', r['FederatedUser']
    assert r['FederatedUser']['FederatedUserId'] == f'{ACCT}:fed1'
    f = keys(r['Credentials'])
    assert client('sts', f).get_caller_identity()['Arn'] == r['FederatedUser']['Arn']
    expect_error(lambda: client('iam', f).get_user(), None, None, 403)


@check('sts.decode_authorization_message on an encoded message')
def _():
    # Tessera appends encoded messages only with --encoded-authorization-messages; the API itself must parse.
    e = expect_error(lambda: client('sts', CALLER).decode_authorization_message(EncodedMessage='not-a-message'), None, 'InvalidAuthorizationMessageException', 400)
    assert isinstance(e, sts.exceptions.InvalidAuthorizationMessageException), type(e)


@check('sts.ExpiredTokenException / InvalidClientTokenId parse')
def _():
    bad = dict(STATE['s1'])
    bad['aws_session_token'] = bad['aws_session_token'][:-8] + 'AAAAAAAA'
    expect_error(lambda: client('sts', bad).get_caller_identity(), None, 'InvalidClientTokenId', 403)
    expect_error(lambda: client('sts', {'aws_access_key_id': 'AKIAXXXXXXXXXXXXXXXX', 'aws_secret_access_key': 'x'}).get_caller_identity(), None, 'InvalidClientTokenId', 403)
    wrong = dict(CALLER)
    wrong['aws_secret_access_key'] = 'wrong'
    expect_error(lambda: client('sts', wrong).get_caller_identity(), None, 'SignatureDoesNotMatch', 403)


def profile_env(config):
    d = tempfile.mkdtemp()
    cfg = os.path.join(d, 'config')
    creds = os.path.join(d, 'credentials')
    with open(cfg, 'w') as f:
        f.write(config)
    with open(creds, 'w') as f:
        f.write(f"[src]\naws_access_key_id = {CALLER['aws_access_key_id']}\naws_secret_access_key = {CALLER['aws_secret_access_key']}\n")
    return d, cfg, creds


def identity_in_child(profile, extra_env=None, cfg=None, creds=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith('AWS_')}
    env.update({'AWS_CONFIG_FILE': cfg, 'AWS_SHARED_CREDENTIALS_FILE': creds, 'AWS_ENDPOINT_URL': ENDPOINT, 'AWS_EC2_METADATA_DISABLED': 'true'})
    env.update(extra_env or {})
    code = f"import boto3;print(boto3.Session(profile_name={profile!r}).client('sts', region_name='us-east-1').get_caller_identity()['Arn'])"
    p = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr[-800:]
    return p.stdout.strip()


@check('sts.profile role_arn + source_profile (AssumeRoleProvider), external_id, duration')
def _():
    d, cfg, creds = profile_env(f"[profile app]\nrole_arn = {R1}\nsource_profile = src\nexternal_id = ext-1\nrole_session_name = prof\nduration_seconds = 3600\n"
                                f"[profile chain]\nrole_arn = {R2}\nsource_profile = app\n"
                                f"[profile envsrc]\nrole_arn = {R2}\ncredential_source = Environment\nrole_session_name = envs\n"
                                f"[profile proc]\ncredential_process = {sys.executable} -c \"import json;print(json.dumps({{'Version':1,'AccessKeyId':'{CALLER['aws_access_key_id']}','SecretAccessKey':'{CALLER['aws_secret_access_key']}'}}))\"\n")
    assert identity_in_child('app', cfg=cfg, creds=creds) == f'arn:aws:sts::{ACCT}:assumed-role/{P}-r1/prof'
    assert identity_in_child('chain', cfg=cfg, creds=creds).startswith(f'arn:aws:sts::{ACCT}:assumed-role/{P}-r2/')
    assert identity_in_child('envsrc', {'AWS_ACCESS_KEY_ID': CALLER['aws_access_key_id'], 'AWS_SECRET_ACCESS_KEY': CALLER['aws_secret_access_key']}, cfg=cfg, creds=creds) == f'arn:aws:sts::{ACCT}:assumed-role/{P}-r2/envs'
    assert identity_in_child('proc', cfg=cfg, creds=creds) == f'arn:aws:iam::{ACCT}:user/{P}-caller'


def requests_post(url, body):
    import urllib.request
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method='POST')
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())


@check('sts.assume_role_with_web_identity + web_identity_token_file profile (test IdP)')
def _():
    idp = os.environ.get('TESSERA_IDP_URL')
    issuer = os.environ.get('TESSERA_IDP_ISSUER')
    if not idp:
        return 'no TESSERA_IDP_URL: skipped'
    host = issuer.split('://', 1)[1]
    prov = iam.create_open_id_connect_provider(Url=issuer, ClientIDList=['sts.amazonaws.com'])['OpenIDConnectProviderArn']
    iam.create_role(RoleName=f'{P}-web', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Federated': prov},
                    'Action': 'sts:AssumeRoleWithWebIdentity', 'Condition': {'StringEquals': {f'{host}:aud': 'sts.amazonaws.com', f'{host}:sub': 'repo:org/app'}}}]}))
    mint = lambda sub: requests_post(f'{idp}/token', {'sub': sub, 'aud': 'sts.amazonaws.com'})['id_token']
    anon = boto3.client('sts', endpoint_url=ENDPOINT, region_name='us-east-1', config=botocore.config.Config(signature_version=botocore.UNSIGNED))
    r = anon.assume_role_with_web_identity(RoleArn=f'arn:aws:iam::{ACCT}:role/{P}-web', RoleSessionName='gha', WebIdentityToken=mint('repo:org/app'))
    assert r['AssumedRoleUser']['Arn'] == f'arn:aws:sts::{ACCT}:assumed-role/{P}-web/gha' and r['Provider'] == prov, (r['AssumedRoleUser'], r.get('Provider'))
    assert r['SubjectFromWebIdentityToken'] == 'repo:org/app' and r['Audience'] == 'sts.amazonaws.com', r
    expect_error(lambda: anon.assume_role_with_web_identity(RoleArn=f'arn:aws:iam::{ACCT}:role/{P}-web', RoleSessionName='gha', WebIdentityToken=mint('repo:org/other')), None, 'AccessDenied', 403)
    expect_error(lambda: anon.assume_role_with_web_identity(RoleArn=f'arn:aws:iam::{ACCT}:role/{P}-web', RoleSessionName='gha', WebIdentityToken='x.y.z'), sts.exceptions.InvalidIdentityTokenException, 'InvalidIdentityToken', 400)
    d, cfg, creds = profile_env('')
    tok = os.path.join(d, 'token')
    with open(tok, 'w') as f:
        f.write(mint('repo:org/app') + '\n')
    with open(cfg, 'w') as f:
        f.write(f"[profile web]\nrole_arn = arn:aws:iam::{ACCT}:role/{P}-web\nweb_identity_token_file = {tok}\nrole_session_name = fromfile\n")
    assert identity_in_child('web', cfg=cfg, creds=creds) == f'arn:aws:sts::{ACCT}:assumed-role/{P}-web/fromfile'
    assert identity_in_child(None, {'AWS_WEB_IDENTITY_TOKEN_FILE': tok, 'AWS_ROLE_ARN': f'arn:aws:iam::{ACCT}:role/{P}-web', 'AWS_ROLE_SESSION_NAME': 'envweb'}, cfg=cfg, creds=creds).endswith(f'{P}-web/envweb')


@check('sts.decode_authorization_message of a real denial (server with --encoded-authorization-messages)')
def _():
    if os.environ.get('TESSERA_ENCODED_MESSAGES') != '1':
        return 'server without encoded messages: skipped'
    e = expect_error(lambda: client('iam', CALLER).create_user(UserName=f'{P}-x'), None, 'AccessDenied', 403)
    msg = e.response['Error']['Message']
    assert 'Encoded authorization failure message: ' in msg, msg
    blob = msg.split('Encoded authorization failure message: ', 1)[1].strip()
    dec = json.loads(client('sts', CALLER).decode_authorization_message(EncodedMessage=blob)['DecodedMessage'])
    assert dec.get('allowed') is False, dec
    assert dec['context']['action'] == 'iam:CreateUser', dec.get('context')
    es3 = expect_error(lambda: client('s3', CALLER).get_object(Bucket=f'{P}-no-such', Key='k'), None, None, None)
    return {'keys': sorted(dec.keys()), 's3': es3.response['Error'].get('Code')}
