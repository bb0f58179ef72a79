/**
 * Faults below TCP: the target runs in a network namespace of its own, joined to the host by two veth
 * pairs on private /30s (10.211.x.y): the data link, which the proxy's origin leg uses and whose packets
 * can be dropped (nftables), rate-limited (tbf) or delayed, reordered, duplicated and corrupted (netem,
 * where the kernel has it); and the control link, which publishes, metrics and readiness use, never
 * faulted (an acknowledgement means "in the log", whatever the stream path suffers). The harness, nginx
 * and toxiproxy stay on the host. Needs root (CAP_NET_ADMIN) and iproute2 + nftables.
 *
 * Ownership: every name carries the prefix and the owner's pid (`ssc-<pid>-<k>`, veths
 * `ssc<pid>h<k>` / `ssc<pid>n<k>` (data) and `ssc<pid>c<k>` / `ssc<pid>d<k>` (control), 15 characters
 * at most); the owner removes what it made (the Owner's step), the guardian removes it when the owner
 * dies (SIGKILL included), and every start sweeps away namespaces and veths whose owner is dead.
 * Firewall rules and qdiscs live inside the namespace, so removing it removes them.
 *
 * Why nftables for packet loss: it is Debian bookworm's firewall (iptables there is iptables-nft, a
 * layer over the same kernel tables), `numgen random` is built in (CONFIG_NFT_NUMGEN), and one table of
 * our own is removed in one command. netem is probed, not assumed: kernels without
 * CONFIG_NET_SCH_NETEM (this machine's) answer "Specified qdisc kind is unknown".
 */
import { execFile } from 'node:child_process';
import { InfrastructureError } from './errors.ts';
import { guardNetns, releaseNetns } from './guardian.ts';
import { onPath } from './binaries.ts';

export const NETNS_PREFIX = 'ssc';
/** The /16 the namespaces' /30s are carved from (private, unlikely to be routed on a test machine). */
const SUBNET_BASE = [10, 211] as const;

export interface NetnsNames {
  netns: string;
  /** The data link: host end, namespace end. */
  hostIf: string;
  nsIf: string;
  /** The control link: host end, namespace end. */
  ctlHostIf: string;
  ctlNsIf: string;
}

/** The names of namespace `k` of owner `pid` (pure). */
export function netnsNames(pid: number, k: number): NetnsNames {
  const names = {
    netns: `${NETNS_PREFIX}-${pid}-${k}`,
    hostIf: `${NETNS_PREFIX}${pid}h${k}`,
    nsIf: `${NETNS_PREFIX}${pid}n${k}`,
    ctlHostIf: `${NETNS_PREFIX}${pid}c${k}`,
    ctlNsIf: `${NETNS_PREFIX}${pid}d${k}`,
  };
  if (names.hostIf.length > 15)
    throw new Error(`interface name ${names.hostIf} is longer than 15 characters`);
  return names;
}

/** The owner pid in one of our namespace or interface names, else undefined (pure). */
export function ownerOf(name: string): number | undefined {
  const m = new RegExp(`^${NETNS_PREFIX}(?:-(\\d+)-\\d+|(\\d+)[hncd]\\d+)$`).exec(name);
  const pid = m ? Number(m[1] ?? m[2]) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Namespace names from `ip netns list` ("name (id: 3)" or "name" per line) (pure). */
export function parseNetnsList(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** Interface names from `ip -o link show` ("7: name@if6: <...>" per line) (pure). */
export function parseLinkNames(output: string): string[] {
  return output
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined);
}

/** IPv4 /30 networks in use, as the index of their /30 within SUBNET_BASE (from `ip -o -4 addr`) (pure). */
export function usedSlots(addrOutput: string): Set<number> {
  const used = new Set<number>();
  for (const m of addrOutput.matchAll(/inet (\d+)\.(\d+)\.(\d+)\.(\d+)\//g)) {
    if (Number(m[1]) !== SUBNET_BASE[0] || Number(m[2]) !== SUBNET_BASE[1]) continue;
    used.add(Number(m[3]) * 64 + Math.floor(Number(m[4]) / 4));
  }
  return used;
}

/** The /30 slot of an address in SUBNET_BASE (pure). */
export function slotOf(address: string): number {
  const [, , third, fourth] = address.split('.').map(Number);
  return third! * 64 + Math.floor(fourth! / 4);
}

/** A free /30 (host .1, namespace .2): from a slot derived from the pid, the next one not in use (pure). */
export function pickSubnet(used: ReadonlySet<number>, pid: number, k: number): { host: string; ns: string } {
  const slots = 256 * 64;
  const start = (pid * 7 + k) % slots;
  for (let i = 0; i < slots; i++) {
    const slot = (start + i) % slots;
    if (slot === 0 || used.has(slot)) continue;
    const third = Math.floor(slot / 64);
    const fourth = (slot % 64) * 4;
    const base = `${SUBNET_BASE[0]}.${SUBNET_BASE[1]}.${third}`;
    return { host: `${base}.${fourth + 1}`, ns: `${base}.${fourth + 2}` };
  }
  throw new Error(`no free /30 left in ${SUBNET_BASE.join('.')}.0.0/16`);
}

/** Runs a command; resolves with its output, rejects with the command and its stderr. */
export function sh(file: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${[file, ...args].join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(`${stdout}`);
    });
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes namespaces and host-side veths whose owner process is gone (a harness that was SIGKILLed
 * together with its guardian, a machine that lost power mid-run). Resolves with what it removed.
 */
export async function sweepNetns(isAlive: (pid: number) => boolean = alive): Promise<string[]> {
  const removed: string[] = [];
  const stale = (name: string): boolean => {
    const pid = ownerOf(name);
    return pid !== undefined && pid !== process.pid && !isAlive(pid);
  };
  for (const link of parseLinkNames(await sh('ip', ['-o', 'link', 'show']).catch(() => ''))) {
    if (!stale(link)) continue;
    await sh('ip', ['link', 'delete', link]).then(
      () => removed.push(link),
      () => {},
    );
  }
  for (const ns of parseNetnsList(await sh('ip', ['netns', 'list']).catch(() => ''))) {
    if (!stale(ns)) continue;
    await sh('ip', ['netns', 'delete', ns]).then(
      () => removed.push(ns),
      () => {},
    );
  }
  return removed;
}

/** Whether a stack can put its target in a network namespace here; why not otherwise (a skip reason). */
let netnsProbe: Promise<string | undefined> | undefined;
export function netnsMissing(): Promise<string | undefined> {
  netnsProbe ??= (async () => {
    if (process.getuid?.() !== 0)
      return 'root: network namespaces, veth pairs, nftables rules and qdiscs need CAP_NET_ADMIN (run as root)';
    for (const [tool, pkg] of [
      ['ip', 'iproute2'],
      ['tc', 'iproute2'],
      ['nft', 'nftables'],
    ] as const) {
      if (onPath(tool, `${process.env.PATH ?? ''}:/usr/sbin:/sbin`).length === 0)
        return `${tool} (apt-get install -y ${pkg})`;
    }
    // Probes are namespace 0 and 00 of this process: swept like the others if we die mid-probe.
    const name = `${NETNS_PREFIX}-${process.pid}-0`;
    try {
      await sh('ip', ['netns', 'add', name]);
      await sh('ip', ['netns', 'exec', name, 'nft', 'add', 'table', 'inet', 'probe']);
      return undefined;
    } catch (err) {
      return `network namespaces with nftables (the probe failed: ${(err as Error).message.split('\n')[0]})`;
    } finally {
      await sh('ip', ['netns', 'delete', name]).catch(() => {});
    }
  })();
  return netnsProbe;
}

/** Whether the kernel has the netem qdisc; why not otherwise (a skip reason). */
let netemProbe: Promise<string | undefined> | undefined;
export function netemMissing(): Promise<string | undefined> {
  netemProbe ??= (async () => {
    const base = await netnsMissing();
    if (base) return base;
    const name = `${NETNS_PREFIX}-${process.pid}-00`;
    try {
      await sh('ip', ['netns', 'add', name]);
      await sh('ip', [
        'netns',
        'exec',
        name,
        'tc',
        'qdisc',
        'add',
        'dev',
        'lo',
        'root',
        'netem',
        'delay',
        '1ms',
      ]);
      return undefined;
    } catch (err) {
      const said = (err as Error).message.split(': ').slice(1).join(': ') || (err as Error).message;
      return `the netem qdisc (this kernel has none: tc says "${said}"; CONFIG_NET_SCH_NETEM is not set)`;
    } finally {
      await sh('ip', ['netns', 'delete', name]).catch(() => {});
    }
  })();
  return netemProbe;
}

/** What the kernel counted on the data link: what a fault below TCP did, for the history. */
export interface LinkCounters {
  /** Packets the packet-loss rules dropped (nftables counters). */
  lossDropped: number;
  /** The root qdisc's counters (tbf, netem; zeros without one). */
  qdiscPackets: number;
  qdiscDropped: number;
  /** Packets the shaper had to hold back (tbf's overlimits). */
  qdiscOverlimits: number;
}

/** Sums the `counter packets N` of an nftables listing (pure). */
export function nftDropped(listing: string): number {
  let n = 0;
  for (const m of listing.matchAll(/counter packets (\d+)/g)) n += Number(m[1]);
  return n;
}

/** The counters of `tc -s qdisc show` ("Sent B bytes P pkt (dropped D, overlimits O ...") (pure). */
export function qdiscCounters(stats: string): { packets: number; dropped: number; overlimits: number } {
  const m = /Sent \d+ bytes (\d+) pkt \(dropped (\d+), overlimits (\d+)/.exec(stats);
  return m
    ? { packets: Number(m[1]), dropped: Number(m[2]), overlimits: Number(m[3]) }
    : { packets: 0, dropped: 0, overlimits: 0 };
}

/** Packet faults on the namespace's data link; each returns its undo. */
export interface NetnsControl {
  readonly name: string;
  /** The namespace's address on the data link (the origin leg's upstream) and the host end's. */
  readonly nsAddress: string;
  readonly hostAddress: string;
  /** The namespace's address on the control link (publishes, metrics, readiness). */
  readonly controlAddress: string;
  /** Drops `percent` of the packets crossing the link (nftables numgen), in `direction`. */
  packetLoss(percent: number, direction: 'both' | 'egress' | 'ingress'): Promise<() => Promise<void>>;
  /** Caps what leaves the namespace (the target's answers and streams) with tbf. */
  rate(kbit: number, burstBytes: number, latencyMs: number): Promise<() => Promise<void>>;
  /** netem on what leaves the namespace: `args` as tc takes them (`delay 100ms 20ms 25%`, `reorder 25%`...). */
  netem(args: readonly string[]): Promise<() => Promise<void>>;
  /** `ip netns exec NAME`: run a program inside. */
  readonly exec: readonly string[];
  /** What the active faults did so far (read before undoing one: its counters go with it). */
  counters(): Promise<LinkCounters>;
}

export interface LocalNetns {
  control: NetnsControl;
  /** Removes the veth pair and the namespace (and with them every rule and qdisc); idempotent. */
  remove(): Promise<void>;
}

let created = 0;

/** Creates a namespace with a veth pair to the host, after sweeping away dead owners' leftovers. */
export async function createNetns(): Promise<LocalNetns> {
  const missing = await netnsMissing();
  if (missing) throw new InfrastructureError('netns', `cannot create a network namespace: needs ${missing}`);
  await sweepNetns();
  const names = netnsNames(process.pid, ++created);
  const { netns, hostIf, nsIf, ctlHostIf, ctlNsIf } = names;
  guardNetns(netns, [hostIf, ctlHostIf]);
  let removed: Promise<void> | undefined;
  const remove = (): Promise<void> =>
    (removed ??= (async () => {
      // Deleting one end removes the pair at once; the namespace goes with it (asynchronously in the kernel).
      for (const link of [hostIf, ctlHostIf]) await sh('ip', ['link', 'delete', link]).catch(() => {});
      await sh('ip', ['netns', 'delete', netns]).catch(() => {});
      releaseNetns(netns, [hostIf, ctlHostIf]);
    })());
  let subnet: { host: string; ns: string };
  let control: { host: string; ns: string };
  try {
    const used = usedSlots(await sh('ip', ['-o', '-4', 'addr', 'show']));
    subnet = pickSubnet(used, process.pid, created);
    used.add(slotOf(subnet.ns));
    control = pickSubnet(used, process.pid, created);
    const inNs = (...args: string[]) => sh('ip', ['-n', netns, ...args]);
    await sh('ip', ['netns', 'add', netns]);
    for (const [h, n, net] of [
      [hostIf, nsIf, subnet],
      [ctlHostIf, ctlNsIf, control],
    ] as const) {
      await sh('ip', ['link', 'add', h, 'type', 'veth', 'peer', 'name', n]);
      await sh('ip', ['link', 'set', n, 'netns', netns]);
      await sh('ip', ['addr', 'add', `${net.host}/30`, 'dev', h]);
      await sh('ip', ['link', 'set', h, 'up']);
      await inNs('addr', 'add', `${net.ns}/30`, 'dev', n);
      await inNs('link', 'set', n, 'up');
    }
    await inNs('link', 'set', 'lo', 'up');
  } catch (err) {
    await remove();
    throw new InfrastructureError('netns', `could not set up ${netns}: ${(err as Error).message}`);
  }
  const exec = ['ip', 'netns', 'exec', netns] as const;
  const inside = (file: string, ...args: string[]) => sh('ip', ['netns', 'exec', netns, file, ...args]);
  let lossRules = 0;
  const lossTables = new Set<string>();
  let qdisc: string | undefined;
  const rootQdisc = async (kind: string, args: readonly string[]): Promise<() => Promise<void>> => {
    if (qdisc) throw new Error(`a ${qdisc} qdisc is already on ${nsIf}: one rate or netem fault at a time`);
    await inside('tc', 'qdisc', 'add', 'dev', nsIf, 'root', kind, ...args);
    qdisc = kind;
    return async () => {
      qdisc = undefined;
      await inside('tc', 'qdisc', 'del', 'dev', nsIf, 'root');
    };
  };
  const netnsControl: NetnsControl = {
    name: netns,
    nsAddress: subnet.ns,
    hostAddress: subnet.host,
    controlAddress: control.ns,
    exec,
    async packetLoss(percent, direction) {
      const table = `sse_chaos_loss_${++lossRules}`;
      // numgen random mod 10000 < N: N in ten-thousandths, so 0.5 % is 50.
      const n = Math.round(percent * 100);
      const chains: [string, string][] = [];
      if (direction !== 'ingress')
        chains.push(['egress', `type filter hook output priority 0; policy accept;`]);
      if (direction !== 'egress')
        chains.push(['ingress', `type filter hook input priority 0; policy accept;`]);
      const script = [
        `table inet ${table} {`,
        ...chains.map(
          ([chain, hook]) =>
            `  chain ${chain} { ${hook} ${chain === 'egress' ? 'oifname' : 'iifname'} "${nsIf}" numgen random mod 10000 < ${n} counter drop; }`,
        ),
        '}',
      ].join('\n');
      await inside('nft', script);
      lossTables.add(table);
      return async () => {
        lossTables.delete(table);
        await inside('nft', 'delete', 'table', 'inet', table);
      };
    },
    async counters() {
      let lossDropped = 0;
      for (const table of lossTables)
        lossDropped += nftDropped(await inside('nft', 'list', 'table', 'inet', table));
      const q = qdisc
        ? qdiscCounters(await inside('tc', '-s', 'qdisc', 'show', 'dev', nsIf))
        : { packets: 0, dropped: 0, overlimits: 0 };
      return { lossDropped, qdiscPackets: q.packets, qdiscDropped: q.dropped, qdiscOverlimits: q.overlimits };
    },
    rate: (kbit, burstBytes, latencyMs) =>
      rootQdisc('tbf', ['rate', `${kbit}kbit`, 'burst', String(burstBytes), 'latency', `${latencyMs}ms`]),
    netem: (args) => rootQdisc('netem', args),
  };
  return { control: netnsControl, remove };
}
