/**
 * The environment of a program run as a workload (`tessera run`): exactly the variables the
 * AWS SDKs' default credential chains and the AWS CLI read, so that the program finds its
 * role's credentials at the workload's endpoint and nowhere else.
 *
 * Removed: every other source of credentials the chains would try first (static keys,
 * profiles, web identity, SSO's and the config files' — AWS_SHARED_CREDENTIALS_FILE and
 * AWS_CONFIG_FILE point at /dev/null, as on a fresh instance — and any other endpoint).
 * Set: for an instance AWS_EC2_METADATA_SERVICE_ENDPOINT (IMDS on a custom address) with
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv4, and AWS_EC2_METADATA_V1_DISABLED=true when
 * IMDSv2 is required; for a task AWS_CONTAINER_CREDENTIALS_FULL_URI and
 * AWS_CONTAINER_AUTHORIZATION_TOKEN; AWS_REGION and AWS_DEFAULT_REGION; AWS_ENDPOINT_URL
 * (the Tessera server) unless the environment already names an endpoint.
 */
export const CLEARED_VARIABLES = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION',
  'AWS_ACCESS_KEY', 'AWS_SECRET_KEY',
  'AWS_PROFILE', 'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_EC2_METADATA_DISABLED', 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE', 'AWS_EC2_METADATA_V1_DISABLED',
] as const;

export type WorkloadEndpoint =
  | { kind: 'imds'; url: string; allowV1: boolean }
  | { kind: 'container'; fullUri: string; authorizationToken: string };

export function workloadEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  endpoint: WorkloadEndpoint,
  settings: { region: string; tesseraUrl: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  for (const name of CLEARED_VARIABLES) delete env[name];
  env['AWS_SHARED_CREDENTIALS_FILE'] = '/dev/null';
  env['AWS_CONFIG_FILE'] = '/dev/null';
  if (endpoint.kind === 'imds') {
    env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = endpoint.url;
    env['AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'] = 'IPv4';
    if (!endpoint.allowV1) env['AWS_EC2_METADATA_V1_DISABLED'] = 'true';
  } else {
    env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = endpoint.fullUri;
    env['AWS_CONTAINER_AUTHORIZATION_TOKEN'] = endpoint.authorizationToken;
  }
  env['AWS_REGION'] = settings.region;
  env['AWS_DEFAULT_REGION'] = settings.region;
  env['AWS_ENDPOINT_URL'] ??= settings.tesseraUrl;
  return env;
}
