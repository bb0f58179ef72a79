/**
 * Do subscribers agree on one order? Each subscriber's first arrivals (per topic) say "x came before
 * y" for every consecutive pair. If those statements, taken across the fleet, contain a cycle, two
 * subscribers saw some events in contradicting orders: the target has no single order (live writes
 * in one order, replays in another). No reference order is assumed, so events a subscriber missed
 * (a loss is judged elsewhere) can never make a consistent stream look reordered.
 *
 * Tarjan's strongly connected components, iterative (no recursion limit at millions of events).
 */

/** Adds the consecutive-pair edges of one subscriber's arrival sequence (event indexes). */
export class OrderGraph {
  private readonly edges = new Map<number, Set<number>>();

  constructor(readonly size: number) {}

  addSequence(events: readonly number[]): void {
    for (let i = 1; i < events.length; i++) {
      const from = events[i - 1]!;
      const to = events[i]!;
      if (from === to) continue;
      let out = this.edges.get(from);
      if (!out) this.edges.set(from, (out = new Set()));
      out.add(to);
    }
  }

  /** Events that lie on a cycle: the fleet saw them in contradicting orders. */
  contradicted(): Set<number> {
    const n = this.size;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack: number[] = [];
    const out = new Set<number>();
    let next = 0;
    const succ = (v: number): number[] => [...(this.edges.get(v) ?? [])];
    for (const root of this.edges.keys()) {
      if (index[root] !== -1) continue;
      // Each frame: a node and the position in its successor list.
      const frames: { v: number; s: number[]; i: number }[] = [{ v: root, s: succ(root), i: 0 }];
      index[root] = low[root] = next++;
      stack.push(root);
      onStack[root] = 1;
      while (frames.length) {
        const f = frames[frames.length - 1]!;
        if (f.i < f.s.length) {
          const w = f.s[f.i++]!;
          if (index[w] === -1) {
            index[w] = low[w] = next++;
            stack.push(w);
            onStack[w] = 1;
            frames.push({ v: w, s: succ(w), i: 0 });
          } else if (onStack[w]) low[f.v] = Math.min(low[f.v]!, index[w]!);
          continue;
        }
        frames.pop();
        const parent = frames[frames.length - 1];
        if (parent) low[parent.v] = Math.min(low[parent.v]!, low[f.v]!);
        if (low[f.v] === index[f.v]) {
          const component: number[] = [];
          let w: number;
          do {
            w = stack.pop()!;
            onStack[w] = 0;
            component.push(w);
          } while (w !== f.v);
          if (component.length > 1) for (const c of component) out.add(c);
        }
      }
    }
    return out;
  }
}
