import { declarer, type DeclarationTable } from '../operations/declaration.ts';
import type { Operations } from '../protocol/generated/cloudtrail.ts';
import { cloudTrailTargets } from './authorization.ts';
import { lookupHandlers } from './lookup-events.ts';
import { publicKeyHandlers } from './public-keys.ts';
import { tagHandlers, tagTargets } from './tags.ts';
import { trailHandlers } from './trails.ts';

const declareCloudTrail = declarer<Operations>('cloudtrail');

/**
 * The CloudTrail operations Tessera serves: the event history (LookupEvents), trails with
 * their event selectors and tags, and the public keys of their digests. The model's others
 * answer NotImplemented.
 */
export const cloudTrailOperations: readonly DeclarationTable[] = [
  declareCloudTrail({ ...lookupHandlers, ...publicKeyHandlers, ...trailHandlers, ...tagHandlers }, { ...cloudTrailTargets, ...tagTargets }),
];
