import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Process-tree and port checks for tests that stop servers the way users do (a signal to
 * `npm start` or `npx`), read from /proc so they see grandchildren the test did not spawn.
 */

function stat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; the last ')' ends it.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (children, their children, …). */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s) parents.set(pid, s.ppid);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parents) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found.filter(isAlive);
}

/** Running (a zombie has exited; only its parent has not yet collected its status). */
export function isAlive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// Waiting for a condition is shared with tests that stop no process.
export { waitUntil } from './wait.ts';

/** IPv4 TCP sockets as /proc/net/tcp lists them: ports, state and the bytes queued each way. */
function tcpSockets(): Array<{ localPort: number; remotePort: number; state: number; txQueue: number; rxQueue: number }> {
  // "sl local_address rem_address st tx_queue:rx_queue …", addresses as hex IP:port.
  return readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).filter((line) => line.trim() !== '').map((line) => {
    const [, local, remote, state, queues] = line.trim().split(/\s+/);
    const [tx, rx] = queues!.split(':');
    return {
      localPort: parseInt(local!.split(':')[1]!, 16),
      remotePort: parseInt(remote!.split(':')[1]!, 16),
      state: parseInt(state!, 16),
      txQueue: parseInt(tx!, 16),
      rxQueue: parseInt(rx!, 16),
    };
  });
}

const ESTABLISHED = 1;

/**
 * Whether the server on `serverPort` (on this machine) has read every byte the client socket
 * at `clientPort` wrote: the server acknowledged all of it (the client's send queue is empty)
 * and nothing waits in the server socket's receive queue, so the server process has accepted
 * the connection and read the bytes. node:http parses what it reads at once: a request whose
 * head was among those bytes has been seen by the server's 'request' listeners. Call it once
 * the client's write has completed.
 */
export function serverHasRead(serverPort: number, clientPort: number): boolean {
  const sockets = tcpSockets();
  const client = sockets.find((s) => s.localPort === clientPort && s.remotePort === serverPort && s.state === ESTABLISHED);
  const server = sockets.find((s) => s.localPort === serverPort && s.remotePort === clientPort && s.state === ESTABLISHED);
  return client !== undefined && server !== undefined && client.txQueue === 0 && server.rxQueue === 0;
}
