/** app-buffered: the app itself buffers the event stream (gzip without flush, or a 4 KiB buffer). */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import { createSseServer } from '../../server/app.ts';
import type { ZooMember } from '../member.ts';

/** Bytes the userland buffer holds before it writes (when the client does not accept gzip). */
export const USERLAND_BUFFER_BYTES = 4096;

type Chunk = string | Buffer;
type WriteHead = (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
type Write = (chunk: Chunk) => boolean;
type End = (chunk?: Chunk) => ServerResponse;

/** True when Accept-Encoding lists gzip (or `*`) with a non-zero q. */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

function isEventStream(headers: OutgoingHttpHeaders): boolean {
  const type = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  return typeof type === 'string' && type.startsWith('text/event-stream');
}

/**
 * Compression middleware without `res.flush()`: the stream goes through gzip, which emits output
 * only when its own buffers decide. Backpressure is kept (gzip's write result and 'drain').
 */
function gzipWithoutFlush(res: ServerResponse, write: Write, end: End): void {
  const gz = createGzip();
  gz.on('data', (chunk: Buffer) => {
    if (!write(chunk)) gz.pause();
  });
  res.on('drain', () => gz.resume());
  gz.on('drain', () => res.emit('drain'));
  gz.on('end', () => end());
  res.on('close', () => gz.destroy());
  res.write = ((chunk: Chunk) => gz.write(chunk)) as ServerResponse['write'];
  res.end = ((chunk?: Chunk) => {
    if (chunk === undefined) gz.end();
    else gz.end(chunk);
    return res;
  }) as ServerResponse['end'];
}

/** A userland write buffer that only writes once it holds USERLAND_BUFFER_BYTES (and on end). */
function bufferInUserland(res: ServerResponse, write: Write, end: End): void {
  let pending: Buffer[] = [];
  let size = 0;
  const take = (): Buffer => {
    const all = Buffer.concat(pending, size);
    pending = [];
    size = 0;
    return all;
  };
  res.write = ((chunk: Chunk) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    pending.push(buf);
    size += buf.length;
    return size < USERLAND_BUFFER_BYTES || write(take());
  }) as ServerResponse['write'];
  res.end = ((chunk?: Chunk) => {
    if (chunk !== undefined) res.write(chunk);
    return end(take());
  }) as ServerResponse['end'];
}

/**
 * Request middleware (createSseServer's onRequest): once a 200 text/event-stream response starts,
 * its writes go through gzip (when the client accepts it) or a userland buffer. The stream code
 * calls write/end/writeHead(status, headers) only, which is all this wraps.
 */
export function bufferEventStreams(req: IncomingMessage, res: ServerResponse): void {
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const writeHead = res.writeHead.bind(res) as WriteHead;
  const write = res.write.bind(res) as Write;
  const end = res.end.bind(res) as End;
  res.writeHead = ((status: number, headers: OutgoingHttpHeaders = {}) => {
    if (status !== 200 || !isEventStream(headers)) return writeHead(status, headers);
    // THE DEFECT: the event stream is buffered by the app, so events leave in bursts.
    if (gzip) {
      gzipWithoutFlush(res, write, end);
      return writeHead(status, { ...headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
    }
    bufferInUserland(res, write, end);
    return writeHead(status, headers);
  }) as ServerResponse['writeHead'];
}

export const appBuffered: ZooMember = {
  name: 'app-buffered',
  summary: 'buffers the event stream in the app (gzip without flush, else 4 KiB): events arrive in bursts',
  defect:
    'The app buffers its own event stream: with Accept-Encoding gzip it compresses it (Content-Encoding: gzip) ' +
    'without flushing per event, otherwise it holds writes in userland until 4 KiB are pending. Either way events ' +
    'arrive in bursts and the first ones are late (without gzip, even the response headers).',
  realWorld:
    'Express `compression()` in front of an SSE route without calling `res.flush()` after each event, or a ' +
    'buffered writer (bufio.Writer, a framework response buffer) that is not flushed per event.',
  build: (options) => createSseServer({ ...options, onRequest: bufferEventStreams }),
};
