/**
 * The Node ceiling for benchmark 3: the least an SSE fan-out on node:http can do. GET /events keeps
 * the response in a set; POST /publish numbers the event, writes it to every stream and answers
 * {"id"}. No log, no replay, no backpressure handling, no metrics: whatever the reference server
 * adds on top costs throughput, and the ratio says how much.
 *   node bench/ceiling-server.ts   (prints {"msg":"listening","url":...})
 */
import { createServer, type ServerResponse } from 'node:http';

const streams = new Set<ServerResponse>();
let seq = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/events')) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('retry: 3000\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return;
  }
  if (req.method === 'POST' && req.url === '/publish') {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const { data } = JSON.parse(Buffer.concat(parts).toString()) as { data: string };
      const id = String(++seq);
      const frame = Buffer.from(`id: ${id}\ndata: ${data}\n\n`);
      for (const s of streams) s.write(frame);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => {
  for (const s of streams) s.destroy();
  server.close(() => process.exit(0));
});
