/** Diagnoses point at the user's own directives when the plan hands them the proxy facts. */
import { describe, expect, it } from 'vitest';
import { checkContext } from '../../harness/checks/context.ts';
import { defaultSlos } from '../../harness/slo/defaults.ts';
import { proxyFacts } from '../../harness/topology/proxy-facts.ts';

const ctx = checkContext({
  heartbeatMs: 45_000,
  browserDefaultRetryMs: 3000,
  backoffCapMs: 3000,
  watchdogMs: 135_000,
  graceMs: 0,
});
const budgets = { maxReconnectWaitMs: 3000, minAcknowledged: 1, minWindowEvents: 1 };
const nginx = proxyFacts({
  kind: 'nginx',
  file: 'conf/sse.conf',
  text: 'location /e {\n  proxy_pass http://{{upstream}};\n  proxy_buffering on;\n  gzip on;\n\n  proxy_read_timeout 30s;\n}\n',
});
const slo = (name: string, facts = nginx) => defaultSlos(ctx, budgets, facts).find((s) => s.name === name)!;

describe('diagnoses with proxy facts', () => {
  it("names the user's idle timeout, its line, and how it compares with the heartbeat and the cuts", () => {
    const text = slo('no-idle-cuts').diagnose({
      'heartbeat.idleCuts': 12,
      'heartbeat.idleCutSilenceP50Ms': 30_010,
    });
    expect(text).toMatch(
      /your `proxy_read_timeout 30s` \(line 6 of conf\/sse\.conf\) is shorter than the declared heartbeat \(45000 ms\) and matches the ~30010 ms of silence/i,
    );
  });

  it("names the user's buffering line, and the gzip lines when streams were compressed", () => {
    const plain = slo('no-proxy-buffering').diagnose({ 'buffering.burstiness': 0.9 });
    expect(plain).toMatch(/your `proxy_buffering on` \(line 3 of conf\/sse\.conf\) buffer the response/);
    expect(plain).not.toMatch(/gzip on/);
    const gz = slo('time-to-first-byte').diagnose({ 'buffering.compressedStreams': 4 });
    expect(gz).toMatch(/your `gzip on` \(line 4 of conf\/sse\.conf\) compress text\/event-stream/);
  });

  it('names a Caddy write timeout behind age cuts', () => {
    const caddy = proxyFacts({
      kind: 'caddy',
      file: 'Caddyfile',
      text: '{\n servers {\n  timeouts {\n   write 15s\n  }\n }\n}\n',
    });
    expect(
      slo('no-age-cuts', caddy).diagnose({ 'heartbeat.ageCuts': 9, 'heartbeat.ageCutAgeP50Ms': 15_400 }),
    ).toMatch(
      /your `write 15s` \(line 4 of Caddyfile\) is a deadline on the whole response, matching the ~15400 ms age/i,
    );
  });

  it('says nothing of a config when the run has none (a built-in profile)', () => {
    const text = defaultSlos(ctx, budgets)
      .find((s) => s.name === 'no-idle-cuts')!
      .diagnose({ 'heartbeat.idleCuts': 1 });
    expect(text).not.toMatch(/your `/i);
  });
});
