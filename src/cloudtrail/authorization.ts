import type { AuthorizationTarget, TargetContext, TargetResolver } from '../authz/target.ts';
import type { Operations } from '../protocol/generated/cloudtrail.ts';
import { requestTagContext, resourceTagsOf } from './tags.ts';
import { findTrail, trailArn } from './trail-records.ts';

/**
 * What each CloudTrail operation is authorized against, per AWS's Service Authorization
 * Reference: `cloudtrail:<Operation>` on the trail it names
 * (arn:aws:cloudtrail:<region>:<account>:trail/<name>), or on "*" for LookupEvents,
 * DescribeTrails, ListTrails and ListPublicKeys, which name no resource. An existing trail's
 * tags are its aws:ResourceTag/… keys; CreateTrail's TagsList is aws:RequestTag/… and
 * aws:TagKeys, as the reference lists for it.
 */
const anywhere = async (): Promise<AuthorizationTarget> => ({ resource: '*' });

const onTrail = (nameOf: (input: any) => string) => async (input: any, ctx: TargetContext): Promise<AuthorizationTarget> => {
  const region = ctx.region ?? 'us-east-1';
  const name = nameOf(input);
  const trail = await findTrail(ctx.tx, ctx.accountId, region, name);
  if (trail) return { resource: trail.id, resourceTags: resourceTagsOf(trail) };
  // An ARN is authorized as given (the handler then says the trail is unknown); a name in the caller's account and region.
  return { resource: name.startsWith('arn:') ? name : trailArn(region, ctx.accountId, name) };
};

type Targets = {
  [K in 'LookupEvents' | 'ListPublicKeys' | 'DescribeTrails' | 'ListTrails' | 'CreateTrail' | 'UpdateTrail' | 'DeleteTrail' | 'GetTrail' | 'GetTrailStatus' | 'StartLogging' | 'StopLogging'
    | 'PutEventSelectors' | 'GetEventSelectors']: TargetResolver<Operations[K]['input']>
};

export const cloudTrailTargets: Targets = {
  LookupEvents: anywhere,
  ListPublicKeys: anywhere,
  DescribeTrails: anywhere,
  ListTrails: anywhere,
  CreateTrail: async (input, ctx) => ({ ...(await onTrail((i: typeof input) => i.Name)(input, ctx)), context: requestTagContext(input.TagsList) }),
  UpdateTrail: onTrail((input) => input.Name),
  DeleteTrail: onTrail((input) => input.Name),
  GetTrail: onTrail((input) => input.Name),
  GetTrailStatus: onTrail((input) => input.Name),
  StartLogging: onTrail((input) => input.Name),
  StopLogging: onTrail((input) => input.Name),
  PutEventSelectors: onTrail((input) => input.TrailName),
  GetEventSelectors: onTrail((input) => input.TrailName),
};
