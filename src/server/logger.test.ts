import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedWriter, jsonLine, jsonLogger } from './logger.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a line is the JSON object of time, level, msg and the fields, in that order', () => {
  const fields = { requestId: 'r-1', status: 200, principal: 'arn:aws:iam::1:user/"q"\n', missing: undefined, ms: 0.25 };
  const line = jsonLine('2024-01-01T00:00:00.000Z', 'info', 'request "x"', fields);
  assert.ok(line.endsWith('}\n'));
  assert.deepEqual(JSON.parse(line), { time: '2024-01-01T00:00:00.000Z', level: 'info', msg: 'request "x"', requestId: 'r-1', status: 200, principal: 'arn:aws:iam::1:user/"q"\n', ms: 0.25 });
  assert.equal(line, JSON.stringify({ time: '2024-01-01T00:00:00.000Z', level: 'info', msg: 'request "x"', ...fields }) + '\n');
  assert.deepEqual(JSON.parse(jsonLine('t', 'warn', 'm', {})), { time: 't', level: 'warn', msg: 'm' });
  assert.deepEqual(JSON.parse(jsonLine('t', 'warn', 'm')), { time: 't', level: 'warn', msg: 'm' });
});

test('lines of one event-loop turn are written together when it ends', async () => {
  const writes: string[] = [];
  const writer = batchedWriter((text) => writes.push(text));
  writer.write('a\n');
  writer.write('b\n');
  writer.write('c\n');
  assert.deepEqual(writes, [], 'nothing is written during the turn');
  await nextTurn();
  assert.deepEqual(writes, ['a\nb\nc\n']);
  writer.write('d\n');
  await nextTurn();
  assert.deepEqual(writes, ['a\nb\nc\n', 'd\n']);
  await nextTurn();
  assert.equal(writes.length, 2, 'an empty turn writes nothing');
});

test('a batch over 64 KiB is written at once; flush writes what is pending', () => {
  const writes: string[] = [];
  const writer = batchedWriter((text) => writes.push(text));
  const line = 'x'.repeat(1023) + '\n';
  for (let i = 0; i < 64; i++) writer.write(line);
  assert.equal(writes.length, 1);
  assert.equal(writes[0]!.length, 64 * 1024);
  writer.write('tail\n');
  writer.flush();
  assert.deepEqual(writes.slice(1), ['tail\n']);
});

test('the level threshold holds, and an injected writer gets each line as it is logged', () => {
  const lines: string[] = [];
  const logger = jsonLogger('warn', (line) => lines.push(line));
  logger.debug('d');
  logger.info('i', { a: 1 });
  logger.warn('w', { a: 2 });
  logger.error('e');
  assert.deepEqual(lines.map((l) => JSON.parse(l)).map(({ level, msg }) => [level, msg]), [['warn', 'w'], ['error', 'e']]);
  assert.equal(logger.enabled('info'), false);
  assert.equal(logger.enabled('error'), true);
  assert.equal(jsonLogger('silent', (line) => lines.push(line)).enabled('error'), false);
});

test('lines still batched when the process exits are written, in order', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = `import { jsonLogger } from ${JSON.stringify(new URL('./logger.ts', import.meta.url).href)};
const logger = jsonLogger('info');
logger.info('first', { n: 1 });
logger.info('second', { n: 2 });
process.exit(0);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stderr.trim().split('\n').map((l) => JSON.parse(l).msg), ['first', 'second']);
});
