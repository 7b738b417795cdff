import { DELETED_TRAIL_KIND, findTrail, TRAIL_KIND, trailIdentity, type TrailData, type TrailRecord } from '../cloudtrail/trail-records.ts';
import { publicKeysOf } from '../cloudtrail/signing-keys.ts';
import { verifyTrail } from '../cloudtrail/verify.ts';
import type { Store } from '../store/types.ts';
import { UsageError, flagHelpLines, parseFlags } from './flags.ts';
import type { CliIo } from './io.ts';
import { STORE_FLAGS, withStore } from './store-access.ts';
import { openTrailReader, TRAIL_READ_FLAGS, trailReadSettings } from './trail-reader.ts';

const VERIFY_FLAGS = {
  trail: { type: 'string', value: 'ARN|NAME', help: "the trail to verify: its ARN, or its name with --account-id" },
  'account-id': { type: 'string', value: 'ID', help: "the trail's account (when --trail is a name)", env: 'TESSERA_ACCOUNT_ID' },
  ...TRAIL_READ_FLAGS,
  json: { type: 'boolean', help: 'print the report as JSON' },
  ...STORE_FLAGS,
} as const;

const HELP = `Usage: tessera audit verify --trail ARN|NAME [--account-id ID] (--trail-dir DIR | --upstream URL) [flags]

Log file integrity validation of a trail: follows its digest chain back from the newest digest
the store recorded, checks every digest's signature (with the account's public key from the
store) and hash, and every log file's SHA-256, and names every file that was changed, deleted
or added — across the buckets and prefixes the trail moved between. Log files delivered while
validation was off are named as not covered by a digest (not a fault). A deleted trail is
verified from the record its deletion kept (the newest, for a name deleted more than once). A bucket that is not a folder under --trail-dir is read from the S3 upstream. Exit 0 when everything checks, 1 when anything does not, 2 on a usage error.

${flagHelpLines(VERIFY_FLAGS)}
  --help                         this help
`;

export async function runAuditCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'verify') throw new UsageError(`Unknown audit subcommand '${sub}'. Did you mean 'verify'?\n\n${HELP}`);
  const parsed = parseFlags(rest, VERIFY_FLAGS, 'audit verify', { maxPositionals: 0 });
  if (parsed.help) {
    io.stdout(HELP);
    return 0;
  }
  const values = parsed.values as Record<string, string | undefined>;
  const trailName = values['trail'];
  const destinations = trailReadSettings(values, io.env);
  if (!trailName) throw new UsageError(`audit verify needs --trail. See 'tessera audit verify --help'.`);
  if (!destinations) throw new UsageError(`audit verify needs --trail-dir (TESSERA_TRAIL_DIR) or an S3 --upstream (TESSERA_UPSTREAMS). See 'tessera audit verify --help'.`);
  const accountId = trailName.startsWith('arn:') ? trailName.split(':')[4] : values['account-id'] ?? io.env['TESSERA_ACCOUNT_ID'];
  if (!accountId || !/^\d{12}$/.test(accountId)) throw new UsageError('audit verify needs the trail\'s ARN, or its name with --account-id (12 digits).');
  return withStore(values, io.env, async (store) => {
    const trail = await trailOf(store, accountId, trailName);
    if (!trail) {
      io.stderr(`no trail ${trailName} in account ${accountId}\n`);
      return 1;
    }
    const reader = await openTrailReader(destinations, store);
    let report;
    try {
      report = await verifyTrail(reader.objects, { name: trailIdentity(trail).name, accountId, data: trail.data }, await publicKeysOf(store, accountId));
    } finally {
      reader.close();
    }
    const arn = trailIdentity(trail).arn;
    if (values['json'] !== undefined) {
      io.stdout(`${JSON.stringify({ trail: arn, ...(trail.data.deleted ? { deleted: trail.data.deleted.at } : {}), ...report }, null, 2)}\n`);
    } else {
      // A finding in another bucket than the trail's own (it moved) is named with its bucket.
      const named = (bucket: string, object: string) => (bucket === trail.data.s3BucketName ? object : `s3://${bucket}/${object}`);
      for (const finding of report.findings) io.stdout(`${finding.kind}: ${named(finding.bucket, finding.object)} (${finding.detail})\n`);
      const problems = report.findings.filter((f) => f.kind !== 'not-covered').length;
      const uncovered = report.findings.length - problems;
      const summary = `${report.digests} digest file(s), ${report.logFiles} log file(s)${uncovered > 0 ? `, ${uncovered} not covered by a digest` : ''}`;
      io.stdout(`${arn}${trail.data.deleted ? ` (deleted ${trail.data.deleted.at})` : ''}: ${summary}: ${report.valid ? 'valid' : `${problems} problem(s)`}\n`);
    }
    return report.valid ? 0 : 1;
  });
}

/** The trail, or else the newest record a deletion of it kept. */
async function trailOf(store: Store, accountId: string, nameOrArn: string): Promise<TrailRecord | undefined> {
  const live = nameOrArn.startsWith('arn:')
    ? await findTrail(store, accountId, nameOrArn.split(':')[3] ?? '', nameOrArn)
    : await store.getByName<TrailData>(accountId, TRAIL_KIND, nameOrArn);
  if (live) return live;
  const deleted = await store.list<TrailData>(accountId, DELETED_TRAIL_KIND, { limit: 1000 });
  const matching = deleted.filter((t) => t.data.deleted && (t.data.deleted.arn === nameOrArn || t.data.deleted.name === nameOrArn));
  return matching.sort((a, b) => a.data.deleted!.at.localeCompare(b.data.deleted!.at)).at(-1);
}
