/**
 * When a long-running command (`serve`, `idp`) should stop: on SIGTERM or SIGINT — and, when
 * npm started it, when npm goes away.
 *
 * Why the last one: `npm start`, `npm run …` and `npx tessera …` run the command through
 * `sh -c`. npm passes SIGTERM/SIGINT on to that shell only, and a POSIX shell waiting for a
 * foreground child dies of the signal without passing it on, so `kill <npm's pid>` would leave
 * the server running, re-parented, and still serving. (Ctrl-C in a terminal is different: it
 * signals the whole foreground process group, server included.) The `start` script `exec`s
 * node, so there npm signals the server itself; `npx` cannot be told to, so a server started
 * by npm watches its parent and stops as if signalled once that parent is gone.
 */

export type StopReason = 'SIGTERM' | 'SIGINT' | 'parent exited';

export interface StopWatch {
  /** Resolves with the first reason to stop. */
  stopped: Promise<StopReason>;
  /** Called on each further SIGTERM/SIGINT after the first reason (to force a stop). */
  onRepeat(handler: (signal: NodeJS.Signals) => void): void;
  /** Removes the signal handlers and the parent watch. */
  dispose(): void;
}

const PARENT_POLL_MS = 250;

export function watchForStop(env: NodeJS.ProcessEnv = process.env): StopWatch {
  let resolveStop: (reason: StopReason) => void = () => {};
  const stopped = new Promise<StopReason>((resolve) => (resolveStop = resolve));
  let first = true;
  let repeat: (signal: NodeJS.Signals) => void = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) {
      first = false;
      resolveStop(signal as StopReason);
    } else {
      repeat(signal);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  // npm sets npm_lifecycle_event ('start', 'npx', a script's name) for what it runs.
  let parentWatch: NodeJS.Timeout | undefined;
  if (env['npm_lifecycle_event'] !== undefined) {
    const parent = process.ppid;
    parentWatch = setInterval(() => {
      if (process.ppid !== parent && first) {
        first = false;
        clearInterval(parentWatch);
        resolveStop('parent exited');
      }
    }, PARENT_POLL_MS);
    parentWatch.unref();
  }
  return {
    stopped,
    onRepeat: (handler) => (repeat = handler),
    dispose() {
      clearInterval(parentWatch);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
