import { describe, it, expect } from 'vitest';
import { faults } from '../../harness/checks/fault-effects.ts';
import { HistoryBuilder, testContext } from './build-history.ts';

const ctx = testContext();

/** Two subscribers streaming steadily on topic a for 5 s, with `latencyMs` from `from` to `to`. */
function streaming(latencyIn: (t: number) => number): HistoryBuilder {
  const b = new HistoryBuilder()
    .run(0, 10_000)
    .fleet(0, 2, { topics: ['a'] })
    .open(0, 1)
    .open(0, 2);
  for (let i = 1; i <= 50; i++) {
    const t = i * 100;
    b.publish(t, 'a', i);
    b.deliver(t - 1 + latencyIn(t), 1, 'a', i).deliver(t - 1 + latencyIn(t), 2, 'a', i);
  }
  return b;
}

describe('faults check: every fault took effect', () => {
  it('sees a latency toxic in the delays of events published under it', () => {
    const b = streaming((t) => (t >= 1000 && t <= 3000 ? 152 : 2));
    b.fault(1000, 3000, 'latency', { leg: 'edge', params: { latency: 150, jitter: 0 } });
    expect(faults.run(b.build(), ctx)).toMatchObject({ 'faults.count': 1, 'faults.withoutEffect': 0 });
  });

  it('flags a latency toxic that delayed nothing (the stream does not go through that leg)', () => {
    const b = streaming(() => 2);
    b.fault(1000, 3000, 'latency', { leg: 'edge', params: { latency: 150, jitter: 0 } });
    expect(faults.run(b.build(), ctx)['faults.withoutEffect']).toBe(1);
  });

  it('sees a cut in the streams it closed, and flags one that closed none', () => {
    const cut = streaming(() => 2)
      .fault(6000, 6500, 'cut', { leg: 'edge' })
      .close(6000, 1, 'eof');
    expect(faults.run(cut.build(), ctx)['faults.withoutEffect']).toBe(0);
    const missed = streaming(() => 2)
      .fault(6000, 6500, 'cut', { leg: 'edge-b' })
      .close(6000, 1, 'eof');
    expect(faults.run(missed.build(), ctx)['faults.withoutEffect']).toBe(1); // sub 1 is on edge, not edge-b
  });

  it('sees a restart in the exit it recorded', () => {
    const b = streaming(() => 2)
      .fault(6000, 7000, 'target-sigkill')
      .target(6000, 'sigkill')
      .target(6010, 'exit');
    expect(faults.run(b.build(), ctx)['faults.withoutEffect']).toBe(0);
    const none = streaming(() => 2).fault(6000, 7000, 'target-sigkill');
    expect(faults.run(none.build(), ctx)['faults.withoutEffect']).toBe(1);
  });

  it('counts faults whose effect a history cannot show as unverifiable, not as failures', () => {
    const b = streaming(() => 2).fault(1000, 2000, 'slicer', { leg: 'edge', params: { averageSize: 10 } });
    expect(faults.run(b.build(), ctx)).toMatchObject({ 'faults.withoutEffect': 0, 'faults.unverifiable': 1 });
  });
});
