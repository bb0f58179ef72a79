/** no-heartbeat: streams never carry heartbeat comments. */
import { createSseServer } from '../../server/app.ts';
import { StreamSession } from '../../server/stream.ts';
import type { ZooMember } from '../member.ts';

class SilentStream extends StreamSession {
  protected override sendHeartbeat(): void {
    // THE DEFECT: nothing is written between events, so an idle stream is silent.
  }
}

export const noHeartbeat: ZooMember = {
  name: 'no-heartbeat',
  summary: 'never sends heartbeat comments: idle streams go silent and proxies cut them',
  defect:
    'Streams never carry heartbeat comments (everything else is sent as usual), so a stream with no events is ' +
    'silent and any idle timer on the path (nginx proxy_read_timeout, a load balancer, a NAT) cuts it.',
  realWorld:
    'Most minimal SSE handlers write only events; the idle cut shows up in production behind nginx (60 s), AWS ALB ' +
    '(60 s) or Cloudflare (100 s) as periodic reconnects on quiet channels.',
  build: (options) => createSseServer({ ...options, createStream: (o) => new SilentStream(o) }),
};
