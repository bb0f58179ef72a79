import { describe, it, expect } from 'vitest';
import { server, sumMetric } from '../../harness/checks/server.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext();

describe('server check', () => {
  it('reports connections left open after the run, summed over label sets', () => {
    const b = new HistoryBuilder().run(0, 10_000);
    b.metrics(0, 'before', {
      sse_active_connections: 0,
      'sse_slow_client_disconnects_total{reason="queue"}': 1,
    });
    b.metrics(9000, 'after', {
      'sse_active_connections{topic="a"}': 2,
      'sse_active_connections{topic="b"}': 1,
      'sse_slow_client_disconnects_total{reason="queue"}': 4,
      'sse_slow_client_disconnects_created{reason="queue"}': 1_700_000_000,
    });
    expect(server.run(b.build(), ctx)).toMatchObject({
      'server.connectionLeak': 3,
      'server.slowClientDisconnects': 3,
    });
  });

  it('is not applicable without both scrapes', () => {
    const b = new HistoryBuilder().run(0, 10_000).metrics(9000, 'after', { sse_active_connections: 0 });
    const m = server.run(b.build(), ctx);
    expect(m['server.connectionLeak']).toBeNull();
    expect(m['server.slowClientDisconnects']).toBeNull();
  });

  it('sumMetric matches metric names, not prefixes of other names', () => {
    const samples = { sse_active_connections: 1, sse_active_connections_peak: 9 };
    expect(sumMetric(samples, (n) => n === 'sse_active_connections')).toBe(1);
  });
});
