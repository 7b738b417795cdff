import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DOCUMENTED_SERVICE_LINKED_ROLES, isServiceLinkedRolePathPrefix, isServicePrincipal, serviceLinkedRoleName, serviceLinkedRolePath, serviceLinkedRolePolicyArn, serviceLinkedTrustPolicy,
} from './service-linked-names.ts';
import { validatePolicy } from '../../policy/index.ts';
import { loadAwsManagedCatalog } from '../policies/aws-managed.ts';

/** Loaded once for the tests that look policies up (a few seconds). */
const CATALOG = loadAwsManagedCatalog();

test('service principals are recognized; other names are not', () => {
  for (const name of ['ecs.amazonaws.com', 'access-analyzer.amazonaws.com', 'dynamodb.application-autoscaling.amazonaws.com']) {
    assert.equal(isServicePrincipal(name), true, name);
  }
  for (const name of ['ecs', 'amazonaws.com', 'ECS.amazonaws.com', 'evil.example.com', '-x.amazonaws.com', 'a..b.amazonaws.com']) {
    assert.equal(isServicePrincipal(name), false, name);
  }
});

test('documented names per service, with CustomSuffix only where the service accepts one', () => {
  assert.deepEqual(serviceLinkedRoleName('acm.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForCertificateManager' });
  assert.deepEqual(serviceLinkedRoleName('acm.amazonaws.com', 'x'), { ok: false, reason: 'custom-suffix-not-allowed' });
  assert.deepEqual(serviceLinkedRoleName('connect.amazonaws.com', 'abc'), { ok: true, name: 'AWSServiceRoleForAmazonConnect_abc' });
  assert.deepEqual(serviceLinkedRoleName('custom-resource.application-autoscaling.amazonaws.com', undefined), {
    ok: true, name: 'AWSServiceRoleForApplicationAutoScaling_CustomResource',
  });
  assert.deepEqual(serviceLinkedRoleName('spot.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForEC2Spot' });
  assert.deepEqual(serviceLinkedRoleName('es.amazonaws.com', 'two'), { ok: false, reason: 'custom-suffix-not-allowed' });
  assert.deepEqual(serviceLinkedRoleName('autoscaling.amazonaws.com', 'fleet-1'), { ok: true, name: 'AWSServiceRoleForAutoScaling_fleet-1' });
  assert.equal(serviceLinkedRolePolicyArn('batch.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/BatchServiceRolePolicy');
  assert.equal(serviceLinkedRolePolicyArn('access-analyzer.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/AccessAnalyzerServiceRolePolicy');
  assert.equal(serviceLinkedRolePolicyArn('example-service.amazonaws.com'), undefined);
});

test('names that do not follow the principal: Lex V2 takes a suffix, RAM and multi-Region KMS keys have their own names', () => {
  // Lex V2 names every role with a suffix after '_' (AWSServiceRoleForLexV2Bots_<suffix>).
  assert.deepEqual(serviceLinkedRoleName('lexv2.amazonaws.com', 'ABCDEFGHIJ'), { ok: true, name: 'AWSServiceRoleForLexV2Bots_ABCDEFGHIJ' });
  assert.deepEqual(serviceLinkedRoleName('channels.lexv2.amazonaws.com', 'x1'), { ok: true, name: 'AWSServiceRoleForLexV2Channels_x1' });
  assert.deepEqual(serviceLinkedRoleName('ram.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForResourceAccessManager' });
  assert.deepEqual(serviceLinkedRoleName('ram.amazonaws.com', 'x'), { ok: false, reason: 'custom-suffix-not-allowed' });
  assert.deepEqual(serviceLinkedRoleName('mrk.kms.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForKeyManagementServiceMultiRegionKeys' });
  assert.equal(serviceLinkedRolePolicyArn('ssm-quicksetup.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/SSMQuickSetupRolePolicy');
  assert.equal(serviceLinkedRolePolicyArn('support.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy');
  // Customer Profiles names every role AWSServiceRoleForProfile_<unique-id>; its Triage sibling in Security Incident Response has '_Triage' built in.
  assert.deepEqual(serviceLinkedRoleName('profile.amazonaws.com', 'abc'), { ok: true, name: 'AWSServiceRoleForProfile_abc' });
  assert.deepEqual(serviceLinkedRoleName('triage.security-ir.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForSecurityIncidentResponse_Triage' });
  assert.deepEqual(serviceLinkedRoleName('triage.security-ir.amazonaws.com', 'x'), { ok: false, reason: 'custom-suffix-not-allowed' });
  // OpenSearch Ingestion's page prints 'osis.amazon.com'; the role lives under the principal AWS's managed policies name.
  assert.deepEqual(serviceLinkedRoleName('osis.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForAmazonOpenSearchIngestionService' });
  // Outposts names each role AWSServiceRoleForOutposts_<OutpostID>; Systems Manager's JIT role lives under the principal its grants name, not ssm.amazonaws.com.
  assert.deepEqual(serviceLinkedRoleName('outposts.amazonaws.com', 'op-0123456789abcdef0'), { ok: true, name: 'AWSServiceRoleForOutposts_op-0123456789abcdef0' });
  assert.deepEqual(serviceLinkedRoleName('justintimeaccess.ssm.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForSystemsManagerJustInTimeAccess' });
  assert.deepEqual(serviceLinkedRoleName('ssm.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForAmazonSSM' });
  // Scaling plans' role lives under the principal its grant names (the page says autoscaling.amazonaws.com, which keeps its own role);
  // Systems Manager for SAP's page calls the role by its policy's name in one section; the file keeps the role's own name.
  assert.deepEqual(serviceLinkedRoleName('autoscaling-plans.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForAutoScalingPlans_EC2AutoScaling' });
  assert.deepEqual(serviceLinkedRoleName('autoscaling.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForAutoScaling' });
  assert.deepEqual(serviceLinkedRoleName('ssm-sap.amazonaws.com', 'x'), { ok: false, reason: 'custom-suffix-not-allowed' });
  assert.equal(serviceLinkedRolePolicyArn('ssm-sap.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/AWSSSMForSAPServiceLinkedRolePolicy');
  // Refactor Spaces' page drops the 'AWS' prefix of its policy's name; the catalog's name is attached.
  assert.equal(serviceLinkedRolePolicyArn('refactor-spaces.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/AWSMigrationHubRefactorSpacesServiceRolePolicy');
});

test('roles whose pages settle a detail another source words differently', () => {
  // Outbound campaigns' page calls its name a prefix: the role carries a suffix, as Connect's own does.
  assert.deepEqual(serviceLinkedRoleName('connect-campaigns.amazonaws.com', 'abc'), { ok: true, name: 'AWSServiceRoleForConnectCampaigns_abc' });
  assert.deepEqual(serviceLinkedRoleName('connect-campaigns.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForConnectCampaigns' });
  // EKS local clusters: the role page links the cluster role's policy; the managed-policies page names the one IAM attaches.
  assert.equal(serviceLinkedRolePolicyArn('outposts.eks-local.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/AmazonEKSLocalOutpostServiceRolePolicy');
  assert.equal(serviceLinkedRolePolicyArn('eks.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy');
  // HealthOmics' role page writes 'AwsServiceRoleFor…'; the name keeps the prefix every service-linked role carries.
  assert.deepEqual(serviceLinkedRoleName('omics.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForHealthOmics' });
  // Network Flow Monitor's topology role has '_Topology' built in and takes no suffix.
  assert.deepEqual(serviceLinkedRoleName('topology.networkflowmonitor.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForNetworkFlowMonitor_Topology' });
  assert.deepEqual(serviceLinkedRoleName('topology.networkflowmonitor.amazonaws.com', 'x'), { ok: false, reason: 'custom-suffix-not-allowed' });
});

test('roles whose principal comes from a second AWS page or a page that lists more than one trusted service', () => {
  // Managed Synchronization's page calls its name a prefix followed by '_' and a unique ID, as Connect's own role.
  assert.deepEqual(serviceLinkedRoleName('synchronization.connect.amazonaws.com', 'abc'), { ok: true, name: 'AWSServiceRoleForAmazonConnectSynchronization_abc' });
  // Oracle Database@AWS lists vpc-lattice.amazonaws.com as a second trusted service; that principal keeps its own role.
  assert.deepEqual(serviceLinkedRoleName('odb.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForODB' });
  assert.deepEqual(serviceLinkedRoleName('vpc-lattice.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForVpcLattice' });
  // The Organizations pages name the principals of EC2's declarative-policies report role and CloudWatch's Observability Admin role.
  assert.deepEqual(serviceLinkedRoleName('ec2.amazonaws.com', 'x'), { ok: false, reason: 'custom-suffix-not-allowed' });
  assert.equal(serviceLinkedRolePolicyArn('ec2.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/DeclarativePoliciesEC2Report');
  assert.deepEqual(serviceLinkedRoleName('observabilityadmin.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForObservabilityAdmin' });
  // AWS Health's page names both of its roles; the Organizations role keeps '_Organizations' in its name.
  assert.deepEqual(serviceLinkedRoleName('health.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForHealth_Organizations' });
  assert.equal(serviceLinkedRolePolicyArn('event-processor.health.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/AWSHealth_EventProcessorServiceRolePolicy');
});

test('roles whose principal is not the service prefix, or whose name keeps the service\'s own casing', () => {
  // HealthImaging's page lists no trusted service; its CLI step creates the role for medical-imaging.amazonaws.com (the generic rule would say AWSServiceRoleForMedicalImaging).
  assert.deepEqual(serviceLinkedRoleName('medical-imaging.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForHealthImaging' });
  assert.equal(serviceLinkedRolePolicyArn('medical-imaging.amazonaws.com'), 'arn:aws:iam::aws:policy/aws-service-role/AWSHealthImagingServiceRolePolicy');
  // re:Post Private writes 'AWSServiceRoleForrePostPrivate', lower-case 're' and all.
  assert.deepEqual(serviceLinkedRoleName('repostspace.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForrePostPrivate' });
  // Zonal autoshift's practice-run role lives under its own principal and takes no suffix.
  assert.deepEqual(serviceLinkedRoleName('practice-run.arc-zonal-shift.amazonaws.com', 'x'), { ok: false, reason: 'custom-suffix-not-allowed' });
  assert.deepEqual(serviceLinkedRoleName('account-access.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForAccountAccessManager' });
});

test('other services get a name from their first label and accept a suffix', () => {
  assert.deepEqual(serviceLinkedRoleName('my-new-service.amazonaws.com', undefined), { ok: true, name: 'AWSServiceRoleForMyNewService' });
  assert.deepEqual(serviceLinkedRoleName('example-service.amazonaws.com', 'x'), { ok: true, name: 'AWSServiceRoleForExampleService_x' });
  assert.equal(serviceLinkedRolePath('kafka.amazonaws.com'), '/aws-service-role/kafka.amazonaws.com/');
});

test('the trust policy is a valid trust policy naming only the service', () => {
  const text = serviceLinkedTrustPolicy('ecs.amazonaws.com');
  assert.deepEqual(validatePolicy(text, 'trust'), []);
  assert.deepEqual(JSON.parse(text).Statement[0].Principal, { Service: 'ecs.amazonaws.com' });
});

test('the data: one entry per principal, AWS role names, a cited source, and policies the catalog holds under aws-service-role/', async () => {
  const principals = DOCUMENTED_SERVICE_LINKED_ROLES.map((s) => s.servicePrincipal);
  assert.equal(new Set(principals).size, principals.length, 'principals are unique');
  assert.ok(DOCUMENTED_SERVICE_LINKED_ROLES.length >= 281, `${DOCUMENTED_SERVICE_LINKED_ROLES.length} entries`);
  const catalog = await CATALOG;
  for (const spec of DOCUMENTED_SERVICE_LINKED_ROLES) {
    assert.equal(isServicePrincipal(spec.servicePrincipal), true, spec.servicePrincipal);
    assert.ok(spec.roleName.startsWith('AWSServiceRoleFor') && spec.roleName.length <= 64, spec.roleName);
    assert.ok(spec.source.document.length > 0 && spec.source.quote.length > 0, `${spec.servicePrincipal} cites its source`);
    if (spec.managedPolicy !== null) {
      assert.ok(catalog.find(spec.managedPolicy, '/aws-service-role/'), `${spec.managedPolicy} is an AWS managed service-role policy`);
    }
  }
});

test('every entry: its AWS managed policy is in the catalog under aws-service-role/, and its quote names the role', async () => {
  const catalog = await CATALOG;
  for (const spec of DOCUMENTED_SERVICE_LINKED_ROLES) {
    assert.notEqual(spec.managedPolicy, null, `${spec.servicePrincipal} names its AWS managed policy`);
    const policy = catalog.find(spec.managedPolicy!, '/aws-service-role/');
    assert.ok(policy, `${spec.managedPolicy} is in the catalog`);
    assert.equal(policy.arn, serviceLinkedRolePolicyArn(spec.servicePrincipal));
    // AWS's pages sometimes capitalize the prefix differently (AwsServiceRoleForConfig); the name itself must be there.
    assert.ok(spec.source.quote.toLowerCase().includes(spec.roleName.toLowerCase()), `${spec.servicePrincipal}: the quote names ${spec.roleName}`);
  }
});

test('the data is sorted by service principal, so additions land in one place', () => {
  const principals = DOCUMENTED_SERVICE_LINKED_ROLES.map((s) => s.servicePrincipal);
  assert.deepEqual(principals, [...principals].sort());
});

test("CreateRole's reserved prefix: every path under /aws-service-role/, compared literally", () => {
  for (const path of ['/aws-service-role/', '/aws-service-role/ecs.amazonaws.com/', '/aws-service-role/x/y/', serviceLinkedRolePath('ecs.amazonaws.com')]) {
    assert.equal(isServiceLinkedRolePathPrefix(path), true, path);
  }
  // IAM paths are case sensitive, and so is everything that treats a role as service-linked.
  for (const path of ['/', '/AWS-Service-Role/', '/aws-service-roles/', '/service-role/', '/x/aws-service-role/', '/x:role/aws-service-role/', '/aws-service-role-x/']) {
    assert.equal(isServiceLinkedRolePathPrefix(path), false, path);
  }
});
