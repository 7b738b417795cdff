import assert from 'node:assert/strict';
import { before } from 'node:test';
import { loadAuthorizationData, type AuthorizationData } from '../authorization-data.ts';
import type { MapResult, MappedRequest } from '../types.ts';

/** The authorization data, loaded once before the file's tests; read it inside a test. */
export function authorizationDataForTests(): () => AuthorizationData {
  let data: AuthorizationData | undefined;
  before(async () => {
    data = await loadAuthorizationData();
  });
  return () => {
    if (data === undefined) throw new Error('the authorization data is read inside a test, once loaded');
    return data;
  };
}

/** The mapped request, failing the test with the result when the request did not map. */
export function mapped(result: MapResult): MappedRequest {
  assert.equal(result.kind, 'mapped', JSON.stringify(result));
  return result as MappedRequest;
}

/** Each check of a mapped request as `action resource`. */
export const checks = (result: MapResult): string[] => mapped(result).targets.map((target) => `${target.action} ${target.resource}`);
