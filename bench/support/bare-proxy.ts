import { Agent, createServer, request } from 'node:http';

/**
 * A bare node:http forwarder in front of the S3 stand-in, for the gateway benchmark: every
 * request passed on as it came (keep-alive agent, bodies piped both ways), nothing checked,
 * signed or recorded. What any forwarder written on node:http costs before it does anything: the
 * ceiling against which the gateway's own work can be read. `node bench/support/bare-proxy.ts URL`
 * prints "listening on http://127.0.0.1:PORT".
 */
const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:5000');
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const forwarded = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  forwarded.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(forwarded);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address !== null) process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
