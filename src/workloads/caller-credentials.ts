import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The credentials and region of whoever launches a workload, found as the AWS CLI and SDKs
 * find static credentials: with a profile named (`--profile`, AWS_PROFILE) that profile of
 * the shared credentials file and then the config file; otherwise AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, then the `default` profile. Files:
 * AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) and AWS_CONFIG_FILE (~/.aws/config).
 * Profiles that get credentials another way (role_arn, credential_process, sso_*,
 * web_identity_token_file) are named in the error: copy static keys into the environment.
 */
export interface CallerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Where they came from, for messages. */
  source: string;
}

export interface CallerSettings {
  credentials: CallerCredentials;
  region: string;
}

export type ReadText = (path: string) => Promise<string>;

/** A configuration file is small; a larger one is refused rather than read. */
const MAX_FILE_BYTES = 1024 * 1024;
const INDIRECT_KEYS = ['role_arn', 'credential_process', 'sso_session', 'sso_start_url', 'web_identity_token_file', 'credential_source'];

export class CallerCredentialsError extends Error {
  override readonly name = 'CallerCredentialsError';
}

export async function callerSettings(env: Readonly<Record<string, string | undefined>>, readText: ReadText, options: { profile?: string; region?: string } = {}): Promise<CallerSettings> {
  const home = env['HOME'] ?? homedir();
  const credentialsFile = env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials');
  const configFile = env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config');
  const named = options.profile ?? env['AWS_PROFILE'];
  const profile = named ?? 'default';
  const files = { credentials: await sections(credentialsFile, readText), config: await sections(configFile, readText) };
  const fromCredentials = files.credentials.get(profile);
  const fromConfig = files.config.get(profile === 'default' ? 'default' : `profile ${profile}`) ?? (profile === 'default' ? undefined : files.config.get(profile));
  const region = options.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? fromConfig?.get('region') ?? 'us-east-1';

  if (named === undefined && env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) {
    const token = env['AWS_SESSION_TOKEN'];
    return { region, credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID'], secretAccessKey: env['AWS_SECRET_ACCESS_KEY'], ...(token ? { sessionToken: token } : {}), source: 'the environment (AWS_ACCESS_KEY_ID)' } };
  }
  for (const [section, file] of [[fromCredentials, credentialsFile], [fromConfig, configFile]] as const) {
    if (!section) continue;
    const id = section.get('aws_access_key_id');
    const secret = section.get('aws_secret_access_key');
    if (id && secret) {
      const token = section.get('aws_session_token');
      return { region, credentials: { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}), source: `profile ${profile} of ${file}` } };
    }
    const indirect = INDIRECT_KEYS.find((key) => section.has(key));
    if (indirect) throw new CallerCredentialsError(`profile ${profile} of ${file} gets its credentials through ${indirect}, which tessera does not follow: export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) instead`);
  }
  if (named !== undefined && !fromCredentials && !fromConfig) throw new CallerCredentialsError(`the profile ${profile} is in neither ${credentialsFile} nor ${configFile}`);
  throw new CallerCredentialsError('no credentials to launch with: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE / --profile naming a profile with static keys');
}

/** INI sections of a file (none when it does not exist), keys lower-cased, values trimmed. */
async function sections(path: string, readText: ReadText): Promise<Map<string, Map<string, string>>> {
  let text: string;
  try {
    text = await readText(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new CallerCredentialsError(`${path}: ${(err as Error).message}`);
  }
  if (text.length > MAX_FILE_BYTES) throw new CallerCredentialsError(`${path} is over ${MAX_FILE_BYTES} bytes`);
  const result = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line.slice(1, -1).trim();
      current = result.get(name) ?? new Map();
      result.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && current && !/^\s/.test(raw)) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return result;
}
