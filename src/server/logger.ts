import type { LogLevel } from './config.ts';

/**
 * Structured JSON logs, one object per line. Never pass secrets in `fields`: the logger does
 * not know which values are secret, so callers log IDs, never keys or tokens.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Whether `logger` writes lines of `level` (callers skip building fields nobody reads). */
export type LevelCheck = (level: Exclude<LogLevel, 'silent'>) => boolean;

export interface JsonLogger extends Logger {
  enabled: LevelCheck;
  /** Writes what is batched now (see {@link batchedWriter}). */
  flush(): void;
}

/**
 * `write` receives whole lines. By default they go to stderr through {@link batchedWriter}:
 * one write per event-loop turn however many requests were logged in it.
 */
export function jsonLogger(level: LogLevel, write?: (line: string) => void): JsonLogger {
  const threshold = ORDER[level];
  const sink = write !== undefined ? { write, flush: () => {} } : level === 'silent' ? { write: () => {}, flush: () => {} } : batchedWriter(stderrWrite);
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return;
    sink.write(jsonLine(new Date().toISOString(), lvl, msg, fields));
    // A warning or an error is written at once: it may be the last thing before a crash.
    if (ORDER[lvl] >= ORDER.warn) sink.flush();
  };
  return {
    enabled: (lvl) => ORDER[lvl] >= threshold,
    flush: () => sink.flush(),
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/**
 * `{"time":…,"level":…,"msg":…,…fields}` and a newline, built without copying `fields` into a
 * new object. Fields named time, level or msg are the caller's mistake: they would repeat a key.
 */
export function jsonLine(time: string, level: string, msg: string, fields?: Record<string, unknown>): string {
  const head = `{"time":"${time}","level":"${level}","msg":${JSON.stringify(msg)}`;
  if (fields === undefined) return `${head}}\n`;
  const rest = JSON.stringify(fields);
  return rest.length > 2 ? `${head},${rest.slice(1)}\n` : `${head}}\n`;
}

/** Synchronous for files, pipes and terminals on Linux: a batch written at exit is not lost. */
function stderrWrite(text: string): void {
  process.stderr.write(text);
}

/** Every batch not yet written, written when the process exits (one listener for them all). */
const unflushed = new Set<() => void>();
let exitHookInstalled = false;
function flushAtExit(flush: () => void): void {
  unflushed.add(flush);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pending of unflushed) pending();
  });
}

/** Lines batched up to this size are written at once, whatever the turn. */
const MAX_BATCH_CHARS = 64 * 1024;

/**
 * Lines collected during one event-loop turn and written together when it ends
 * (setImmediate), so a busy server makes one write system call per turn instead of one per
 * request. The loss window is one turn: the batch is also written at process exit, and
 * warnings and errors are flushed as they are logged.
 */
export function batchedWriter(write: (text: string) => void): { write: (line: string) => void; flush: () => void } {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    unflushed.delete(flush);
    write(text);
  };
  const onTurnEnd = () => {
    scheduled = false;
    flush();
  };
  return {
    write(line) {
      if (pending === '') flushAtExit(flush);
      pending += line;
      if (pending.length >= MAX_BATCH_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(onTurnEnd);
      }
    },
    flush,
  };
}
