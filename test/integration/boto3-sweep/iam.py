"""IAM with boto3: clients, paginators, waiters, resources, errors."""
import json

import botocore
from common import PREFIX, check, client, expect_error, keys, resource

iam = client('iam')
ACCT = client('sts').get_caller_identity()['Account']
P = PREFIX
TRUST = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': f'arn:aws:iam::{ACCT}:root'}, 'Action': ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']}]}
S3_READ = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]}


@check('iam.create_user/get_user/tags')
def _():
    r = iam.create_user(UserName=f'{P}-alice', Path='/team/', Tags=[{'Key': 'team', 'Value': 'red'}])
    assert r['User']['Arn'] == f'arn:aws:iam::{ACCT}:user/team/{P}-alice', r['User']['Arn']
    u = iam.get_user(UserName=f'{P}-alice')['User']
    assert u['Path'] == '/team/' and u['Tags'] == [{'Key': 'team', 'Value': 'red'}], u
    assert hasattr(u['CreateDate'], 'year'), 'CreateDate parses as a datetime'
    iam.tag_user(UserName=f'{P}-alice', Tags=[{'Key': 'cost', 'Value': '1'}])
    iam.untag_user(UserName=f'{P}-alice', TagKeys=['team'])
    tags = iam.list_user_tags(UserName=f'{P}-alice')['Tags']
    assert tags == [{'Key': 'cost', 'Value': '1'}], tags


@check('iam.waiter user_exists')
def _():
    iam.get_waiter('user_exists').wait(UserName=f'{P}-alice', WaiterConfig={'Delay': 1, 'MaxAttempts': 2})


@check('iam.NoSuchEntityException on get_user')
def _():
    e = expect_error(lambda: iam.get_user(UserName=f'{P}-nobody'), iam.exceptions.NoSuchEntityException, 'NoSuchEntity', 404)
    return e.response['Error']['Message']


@check('iam.EntityAlreadyExistsException on create_user')
def _():
    expect_error(lambda: iam.create_user(UserName=f'{P}-alice'), iam.exceptions.EntityAlreadyExistsException, 'EntityAlreadyExists', 409)


@check('iam.paginator list_users')
def _():
    for i in range(7):
        iam.create_user(UserName=f'{P}-pg{i}', Path='/pg/')
    pages = list(iam.get_paginator('list_users').paginate(PathPrefix='/pg/', PaginationConfig={'PageSize': 3}))
    names = [u['UserName'] for p in pages for u in p['Users']]
    assert len(pages) == 3, f'{len(pages)} pages'
    assert sorted(names) == sorted(f'{P}-pg{i}' for i in range(7)), names
    assert pages[0]['IsTruncated'] is True and 'Marker' in pages[0]
    full = iam.get_paginator('list_users').paginate(PathPrefix='/pg/', PaginationConfig={'MaxItems': 4, 'PageSize': 3}).build_full_result()
    assert len(full['Users']) == 4 and 'NextToken' in full, full.keys()


@check('iam.groups add/list/remove')
def _():
    iam.create_group(GroupName=f'{P}-devs')
    iam.add_user_to_group(GroupName=f'{P}-devs', UserName=f'{P}-alice')
    g = iam.get_group(GroupName=f'{P}-devs')
    assert [u['UserName'] for u in g['Users']] == [f'{P}-alice'], g
    gs = iam.list_groups_for_user(UserName=f'{P}-alice')['Groups']
    assert [x['GroupName'] for x in gs] == [f'{P}-devs']
    iam.put_group_policy(GroupName=f'{P}-devs', PolicyName='inline', PolicyDocument=json.dumps(S3_READ))
    doc = iam.get_group_policy(GroupName=f'{P}-devs', PolicyName='inline')['PolicyDocument']
    assert isinstance(doc, dict) and doc['Statement'][0]['Action'] == 's3:GetObject', doc


@check('iam.managed policy versions + default')
def _():
    arn = iam.create_policy(PolicyName=f'{P}-pol', Path='/app/', PolicyDocument=json.dumps(S3_READ), Description='d', Tags=[{'Key': 'k', 'Value': 'v'}])['Policy']['Arn']
    assert arn == f'arn:aws:iam::{ACCT}:policy/app/{P}-pol'
    iam.get_waiter('policy_exists').wait(PolicyArn=arn, WaiterConfig={'Delay': 1, 'MaxAttempts': 2})
    v2doc = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:GetObject', 's3:PutObject'], 'Resource': '*'}]}
    v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(v2doc), SetAsDefault=False)['PolicyVersion']
    assert v['VersionId'] == 'v2' and v['IsDefaultVersion'] is False, v
    iam.set_default_policy_version(PolicyArn=arn, VersionId='v2')
    pol = iam.get_policy(PolicyArn=arn)['Policy']
    assert pol['DefaultVersionId'] == 'v2', pol
    got = iam.get_policy_version(PolicyArn=arn, VersionId='v2')['PolicyVersion']
    assert isinstance(got['Document'], dict) and got['Document'] == v2doc, got['Document']
    versions = iam.list_policy_versions(PolicyArn=arn)['Versions']
    assert sorted(x['VersionId'] for x in versions) == ['v1', 'v2']
    expect_error(lambda: iam.delete_policy_version(PolicyArn=arn, VersionId='v2'), iam.exceptions.DeleteConflictException, 'DeleteConflict', 409)
    iam.delete_policy_version(PolicyArn=arn, VersionId='v1')


@check('iam.list_policies Scope Local/AWS paginated')
def _():
    local = [p['PolicyName'] for page in iam.get_paginator('list_policies').paginate(Scope='Local') for p in page['Policies']]
    assert f'{P}-pol' in local, local
    assert all(not n.startswith('AmazonS3ReadOnly') for n in local)
    aws = [p for page in iam.get_paginator('list_policies').paginate(Scope='AWS', PaginationConfig={'PageSize': 100}) for p in page['Policies']]
    assert len(aws) > 100 and any(p['PolicyName'] == 'AmazonS3ReadOnlyAccess' for p in aws), len(aws)
    assert all(p['Arn'].startswith('arn:aws:iam::aws:policy/') for p in aws)
    attached_only = iam.list_policies(Scope='Local', OnlyAttached=True)['Policies']
    assert all(p['AttachmentCount'] > 0 for p in attached_only)
    return {'aws_managed': len(aws)}


@check('iam.resource User.attach_policy / attached_policies / list_entities_for_policy')
def _():
    res = resource('iam')
    user = res.User(f'{P}-alice')
    assert user.arn.endswith(f'user/team/{P}-alice'), user.arn
    arn = f'arn:aws:iam::{ACCT}:policy/app/{P}-pol'
    user.attach_policy(PolicyArn=arn)
    assert [p.arn for p in user.attached_policies.all()] == [arn]
    res.Group(f'{P}-devs').attach_policy(PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')
    ents = {'users': [], 'groups': [], 'roles': []}
    for page in iam.get_paginator('list_entities_for_policy').paginate(PolicyArn=arn):
        ents['users'] += [u['UserName'] for u in page['PolicyUsers']]
    assert ents['users'] == [f'{P}-alice'], ents
    ro = iam.list_entities_for_policy(PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess', EntityFilter='Group')
    assert [g['GroupName'] for g in ro['PolicyGroups']] == [f'{P}-devs'], ro
    pol = res.Policy(arn)
    assert pol.default_version_id == 'v2' and pol.attachment_count == 1, (pol.default_version_id, pol.attachment_count)
    assert isinstance(pol.default_version.document, dict)
    assert [u.name for u in pol.attached_users.all()] == [f'{P}-alice']


@check('iam.roles resource: assume_role_policy_document dict, role_exists waiter, instance profiles')
def _():
    res = resource('iam')
    role = res.create_role(RoleName=f'{P}-app', AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=7200, Tags=[{'Key': 'env', 'Value': 'dev'}])
    iam.get_waiter('role_exists').wait(RoleName=f'{P}-app', WaiterConfig={'Delay': 1, 'MaxAttempts': 2})
    doc = res.Role(f'{P}-app').assume_role_policy_document
    assert isinstance(doc, dict) and doc == TRUST, doc
    assert res.Role(f'{P}-app').max_session_duration == 7200
    role.attach_policy(PolicyArn='arn:aws:iam::aws:policy/AdministratorAccess')
    res.RolePolicy(f'{P}-app', 'inline').put(PolicyDocument=json.dumps(S3_READ))
    assert isinstance(res.RolePolicy(f'{P}-app', 'inline').policy_document, dict)
    ip = res.create_instance_profile(InstanceProfileName=f'{P}-ip')
    iam.get_waiter('instance_profile_exists').wait(InstanceProfileName=f'{P}-ip', WaiterConfig={'Delay': 1, 'MaxAttempts': 2})
    ip.add_role(RoleName=f'{P}-app')
    ip.reload()
    assert [r.name for r in ip.roles] == [f'{P}-app'], ip.roles
    iam.update_assume_role_policy(RoleName=f'{P}-app', PolicyDocument=json.dumps(TRUST))
    tags = iam.list_role_tags(RoleName=f'{P}-app')['Tags']
    assert tags == [{'Key': 'env', 'Value': 'dev'}]


@check('iam.access keys create/list/update/last used/delete')
def _():
    k = iam.create_access_key(UserName=f'{P}-alice')['AccessKey']
    assert k['AccessKeyId'].startswith('AKIA') and k['Status'] == 'Active'
    sts = client('sts', keys(k))
    ident = sts.get_caller_identity()
    assert ident['Arn'] == f'arn:aws:iam::{ACCT}:user/team/{P}-alice', ident
    lst = iam.list_access_keys(UserName=f'{P}-alice')['AccessKeyMetadata']
    assert [x['AccessKeyId'] for x in lst] == [k['AccessKeyId']]
    lu = iam.get_access_key_last_used(AccessKeyId=k['AccessKeyId'])
    assert lu['UserName'] == f'{P}-alice', lu
    iam.update_access_key(UserName=f'{P}-alice', AccessKeyId=k['AccessKeyId'], Status='Inactive')
    expect_error(lambda: client('sts', keys(k)).get_caller_identity(), None, 'InvalidClientTokenId', 403)
    iam.delete_access_key(UserName=f'{P}-alice', AccessKeyId=k['AccessKeyId'])
    res_key = resource('iam').User(f'{P}-alice').create_access_key_pair()
    assert res_key.secret and res_key.id.startswith('AKIA')
    res_key.delete()


@check('iam.simulate_principal_policy')
def _():
    arn = f'arn:aws:iam::{ACCT}:user/team/{P}-alice'
    r = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=['s3:GetObject', 's3:PutObject', 'iam:CreateUser'], ResourceArns=['arn:aws:s3:::bkt/k'])
    got = {x['EvalActionName']: x['EvalDecision'] for x in r['EvaluationResults']}
    assert got == {'s3:GetObject': 'allowed', 's3:PutObject': 'allowed', 'iam:CreateUser': 'implicitDeny'}, got
    pages = list(iam.get_paginator('simulate_principal_policy').paginate(PolicySourceArn=arn, ActionNames=['s3:GetObject', 's3:ListBucket', 'ec2:RunInstances'], PaginationConfig={'PageSize': 1}))
    assert sum(len(p['EvaluationResults']) for p in pages) == 3, [len(p['EvaluationResults']) for p in pages]
    c = iam.simulate_custom_policy(PolicyInputList=[json.dumps(S3_READ)], ActionNames=['s3:GetObject'], ContextEntries=[{'ContextKeyName': 'aws:SourceIp', 'ContextKeyValues': ['10.0.0.1'], 'ContextKeyType': 'ip'}])
    assert c['EvaluationResults'][0]['EvalDecision'] == 'allowed'


@check('iam.get_account_authorization_details paginated')
def _():
    pag = iam.get_paginator('get_account_authorization_details')
    users, roles, groups, policies, n = [], [], [], [], 0
    for page in pag.paginate(Filter=['User', 'Role', 'Group', 'LocalManagedPolicy'], PaginationConfig={'PageSize': 2}):
        n += 1
        users += page['UserDetailList']
        roles += page['RoleDetailList']
        groups += page['GroupDetailList']
        policies += page['Policies']
    names = {u['UserName'] for u in users}
    assert f'{P}-alice' in names and len(users) == len(names), (len(users), len(names))
    role = next(r for r in roles if r['RoleName'] == f'{P}-app')
    assert isinstance(role['AssumeRolePolicyDocument'], dict), type(role['AssumeRolePolicyDocument'])
    assert isinstance(role['RolePolicyList'][0]['PolicyDocument'], dict)
    assert role['InstanceProfileList'][0]['InstanceProfileName'] == f'{P}-ip'
    pol = next(p for p in policies if p['PolicyName'] == f'{P}-pol')
    assert all(isinstance(v['Document'], dict) for v in pol['PolicyVersionList'])
    g = next(x for x in groups if x['GroupName'] == f'{P}-devs')
    assert isinstance(g['GroupPolicyList'][0]['PolicyDocument'], dict)
    return {'pages': n}


@check('iam.login profile / account alias / password policy')
def _():
    iam.create_login_profile(UserName=f'{P}-alice', Password='Sup3r-secret-pw!', PasswordResetRequired=True)
    lp = iam.get_login_profile(UserName=f'{P}-alice')['LoginProfile']
    assert lp['PasswordResetRequired'] is True
    iam.create_account_alias(AccountAlias=f'{P}-alias')
    assert iam.list_account_aliases()['AccountAliases'] == [f'{P}-alias']
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True)
    pp = iam.get_account_password_policy()['PasswordPolicy']
    assert pp['MinimumPasswordLength'] == 12 and pp['RequireSymbols'] is True
    s = iam.get_account_summary()['SummaryMap']
    assert s['Users'] >= 8, s


@check('iam.error shapes: MalformedPolicyDocument, ValidationError, LimitExceeded')
def _():
    expect_error(lambda: iam.create_policy(PolicyName=f'{P}-bad', PolicyDocument='{"nope":1}'), iam.exceptions.MalformedPolicyDocumentException, 'MalformedPolicyDocument', 400)
    expect_error(lambda: iam.create_user(UserName='bad name!'), None, 'ValidationError', 400)
    expect_error(lambda: iam.delete_user(UserName=f'{P}-alice'), iam.exceptions.DeleteConflictException, 'DeleteConflict', 409)
    expect_error(lambda: iam.get_role(RoleName=f'{P}-none'), iam.exceptions.NoSuchEntityException, 'NoSuchEntity', 404)
    expect_error(lambda: iam.get_policy(PolicyArn=f'arn:aws:iam::{ACCT}:policy/nope'), iam.exceptions.NoSuchEntityException, 'NoSuchEntity', 404)


@check('iam.denied user gets AccessDenied ClientError')
def _():
    iam.create_user(UserName=f'{P}-nobody2')
    k = iam.create_access_key(UserName=f'{P}-nobody2')['AccessKey']
    e = expect_error(lambda: client('iam', keys(k)).list_users(), None, 'AccessDenied', 403)
    assert 'is not authorized to perform: iam:ListUsers' in e.response['Error']['Message']


@check('iam.resource collections: iam.users.filter, roles.all, policies.filter(Scope=Local)')
def _():
    res = resource('iam')
    names = [u.name for u in res.users.filter(PathPrefix='/pg/').page_size(2)]
    assert len(names) == 7, names
    assert any(r.name == f'{P}-app' for r in res.roles.all())
    assert any(p.policy_name == f'{P}-pol' for p in res.policies.filter(Scope='Local'))
    summary = res.AccountSummary()
    assert summary.summary_map['Users'] >= 8
