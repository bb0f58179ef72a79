/**
 * TLS and HTTP/2 between the clients and nginx, on the real local stack: a certificate made for the
 * run (and gone with it), nginx listening with `ssl http2`, the modelled fleet multiplexing every
 * stream on one HTTP/2 connection per origin and trusting exactly the run's certificate.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleet, createStreamAgent } from '../../harness/client/fleet.ts';
import { createRunClock } from '../../harness/history/clock.ts';
import { History } from '../../harness/history/store.ts';
import { startTopology, type Topology } from '../../harness/topology/index.ts';
import { parseTarget } from '../../harness/topology/target.ts';
import { opensslArgs } from '../../harness/topology/tls-cert.ts';
import { publish } from './helpers/stream-probe.ts';

const target = parseTarget({ kind: 'reference', options: { heartbeatMs: 1000 } });
let h2: Topology;
let h1: Topology;

beforeAll(async () => {
  h2 = await startTopology({ profile: 'good', target, runtime: 'local', tls: { http2: true } });
  h1 = await startTopology({ profile: 'good', target, runtime: 'local', tls: { http2: false } });
});

afterAll(async () => {
  await Promise.all([h2?.stop(), h1?.stop()]);
});

const waitFor = async (what: string, cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('TLS and HTTP/2 to nginx', () => {
  it("serves https with a certificate made for the run, valid for this machine's addresses", () => {
    for (const t of [h1, h2]) {
      expect(t.urls.stream).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
      expect(t.urls.streamB).toMatch(/^https:/);
      const cert = new X509Certificate(t.tls!.certificate);
      expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
      expect(new Date(cert.validTo).getTime() - Date.now()).toBeLessThan(3 * 86_400_000);
    }
    expect(h2.tls!.certificate).not.toBe(h1.tls!.certificate);
    expect(h2.tls!.http2).toBe(true);
    expect(h2.proxy.config).toMatch(/listen 127\.0\.0\.1:\d+ ssl http2;/);
    expect(h1.proxy.config).toMatch(/listen 127\.0\.0\.1:\d+ ssl;/);
    expect(h2.proxy.config).toContain('ssl_certificate_key ');
    expect(opensslArgs('/d')).toContain('subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost');
  });

  it('a client that does not trust the run certificate is refused; one that does streams', async () => {
    const untrusting = new Agent();
    try {
      await expect(request(h2.urls.stream, { dispatcher: untrusting })).rejects.toThrow(/self[- ]signed/i);
    } finally {
      await untrusting.close();
    }
  });

  it('the modelled fleet multiplexes every stream on one HTTP/2 connection per origin, and gets every event', async () => {
    const agent = createStreamAgent({ ca: h2.tls!.certificate, http2: true });
    const history = new History();
    const fleet = createFleet({
      size: 12,
      url: h2.urls.stream,
      history,
      clock: createRunClock(),
      dispatcher: agent,
      heartbeatMs: 1000,
    });
    try {
      await fleet.start();
      await waitFor('12 open streams', () => fleet.counters.connected === 12);
      const origin = new URL(h2.urls.stream).origin;
      // One client (one connection) per origin, running all twelve streams at once.
      expect(agent.stats[origin]).toMatchObject({ connected: true, running: 12 });
      for (const data of ['a', 'b', 'c']) await publish(target, h2.urls.publish, data);
      await waitFor('36 events', () => fleet.counters.events === 36);
    } finally {
      await fleet.stop();
      await agent.close();
    }
  });

  it('over TLS without HTTP/2 each stream has its own connection', async () => {
    const agent = createStreamAgent({ ca: h1.tls!.certificate });
    const fleet = createFleet({
      size: 3,
      url: h1.urls.stream,
      history: new History(),
      clock: createRunClock(),
      dispatcher: agent,
    });
    try {
      await fleet.start();
      await waitFor('3 open streams', () => fleet.counters.connected === 3);
      expect((agent.stats[new URL(h1.urls.stream).origin] as { connected: number }).connected).toBe(3);
    } finally {
      await fleet.stop();
      await agent.close();
    }
  });

  it('the certificate and key go with the stack', async () => {
    // Each nginx's private prefix (named in its config) holds its run's certificate and key.
    const prefixes = [h1, h2].map((t) => /^pid (\S+)\/nginx\.pid;$/m.exec(t.proxy.config)![1]!);
    for (const p of prefixes)
      expect(readdirSync(p)).toEqual(expect.arrayContaining(['tls-cert.pem', 'tls-key.pem']));
    await Promise.all([h2.stop(), h1.stop()]);
    for (const p of prefixes) expect(existsSync(p), p).toBe(false);
  });
});
