/**
 * The server of the `hold` benchmark: a plain node:http SSE server that holds every stream open and,
 * once a second, writes one event to each (a workload payload, so the harness decodes it as it
 * would in a run) and, half a second later, one heartbeat comment. Nothing else: the clients'
 * cost is what is measured, in another process.
 *   node --import tsx bench/hold-server.ts [--period-ms 1000]   (prints {"msg":"listening","url":...})
 */
import { createServer, type ServerResponse } from 'node:http';
import { encodePayload } from '../harness/history/payload.ts';

const flag = process.argv.indexOf('--period-ms');
const periodMs = flag === -1 ? 1000 : Number(process.argv[flag + 1]);
if (!Number.isFinite(periodMs) || periodMs < 10)
  throw new Error(`hold-server: --period-ms must be a number >= 10, got ${process.argv[flag + 1]}`);

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
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.maxRequestsPerSocket = 0;

/** One frame for everyone: the same bytes to each stream, as a broadcast feed would. */
const events = setInterval(() => {
  seq++;
  const frame = Buffer.from(
    `id: ${seq}\nevent: tick\ndata: ${encodePayload({ seq, publishedAt: performance.now(), topic: 'hold' }, 100)}\n\n`,
  );
  for (const s of streams) s.write(frame);
}, periodMs);
let heartbeats: NodeJS.Timeout | undefined;
const offset = setTimeout(() => {
  const frame = Buffer.from(': hb\n\n');
  heartbeats = setInterval(() => {
    for (const s of streams) s.write(frame);
  }, periodMs);
}, periodMs / 2);

server.listen(0, '127.0.0.1', 4096, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => {
  clearInterval(events);
  clearTimeout(offset);
  clearInterval(heartbeats);
  for (const s of streams) s.destroy();
  server.close(() => process.exit(0));
});
