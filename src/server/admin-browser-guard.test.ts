import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { browserRefusal } from './admin-browser-guard.ts';
import type { HttpRequestData } from './request-context.ts';

function request(headers: Record<string, string>): HttpRequestData {
  return {
    method: 'POST', path: '/_tessera/reset', query: '', body: Buffer.alloc(0), remoteAddress: '127.0.0.1', secure: false,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
  };
}

test('requests made by web pages are refused', () => {
  const pages: Record<string, string>[] = [
    { origin: 'https://evil.example' },
    { origin: 'null' },
    { origin: 'http://127.0.0.1:4600' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-origin' }, // DNS rebinding: the page's own name points at loopback
    { 'sec-fetch-site': 'same-site' },
  ];
  for (const headers of pages) {
    const refused = browserRefusal(request(headers));
    assert.equal(refused?.status, 403, JSON.stringify(headers));
    assert.equal(JSON.parse(String(refused.body))['error'], 'Forbidden');
  }
});

test('tools are let through: curl, the CLI, a typed URL', () => {
  assert.equal(browserRefusal(request({})), undefined);
  assert.equal(browserRefusal(request({ 'user-agent': 'curl/8.0', authorization: 'Bearer x' })), undefined);
  assert.equal(browserRefusal(request({ 'sec-fetch-site': 'none' })), undefined);
  assert.equal(browserRefusal(request({ 'sec-fetch-mode': 'cors' })), undefined);
});

test("Node's fetch (test harnesses, the CLI) sends neither Origin nor Sec-Fetch-Site", async () => {
  let seen: Record<string, string | string[] | undefined> = {};
  const server = createServer((req, res) => {
    seen = req.headers;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    await (await fetch(`http://127.0.0.1:${port}/_tessera/accounts`, { method: 'POST', body: '{}' })).text();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const headers = Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [String(v)]]));
  assert.equal(browserRefusal({ ...request({}), headers }), undefined);
});
