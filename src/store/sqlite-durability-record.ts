import { createHash } from 'node:crypto';
import type { NewEntity } from './types.ts';

/** The record number `i` of the durability test, with a payload big enough to span pages. */
export interface DurabilityData {
  i: number;
  payload: string;
  digest: string;
}

export function durabilityRecord(i: number): NewEntity<DurabilityData> {
  const payload = `record ${i} `.repeat(400);
  return {
    accountId: '111122223333',
    kind: 'durability',
    id: `R${String(i).padStart(8, '0')}`,
    name: `record-${i}`,
    parentId: '',
    path: '/',
    data: { i, payload, digest: createHash('sha256').update(payload).digest('hex') },
    createdAt: '2024-01-01T00:00:00Z',
  };
}
