/**
 * The target's network namespace for faults below TCP: names that say whose it is, a private /30 per
 * link, packet loss and rate limits that the kernel counts, netem only where the kernel has it, and
 * nothing left behind: removed by its owner, by the guardian when the owner is SIGKILLed, and by the
 * next start's sweep when both died. Needs root (CI runs as root); skipped with the reason otherwise.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createNetns,
  netemMissing,
  netnsMissing,
  netnsNames,
  nftDropped,
  ownerOf,
  parseLinkNames,
  parseNetnsList,
  pickSubnet,
  qdiscCounters,
  sh,
  slotOf,
  sweepNetns,
  usedSlots,
} from '../../harness/topology/netns.ts';
import { netemArgs } from '../../harness/faults/actions/below-tcp.ts';

describe('network namespace names and addresses (pure)', () => {
  it('carry the prefix and the owner pid, in interface names of at most 15 characters', () => {
    expect(netnsNames(4_194_304, 12)).toEqual({
      netns: 'ssc-4194304-12',
      hostIf: 'ssc4194304h12',
      nsIf: 'ssc4194304n12',
      ctlHostIf: 'ssc4194304c12',
      ctlNsIf: 'ssc4194304d12',
    });
    expect(() => netnsNames(4_194_304, 123_456)).toThrow(/longer than 15 characters/);
    for (const name of ['ssc-77-1', 'ssc77h1', 'ssc77n1', 'ssc77c1', 'ssc77d1', 'ssc-77-0', 'ssc-77-00'])
      expect(ownerOf(name), name).toBe(77);
    for (const name of ['eth0', 'ssc-x-1', 'sscabc', 'ssc77x1', 'docker0'])
      expect(ownerOf(name), name).toBeUndefined();
  });

  it('read what ip lists, and pick a /30 nobody uses', () => {
    expect(parseNetnsList('ssc-1-1 (id: 3)\nother\n')).toEqual(['ssc-1-1', 'other']);
    expect(parseLinkNames('1: lo: <LOOPBACK>\n7: ssc5h1@if6: <BROADCAST>\n')).toEqual(['lo', 'ssc5h1']);
    const used = usedSlots('2: eth0    inet 10.211.0.5/30 brd x\n3: x    inet 192.168.1.2/24\n');
    expect([...used]).toEqual([1]);
    const a = pickSubnet(new Set(), 0, 1);
    expect(a).toEqual({ host: '10.211.0.5', ns: '10.211.0.6' });
    expect(pickSubnet(new Set([slotOf(a.ns)]), 0, 1)).toEqual({ host: '10.211.0.9', ns: '10.211.0.10' });
  });

  it('read the kernel counters and build netem arguments', () => {
    expect(nftDropped('counter packets 3 bytes 180 drop\ncounter packets 4 bytes 240 drop')).toBe(7);
    expect(qdiscCounters(' Sent 9000 bytes 60 pkt (dropped 2, overlimits 17 requeues 0)')).toEqual({
      packets: 60,
      dropped: 2,
      overlimits: 17,
    });
    const p = {
      delayMs: 100,
      jitterMs: 30,
      correlationPct: 25,
      reorderPct: 0,
      duplicatePct: 1,
      corruptPct: 0.1,
      lossPct: 0,
    };
    expect(netemArgs(p)).toEqual(['delay', '100ms', '30ms', '25%', 'duplicate', '1%', 'corrupt', '0.1%']);
  });
});

const missing = await netnsMissing();
const present = async (): Promise<{ namespaces: string[]; links: string[] }> => ({
  namespaces: parseNetnsList(await sh('ip', ['netns', 'list'])),
  links: parseLinkNames(await sh('ip', ['-o', 'link', 'show'])),
});
const ours = (names: string[], pid: number) => names.filter((n) => ownerOf(n) === pid);

describe.skipIf(missing !== undefined)(
  `a real network namespace${missing ? ` (skipped: needs ${missing})` : ''}`,
  () => {
    it('joins the host on two links, drops and shapes packets on the data link, and is gone when removed', async () => {
      const n = await createNetns();
      try {
        const c = n.control;
        expect(ours((await present()).namespaces, process.pid)).toContain(c.name);
        // Both links answer from the host.
        for (const address of [c.nsAddress, c.controlAddress])
          expect(await sh('ip', ['netns', 'exec', c.name, 'ip', '-o', '-4', 'addr', 'show'])).toContain(
            `inet ${address}/30`,
          );
        const undoLoss = await c.packetLoss(50, 'egress');
        expect(await sh('ip', ['netns', 'exec', c.name, 'nft', 'list', 'ruleset'])).toMatch(
          /numgen random mod 10000 < 5000/,
        );
        // Datagrams from inside to the host end of the data link cross the rule: about half are dropped.
        await sh('ip', [
          'netns',
          'exec',
          c.name,
          'bash',
          '-c',
          `for i in $(seq 1 20); do echo x > /dev/udp/${c.hostAddress}/9; done; true`,
        ]);
        expect((await c.counters()).lossDropped).toBeGreaterThan(0);
        await undoLoss();
        expect(await sh('ip', ['netns', 'exec', c.name, 'nft', 'list', 'ruleset'])).not.toMatch(/numgen/);
        const undoRate = await c.rate(1000, 16_000, 400);
        expect(await sh('ip', ['netns', 'exec', c.name, 'tc', 'qdisc', 'show'])).toMatch(/tbf .* rate 1Mbit/);
        await expect(c.rate(2000, 16_000, 400)).rejects.toThrow(/one rate or netem fault at a time/);
        await undoRate();
      } finally {
        await n.remove();
      }
      const after = await present();
      expect(ours(after.namespaces, process.pid)).toEqual([]);
      expect(ours(after.links, process.pid)).toEqual([]);
    });

    it('says why netem scenarios are skipped on a kernel without it, and runs them where it has it', async () => {
      const why = await netemMissing();
      const hasNetem = await sh('sh', [
        '-c',
        'zcat /proc/config.gz 2>/dev/null | grep -c "^CONFIG_NET_SCH_NETEM=" || true',
      ]);
      if (hasNetem.trim() === '0')
        expect(why).toMatch(
          /the netem qdisc \(this kernel has none: tc says ".*Specified qdisc kind is unknown/,
        );
      else if (hasNetem.trim() !== '') expect(why).toBeUndefined();
      // Its probe namespaces are gone either way.
      expect(ours((await present()).namespaces, process.pid)).toEqual([]);
    });

    async function owner(): Promise<{ netns: string; guardian: number; pid: number; exited: Promise<void> }> {
      const script = fileURLToPath(new URL('./fixtures/netns-owner.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      let out = '';
      const info = await new Promise<{ netns: string; guardian: number; pid: number }>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line) as { netns: string; guardian: number; pid: number });
        });
        void exited.then(() => reject(new Error('the owner exited before creating its namespace')));
      });
      return { ...info, exited };
    }

    async function gone(pid: number, timeoutMs: number): Promise<{ namespaces: string[]; links: string[] }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const p = await present();
        const left = { namespaces: ours(p.namespaces, pid), links: ours(p.links, pid) };
        if ((left.namespaces.length === 0 && left.links.length === 0) || Date.now() > deadline) return left;
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    it('is removed by the guardian when its owner is SIGKILLed', async () => {
      const o = await owner();
      expect(ours((await present()).namespaces, o.pid)).toEqual([o.netns]);
      process.kill(o.pid, 'SIGKILL');
      await o.exited;
      expect(await gone(o.pid, 10_000)).toEqual({ namespaces: [], links: [] });
    });

    it("is swept by the next start when its owner and the owner's guardian both died", async () => {
      const o = await owner();
      process.kill(o.guardian, 'SIGKILL'); // nobody left to clean up...
      process.kill(o.pid, 'SIGKILL');
      await o.exited;
      await new Promise((r) => setTimeout(r, 300));
      const left = await present();
      expect(ours(left.namespaces, o.pid)).toEqual([o.netns]); // ...so it is still there
      expect(ours(left.links, o.pid).sort()).toEqual([`ssc${o.pid}c1`, `ssc${o.pid}h1`]);
      const removed = await sweepNetns();
      expect(removed).toEqual(expect.arrayContaining([o.netns, `ssc${o.pid}h1`, `ssc${o.pid}c1`]));
      expect(await gone(o.pid, 5_000)).toEqual({ namespaces: [], links: [] });
    });
  },
);
