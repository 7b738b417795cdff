import { createServer } from 'node:http';

/**
 * The baseline: a bare node:http server answering every request with a fixed body of the
 * given size, as cheap as a Node server can be. Run as a child process by the benches.
 */
const size = Number(process.argv[2] ?? '400');
const body = Buffer.from('<x>' + 'a'.repeat(Math.max(0, size - 7)) + '</x>');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': '00000000-0000-0000-0000-000000000000', 'Content-Length': String(body.length) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
