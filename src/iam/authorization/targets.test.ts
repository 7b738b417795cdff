import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamHandlers } from '../index.ts';
import { targetResolverFor } from './targets.ts';

test('every implemented IAM operation declares what it is authorized against', () => {
  const missing = Object.keys(iamHandlers).filter((operation) => targetResolverFor(operation) === undefined);
  assert.deepEqual(missing, []);
});
