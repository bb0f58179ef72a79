import { describe, expect, it } from 'vitest';
import { OrderGraph } from '../../harness/checks/order-graph.ts';

describe('OrderGraph', () => {
  it('finds no contradiction when every subscriber agrees, whatever each one missed', () => {
    const g = new OrderGraph(6);
    g.addSequence([0, 1, 2, 3, 4, 5]);
    g.addSequence([0, 2, 5]);
    g.addSequence([1, 3, 4]);
    expect(g.contradicted().size).toBe(0);
  });

  it('names the events two subscribers saw in opposite orders', () => {
    const g = new OrderGraph(5);
    g.addSequence([0, 1, 2, 3, 4]);
    g.addSequence([0, 3, 2, 4]); // 3 before 2
    expect([...g.contradicted()].sort()).toEqual([2, 3]);
  });

  it('finds a contradiction spread over three subscribers, and handles long chains without recursion', () => {
    const g = new OrderGraph(3);
    g.addSequence([0, 1]);
    g.addSequence([1, 2]);
    g.addSequence([2, 0]);
    expect(g.contradicted().size).toBe(3);
    const n = 200_000;
    const long = new OrderGraph(n);
    long.addSequence(Array.from({ length: n }, (_, i) => i));
    expect(long.contradicted().size).toBe(0);
  });
});
