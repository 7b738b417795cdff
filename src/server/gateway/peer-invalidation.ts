import cluster, { type Worker } from 'node:cluster';

/**
 * The workers of one `tessera serve --workers N` each keep the gateway's lookups (bucket
 * policies, tags, key policies, bucket owners…) for a few seconds. A write that passes through
 * one worker drops that worker's entries at once; without more, the other workers would keep
 * deciding on what they read before until their entries expire — a bucket policy's new Deny
 * honoured by one worker and not by the next connection's. So a worker that drops entries
 * tells the others, through the primary, and its write is answered only once every other live
 * worker has dropped them too (or after {@link PEER_WAIT_MS}, if one does not answer: the
 * cache's lifetime still bounds it). Each worker's messages arrive in order on its IPC channel,
 * so the relay reaches a worker before any connection the primary hands it afterwards.
 *
 * Servers on other machines (nodes on one PostgreSQL) are not reached: for them the cache's
 * lifetime is the bound, as for a write made directly upstream.
 */
export interface Invalidation {
  /** ARNs as the lookups name them: what was read about them is dropped. */
  resources: readonly string[];
  /** Buckets created or deleted: their owners are read again. */
  buckets: readonly string[];
}

export interface PeerInvalidation {
  /** Tells the other workers to drop what they read about the change; resolves once they have. */
  publish(change: Invalidation): Promise<void>;
  /** `drop` is called with the changes another worker's writes made. */
  subscribe(drop: (change: Invalidation) => void): void;
}

export const NO_PEERS: PeerInvalidation = { publish: async () => {}, subscribe: () => {} };

/** How long a write waits for the other workers before it is answered anyway. */
export const PEER_WAIT_MS = 1000;

/** worker → primary: "drop these everywhere"; primary → worker: "drop these". */
const INVALIDATE = 'tessera:gateway-invalidate';
/** worker → primary: a relayed INVALIDATE is done. */
const DROPPED = 'tessera:gateway-dropped';
/** primary → the worker that published: every other worker has dropped them. */
const DONE = 'tessera:gateway-invalidated';

interface Message {
  type?: string;
  id?: number;
  change?: Invalidation;
}

function isInvalidation(value: unknown): value is Invalidation {
  const change = value as Invalidation | undefined;
  return Array.isArray(change?.resources) && Array.isArray(change?.buckets);
}

/** In a cluster worker: the peers reached through the primary; elsewhere, none. */
export function clusterPeers(waitMs = PEER_WAIT_MS): PeerInvalidation {
  if (!cluster.isWorker || process.send === undefined) return NO_PEERS;
  const waiting = new Map<number, () => void>();
  let drop: (change: Invalidation) => void = () => {};
  let nextId = 1;
  process.on('message', (message: Message) => {
    if (message?.type === INVALIDATE && isInvalidation(message.change)) {
      drop(message.change);
      send({ type: DROPPED, id: message.id });
    } else if (message?.type === DONE && typeof message.id === 'number') {
      waiting.get(message.id)?.();
    }
  });
  return {
    publish(change) {
      if (change.resources.length === 0 && change.buckets.length === 0) return Promise.resolve();
      const id = nextId++;
      return new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve();
        };
        const timer = setTimeout(finish, waitMs);
        waiting.set(id, finish);
        if (!send({ type: INVALIDATE, id, change })) finish();
      });
    },
    subscribe(handler) {
      drop = handler;
    },
  };
}

/** Whether the message is on its way (send's own `false` may only mean it is queued behind others). */
function send(message: Message): boolean {
  if (!process.connected) return false;
  try {
    process.send!(message);
    return true;
  } catch {
    return false; // the channel closed while stopping: nobody is left to tell
  }
}

/**
 * In the primary: relays each worker's INVALIDATE to every other connected worker and answers
 * DONE once all of them have dropped the entries, one has exited, or `waitMs` has passed.
 */
export function relayPeerInvalidations(waitMs = PEER_WAIT_MS): void {
  let nextRelay = 1;
  const relays = new Map<number, { from: Worker; id: number; remaining: Set<number>; timer: NodeJS.Timeout }>();
  const settle = (relayId: number) => {
    const relay = relays.get(relayId);
    if (relay === undefined) return;
    relays.delete(relayId);
    clearTimeout(relay.timer);
    sendTo(relay.from, { type: DONE, id: relay.id });
  };
  cluster.on('message', (from, message: Message) => {
    if (message?.type === INVALIDATE && typeof message.id === 'number' && isInvalidation(message.change)) {
      const relayId = nextRelay++;
      const others = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && worker.id !== from.id && worker.isConnected());
      const remaining = new Set<number>();
      for (const worker of others) if (sendTo(worker, { type: INVALIDATE, id: relayId, change: message.change })) remaining.add(worker.id);
      relays.set(relayId, { from, id: message.id, remaining, timer: setTimeout(() => settle(relayId), waitMs) });
      if (remaining.size === 0) settle(relayId);
    } else if (message?.type === DROPPED && typeof message.id === 'number') {
      const relay = relays.get(message.id);
      relay?.remaining.delete(from.id);
      if (relay?.remaining.size === 0) settle(message.id);
    }
  });
  // A worker that exits will not answer: stop waiting for it.
  cluster.on('exit', (worker) => {
    for (const [relayId, relay] of relays) {
      if (relay.remaining.delete(worker.id) && relay.remaining.size === 0) settle(relayId);
    }
  });
}

function sendTo(worker: Worker, message: Message): boolean {
  if (!worker.isConnected()) return false;
  try {
    worker.send(message);
    return true;
  } catch {
    return false;
  }
}
