/**
 * Service principals EnableAWSServiceAccess accepts: services AWS lists as supporting trusted
 * access with Organizations (Organizations User Guide, "AWS services that you can use with AWS
 * Organizations", the "Trusted access" service principal of each). A best-effort subset of
 * that page — the services most often enabled, and IAM, whose trusted access centralized root
 * access needs (iam/root-access/). Any other principal is answered as AWS answers an unknown
 * one: InvalidInputException, UNRECOGNIZED_SERVICE_PRINCIPAL.
 *
 * Only IAM's trusted access changes what Tessera does; the others are recorded and listed.
 */
export const TRUSTED_ACCESS_SERVICE_PRINCIPALS: ReadonlySet<string> = new Set([
  'access-analyzer.amazonaws.com',
  'account.amazonaws.com',
  'auditmanager.amazonaws.com',
  'aws-artifact-account-sync.amazonaws.com',
  'backup.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'compute-optimizer.amazonaws.com',
  'config.amazonaws.com',
  'config-multiaccountsetup.amazonaws.com',
  'controltower.amazonaws.com',
  'detective.amazonaws.com',
  'ds.amazonaws.com',
  'fms.amazonaws.com',
  'guardduty.amazonaws.com',
  'health.amazonaws.com',
  'iam.amazonaws.com',
  'inspector2.amazonaws.com',
  'ipam.amazonaws.com',
  'license-manager.amazonaws.com',
  'license-manager.member-account.amazonaws.com',
  'macie.amazonaws.com',
  'member.org.stacksets.cloudformation.amazonaws.com',
  'ram.amazonaws.com',
  'reporting.trustedadvisor.amazonaws.com',
  'securityhub.amazonaws.com',
  'servicecatalog.amazonaws.com',
  'servicequotas.amazonaws.com',
  'ssm.amazonaws.com',
  'sso.amazonaws.com',
  'storage-lens.s3.amazonaws.com',
  'tagpolicies.tag.amazonaws.com',
]);
