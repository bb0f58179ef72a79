/**
 * The idle watchdog against a real blackhole: toxiproxy's `timeout` toxic with timeout 0 reads and
 * drops every byte while keeping the sockets open, so nothing ever errors. Only the watchdog can
 * tell the stream is dead; after the toxic is gone the subscriber resumes from its last id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proxy } from 'toxiproxy-node-client';
import { createStreamAgent } from '../../harness/client/fleet.ts';
import { createSubscriber } from '../../harness/client/subscriber.ts';
import { createRunClock } from '../../harness/history/clock.ts';
import type { HistoryRecord } from '../../harness/history/records.ts';
import { History } from '../../harness/history/store.ts';
import { locateToxiproxy } from '../../harness/topology/binaries.ts';
import { startLocalToxiproxy, type LocalToxiproxy } from '../../harness/topology/toxiproxy-local.ts';
import { startFixtureServer, type FixtureServer } from './fixtures/sse-fixture-server.ts';
import { waitFor } from './wait.ts';

let server: FixtureServer;
let toxi: LocalToxiproxy | undefined;
let proxy: Proxy;
const agent = createStreamAgent();

beforeAll(async () => {
  server = await startFixtureServer();
  toxi = await startLocalToxiproxy((await locateToxiproxy()).path);
  proxy = await toxi.client.createProxy({
    name: 'edge',
    listen: '127.0.0.1:0',
    upstream: server.url.replace('http://', ''),
    enabled: true,
  });
});

afterAll(async () => {
  await agent.destroy();
  await toxi?.process.stop();
  await server.close();
});

describe('idle watchdog', () => {
  it('a timeout:0 blackhole is detected as stalled, and the stream resumes once it is gone', async () => {
    const h = new History();
    const s = createSubscriber({
      sub: 1,
      url: `http://${proxy.listen}/sse?interval=40&hb=40`,
      profile: 'browser',
      history: h,
      clock: createRunClock(),
      dispatcher: agent,
      heartbeatMs: 40,
      stallMultiple: 10,
      defaultRetryMs: 50,
    });
    try {
      s.start();
      await waitFor('3 events through the proxy', () => h.count('event') >= 3);
      const toxic = await proxy.addToxic({
        name: 'blackhole',
        type: 'timeout',
        stream: 'downstream',
        toxicity: 1,
        attributes: { timeout: 0 },
      });
      const from = h.size; // judge only what happened inside the blackhole
      const since = (): HistoryRecord[] => [...h.records()].slice(from);
      await waitFor('two stalled closes', () => since().filter((r) => r.kind === 'close').length >= 2);
      const inside = since();
      expect(inside.filter((r) => r.kind === 'close').every((c) => c.reason === 'stalled')).toBe(true);
      // The reconnect went into the blackhole too: it never got a response.
      expect(inside.filter((r) => r.kind === 'response')).toHaveLength(0);
      const lastId = [...h.ofKind('event')].at(-1)!.id;

      const responses = h.count('response');
      await toxic.remove();
      await waitFor('a response after the blackhole', () => h.count('response') > responses);
      const eventsBefore = h.count('event');
      await waitFor('events after the blackhole', () => h.count('event') >= eventsBefore + 2);
      const connects = [...h.ofKind('connect')];
      expect(connects.at(-1)!.lastEventId).toBe(lastId);
      const seqs = [...h.ofKind('event')].map((e) => e.seq!);
      // Resumed from the last id: strictly increasing, nothing received twice.
      expect(seqs.every((q, i) => i === 0 || q > seqs[i - 1])).toBe(true);
    } finally {
      await s.stop();
    }
  });
});
